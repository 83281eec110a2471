from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from _httpkit import NEVER
from _httpkit import PROMPTLY
from _httpkit import SECRET
from _httpkit import Body
from _httpkit import FakeAdapter
from _httpkit import Handler
from _httpkit import HoldingAdapter
from _httpkit import LocalServer
from _httpkit import collect
from _httpkit import held
from _httpkit import mock_clients
from _httpkit import sse
from _httpkit import until

import chatplex.http
from chatplex.errors import DeadlineExceededError
from chatplex.errors import RateLimitError
from chatplex.errors import StreamError
from chatplex.errors import StreamIdleTimeoutError
from chatplex.http import astream
from chatplex.http import connections_in_use
from chatplex.http import get_async_client
from chatplex.http import get_sync_client
from chatplex.http import stream
from chatplex.messages import merge_chunks
from tests._calls import connections_left

parity = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])

SSE_HEADERS = {"content-type": "text/event-stream", "x-request-id": "req-s"}


def sse_handler(body: Body, status: int = 200) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=SSE_HEADERS, stream=body)

    return handler


@parity
async def test_events_become_chunks_split_anywhere(sync: bool) -> None:
    raw = sse("Hel", "lo", " wörld")
    parts = [raw[i : i + 7] for i in range(0, len(raw), 7)]  # splits UTF-8 and lines
    body = Body(parts)
    adapter = FakeAdapter()
    clients = mock_clients(sse_handler(body))
    chunks = await collect(sync, adapter, adapter.request(), clients=clients)
    assert [c.text for c in chunks] == ["Hel", "lo", " wörld"]
    assert body.closed


@parity
async def test_last_event_without_trailing_blank_line(sync: bool) -> None:
    body = Body([sse("a") + b"event: done\ndata: {}"])
    adapter = FakeAdapter()
    clients = mock_clients(sse_handler(body))
    chunks = await collect(sync, adapter, adapter.request(), clients=clients)
    assert [c.text for c in chunks] == ["a"]


@parity
async def test_error_status_reads_body_raises_and_closes(sync: bool) -> None:
    body = Body([b'{"error": "busy"}'])
    handler = sse_handler(body, status=429)
    adapter = FakeAdapter()
    with pytest.raises(RateLimitError) as info:
        await collect(sync, adapter, adapter.request(), clients=mock_clients(handler))
    assert info.value.message == "busy" and info.value.request_id == "req-s"
    assert info.value.response is not None and body.closed


@parity
async def test_disconnect_mid_stream_is_a_stream_error_with_partial(sync: bool) -> None:
    failure = httpx.RemoteProtocolError("peer closed connection")
    body = Body([sse("par", "tial", done=False)], error=failure)
    adapter = FakeAdapter()
    with pytest.raises(StreamError) as info:
        await collect(sync, adapter, adapter.request(), clients=mock_clients(sse_handler(body)))
    err = info.value
    assert err.partial is not None and err.partial.text == "partial"
    assert err.__cause__ is failure and err.retryable and err.provider == "fake"
    assert err.request_id == "req-s" and "fake.test" in str(err) and SECRET not in str(err)
    assert body.closed


@parity
async def test_a_disconnect_keeps_the_pieces_the_parser_holds_on_the_partial(sync: bool) -> None:
    # (`HoldsPieces`: held for the end, as Cohere's async stream holds its calls)
    failure = httpx.RemoteProtocolError("peer closed connection")
    body = Body([sse("a", done=False) + held('{"city": "Par')], error=failure)
    adapter = HoldingAdapter()
    with pytest.raises(StreamError) as info:
        await collect(sync, adapter, adapter.request(), clients=mock_clients(sse_handler(body)))
    partial = info.value.partial
    assert partial is not None and partial.text == "a" and partial.tool_calls == []
    assert [c["args"] for c in partial.invalid_tool_calls] == ['{"city": "Par']


@parity
async def test_stream_cut_short_fails_in_finish_with_partial(sync: bool) -> None:
    body = Body([sse("only", done=False)])
    adapter = FakeAdapter()
    with pytest.raises(StreamError) as info:
        await collect(sync, adapter, adapter.request(), clients=mock_clients(sse_handler(body)))
    err = info.value
    assert "before the done event" in err.message
    assert err.partial is not None and err.partial.text == "only" and err.provider == "fake"
    assert err.response is not None


