"""Sync lean connections (`chatplex.http._lean_sync`): the shared sync client's non-stream
requests on chatplex's own keep-alive HTTP/1.1 connections over blocking sockets,
against scripted servers on 127.0.0.1 (served on the test's loop, the sync call in a
thread).

Where a test compares with httpx's sync path, the same request goes through a client of
the test's own (`client=`: httpx's default transport, httpcore and h11). Which path ran
is read from the pool's counters (`sends`, `in_use`), never from timing.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from _httpkit import NEVER
from _httpkit import FakeAdapter
from _httpkit import sse
from test_lean import OK
from test_lean import Peer
from test_lean import post
from test_lean import reply
from test_lean import reset_connection
from test_lean import same
from test_lean import self_signed
from test_lean import tls_server
from test_transport import raw_server
from test_transport import read_request

from chatplex.errors import APIConnectionError
from chatplex.errors import APIError
from chatplex.errors import APITimeoutError
from chatplex.errors import DeadlineExceededError
from chatplex.http import asend
from chatplex.http import configure_pool
from chatplex.http import connections_in_use
from chatplex.http import get_sync_client
from chatplex.http import send
from chatplex.http import stream
from chatplex.http._direct import sync_lean_pool
from chatplex.http._lean_sync import SyncBody
from chatplex.http._lean_sync import SyncPool
from chatplex.http._lean_sync import _Connection
from chatplex.http._pool import sync_lean_pool as shared_lean_pool


def shared_pool() -> SyncPool:
    pool = shared_lean_pool(get_sync_client())
    assert pool is not None
    return pool


async def in_thread(fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    return await asyncio.to_thread(fn, *args, **kw)


def sync_failure(adapter: FakeAdapter, **kw: Any) -> APIError:
    with pytest.raises(APIError) as caught:
        send(adapter, adapter.request(), retry=None, **kw)
    return caught.value


async def failed_lean_and_httpx(adapter: FakeAdapter) -> tuple[APIError, APIError]:
    """The same failing request on a lean connection and on httpx's sync path."""
    lean = await in_thread(sync_failure, adapter)
    with httpx.Client() as own:
        theirs = await in_thread(sync_failure, adapter, client=own)
    return lean, theirs


async def test_sync_and_async_non_stream_requests_go_lean_on_one_connection_each() -> None:
    peer = Peer(same(OK))
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        for _ in range(3):
            assert (await in_thread(send, adapter, adapter.request())).text == "hi"
        assert (await asend(adapter, adapter.request())).text == "hi"
        pool = shared_pool()
        assert (pool.sends, pool.in_use, peer.connections) == (3, 0, 2)
        assert connections_in_use(get_sync_client()) == 0


async def test_the_sync_bytes_are_the_async_lean_bytes() -> None:
    peer = Peer(same(OK))
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        request = adapter.request("/v1/chat%20x?api-version=2024", n=1, text="caf\u00e9")
        await in_thread(send, adapter, request)
        await asend(adapter, request)
    assert shared_pool().sends == 1
    sync, async_ = peer.requests
    assert sync == async_


async def test_streams_stay_on_httpx() -> None:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
    events = sse("a", "b")
    peer = Peer(same(head + b"content-length: %d\r\n\r\n" % len(events) + events))

    def streamed(adapter: FakeAdapter) -> list[str]:
        with stream(adapter, adapter.request()) as chunks:
            return [chunk.text for chunk in chunks]

    async with raw_server(peer) as url:
        assert await in_thread(streamed, FakeAdapter(url)) == ["a", "b"]
    assert shared_pool().sends == 0


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_reply_in_many_small_chunks_is_read_whole(sync: bool) -> None:
    text = "x" * 5000
    body = b'{"text": "%s"}' % text.encode()
    chunked = b"".join(
        b"%x\r\n%s\r\n" % (len(body[i : i + 7]), body[i : i + 7]) for i in range(0, len(body), 7)
    )
    head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
    peer = Peer(same(head + chunked + b"0\r\n\r\n"))
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        for _ in range(2):
            if sync:
                got = await in_thread(send, adapter, adapter.request())
            else:
                got = await asend(adapter, adapter.request())
            assert got.text == text
    assert peer.connections == 1
    assert shared_pool().sends == (2 if sync else 0)


