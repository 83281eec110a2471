"""A whole-call deadline (`RunnableConfig(timeout=...)`) that passes mid-stream keeps what
had arrived: `DeadlineExceededError.partial` is the merged `AIMessageChunk` so far (None
when nothing had), from the HTTP stream layer and from `Runnable.stream` / `astream`."""

from __future__ import annotations

import pickle
import time
from collections.abc import Iterator
from typing import Any

import pytest
from _faultkit import each_way
from _faultkit import parity

from chatplex import init_chat_model
from chatplex.adapters.request_types import CallSettings
from chatplex.chat.fake import FakeChatModel
from chatplex.core.parsers import StrOutputParser
from chatplex.errors import ChatplexError
from chatplex.errors import DeadlineExceededError
from chatplex.http import astream
from chatplex.http import stream as http_stream
from chatplex.messages import AIMessageChunk
from chatplex.messages import HumanMessage
from chatplex.testing import MockServer
from tests._calls import connections_left

WORDS = " ".join(f"w{i}" for i in range(100))
#: Between events: 100 words take 5 s, far past DEADLINE.
CHUNK_DELAY = 0.05
#: Long enough for the first content (~0.1 s in) to arrive on a loaded machine, and far
#: shorter than the whole stream: the deadline falls mid-stream.
DEADLINE = 0.6
#: A wait that outlasts any deadline here: "before any chunk".
NEVER = 60.0


@pytest.fixture(scope="module")
def srv() -> Iterator[MockServer]:
    with MockServer(reply_text=WORDS, chunk_delay=CHUNK_DELAY) as server:
        yield server


def _model(srv: MockServer, provider: str) -> Any:
    if provider == "openai":
        return init_chat_model("openai:gpt-4o-mini", base_url=srv.openai_base_url, api_key="k")
    return init_chat_model(
        "anthropic:claude-sonnet-4-5", base_url=srv.anthropic_base_url, api_key="k"
    )


async def _stream_until_error(
    runnable: Any, sync: bool, value: Any, **kw: Any
) -> tuple[list[Any], DeadlineExceededError]:
    """Stream `value`, collecting what reaches the caller, until DeadlineExceededError."""
    seen: list[Any] = []
    with pytest.raises(DeadlineExceededError) as info:
        if sync:
            for chunk in runnable.stream(value, **kw):
                seen.append(chunk)
        else:
            async for chunk in runnable.astream(value, **kw):
                seen.append(chunk)
    return seen, info.value


def _text(chunks: list[AIMessageChunk]) -> str:
    return "".join(c.text for c in chunks)


@each_way
async def test_a_model_stream_cut_by_the_deadline_keeps_its_partial(
    srv: MockServer, provider: str, sync: bool
) -> None:
    seen, err = await _stream_until_error(
        _model(srv, provider), sync, "hi", config={"timeout": DEADLINE}
    )
    assert seen  # it was streaming when the deadline came
    assert isinstance(err.partial, AIMessageChunk)
    assert err.partial.text == _text(seen) != ""
    assert WORDS.startswith(err.partial.text)
    assert connections_left(sync) == 0


@each_way
async def test_the_http_stream_layer_fills_the_partial(
    srv: MockServer, provider: str, sync: bool
) -> None:
    adapter = _model(srv, provider).adapter
    request = adapter.build_request([HumanMessage("hi")], CallSettings(model="m"), stream=True)
    deadline = time.monotonic() + DEADLINE
    seen: list[AIMessageChunk] = []
    with pytest.raises(DeadlineExceededError) as info:
        if sync:
            with http_stream(adapter, request, deadline=deadline) as chunks:
                for chunk in chunks:
                    seen.append(chunk)
        else:
            async with astream(adapter, request, deadline=deadline) as achunks:
                async for chunk in achunks:
                    seen.append(chunk)
    err = info.value
    assert seen and isinstance(err.partial, AIMessageChunk)
    assert err.partial.text == _text(seen) != ""


@parity
async def test_a_fake_model_stream_cut_by_the_deadline_keeps_its_partial(sync: bool) -> None:
    model = FakeChatModel(responses=[WORDS], chunk_delay=CHUNK_DELAY)
    seen, err = await _stream_until_error(model, sync, "hi", config={"timeout": DEADLINE})
    assert seen and isinstance(err.partial, AIMessageChunk)
    assert err.partial.text == _text(seen) != ""


@each_way
async def test_a_deadline_before_any_chunk_leaves_no_partial(provider: str, sync: bool) -> None:
    with MockServer(reply_text=WORDS, latency=NEVER) as slow:
        seen, err = await _stream_until_error(
            _model(slow, provider), sync, "hi", config={"timeout": 0.3}
        )
    assert seen == [] and err.partial is None


@parity
async def test_a_fake_model_deadline_before_any_chunk_leaves_no_partial(sync: bool) -> None:
    model = FakeChatModel(responses=[WORDS], latency=NEVER)
    seen, err = await _stream_until_error(model, sync, "hi", config={"timeout": 0.2})
    assert seen == [] and err.partial is None


@parity
async def test_a_non_message_stream_leaves_no_partial(sync: bool) -> None:
    # `partial` is only promised for streams of AIMessageChunk: a chain ending in a
    # parser streams strings, and the stream's own items are not merged into one.
    chain = FakeChatModel(responses=[WORDS], chunk_delay=CHUNK_DELAY) | StrOutputParser()
    seen, err = await _stream_until_error(chain, sync, "hi", config={"timeout": DEADLINE})
    assert seen and all(isinstance(s, str) for s in seen)
    # None, or -- when the deadline struck inside the model's own stream -- the model's
    # message so far, which here is the text the caller received.
    assert err.partial is None or err.partial.text == "".join(seen)


def test_the_error_keeps_its_type_and_pickles_with_its_partial() -> None:
    err = DeadlineExceededError("late", partial=AIMessageChunk(content="so far"))
    assert isinstance(err, ChatplexError) and isinstance(err, TimeoutError)
    assert DeadlineExceededError("late").partial is None
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is DeadlineExceededError and str(back) == "late"
    assert isinstance(back.partial, AIMessageChunk) and back.partial.text == "so far"
