"""What a failed attempt becomes (`_attempt_errors`), read from a real attempt engine
(`_engine.Call`) at the phase each failure meets it in: no sockets, a fixed clock."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from _httpkit import FakeAdapter
from _httpkit import HoldingParser

from chatplex.errors import APIConnectionError
from chatplex.errors import APITimeoutError
from chatplex.errors import DeadlineExceededError
from chatplex.errors import StreamError
from chatplex.errors import StreamIdleTimeoutError
from chatplex.http._attempt_errors import cut_short
from chatplex.http._attempt_errors import then_raise
from chatplex.http._attempt_errors import timed_out
from chatplex.http._attempt_errors import typed
from chatplex.http._engine import Call
from chatplex.messages import AIMessageChunk

NOW = 1000.0


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no I/O here")

    with httpx.Client(transport=httpx.MockTransport(refuse), timeout=7.0) as client:
        yield client


def begun(http: httpx.Client, *, stream: bool, **kw: Any) -> Call:
    adapter = FakeAdapter()
    call = Call(adapter, adapter.request(), stream=stream, clock=lambda: NOW, **kw)
    call.prepare(http)
    call.begin()
    return call


def test_a_wait_past_the_deadline_is_the_deadlines(http: httpx.Client) -> None:
    deadline = time.monotonic() + 60  # (the request is built against the real clock)
    call = begun(http, stream=False, deadline=deadline)
    call.clock = lambda: deadline  # the wait reached it
    err = timed_out(call)
    assert isinstance(err, DeadlineExceededError)
    assert "waiting for fake.test" in str(err)


def test_a_wait_past_the_limit_is_a_read_timeout_or_an_idle_stream(http: httpx.Client) -> None:
    whole = timed_out(begun(http, stream=False))
    assert isinstance(whole, APITimeoutError) and "within 7 s" in str(whole)
    idle = timed_out(begun(http, stream=True, idle_timeout=3.0))
    assert isinstance(idle, StreamIdleTimeoutError) and "no content for 3 s" in str(idle)


def test_a_transport_failure_while_sending_is_typed_and_chained(http: httpx.Client) -> None:
    cause = httpx.ConnectError("refused")
    err = typed(begun(http, stream=True), cause)
    assert isinstance(err, APIConnectionError) and err.__cause__ is cause


def test_a_stream_broken_off_keeps_what_came_and_what_its_parser_holds(
    http: httpx.Client,
) -> None:
    call = begun(http, stream=True)
    headers = {"content-type": "text/event-stream"}
    call.response_received(httpx.Response(200, headers=headers, request=call.req))
    parser = HoldingParser()
    parser.args.append('{"a": 1')
    call._parser = parser
    call.received.append(AIMessageChunk(content="so far"))
    assert [c.text for c in cut_short(call)] == ["so far", ""]
    err = typed(call, httpx.ReadError("reset"))
    assert isinstance(err, StreamError) and err.partial is not None
    assert err.partial.text == "so far" and err.partial.tool_call_chunks


def test_then_raise_emits_the_chunks_before_the_failure() -> None:
    chunks = then_raise([AIMessageChunk(content="a")], ValueError("bad event"))
    assert next(chunks).text == "a"
    with pytest.raises(ValueError, match="bad event"):
        next(chunks)