async def test_a_connection_the_server_closed_while_idle_is_never_written_to() -> None:
    peer = Peer(same(OK), close=True)  # one request a connection, then it hangs up
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        for n in range(1, 4):
            await asyncio.sleep(0.05)  # the server's close reaches the idle socket
            assert (await in_thread(send, adapter, adapter.request())).text == "hi"
            assert len(peer.requests) == peer.connections == n  # each sent once
    assert shared_pool().sends == 3


async def test_connection_close_in_the_reply_opens_a_new_connection() -> None:
    peer = Peer(same(reply(b'{"text": "hi"}', b"connection: close")))  # keeps it open anyway
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        for _ in range(2):
            assert (await in_thread(send, adapter, adapter.request())).text == "hi"
    assert peer.connections == 2


@pytest.mark.parametrize("how", ["close", "reset", "mid-head", "mid-body", "mid-chunks"])
async def test_a_dropped_connection_fails_as_on_httpxs_sync_path(how: str) -> None:
    async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await read_request(reader))
        if how == "reset":
            reset_connection(writer)
        elif how == "mid-head":
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-le")
        elif how == "mid-body":
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n{")
        elif how == "mid-chunks":
            writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\n{\r\n")
        await writer.drain()
        await asyncio.sleep(0.05)  # read before the close

    seen: list[bytes] = []
    async with raw_server(drop) as url:
        lean, theirs = await failed_lean_and_httpx(FakeAdapter(url))
    assert len(seen) == 2  # once on each path: never sent again
    assert type(lean.__cause__) is type(theirs.__cause__)
    assert str(lean) == str(theirs)
    assert shared_pool().in_use == 0


async def test_a_refused_connection_fails_as_on_httpxs_sync_path(closed_port: int) -> None:
    lean, theirs = await failed_lean_and_httpx(FakeAdapter(f"http://127.0.0.1:{closed_port}"))
    assert type(lean.__cause__) is type(theirs.__cause__) is httpx.ConnectError
    assert str(lean) == str(theirs)
    assert shared_pool().in_use == 0


async def test_a_trickling_server_still_ends_at_the_deadline() -> None:
    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 999999\r\n\r\n")
        while True:
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.02)

    async with raw_server(trickle) as url:
        adapter = FakeAdapter(url)
        with pytest.raises(DeadlineExceededError):
            await in_thread(
                send, adapter, adapter.request(), deadline=time.monotonic() + 0.3, retry=None
            )
    assert shared_pool().sends == 1 and shared_pool().in_use == 0


async def test_a_silent_server_ends_at_the_read_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(NEVER)

    async with raw_server(silent) as url:
        adapter = FakeAdapter(url)
        with pytest.raises(APITimeoutError):
            await in_thread(send, adapter, adapter.request(), timeout=0.2, retry=None)
    assert shared_pool().in_use == 0


async def test_the_pool_limit_and_its_timeout_hold() -> None:
    peer = Peer(same(OK))
    async with raw_server(peer) as url:
        pool = SyncPool(ssl.create_default_context(), httpx.Limits(max_connections=1))
        body = await in_thread(pool.send, post(f"{url}/chat"))
        second = post(f"{url}/chat", pool=0.05)
        with pytest.raises(httpx.PoolTimeout):
            await in_thread(pool.send, second)
        assert b"".join(body) == b'{"text": "hi"}'
        body.close()
        again = await in_thread(pool.send, second)
        assert b"".join(again) == b'{"text": "hi"}'
        again.close()
        assert pool.in_use == 0 and peer.connections == 1
        pool.close()


async def test_an_unread_reply_drops_its_connection_and_frees_its_slot() -> None:
    peer = Peer(same(b"HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n{"))
    async with raw_server(peer) as url:
        pool = SyncPool(ssl.create_default_context(), httpx.Limits())
        body = await in_thread(pool.send, post(f"{url}/chat"))
        assert isinstance(body, SyncBody) and pool.in_use == 1
        connection = body._connection
        assert connection is not None
        body.close()
        assert pool.in_use == 0 and connection.sock.fileno() == -1
        pool.close()


def test_idle_connections_past_the_keepalive_count_or_the_expiry_are_closed() -> None:
    pool = SyncPool(
        ssl.create_default_context(),
        httpx.Limits(max_keepalive_connections=1, keepalive_expiry=0.05),
    )
    key = ("http", "127.0.0.1", 9)
    (a, a_peer), (b, b_peer) = socket.socketpair(), socket.socketpair()
    with a, a_peer, b, b_peer:
        pool.put(_Connection(a, key))
        pool.put(_Connection(b, key))
        assert b.fileno() == -1 and pool._idle_count == 1  # over the count: closed
        time.sleep(0.1)
        assert pool._take(key) is None and a.fileno() == -1  # expired: closed
    pool.close()


async def test_an_http_10_peer_moves_its_origin_to_httpx() -> None:
    peer = Peer(same(reply(b'{"text": "old"}', version=b"HTTP/1.0")), close=True)
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        for _ in range(2):
            assert (await in_thread(send, adapter, adapter.request())).text == "old"
    assert shared_pool().sends == 1


async def test_tls_uses_the_shared_context_and_fails_as_httpx_does(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    peer = Peer(same(OK))
    async with tls_server(peer, cert, key) as url:
        trusting = ssl.create_default_context(cafile=str(cert))
        pool = SyncPool(trusting, httpx.Limits())
        body = await in_thread(pool.send, post(f"{url}/chat"))
        assert b"".join(body) == b'{"text": "hi"}'
        body.close()
        pool.close()
        # Verified against the system's roots, the self-signed certificate fails alike.
        lean, theirs = await failed_lean_and_httpx(FakeAdapter(url))
        assert type(lean.__cause__) is type(theirs.__cause__) is httpx.ConnectError
        assert str(lean) == str(theirs)
        assert "certificate verify failed" in str(lean)


def test_mocks_transports_proxies_and_auth_keep_httpxs_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request = post("http://127.0.0.1:9/chat")
    shared = get_sync_client()
    assert sync_lean_pool(shared, request) is shared_pool()
    with httpx.Client() as own:  # not the shared client: no lean connections
        assert sync_lean_pool(own, request) is None
    with respx.mock:
        assert sync_lean_pool(shared, request) is None
    assert not SyncPool(ssl.create_default_context(), httpx.Limits()).usable(
        httpx.Request("GET", "http://127.0.0.1:9/chat")
    )
    with_user = post("http://user:pw@127.0.0.1:9/chat")
    assert sync_lean_pool(shared, with_user) is None
    import chatplex.http

    chatplex.http.close()
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:3128")
    proxied = get_sync_client()
    assert sync_lean_pool(proxied, request) is None


def test_a_respx_mock_sees_the_sync_request() -> None:
    adapter = FakeAdapter("http://127.0.0.1:9")
    with respx.mock:
        route = respx.post("http://127.0.0.1:9/chat").respond(json={"text": "mocked"})
        assert send(adapter, adapter.request()).text == "mocked"
    assert route.called and shared_pool().sends == 0


def test_a_mock_transport_client_is_honoured() -> None:
    adapter = FakeAdapter("http://127.0.0.1:9")
    with httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"text": "m"}))
    ) as own:
        assert send(adapter, adapter.request(), client=own).text == "m"
    assert shared_pool().sends == 0


