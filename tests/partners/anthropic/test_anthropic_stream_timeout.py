"""A ChatAnthropic stream that times out, side by side: the script catches what the
anthropic SDK lets through. Once the reply's headers came (after its first chunk, or
before any event), the SDK iterates its HTTP client's events outside its request's
error handling, and langchain-anthropic lets the client's `ReadTimeout` through raw
(httpx2's: the SDK's HTTP client); chatplex's error is that class too, beside its own
and the partner's timeout classes. Before the headers, the SDK's `APITimeoutError`
(langchain-anthropic's `AnthropicTimeoutError`), as chatplex's is."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import scripted_server

partner = pytest.importorskip("langchain_anthropic")
anthropic = pytest.importorskip("anthropic")
httpx2 = pytest.importorskip("httpx2")

from chatplex.langchain import ChatAnthropic as OurChat  # noqa: E402

MODEL = "claude-haiku-4-5"


def _event(data: dict[str, Any]) -> bytes:
    return f"event: {data['type']}\ndata: {json.dumps(data)}\n\n".encode()


_HEAD = {"id": "msg_01", "type": "message", "role": "assistant", "model": MODEL, "content": []}
_START = {**_HEAD, "stop_reason": None, "stop_sequence": None}
_DELTA = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "lo"}}
#: The stream's events: its first chunks (three events), one more never sent in time.
_FIRST = [
    _event({"type": "message_start", "message": {**_START, "usage": {"input_tokens": 3}}}),
    _event(
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
    ),
    _event(
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hel"}}
    ),
    _event(_DELTA),
]


class _Held(list[bytes]):
    """A stream's pieces whose writing stops after `first` of them until `released`
    (the script's end): the client's read timeout fires while the server holds."""

    def __init__(self, pieces: list[bytes], first: int, released: threading.Event) -> None:
        super().__init__(pieces)
        self.first = first
        self.released = released

    def __iter__(self) -> Iterator[bytes]:
        for i, piece in enumerate(list.__iter__(self)):
            if i == self.first:
                self.released.wait(10)
            yield piece


def _stalling(first: int, released: threading.Event) -> Callable[[Seen], Reply]:
    def answer(seen: Seen) -> Reply:
        if first < 0:  # no headers until released
            released.wait(10)
        return Reply(200, _Held(_FIRST, max(first, 0), released), "text/event-stream")

    return answer


def _caught(cls: Any, url: str, catch: type[BaseException]) -> dict[str, Any]:
    """The script: a stream, sync then async, catching `catch`; what it saw. The read
    timeout is what ends each stream, so it must outlast the server's first chunks on a
    loaded machine (0.2 s did not once, at a load of ~25)."""
    model = cls(model=MODEL, api_key="sk-ant-test", base_url=url, timeout=0.6, max_retries=0)
    seen: dict[str, Any] = {}
    texts: list[Any] = []
    try:
        texts.extend(chunk.content for chunk in model.stream("Hi"))
    except catch:
        seen["sync"] = ("caught", list(texts))

    async def run() -> None:
        texts.clear()
        try:
            async for chunk in model.astream("Hi"):
                texts.append(chunk.content)
        except catch:
            seen["async"] = ("caught", list(texts))

    asyncio.run(run())
    return seen


@pytest.mark.parametrize(
    ("first", "catch", "expected"),
    [
        (3, "httpx2.ReadTimeout", ["", "Hel"]),  # after the first chunk
        (3, "httpx2.TimeoutException", ["", "Hel"]),
        (0, "httpx2.ReadTimeout", []),  # headers only
        (-1, "anthropic.APITimeoutError", []),  # no headers
        (-1, "langchain_anthropic.chat_models.AnthropicTimeoutError", []),
    ],
)
def test_stream_timeout_caught_as_with_langchain_anthropic(
    first: int, catch: str, expected: list[Any]
) -> None:
    module, _, name = catch.rpartition(".")
    catching = getattr(pytest.importorskip(module), name)
    outcomes = []
    for cls in (partner.ChatAnthropic, OurChat):
        released = threading.Event()
        with scripted_server() as server:
            server.handler = _stalling(first, released)
            try:
                outcomes.append(_caught(cls, server.url, catching))
            finally:
                released.set()
    theirs, ours = outcomes
    assert theirs == {"sync": ("caught", expected), "async": ("caught", expected)}, theirs
    assert ours == theirs
