"""The SSE decoder is linear in the bytes received and bounded in the memory it holds.

The strict figure (CPU per MB of one long line in small reads) is in bench/bench_sse.py;
here only bounds that hold on any machine: the old decoder took ~8 s of CPU for the 2 MB
line below, the new one ~0.02 s, and the test allows 2 s.
"""

from __future__ import annotations

import time

import httpx
import pytest
from _httpkit import Body
from _httpkit import FakeAdapter
from _httpkit import collect
from _httpkit import mock_clients
from _httpkit import sse

from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import APIError
from chatplex.errors import ResponseTooLargeError
from chatplex.http import SSEDecoder

parity = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
MIB = 1024 * 1024


def feed_in_pieces(decoder: SSEDecoder, body: bytes, size: int) -> list[SSEEvent]:
    events: list[SSEEvent] = []
    for i in range(0, len(body), size):
        events += decoder.feed(body[i : i + size])
    return events + decoder.flush()


def test_one_2mb_line_in_100_byte_reads_costs_linear_time() -> None:
    body = b"data: " + b"x" * (2 * MIB) + b"\n\n"
    decoder = SSEDecoder()
    start = time.process_time()
    events = feed_in_pieces(decoder, body, 100)
    spent = time.process_time() - start
    assert [len(e.data) for e in events] == [2 * MIB]
    assert spent < 2.0, f"{spent:.2f} s of CPU: decoding is no longer linear"


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"])
@pytest.mark.parametrize("size", [1, 3, 100])
def test_long_lines_in_small_reads_keep_every_line_ending(ending: bytes, size: int) -> None:
    long = "é" * 3000  # multi-byte characters split across reads
    body = (
        f"event: big{ending.decode()}data: {long}{ending.decode()}{ending.decode()}"
        f"data: a{ending.decode()}data: b{ending.decode()}{ending.decode()}data: tail"
    ).encode()
    assert feed_in_pieces(SSEDecoder(), body, size) == [
        SSEEvent(event="big", data=long),
        SSEEvent(data="a\nb"),
        SSEEvent(data="tail"),
    ]


def test_a_line_growing_past_the_bound_in_pieces_raises_a_typed_error() -> None:
    decoder = SSEDecoder(max_event_bytes=1000)
    with pytest.raises(ResponseTooLargeError) as info:
        feed_in_pieces(decoder, b"data: " + b"x" * 5000, 100)
    err = info.value
    assert isinstance(err, APIError) and not err.retryable
    assert "max_event_bytes=1000" in str(err)
    assert "SSEDecoder.default_max_event_bytes" in str(err)  # says how to raise it


def test_the_error_comes_as_soon_as_the_bound_is_passed_not_at_the_line_end() -> None:
    decoder = SSEDecoder(max_event_bytes=1000)
    decoder.feed(b"data: " + b"x" * 900)
    with pytest.raises(ResponseTooLargeError):
        decoder.feed(b"x" * 200)  # no line end yet: the pending line is already too big


def test_a_long_line_arriving_in_one_read_is_bounded_too() -> None:
    with pytest.raises(ResponseTooLargeError):
        SSEDecoder(max_event_bytes=100).feed(b"data: " + b"x" * 200 + b"\n\n")


def test_many_data_lines_are_bounded_as_one_event() -> None:
    body = b"".join(b"data: " + b"x" * 50 + b"\n" for _ in range(30)) + b"\n"
    assert len(SSEDecoder().feed(body)) == 1
    with pytest.raises(ResponseTooLargeError, match="data lines"):
        SSEDecoder(max_event_bytes=1000).feed(body)


def test_events_up_to_the_bound_pass_and_the_count_restarts_per_event() -> None:
    line = b"data: " + b"x" * 94  # 100 bytes
    decoder = SSEDecoder(max_event_bytes=100)
    events = feed_in_pieces(decoder, (line + b"\n\n") * 50, 7)
    assert len(events) == 50


def test_the_default_bound_is_generous_and_can_be_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    assert SSEDecoder.default_max_event_bytes == 16 * MIB
    monkeypatch.setattr(SSEDecoder, "default_max_event_bytes", 10)
    with pytest.raises(ResponseTooLargeError):
        SSEDecoder().feed(b"data: 0123456789\n")
    assert SSEDecoder(max_event_bytes=100).feed(b"data: 0123456789\n\n")
    with pytest.raises(ValueError, match="max_event_bytes"):
        SSEDecoder(max_event_bytes=0)


@parity
async def test_a_stream_with_an_oversized_event_fails_once_without_retrying(
    sync: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chatplex.http import retry_policy

    monkeypatch.setattr(SSEDecoder, "default_max_event_bytes", 4096)
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        huge = sse("x" * 10_000)
        parts = [huge[i : i + 512] for i in range(0, len(huge), 512)]
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=Body(parts)
        )

    adapter = FakeAdapter()
    retry = retry_policy(3, initial_delay=0, max_delay=0)
    with pytest.raises(ResponseTooLargeError):
        await collect(sync, adapter, adapter.request(), clients=mock_clients(handler), retry=retry)
    assert len(calls) == 1
