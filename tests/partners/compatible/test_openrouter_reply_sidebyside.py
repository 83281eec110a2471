"""ChatOpenRouter's replies side by side with langchain-openrouter's, which reads them
itself (not through langchain-openai): a reply as OpenRouter sends it (the routed
`provider`, `native_finish_reason`, the usage's `cost`, cached and reasoning tokens), a
tool call, its stream (a text's, a tool call's, async: the processing comment, the usage
record alone), and a structured call whose reply is no JSON, with and without
`include_raw=True`: its parser's OutputParserException (in `parsing_error`), where a
reply read as langchain-openai's parse() raised pydantic's ValidationError."""

from __future__ import annotations

import asyncio
import json
import warnings
from typing import Any

import pytest

from tests._merged_text import merged
from tests.partners._machinery import get_weather
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import plain_request
from tests.partners._sidebyside import run_both
from tests.partners.compatible.test_openrouter_attribution_sidebyside import OPENROUTER

pytest.importorskip("langchain_openrouter")
pydantic = pytest.importorskip("pydantic")

import chatplex.langchain  # noqa: E402

USAGE = {
    "prompt_tokens": 12,
    "completion_tokens": 7,
    "total_tokens": 19,
    "cost": 0.0000123,
    "is_byok": False,
    "prompt_tokens_details": {"cached_tokens": 4, "cache_write_tokens": 2, "audio_tokens": 0},
    "cost_details": {
        "upstream_inference_cost": None,
        "upstream_inference_prompt_cost": 0.000004,
        "upstream_inference_completions_cost": 0.0000083,
    },
    "completion_tokens_details": {"reasoning_tokens": 3, "image_tokens": 0},
}


def reply_head(seen: Seen, kind: str, provider: str) -> dict[str, Any]:
    """The fields OpenRouter puts first in a reply (`kind`: its `object`) or an event."""
    return {
        "id": "gen-1",
        "provider": provider,
        "model": seen.body["model"],
        "object": kind,
        "created": 1764000000,
    }


def openrouter_reply(content: str | None, *, call: bool = False, **head: Any) -> Any:
    """OpenRouter's reply: `content`, or a call of the request's first tool."""

    def answer(seen: Seen) -> Reply:
        message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
        finish = "stop"
        if call:
            name = seen.body["tools"][0]["function"]["name"]
            arguments = json.dumps({"city": "Paris"})
            function = {"name": name, "arguments": arguments}
            message["tool_calls"] = [{"id": "call_1", "type": "function", "function": function}]
            finish = "tool_calls"
        choice = {
            "logprobs": None,
            "finish_reason": finish,
            "native_finish_reason": finish,
            "index": 0,
            "message": message,
        }
        body = {
            **reply_head(seen, "chat.completion", "OpenAI"),
            "choices": [choice],
            "system_fingerprint": None,
            "usage": USAGE,
            **head,
        }
        return Reply(pieces=[json.dumps(body).encode()])

    return answer


def openrouter_stream(texts: list[str], *, call: bool = False) -> Any:
    """OpenRouter's stream: its processing comment, the deltas of `texts` (or a call of the
    request's first tool, its arguments in two pieces), the finishing event, then the
    usage record alone (no choices)."""

    def answer(seen: Seen) -> Reply:
        head = reply_head(seen, "chat.completion.chunk", "OpenAI")

        def event(delta: dict[str, Any], finish: str | None = None, **more: Any) -> bytes:
            choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
            body = {**head, "choices": [{**choice, "native_finish_reason": finish}], **more}
            return b"data: " + json.dumps(body).encode() + b"\n\n"

        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": t} for t in texts]
        if call:
            name = seen.body["tools"][0]["function"]["name"]
            opening = {"name": name, "arguments": ""}
            deltas = [
                {"role": "assistant", "content": ""},
                {
                    "tool_calls": [
                        {"index": 0, "id": "call_1", "type": "function", "function": opening}
                    ]
                },
                {"tool_calls": [{"index": 0, "function": {"arguments": '{"city": '}}]},
                {"tool_calls": [{"index": 0, "function": {"arguments": '"Paris"}'}}]},
            ]
        finish = "tool_calls" if call else "stop"
        pieces = [b": OPENROUTER PROCESSING\n\n", *(event(d) for d in deltas)]
        pieces.append(event({"role": "assistant", "content": ""}, finish))
        usage = {**head, "choices": [], "usage": USAGE}
        pieces += [b"data: " + json.dumps(usage).encode() + b"\n\n", b"data: [DONE]\n\n"]
        return Reply(pieces=pieces, content_type="text/event-stream")

    return answer


