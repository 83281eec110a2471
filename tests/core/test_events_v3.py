"""`stream_events(version="v3")` / `await astream_events(version="v3")` of chatplex's own
chat models: the typed stream of one message, sync and async, its errors and its
cancelling; refused on chains. Beside langchain-core's own object: the same public
surface, and the same events from the same reply as the drop-in's (a real
`BaseChatModel`'s) stream."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex
from chatplex import AIMessage
from chatplex import FakeChatModel
from chatplex.core import events_v3
from chatplex.core import events_v3_stream
from chatplex.testing import MockScript
from chatplex.testing import MockServer
from chatplex.testing import ScriptRule
from tests._drawn import masked_matches


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        server.settings.script = MockScript(
            rules=[ScriptRule(user_text=r"\badd\b", call="add", args={"a": 1, "b": 2})]
        )
        yield server


# ---- the stream of a chat model -------------------------------------------------------------


def test_a_sync_stream_is_read_as_far_as_its_reader_needs() -> None:
    model = FakeChatModel(responses=["Hello big world"])
    stream = model.stream_events("hi", version="v3")
    assert isinstance(stream, events_v3_stream.ChatModelStream)
    assert not stream.has_events and model.calls == []  # nothing runs before a read
    assert next(iter(stream.text)) == "Hello "
    assert not stream.done
    assert list(stream.text) == ["Hello ", "big ", "world"]  # each reader from the first
    assert str(stream.text) == "Hello big world" and stream.done
    assert [e["event"] for e in stream][:3] == [
        "message-start",
        "content-block-start",
        "content-block-delta",
    ]
    assert stream.output.content == [{"type": "text", "text": "Hello big world", "index": 0}]
    assert stream.output.response_metadata["output_version"] == "v1"
    assert stream.tool_calls.get() == [] and str(stream.reasoning) == ""


async def test_an_async_stream_is_awaited_and_iterated() -> None:
    model = FakeChatModel(responses=["Hello big world"])
    stream = await model.astream_events("hi", version="v3")
    assert isinstance(stream, events_v3_stream.AsyncChatModelStream)
    assert [piece async for piece in stream.text] == ["Hello ", "big ", "world"]
    assert await stream.text == "Hello big world"
    message = await stream
    assert isinstance(message, AIMessage) and message is await stream.output
    assert [e["event"] async for e in stream][-1] == "message-finish"
    assert message.usage_metadata == {"input_tokens": 1, "output_tokens": 3, "total_tokens": 4}


def test_a_bound_model_streams_with_its_binding() -> None:
    model = FakeChatModel(responses=["Hi"]).with_config(tags=["mine"])
    assert str(model.stream_events("hi", version="v3").text) == "Hi"


def test_an_error_reaches_every_reader_after_the_pieces_before_it() -> None:
    model = FakeChatModel(responses=["Hello big world"], errors={"boom": ValueError("no")})
    stream = model.stream_events("boom", version="v3")
    with pytest.raises(ValueError, match="no"):
        list(stream.text)
    with pytest.raises(ValueError, match="no"):
        stream.output  # noqa: B018 - the property reads the stream
    assert stream.done


async def test_an_async_error_reaches_the_awaiting_reader() -> None:
    model = FakeChatModel(responses=["Hello"], errors={"boom": ValueError("no")})
    stream = await model.astream_events("boom", version="v3")
    with pytest.raises(ValueError, match="no"):
        await stream.output
    with pytest.raises(ValueError, match="no"):
        await stream.tool_calls


async def test_aclose_cancels_a_run_still_going() -> None:
    model = FakeChatModel(responses=["Hello big world"], chunk_delay=30)  # never reached
    async with await model.astream_events("hi", version="v3") as stream:
        async for piece in stream.text:
            assert piece == "Hello "
            break
    assert stream.done
    with pytest.raises(asyncio.CancelledError):
        await stream.output
    await stream.aclose()  # again: nothing more to do


async def test_aclose_before_any_read_cancels_the_run_before_it_began() -> None:
    stream = await FakeChatModel(responses=["Hi"]).astream_events("hi", version="v3")
    await stream.aclose()
    with pytest.raises(asyncio.CancelledError):
        await stream.text


class _Silent:
    """A model whose stream gives no chunk at all."""

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        return iter(())

    async def astream(self, *args: Any, **kwargs: Any) -> Any:
        for chunk in ():
            yield chunk


def test_a_stream_of_no_chunk_raises_as_langchains() -> None:
    stream = events_v3.stream_v3(_Silent(), "hi", None, {})
    with pytest.raises(ValueError, match="No generation chunks were returned"):
        str(stream.text)


async def test_an_async_stream_of_no_chunk_raises_as_langchains() -> None:
    stream = await events_v3.astream_v3(_Silent(), "hi", None, {})
    with pytest.raises(ValueError, match="No generation chunks were returned"):
        await stream


# ---- beside langchain-core ------------------------------------------------------------------

#: The wiring langchain-core's streams offer their drivers (langgraph's pump), which a
#: script does not call: chatplex's streams are wired when made.
_WIRING = {"bind_pump", "set_request_more", "set_arequest_more", "set_start"}

_SURFACE = ("__iter__", "__aiter__", "__await__", "__str__", "__bool__", "__aenter__", "__aexit__")


def _surface(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_") or n in _SURFACE} - _WIRING


@pytest.mark.parametrize(
    "name",
    [
        "ChatModelStream",
        "AsyncChatModelStream",
        "SyncProjection",
        "SyncTextProjection",
        "AsyncProjection",
        "AsyncTextProjection",
    ],
)
def test_each_class_has_langchains_surface(name: str) -> None:
    theirs = pytest.importorskip("langchain_core.language_models.chat_model_stream")
    assert _surface(getattr(events_v3_stream, name)) == _surface(getattr(theirs, name))


#: Own-family model names, the drop-in's path on the server, and more settings, of each
#: wire compared.
_WIRES = {
    "openai": ("openai:gpt-4o-mini", "/v1", {"stream_usage": True}),
    "anthropic": ("anthropic:claude-haiku-4-5", "", {}),
    "google_genai": ("google_genai:gemini-2.5-flash", "", {}),
}
#: Gemini sends a call whole: LangChain's reading of its chunk streams the call as one
#: finished `tool_call` block, chatplex's own as a `tool_call_chunk` and one delta of all
#: its arguments (the stream's calls, message and text are the same).
_WHOLE_CALLS = {("google_genai", "add 1 and 2")}
_DRAWN = re.compile(
    r"\b\w+_mock[0-9a-f]{8}\d{6}\b|lc_run--[0-9a-f-]{36}|\b[0-9a-f]{8}-[0-9a-f-]{27}\b"
)


def _compared(stream: Any) -> dict[str, Any]:
    """What both families' streams give of one reply (ids drawn per reply masked; each
    family's message id and response metadata its own)."""
    events = [{k: v for k, v in e.items() if k not in ("id", "metadata")} for e in stream]
    out = stream.output
    return masked_matches(
        {
            "events": events,
            "text": list(stream.text),
            "calls": stream.tool_calls.get(),
            "content": out.content,
            "usage": out.usage_metadata,
        },
        _DRAWN,
        "<id>",
    )


