"""A ChatAnthropic stream whose reply stalls after its headers, before its first event,
side by side at the default `max_retries=2`: the anthropic SDK's retries end where its
`create(stream=True)` returns (the headers), and its events are iterated outside them,
so langchain-anthropic sends one request and lets httpx2's `ReadTimeout` through raw.
The drop-in sends one too (`PartnerTraits.partner_retries_stream_body`); chatplex's own
model keeps its retry of a stream whose first event never came (nothing reached the
caller): three requests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import scripted_server

partner = pytest.importorskip("langchain_anthropic")
httpx2 = pytest.importorskip("httpx2")

from chatplex import init_chat_model  # noqa: E402
from chatplex.errors import APITimeoutError  # noqa: E402
from chatplex.langchain import ChatAnthropic as OurChat  # noqa: E402

MODEL = "claude-haiku-4-5"


class _Stalled(list[bytes]):
    """A 200 stream's body that sends nothing until `released` (the script's end)."""

    def __init__(self, released: threading.Event) -> None:
        super().__init__([b": never\n\n"])
        self.released = released

    def __iter__(self) -> Iterator[bytes]:
        self.released.wait(10)
        yield from list.__iter__(self)


def _requests(script: Any) -> int:
    """How many requests `script(url)` sent to a server whose every stream stalls."""
    released = threading.Event()
    with scripted_server() as server:
        server.handler = lambda seen: Reply(200, _Stalled(released), "text/event-stream")
        try:
            script(server.url)
        finally:
            released.set()
        return len(server.seen)


def _stream(model: Any, asynchronous: bool) -> None:
    if asynchronous:

        async def run() -> None:
            async for _ in model.astream("Hi"):
                pass

        asyncio.run(run())
    else:
        for _ in model.stream("Hi"):
            pass


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_stalled_stream_is_sent_once_as_by_langchain_anthropic(asynchronous: bool) -> None:
    def script(cls: Any) -> Any:
        def run(url: str) -> None:
            model = cls(model=MODEL, api_key="sk-ant-test", base_url=url, timeout=0.2)
            with pytest.raises(httpx2.ReadTimeout):
                _stream(model, asynchronous)

        return run

    theirs = _requests(script(partner.ChatAnthropic))
    ours = _requests(script(OurChat))
    assert theirs == 1
    assert ours == theirs


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_chatplexs_own_model_retries_a_stream_with_no_first_event(asynchronous: bool) -> None:
    def script(url: str) -> None:
        model = init_chat_model(
            f"anthropic:{MODEL}",
            api_key="sk-ant-test",
            base_url=url,
            timeout=0.2,
            retry_policy=None,
        )
        with pytest.raises(APITimeoutError):
            _stream(model, asynchronous)

    assert _requests(script) == 3  # max_retries=2: nothing reached the caller