def _model(cls: Any, url: str) -> Any:
    return cls(model=OPENROUTER.model, api_key="k", base_url=OPENROUTER.base(url), max_retries=0)


class Person(pydantic.BaseModel):
    name: str
    age: int


def reply_as_sent(cls: Any, url: str) -> Any:
    reply = _model(cls, url).invoke("Hi")
    return {"reply": reply, "order": list(reply.response_metadata)}


def tool_call(cls: Any, url: str) -> Any:
    return _model(cls, url).bind_tools([get_weather]).invoke("Weather in Paris?")


def streamed(cls: Any, url: str) -> Any:
    chunks = list(_model(cls, url).stream("Hi"))
    return {"chunks": chunks, "merged": merged(chunks)}


def streamed_call(cls: Any, url: str) -> Any:
    return merged(list(_model(cls, url).bind_tools([get_weather]).stream("Weather in Paris?")))


def astreamed(cls: Any, url: str) -> Any:
    async def run() -> list[Any]:
        return [c async for c in _model(cls, url).astream("Hi")]

    return asyncio.run(run())


def structured_raw(method: str) -> Any:
    def script(cls: Any, url: str) -> Any:
        with warnings.catch_warnings(record=True) as seen:  # (json_mode's, as json_schema)
            warnings.simplefilter("always")
            model = _model(cls, url).with_structured_output(Person, method=method, include_raw=True)
            found = model.invoke("A person?")
        error = found["parsing_error"]
        said = sorted({str(w.message) for w in seen if issubclass(w.category, UserWarning)})
        return {**found, "parsing_error": error and type(error).__name__, "warned": said}

    return script


def structured_refused(cls: Any, url: str) -> Any:
    """The parser's error where no raw reply is asked for: what `except` sees."""
    model = _model(cls, url).with_structured_output(Person, method="json_schema")
    return attempted(lambda: model.invoke("A person?"))


SCRIPTS = {
    "reply_as_sent": (openrouter_reply("Hello."), reply_as_sent),
    "reply_with_fingerprint": (
        openrouter_reply("Hello.", system_fingerprint="fp_1"),
        reply_as_sent,
    ),
    "tool_call": (openrouter_reply(None, call=True), tool_call),
    "structured_raw_json_schema": (openrouter_reply("not json {"), structured_raw("json_schema")),
    "structured_raw_json_mode": (openrouter_reply("not json {"), structured_raw("json_mode")),
    "structured_raw_function_calling": (
        openrouter_reply("not json {"),
        structured_raw("function_calling"),
    ),
    "structured_refused": (openrouter_reply("not json {"), structured_refused),
    "streamed": (openrouter_stream(["Hel", "lo."]), streamed),
    "streamed_call": (openrouter_stream([], call=True), streamed_call),
    "astreamed": (openrouter_stream(["Hel", "lo."]), astreamed),
}


def both_sides(server: ScriptedServer, script: Any) -> Outcome:
    """`script(cls, url)` run with langchain-openrouter's class, then chatplex's."""
    return run_both(
        server,
        lambda: script(OPENROUTER.partner(), server.url),
        lambda: script(chatplex.langchain.ChatOpenRouter, server.url),
        result=observe,
        request=plain_request,
        collect=True,
    )


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_as_langchain_openrouter(name: str, server: ScriptedServer) -> None:
    handler, script = SCRIPTS[name]
    server.handler = handler
    assert_same(both_sides(server, script))