@pytest.mark.filterwarnings("ignore::langchain_core._api.LangChainBetaWarning")  # v3 there
@pytest.mark.parametrize("prompt", ["hello there", "add 1 and 2"])
@pytest.mark.parametrize("wire", sorted(_WIRES))
def test_a_reply_streams_the_same_events_as_under_a_langchain_chat_model(
    mock: MockServer, wire: str, prompt: str
) -> None:
    dropins = pytest.importorskip("chatplex.langchain")
    name, path, more = _WIRES[wire]
    ours = chatplex.init_chat_model(name, api_key="k", base_url=mock.url + path, **more)
    theirs = dropins.init_chat_model(name, api_key="k", base_url=mock.url + path, **more)
    if "add" in prompt:
        ours, theirs = ours.bind_tools([add]), theirs.bind_tools([add])
    theirs_read = _compared(theirs.stream_events(prompt, version="v3"))
    ours_read = _compared(ours.stream_events(prompt, version="v3"))
    if (wire, prompt) in _WHOLE_CALLS:
        del theirs_read["events"], ours_read["events"]
        theirs_read["content"] = [
            {k: v for k, v in b.items() if k != "index"} for b in theirs_read["content"]
        ]  # its "lc_tc_0"
    assert ours_read == theirs_read
    assert theirs_read["text"] or theirs_read["calls"]


#: Wrappers of a chat model, built alike on chatplex's model and on langchain-core's.
_WRAPPED = {
    "bind": lambda m: m.bind(stop=["x"]),
    "with_config": lambda m: m.with_config(tags=["t"]),
    "with_retry": lambda m: m.with_retry(),
    "with_listeners": lambda m: m.with_listeners(on_end=lambda run: None),
    "with_types": lambda m: m.with_types(input_type=str),
    "with_fallbacks": lambda m: m.with_fallbacks([m]),
    "a chain": lambda m: m | (lambda x: x),
}


def _v3_given(runnable: Any) -> str:
    """The class of what `stream_events(version="v3")` gives, or of what it raises."""
    try:
        return type(runnable.stream_events("hi", version="v3")).__name__
    except NotImplementedError:
        return "NotImplementedError"


@pytest.mark.filterwarnings("ignore::langchain_core._api.LangChainBetaWarning")  # v3 there
@pytest.mark.parametrize("wrap", sorted(_WRAPPED))
def test_a_wrapped_model_streams_v3_where_langchains_does(wrap: str) -> None:
    fakes = pytest.importorskip("langchain_core.language_models.fake_chat_models")
    theirs = fakes.GenericFakeChatModel(messages=iter(["Hi"]))
    ours = FakeChatModel(responses=["Hi"])
    assert _v3_given(_WRAPPED[wrap](ours)) == _v3_given(_WRAPPED[wrap](theirs))
