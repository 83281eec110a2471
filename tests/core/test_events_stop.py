"""Leaving an event stream early: the call stops at once, its connection goes back to
the pool, its thread is joined, and handlers hear no error (leaving is not a failure)."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from chatplex import ChatPromptTemplate
from chatplex import FakeChatModel
from chatplex import StrOutputParser
from chatplex import init_chat_model
from chatplex.core import Runnable
from chatplex.http import connections_in_use
from chatplex.http import get_sync_client


class ErrorRecorder:
    """A LangChain-style handler that remembers every error it hears about."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, BaseException]] = []

    def on_chain_error(self, error: BaseException, *, run_id: uuid.UUID, **kw: Any) -> None:
        self.errors.append(("on_chain_error", error))

    def on_llm_error(self, error: BaseException, *, run_id: uuid.UUID, **kw: Any) -> None:
        self.errors.append(("on_llm_error", error))


def producer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "chatplex-stream-events"]


@pytest.fixture(scope="module")
def slow_server() -> Iterator[Any]:
    from chatplex.testing import MockServer

    # One event every 3 s: a producer left running would hold its connection that long.
    with MockServer(reply_text="one two three four five six", chunk_delay=3.0) as srv:
        yield srv


def chain(model: Runnable[Any, Any]) -> Runnable[Any, Any]:
    return ChatPromptTemplate.from_template("say {x}") | model | StrOutputParser()


def served_chain(server: Any, **client: Any) -> Runnable[Any, Any]:
    """`chain` on an OpenAI model of `server`, sending through the given http client."""
    model = init_chat_model(
        "openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="k", **client
    )
    return chain(model)


def test_closing_sync_stream_events_stops_the_http_call_at_once(slow_server: Any) -> None:
    handler = ErrorRecorder()
    with httpx.Client() as client:
        events = served_chain(slow_server, http_client=client).stream_events(
            {"x": "hi"}, {"callbacks": [handler]}
        )
        with contextlib.closing(events):  # type: ignore[type-var]
            for event in events:
                if event["event"] == "on_chat_model_stream" and event["data"]["chunk"].text:
                    assert connections_in_use(client) == 1
                    started = time.monotonic()
                    break
        # Closed well before the server's next event (3 s): the producer did not wait.
        assert time.monotonic() - started < 2.0
        assert producer_threads() == []
        assert connections_in_use(client) == 0
    assert handler.errors == []


def test_closing_sync_stream_events_while_the_reply_has_no_head_yet(silent: Any) -> None:
    # The shared client: no response exists yet to track, so its read itself is cut.
    model = init_chat_model(
        "openai:gpt-4o-mini", base_url=silent.url + "/v1", api_key="k", timeout=60
    )
    events = chain(model).stream_events({"x": "hi"})
    with contextlib.closing(events):  # type: ignore[type-var]
        for event in events:
            if event["event"] == "on_chat_model_start":
                deadline = time.monotonic() + 30
                while not silent._held and time.monotonic() < deadline:
                    time.sleep(0.01)  # the request is on its way, its head awaited
                started = time.monotonic()
                break
    assert time.monotonic() - started < 30  # not the 60 s read timeout
    assert producer_threads() == []
    assert connections_in_use(get_sync_client()) == 0


@pytest.mark.parametrize("where", ["stream", "invoke in a lambda"])
def test_leaving_sync_stream_events_reports_no_error_to_handlers(where: str) -> None:
    handler = ErrorRecorder()
    model = FakeChatModel(responses=["a b c d e f g h"], chunk_delay=0.05)
    runnable: Runnable[Any, Any] = chain(model)
    if where != "stream":
        from chatplex import RunnableLambda

        runnable = RunnableLambda(lambda x: model.invoke(x["x"]).text)
    events = runnable.stream_events({"x": "hi"}, {"callbacks": [handler]})
    with contextlib.closing(events):  # type: ignore[type-var]
        for event in events:
            if event["event"] == "on_chat_model_stream":
                break
    assert producer_threads() == []
    assert handler.errors == []


async def test_closing_astream_events_stops_the_http_call_at_once(slow_server: Any) -> None:
    handler = ErrorRecorder()
    async with httpx.AsyncClient() as client:
        events = served_chain(slow_server, http_async_client=client).astream_events(
            {"x": "hi"}, {"callbacks": [handler]}
        )
        async with contextlib.aclosing(events):  # type: ignore[type-var]
            async for event in events:
                if event["event"] == "on_chat_model_stream" and event["data"]["chunk"].text:
                    assert connections_in_use(client) == 1
                    started = time.monotonic()
                    break
        assert time.monotonic() - started < 2.0  # not the 3 s to the server's next event
        assert connections_in_use(client) == 0
    assert handler.errors == []
