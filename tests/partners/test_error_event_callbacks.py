"""An error event inside a 200 stream, side by side: what a callback's `on_llm_error`
receives (the error's class, `status_code`, whether it has a `response`, and the
`response` LLMResult langchain-core builds from it), and what the raised error shows,
for langchain-openai's and langchain-anthropic's classes and chatplex's drop-ins
against the same scripted stream."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler

import chatplex.langchain
from tests.partners._dropins_alone import DropInsAlone
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import run_both


class _Recorder(BaseCallbackHandler):
    """Keeps what each `on_llm_error` received."""

    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        response = kwargs.get("response")
        generations = getattr(response, "generations", None) or []
        self.errors.append(
            {
                "class": type(error).__name__,
                "status_code": getattr(error, "status_code", None),
                "has_response": hasattr(error, "response"),
                "generations": [[_generation(g) for g in row] for row in generations],
            }
        )


def _generation(generation: Any) -> tuple[Any, ...]:
    """A generation's message class, its metadata's keys and status (the headers' values
    hold the server's date: not compared)."""
    metadata = generation.message.response_metadata
    return type(generation.message).__name__, sorted(metadata), metadata.get("status_code")


def _streamed_then_failed(cls: Any, url: str, how: str, **settings: Any) -> dict[str, Any]:
    """Stream one call of `cls` (`how`: "stream" or "astream") with a recording
    callback; what the callback and the raised error showed."""
    recorder = _Recorder()
    model = cls(base_url=url, max_retries=0, callbacks=[recorder], **settings)
    raised: BaseException | None = None
    pieces: list[Any] = []

    async def collected() -> None:
        pieces.extend([chunk.content async for chunk in model.astream("hi")])

    try:
        if how == "astream":
            asyncio.run(collected())
        else:
            pieces.extend(chunk.content for chunk in model.stream("hi"))
    except Exception as err:  # the error event, as each raises it
        raised = err
    assert raised is not None
    return {
        "pieces": pieces,
        "raised": type(raised).__name__,
        "status_code": getattr(raised, "status_code", None),
        "has_response": hasattr(raised, "response"),
        "callbacks": recorder.errors,
    }


def _sse(*events: tuple[str | None, dict[str, Any]]) -> list[bytes]:
    return [
        (f"event: {name}\n" if name else "").encode() + f"data: {json.dumps(data)}\n\n".encode()
        for name, data in events
    ]


def _openai_stream(seen: Seen) -> Reply:
    chunk = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hel"}}],
    }
    error = {"error": {"message": "The server had an error", "type": "server_error"}}
    return Reply(200, _sse((None, chunk), (None, error)), "text/event-stream")


def _anthropic_stream(seen: Seen) -> Reply:
    head = {"id": "msg_01", "type": "message", "role": "assistant", "model": "claude-haiku-4-5"}
    message = {**head, "content": [], "stop_reason": None, "stop_sequence": None}
    start = {"type": "message_start", "message": {**message, "usage": {"input_tokens": 3}}}
    block = {"type": "content_block_start", "index": 0, "content_block": {"type": "text"}}
    block["content_block"]["text"] = ""
    delta = {"type": "content_block_delta", "index": 0}
    delta["delta"] = {"type": "text_delta", "text": "Hel"}
    error = {"type": "error", "error": {"type": "api_error", "message": "Internal error"}}
    events = _sse(
        ("message_start", start),
        ("content_block_start", block),
        ("content_block_delta", delta),
        ("error", error),
    )
    return Reply(200, events, "text/event-stream", headers={"request-id": "req_01"})


def _both_streamed_then_failed(
    server: ScriptedServer, package: str, name: str, how: str, settings: dict[str, Any]
) -> tuple[Any, Any]:
    """`_streamed_then_failed` of the partner package's class `name` and of chatplex's
    (`chatplex.langchain`'s), against `server`: (theirs, ours)."""
    partner = getattr(pytest.importorskip(package), name)
    theirs, ours, *_ = run_both(
        server,
        lambda: _streamed_then_failed(partner, server.url, how, **settings),
        lambda: _streamed_then_failed(
            getattr(chatplex.langchain, name), server.url, how, **settings
        ),
        result=lambda outcome: outcome,
        request=lambda seen: seen.path,
    )
    return theirs, ours


@pytest.mark.parametrize("how", ["stream", "astream"])
def test_openai_error_event_reaches_callbacks_as_langchain_openais(
    server: ScriptedServer, how: str
) -> None:
    """The openai SDK raises its plain APIError for an error event, which has no
    `response`: langchain-core's `on_llm_error` then gets the streamed chunk's
    generation alone, no second one built from the error's response."""
    server.handler = _openai_stream
    settings = {"model": "gpt-4o-mini", "api_key": "sk-test-0000"}
    theirs, ours = _both_streamed_then_failed(
        server, "langchain_openai", "ChatOpenAI", how, settings
    )
    assert theirs["has_response"] is False
    assert theirs["callbacks"]  # the callback saw the error
    assert ours == theirs


@pytest.mark.parametrize("how", ["stream", "astream"])
def test_anthropic_error_event_status_code_is_the_streams(server: ScriptedServer, how: str) -> None:
    """The anthropic SDK raises APIStatusError for an error event, its `status_code` the
    stream's own status (200), as langchain-anthropic lets it through."""
    server.handler = _anthropic_stream
    settings = {"model": "claude-haiku-4-5", "api_key": "sk-ant-test-0000"}
    theirs, ours = _both_streamed_then_failed(
        server, "langchain_anthropic", "ChatAnthropic", how, settings
    )
    assert theirs["status_code"] == 200
    assert [seen["status_code"] for seen in theirs["callbacks"]] == [200]
    assert ours == theirs


_WITHOUT_THE_SDK = """
import json, sys
import chatplex.langchain
from tests.partners.test_error_event_callbacks import _streamed_then_failed
name, url, how, settings = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
sdk = {"ChatOpenAI": "openai", "ChatAnthropic": "anthropic"}[name]
assert sdk not in sys.modules
outcome = _streamed_then_failed(getattr(chatplex.langchain, name), url, how, **settings)
print(json.dumps(outcome))
"""


@pytest.mark.parametrize(
    ("name", "partner", "answer", "settings"),
    [
        ("ChatOpenAI", "langchain_openai", _openai_stream, {"model": "gpt-4o-mini"}),
        ("ChatAnthropic", "langchain_anthropic", _anthropic_stream, {"model": "claude-haiku-4-5"}),
    ],
)
def test_the_error_event_is_the_partners_without_the_sdk_imported(
    server: ScriptedServer,
    dropins_alone: DropInsAlone,
    name: str,
    partner: str,
    answer: Any,
    settings: dict[str, Any],
) -> None:
    """A script that imports chatplex's drop-in alone (not the SDK, which the partner
    package always imports) gets the partner's error and callbacks all the same: the
    drop-in's error loads the SDK its partner imports."""
    module = pytest.importorskip(partner)
    server.handler = answer
    settings = {**settings, "api_key": "sk-test-0000"}
    theirs = _streamed_then_failed(getattr(module, name), server.url, "stream", **settings)
    ran = dropins_alone.run(_WITHOUT_THE_SDK, name, server.url, "stream", json.dumps(settings))
    ours = json.loads(ran.stdout.strip().splitlines()[-1])
    assert ours == json.loads(json.dumps(theirs))