def test_the_pool_is_the_shared_clients_and_closes_with_it() -> None:
    import chatplex.http

    configure_pool(max_connections=3)
    pool = shared_pool()
    assert pool._slots is not None
    chatplex.http.close()
    assert pool._closed and shared_lean_pool(get_sync_client()) is not pool


async def test_a_secret_in_the_query_stays_out_of_a_failure(closed_port: int) -> None:
    adapter = FakeAdapter(f"http://127.0.0.1:{closed_port}")
    request = adapter.request("/chat?key=SECRET-9")
    with pytest.raises(APIConnectionError) as caught:
        await in_thread(send, adapter, request, retry=None)
    err = caught.value
    assert "SECRET-9" not in str(err) and "SECRET-9" not in str(err.__cause__)


def test_a_socket_left_readable_is_not_reused() -> None:
    from chatplex.http._lean_sync import _readable

    left, right = socket.socketpair()
    with left, right:
        assert not _readable(left)
        right.sendall(b"x")
        assert _readable(left)


async def test_hooks_cookies_and_a_gzip_reply_as_on_httpxs_path() -> None:
    import gzip

    packed = gzip.compress(b'{"text": "unpacked"}')
    peer = Peer(same(reply(packed, b"content-encoding: gzip", b"set-cookie: session=s1; Path=/")))
    seen: list[object] = []
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        shared = get_sync_client()
        shared.event_hooks["request"].append(lambda request: seen.append(request.method))
        shared.event_hooks["response"].append(lambda response: seen.append(response.status_code))
        got = await in_thread(send, adapter, adapter.request())
    assert got.text == "unpacked"
    assert seen == ["POST", 200] and shared.cookies.get("session") == "s1"
    assert shared_pool().sends == 1