@parity
async def test_error_event_and_malformed_event(sync: bool) -> None:
    adapter = FakeAdapter()
    body = Body([sse("a", done=False), b'event: error\ndata: {"error": "overloaded"}\n\n'])
    with pytest.raises(StreamError, match="overloaded") as info:
        await collect(sync, adapter, adapter.request(), clients=mock_clients(sse_handler(body)))
    assert info.value.partial is not None and info.value.partial.text == "a"

    body = Body([sse("b", done=False), b"data: {not json\n\n"])
    with pytest.raises(StreamError, match="malformed stream event") as info:
        await collect(sync, adapter, adapter.request(), clients=mock_clients(sse_handler(body)))
    assert info.value.partial is not None and info.value.partial.text == "b"


def test_breaking_out_of_a_sync_stream_closes_the_response() -> None:
    body = Body([sse("a"), sse("b"), sse("c")])
    adapter = FakeAdapter()
    client, _ = mock_clients(sse_handler(body))
    for chunk in stream(adapter, adapter.request(), client=client):
        assert chunk.text == "a"
        break
    assert body.closed  # the generator was closed as the loop dropped it


def test_closing_a_held_sync_stream_closes_the_response() -> None:
    body = Body([sse("a"), sse("b")])
    adapter = FakeAdapter()
    client, _ = mock_clients(sse_handler(body))
    chunks = stream(adapter, adapter.request(), client=client)
    assert next(chunks).text == "a"
    assert not body.closed
    chunks.close()
    assert body.closed
    chunks.close()  # idempotent


async def test_async_with_closes_the_response_on_break() -> None:
    body = Body([sse("a"), sse("b")])
    adapter = FakeAdapter()
    _, client = mock_clients(sse_handler(body))
    async with astream(adapter, adapter.request(), client=client) as chunks:
        async for chunk in chunks:
            assert chunk.text == "a"
            break
        assert not body.closed
    assert body.closed


async def test_plain_async_for_break_closes_soon_after() -> None:
    body = Body([sse("a"), sse("b")])
    adapter = FakeAdapter()
    _, client = mock_clients(sse_handler(body))
    async for _chunk in astream(adapter, adapter.request(), client=client):
        break
    # Without `async with`, the loop finalizes the dropped generator on its next turns.
    for _ in range(5):
        if body.closed:
            break
        await asyncio.sleep(0)
    assert body.closed


# --- against a real socket --------------------------------------------------------------


def test_sync_break_returns_the_connection(local: FakeAdapter) -> None:
    client = get_sync_client()
    for chunk in stream(local, local.request("/sse?n=0&delay=0.01")):
        assert chunk.text == "t0 "
        assert connections_in_use(client) == 1
        break
    assert connections_in_use(client) == 0


async def test_async_with_break_returns_the_connection(local: FakeAdapter) -> None:
    async with astream(local, local.request("/sse?n=0&delay=0.01")) as chunks:
        async for _chunk in chunks:
            assert connections_in_use(get_async_client()) == 1
            break
    assert connections_in_use(get_async_client()) == 0


async def test_cancelling_the_consuming_task_returns_the_connection(local: FakeAdapter) -> None:
    got_one = asyncio.Event()

    async def consume() -> None:
        async for _chunk in astream(local, local.request("/sse?n=0&delay=0.01")):
            got_one.set()

    task = asyncio.create_task(consume())
    await got_one.wait()
    assert connections_in_use(get_async_client()) == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert connections_in_use(get_async_client()) == 0