async def test_a_reply_setting_no_cookie_is_not_handed_to_the_shared_sync_jar() -> None:
    # The jar reads only Set-Cookie headers; handing it every reply cost ~20 us a call.
    cookie = reply(b'{"text": "hi"}', b"set-cookie: sid=s2; Path=/")
    peer = Peer(lambda n, _request: OK if n == 1 else cookie)
    shared = get_sync_client()
    handed: list[object] = []
    jar = shared.cookies.jar
    read = jar.extract_cookies

    def extract(response: Any, request: Any) -> None:
        handed.append(response)
        read(response, request)

    jar.extract_cookies = extract  # type: ignore[method-assign]
    try:
        async with raw_server(peer) as url:
            adapter = FakeAdapter(url)
            await in_thread(send, adapter, adapter.request())
            assert handed == [] and shared.cookies.get("sid") is None
            await in_thread(send, adapter, adapter.request())
    finally:
        del jar.extract_cookies
    assert len(handed) == 1 and shared.cookies.get("sid") == "s2"
    assert shared_pool().sends == 2


async def test_streams_on_httpxs_path_and_lean_requests_share_the_connection_limit() -> None:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
    events = sse("a", "b")
    streamed = head + b"content-length: %d\r\n\r\n" % len(events) + events
    peer = Peer(lambda n, _request: streamed if n == 1 else OK)
    configure_pool(max_connections=1, pool_timeout=0.05)
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)

        def stream_then_invoke() -> APIError:
            with stream(adapter, adapter.request(), retry=None) as chunks:
                next(iter(chunks))  # the stream holds the one slot
                with pytest.raises(APITimeoutError) as caught:
                    send(adapter, adapter.request(), retry=None)
            return caught.value

        err = await in_thread(stream_then_invoke)
        assert "pool" in str(err)
        pool = shared_pool()
        assert (pool.sends, pool.in_use, connections_in_use(get_sync_client())) == (0, 0, 0)
        # The stream closed, its slot is free again.
        assert (await in_thread(send, adapter, adapter.request())).text == "hi"
    assert len(peer.requests) == 2  # the refused one was never sent


def test_a_mocks_ready_made_replies_give_their_slot_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """A transport mocked by patching its class answers with replies read whole (so
    already closed): each gives its slot back at once, or a few calls would use the pool
    up and the next wait out its timeout."""
    configure_pool(max_connections=1, pool_timeout=0.05)

    def answer(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"text": "mocked"})

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", answer)
    adapter = FakeAdapter("http://127.0.0.1:9")
    replies = [send(adapter, adapter.request(), retry=None).text for _ in range(3)]
    assert replies == ["mocked"] * 3