async def test_cancellation_while_waiting_for_headers(local: FakeAdapter) -> None:
    async def consume() -> None:
        async for _chunk in astream(local, local.request(f"/sse?before={NEVER}")):
            pass

    task = asyncio.create_task(consume())
    # Until the request is out and waiting for its headers (not a guess at how long).
    await until(lambda: connections_in_use(get_async_client()) == 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert connections_in_use(get_async_client()) == 0


@parity
async def test_full_local_stream_then_reuse(sync: bool, server: LocalServer) -> None:
    adapter = FakeAdapter(server.url)
    chunks = await collect(sync, adapter, adapter.request("/sse?n=3"))
    assert merge_chunks(chunks).text == "t0 t1 t2 "
    before = server.connections
    await collect(sync, adapter, adapter.request("/sse?n=2"))
    assert server.connections == before  # the stream's connection went back to the pool


@parity
async def test_real_mid_stream_disconnect(sync: bool, local: FakeAdapter) -> None:
    with pytest.raises(StreamError) as info:
        await collect(sync, local, local.request("/sse?n=2&cut=1"))
    err = info.value
    assert err.partial is not None and err.partial.text == "t0 t1 "
    assert isinstance(err.__cause__, httpx.RemoteProtocolError)
    assert connections_left(sync) == 0


@parity
async def test_idle_timeout_between_events(sync: bool, local: FakeAdapter) -> None:
    start = time.monotonic()
    with pytest.raises(StreamIdleTimeoutError) as info:
        await collect(sync, local, local.request(f"/sse?n=1&stall={NEVER}"), idle_timeout=0.2)
    assert time.monotonic() - start < PROMPTLY  # the idle timeout, not the stall
    assert "sent no content for 0.2 s" in str(info.value) and info.value.retryable
    # The socket's read timeout (sync) or the call's own timer (async) cut it.
    cause = info.value.__cause__
    assert cause is None or isinstance(cause, httpx.ReadTimeout)


@parity
async def test_idle_timeout_before_the_headers(sync: bool, local: FakeAdapter) -> None:
    with pytest.raises(StreamIdleTimeoutError):
        await collect(sync, local, local.request(f"/sse?before={NEVER}"), idle_timeout=0.2)


@parity
async def test_slow_but_steady_stream_is_not_idle(sync: bool, local: FakeAdapter) -> None:
    # 2.4 s in all, more than the idle timeout, but never more than 0.4 s without bytes:
    # the 1.1 s margin keeps a loaded machine's late wake-ups from looking idle.
    chunks = await collect(sync, local, local.request("/sse?n=6&delay=0.4"), idle_timeout=1.5)
    assert len(chunks) == 6


@parity
@pytest.mark.parametrize(
    ("path", "deadline"),
    [
        (f"/sse?n=1&stall={NEVER}", 0.3),  # the deadline, not the stall
        ("/sse?n=0&delay=0.05", 0.3),  # the trickle never ends: only the deadline
        (f"/sse?before={NEVER}", 0.2),  # the deadline, not the headers
    ],
    ids=["during-a-stall", "during-a-steady-trickle", "before-headers"],
)
async def test_deadline(sync: bool, local: FakeAdapter, path: str, deadline: float) -> None:
    start = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        await collect(sync, local, local.request(path), deadline=start + deadline)
    assert time.monotonic() - start < PROMPTLY


async def test_async_stream_supports_anext_and_aclose() -> None:
    body = Body([sse("x", "y")])
    adapter = FakeAdapter()
    _, client = mock_clients(sse_handler(body))
    chunks = astream(adapter, adapter.request(), client=client)
    assert (await chunks.__anext__()).text == "x"
    await chunks.aclose()
    assert body.closed
    await chunks.aclose()


async def test_user_clients_are_never_closed(local: FakeAdapter) -> None:
    async with httpx.AsyncClient() as aclient:
        with httpx.Client() as client:
            list(stream(local, local.request("/sse"), client=client))
            async with astream(local, local.request("/sse"), client=aclient) as chunks:
                _ = [c async for c in chunks]
            chatplex.http.close()
            await chatplex.http.aclose()
            assert not client.is_closed and not aclient.is_closed


@parity
async def test_merged_stream_carries_the_request_id_like_send(
    sync: bool, local: FakeAdapter
) -> None:
    chunks = await collect(sync, local, local.request("/sse?n=2"))
    assert chunks[0].response_metadata == {"request_id": "req-local", "attempts": 1}
    assert chunks[1].response_metadata == {}
    body = Body([sse("x")])
    handler = sse_handler(body)
    merged = merge_chunks(
        await collect(sync, FakeAdapter(), FakeAdapter().request(), clients=mock_clients(handler))
    )
    assert merged.response_metadata["request_id"] == "req-s"


@parity
async def test_a_streams_retries_carry_their_retry_headers(sync: bool, server: LocalServer) -> None:
    server.seen.clear()
    server.failures = 0
    adapter = FakeAdapter(server.url)
    retry = chatplex.http.retry_policy(max_retries=2, initial_delay=0.001, jitter=0.0)
    chunks = await collect(
        sync,
        adapter,
        adapter.request("/flaky?fail=2&sse=1"),
        retry=retry,
        retry_headers=lambda retries, date: [("x-retry-count", str(retries))],
    )
    assert merge_chunks(chunks).text == "t0 t1 "
    assert [h.get("x-retry-count") for h in server.seen] == [None, "1", "2"]


@parity
async def test_a_streams_first_chunk_carries_langsmith_gateways_metadata(sync: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {**SSE_HEADERS, "x-langsmith-gateway-metadata": '{"provider": "anthropic"}'}
        return httpx.Response(200, headers=headers, stream=Body([sse("a", "b")]))

    chunks = await collect(
        sync, FakeAdapter(), FakeAdapter().request(), clients=mock_clients(handler)
    )
    assert [c.response_metadata.get("gateway_metadata") for c in chunks] == [
        {"provider": "anthropic"},
        None,
    ]
