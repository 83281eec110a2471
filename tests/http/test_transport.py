"""The shared async client's aiohttp transport: same wire bytes and errors as httpx's
default transport, visible to mocks (a plain `respx.mock` sees every request, sync and
async), proxies mounted from the environment."""

from __future__ import annotations

import asyncio
import gzip
import ssl
import sys
import traceback
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Any

import httpcore
import httpx
import pytest
import respx
from _httpkit import SECRET
from _httpkit import FakeAdapter
from _httpkit import call
from _httpkit import collect
from _httpkit import sse

from chatplex.errors import APIConnectionError
from chatplex.errors import ServerError
from chatplex.http import _pool
from chatplex.http import asend
from chatplex.http import astream
from chatplex.http import connections_in_use
from chatplex.http import get_async_client
from chatplex.http import get_sync_client
from chatplex.http._transport import AioHTTPTransport
from chatplex.http._transport import ResponseCookies
from chatplex.http._transport import env_proxy_mounts
from chatplex.http._transport import mock_is_active
from chatplex.testing._mock_core import stop_accepting

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def raw_server(handler: Handler, *, tls: ssl.SSLContext | None = None) -> AsyncIterator[str]:
    """A scripted HTTP peer on 127.0.0.1 (HTTPS with `tls`, a server context), on the
    test's own loop; yields its URL. On exit every connection handler is cancelled and its
    socket closed (no ResourceWarning)."""
    tasks: set[asyncio.Task[None]] = set()

    async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)  # type: ignore[arg-type]
        try:
            await handler(reader, writer)
        finally:
            writer.close()

    server = await asyncio.start_server(tracked, "127.0.0.1", 0, ssl=tls)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    finally:
        await stop_accepting(server)  # before close(): CPython gh-109564
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        server.close()
        await server.wait_closed()


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return head + (await reader.readexactly(length) if length else b"")


def respond(body: bytes, *headers: bytes, status: bytes = b"200 OK") -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await read_request(reader)
                head = [b"HTTP/1.1 " + status, b"content-length: %d" % len(body), *headers]
                writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    return handler


async def test_the_shared_async_client_sends_through_aiohttp() -> None:
    client = get_async_client()
    assert isinstance(client._transport, AioHTTPTransport)
    assert isinstance(client.cookies, ResponseCookies)
    async with raw_server(respond(b'{"text": "hi"}')) as url:
        adapter = FakeAdapter(url)
        assert (await asend(adapter, adapter.request())).text == "hi"
    assert "aiohttp" in sys.modules
    assert connections_in_use(client) == 0


def _recording(seen: list[bytes], reply: bytes) -> Any:
    """A raw-server handler that keeps each request's bytes in `seen` and sends `reply`."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await read_request(reader))
        writer.write(reply)
        await writer.drain()
        writer.close()

    return handler


async def test_wire_bytes_are_exactly_what_httpx_built() -> None:
    """aiohttp adds none of its own headers (no second User-Agent, Accept, ...)."""
    seen: list[bytes] = []
    handler = _recording(seen, b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
    async with raw_server(handler) as url, httpx.AsyncClient(transport=AioHTTPTransport()) as c:
        response = await c.post(url + "/p%2Fq?x=a%20b", content=b"{}", headers={"x-k": "v"})
    assert response.text == "ok"
    head, _, body = seen[0].partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST /p%2Fq?x=a%20b HTTP/1.1"  # not re-quoted by yarl
    names = sorted(line.split(b":")[0].lower() for line in lines[1:])
    assert names == sorted(
        [b"host", b"accept", b"accept-encoding", b"connection", b"user-agent"]
        + [b"content-length", b"x-k"]
    )
    assert any(line.startswith(b"user-agent: python-httpx/") for line in lines)
    assert body == b"{}"


async def test_aiohttp_adds_no_header_a_request_lacks() -> None:
    """Without httpx's defaults (Accept, Accept-Encoding, User-Agent) and with a body but
    no Content-Type, aiohttp still adds none of its own; the next request, which has
    them all, is sent with them as they were."""
    seen: list[bytes] = []
    handler = _recording(
        seen, b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok"
    )
    async with raw_server(handler) as url, httpx.AsyncClient(transport=AioHTTPTransport()) as c:
        for name in ("accept", "accept-encoding", "user-agent"):
            del c.headers[name]
        await c.post(url + "/bare", content=b"{}")
        await c.post(url + "/full", content=b"{}", headers=_ALL_AUTO)

    def names(raw: bytes) -> list[bytes]:
        return sorted(
            line.split(b":")[0].lower() for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n")[1:]
        )

    assert names(seen[0]) == [b"connection", b"content-length", b"host"]
    assert names(seen[1]) == sorted(
        [b"connection", b"content-length", b"host"] + [k.encode() for k in _ALL_AUTO]
    )
    for key, value in _ALL_AUTO.items():
        assert f"{key}: {value}".encode() in seen[1]


_ALL_AUTO = {
    "accept": "a/b",
    "accept-encoding": "identity",
    "user-agent": "me/1",
    "content-type": "text/x",
}


async def test_a_streaming_request_body_is_sent_whole() -> None:
    seen: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await read_request(reader))
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
        await writer.drain()

    async def body() -> AsyncIterator[bytes]:
        yield b'{"a":'
        yield b"1}"

    async with raw_server(handler) as url, httpx.AsyncClient(transport=AioHTTPTransport()) as c:
        response = await c.post(url, content=body())
    assert response.text == "ok"
    head, _, sent = seen[0].partition(b"\r\n\r\n")
    assert b"transfer-encoding" not in head.lower()
    assert b"content-length: 7" in head.lower()
    assert sent == b'{"a":1}'


async def test_content_encoding_is_decoded_by_httpx() -> None:
    raw = gzip.compress(b'{"text": "zipped"}')
    server = raw_server(respond(raw, b"content-encoding: gzip"))
    async with server as url, httpx.AsyncClient(transport=AioHTTPTransport()) as client:
        response = await client.post(url, content=b"{}")
    assert response.json() == {"text": "zipped"}


async def test_chunked_stream_and_connection_reuse() -> None:
    connections = 0
    body = sse("a", "b", "c")

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        try:
            while True:
                await read_request(reader)
                writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n")
                writer.write(b"content-type: text/event-stream\r\n\r\n")
                for i in range(0, len(body), 7):
                    part = body[i : i + 7]
                    writer.write(b"%x\r\n%s\r\n" % (len(part), part))
                    await writer.drain()
                writer.write(b"0\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async with raw_server(handler) as url:
        adapter = FakeAdapter(url)
        for _ in range(3):
            async with astream(adapter, adapter.request()) as chunks:
                assert "".join([c.text async for c in chunks]) == "abc"
    assert connections == 1


async def test_errors_are_httpx_errors(closed_port: int) -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.close()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(60)  # far past the read timeout below
        writer.close()

    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"NOT HTTP AT ALL\r\n\r\n")
        await writer.drain()
        writer.close()

    async with httpx.AsyncClient(transport=AioHTTPTransport()) as client:
        with pytest.raises(httpx.ConnectError):
            await client.post(f"http://127.0.0.1:{closed_port}/", content=b"{}")
        async with raw_server(hang_up) as url:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.post(url, content=b"{}")
        async with raw_server(silent) as url:
            with pytest.raises(httpx.ReadTimeout):
                await client.post(url, content=b"{}", timeout=httpx.Timeout(5, read=0.05))
        async with raw_server(garbage) as url:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.post(url, content=b"{}")
        assert client._transport.connections_in_use() == 0  # type: ignore[attr-defined]


async def test_a_piece_read_after_the_server_hung_up_is_yielded_before_the_error() -> None:
    # aiohttp's reads raise a dropped connection's error before the bytes it already
    # holds: a loop too busy to read before the hang-up came lost the last piece sent.
    async def piece_then_hang_up(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n")
        writer.write(b"content-type: text/event-stream\r\n\r\n")
        writer.write(b"%x\r\n%s\r\n" % (len(b"data: Echo\n\n"), b"data: Echo\n\n"))
        await writer.drain()
        writer.close()  # no terminating chunk: the reply is cut short

    transport = AioHTTPTransport()
    try:
        async with raw_server(piece_then_hang_up) as url:
            response = await transport.handle_async_request(
                httpx.Request("POST", url, content=b"{}")
            )
            content = response.stream._response.content  # type: ignore[attr-defined]
            for _ in range(500):  # the hang-up seen before any read (the busy loop's case)
                if content.exception() is not None:
                    break
                await asyncio.sleep(0.01)
            assert content.exception() is not None
            read: list[bytes] = []
            with pytest.raises(httpx.TransportError):
                async for part in response.stream:
                    read.append(part)
            await response.aclose()
        assert b"".join(read) == b"data: Echo\n\n"
    finally:
        await transport.aclose()


def shown(exc: BaseException) -> str:
    """Everything a log or error tracker shows of `exc`: its traceback (the displayed
    chain's str) and the repr of every exception in that chain."""
    text = ["".join(traceback.format_exception(exc))]
    seen: BaseException | None = exc
    while seen is not None:
        text.append(repr(seen))
        seen = seen.__cause__ or (None if seen.__suppress_context__ else seen.__context__)
    return "\n".join(text)


async def test_transport_errors_show_neither_the_query_nor_the_headers() -> None:
    """aiohttp's exceptions carry the full URL (str) and the request headers (repr): the
    httpx error shows neither, and is not chained to them (httpcore's carry neither)."""

    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"NOT HTTP AT ALL\r\n\r\n")
        await writer.drain()
        writer.close()

    async with raw_server(garbage) as url, httpx.AsyncClient(transport=AioHTTPTransport()) as c:
        with pytest.raises(httpx.RemoteProtocolError) as raw:
            await c.post(f"{url}/v1?key={SECRET}", content=b"{}", headers={"x-api-key": SECRET})
        adapter = FakeAdapter(url)  # its request sends `authorization: Bearer SECRET`
        with pytest.raises(APIConnectionError) as typed:
            await asend(adapter, adapter.request(f"/chat?key={SECRET}"), client=c)
    assert "Bad status line" in str(raw.value)  # the reason is kept
    for exc in (raw.value, typed.value):
        assert SECRET not in shown(exc)
    assert raw.value.__cause__ is None


async def test_connect_timeout_bounds_name_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx's connect timeout covers DNS, TCP and TLS; so does the transport's."""
    release = asyncio.Event()

    async def stuck_resolver(*args: object, **kwargs: object) -> list[dict[str, object]]:
        await release.wait()  # a resolver that never answers (until the test ends)
        raise OSError("no answer")

    transport = AioHTTPTransport()
    async with httpx.AsyncClient(transport=transport) as client:
        session = transport._open()
        monkeypatch.setattr(session.connector._resolver, "resolve", stuck_resolver)  # type: ignore[union-attr]
        try:
            async with asyncio.timeout(10):
                with pytest.raises(httpx.ConnectTimeout):
                    await client.post(
                        "http://dns-hangs.test/",
                        content=b"{}",
                        timeout=httpx.Timeout(5, connect=0.1),
                    )
        finally:
            release.set()
            await asyncio.sleep(0)
    assert transport.connections_in_use() == 0


async def test_pool_limit_and_pool_timeout() -> None:
    transport = AioHTTPTransport(limits=httpx.Limits(max_connections=1))
    async with raw_server(respond(b"ok")) as url, httpx.AsyncClient(transport=transport) as c:
        async with c.stream("POST", url, content=b"{}") as held:
            assert transport.connections_in_use() == 1
            with pytest.raises(httpx.PoolTimeout):
                await c.post(url, content=b"{}", timeout=httpx.Timeout(5, pool=0.05))
            await held.aread()
        assert transport.connections_in_use() == 0
        assert (await c.post(url, content=b"{}")).text == "ok"


def counting_server(body: bytes) -> tuple[Handler, list[bytes]]:
    seen: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                seen.append(await read_request(reader))
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(body) + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass

    return handler, seen


@pytest.mark.parametrize("granted_at_the_same_moment", [False, True])
async def test_cancelling_a_request_waiting_for_a_slot_sends_nothing_and_keeps_the_slot(
    granted_at_the_same_moment: bool,
) -> None:
    # Python <= 3.11's asyncio.wait_for returns a slot granted in the same loop step as
    # the cancellation instead of raising: the cancelled request would then go out.
    transport = AioHTTPTransport(limits=httpx.Limits(max_connections=1))
    handler, seen = counting_server(b"ok")
    async with raw_server(handler) as url, httpx.AsyncClient(transport=transport) as c:
        held = await c.send(c.build_request("POST", url, content=b"{}"), stream=True)
        waiting = asyncio.create_task(c.post(url, content=b"{}"))
        for _ in range(5):
            await asyncio.sleep(0)
        assert not waiting.done() and len(seen) == 1
        if granted_at_the_same_moment:
            await held.aclose()  # hands the slot to the waiting task...
        waiting.cancel()  # ...which is cancelled before it runs again
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await held.aclose()
        await asyncio.sleep(0.05)
        assert len(seen) == 1  # the cancelled request was never sent
        assert transport.connections_in_use() == 0
        assert transport._slots is not None and transport._slots._value == 1
        assert (await c.post(url, content=b"{}")).text == "ok"
        assert len(seen) == 2


async def test_mock_detection_follows_respx_and_pytest_httpx_style_patches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert not mock_is_active()
    with respx.mock:
        assert mock_is_active()
    assert not mock_is_active()

    async def fake(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="patched transport")

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", fake)
    assert mock_is_active()
    async with httpx.AsyncClient(transport=AioHTTPTransport()) as client:
        assert (await client.get("http://127.0.0.1:9/")).text == "patched transport"


async def test_a_client_made_before_respx_is_mocked_and_fast_again_after() -> None:
    async with raw_server(respond(b'{"text": "real"}')) as url:
        adapter = FakeAdapter(url)
        client = get_async_client()
        with respx.mock:
            respx.post(url + "/chat").respond(200, json={"text": "mocked"})
            assert (await asend(adapter, adapter.request())).text == "mocked"
        assert get_async_client() is client
        assert (await asend(adapter, adapter.request())).text == "real"
    assert httpcore.AsyncConnectionPool.handle_async_request.__qualname__ == (
        "AsyncConnectionPool.handle_async_request"
    )


def test_environment_proxies_are_mounted_as_httpx_transports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,internal.example")
    settings = _pool.pool_settings()
    ctx = _pool._shared_ssl_context(settings)
    mounts = env_proxy_mounts(verify=ctx, limits=settings.limits(), trust_env=True)
    assert isinstance(mounts["https://"], httpx.AsyncHTTPTransport)
    assert mounts["all://localhost"] is None  # NO_PROXY: our own transport
    assert env_proxy_mounts(verify=ctx, limits=settings.limits(), trust_env=False) == {}

    async def routes() -> tuple[object, object]:
        client = get_async_client()
        proxied = client._transport_for_url(httpx.URL("https://api.openai.com/v1"))
        direct = client._transport_for_url(httpx.URL("http://localhost:8000/v1"))
        return proxied, direct

    proxied, direct = asyncio.run(routes())
    assert isinstance(proxied, httpx.AsyncHTTPTransport)
    assert isinstance(direct, AioHTTPTransport)


async def test_response_cookies_still_stored_when_set() -> None:
    server = raw_server(respond(b"{}", b"set-cookie: sid=abc; Path=/"))
    async with server as url, httpx.AsyncClient(transport=AioHTTPTransport()) as client:
        client._cookies = ResponseCookies(client.cookies)
        await client.post(url, content=b"{}")
        assert client.cookies.get("sid") == "abc"


# ---- a plain respx.mock sees every request --------------------------------------------
# Default settings, as a user's test would write it: sync, async, streaming, through the
# shared pools (the async path falls back to httpx's transport while a mock is active).

parity = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])


URL = "https://fake.test/chat"


@parity
async def test_plain_respx_mock_intercepts_send(sync: bool) -> None:
    adapter = FakeAdapter()
    with respx.mock:
        route = respx.post(URL).mock(return_value=httpx.Response(200, json={"text": "mocked"}))
        message = await call(sync, adapter, adapter.request())
    assert message.text == "mocked"
    assert route.call_count == 1
    assert route.calls.last.request.content == b'{"model":"m"}'


@parity
async def test_plain_respx_mock_intercepts_streams(sync: bool) -> None:
    adapter = FakeAdapter()
    body = sse("mo", "cked")
    with respx.mock:
        respx.post(URL).mock(
            return_value=httpx.Response(
                200, headers={"content-type": "text/event-stream"}, content=body
            )
        )
        chunks = await collect(sync, adapter, adapter.request(stream=True))
    assert "".join(c.text for c in chunks) == "mocked"


@parity
async def test_respx_sees_clients_created_before_the_mock(sync: bool) -> None:
    client = get_sync_client() if sync else get_async_client()
    adapter = FakeAdapter()
    with respx.mock:
        respx.post(URL).respond(200, json={"text": "late"})
        assert (await call(sync, adapter, adapter.request())).text == "late"
        assert (get_sync_client() if sync else get_async_client()) is client


@parity
async def test_respx_side_effects_map_per_attempt(sync: bool) -> None:
    """What a retry loop will see, attempt by attempt."""
    adapter = FakeAdapter()
    with respx.mock:
        respx.post(URL).mock(
            side_effect=[
                httpx.ConnectError("refused"),
                httpx.Response(503, json={"error": "later"}),
                httpx.Response(200, json={"text": "third time"}),
            ]
        )
        with pytest.raises(APIConnectionError) as first:
            await call(sync, adapter, adapter.request())
        with pytest.raises(ServerError) as second:
            await call(sync, adapter, adapter.request())
        third = await call(sync, adapter, adapter.request())
    assert first.value.retryable and second.value.retryable
    assert third.text == "third time"


def test_yarl_urls_are_kept_per_url_object_but_never_with_a_query() -> None:
    """The same httpx URL object gives the same yarl URL (parsed once); a URL with a
    query (a key may be in it) is not kept here."""
    from chatplex.http._transport import _url
    from chatplex.http._transport import _yarl_urls

    plain = httpx.URL("https://x.example/v1/chat%20x")
    assert _url(plain) is _url(plain)
    assert str(_url(plain)) == "https://x.example/v1/chat%20x"  # not re-quoted
    assert _url(httpx.URL("https://x.example/v1/chat%20x")) == _url(plain)
    keyed = httpx.URL("https://x.example/v1/chat?key=SECRET")
    assert str(_url(keyed)) == "https://x.example/v1/chat?key=SECRET"
    assert all("SECRET" not in str(made) for _, made in _yarl_urls.values())


async def test_failures_carry_what_httpxs_own_async_client_says(closed_port: int) -> None:
    """A refused connection and a chunked body cut off: aiohttp's words are kept, and
    the httpx error holds httpx's own async client's words for the same failure (read
    by the drop-ins whose partner lets httpx's error through), checked against it."""

    async def cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n")
        await writer.drain()
        writer.close()

    async def failure(client: httpx.AsyncClient, url: str) -> httpx.TransportError:
        with pytest.raises(httpx.TransportError) as caught:
            async with client.stream("POST", url, content=b"{}") as response:
                await response.aread()
        return caught.value

    async with (
        raw_server(cut) as url,
        httpx.AsyncClient(transport=AioHTTPTransport()) as ours,
        httpx.AsyncClient() as theirs,
    ):
        for target in (url, f"http://127.0.0.1:{closed_port}/"):
            mine, httpxs = await failure(ours, target), await failure(theirs, target)
            assert type(mine) is type(httpxs)
            assert str(mine) != str(httpxs)  # aiohttp's words, chatplex's own
            assert mine.httpcore_words == str(httpxs)  # type: ignore[attr-defined]
            assert mine.aiohttp_class.__module__.startswith("aiohttp")  # type: ignore[attr-defined]


def test_a_tls_failure_holds_no_os_error_to_word_as_aiohttps_connector_error() -> None:
    """A connection refused holds what aiohttp's connector error is made of (its OS
    error, the transport's SSL context); a TLS failure only its class: aiohttp words
    its certificate errors otherwise."""
    import aiohttp
    from aiohttp.client_reqrep import ConnectionKey

    from chatplex.http._lean import OS_ERROR
    from chatplex.http._lean import SSL_CONTEXT
    from chatplex.http._transport import _httpx_error

    request = httpx.Request("POST", "https://h.example/v1")
    key = ConnectionKey("h.example", 443, True, True, None, None, None)
    context = ssl.create_default_context()
    refused = aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "Connect call failed"))
    untrusted = aiohttp.ClientConnectorCertificateError(
        key, ssl.SSLCertVerificationError(1, "certificate verify failed")
    )
    marked = _httpx_error(refused, request, context)
    assert isinstance(marked, httpx.ConnectError)
    assert getattr(marked, OS_ERROR).strerror == "Connect call failed"
    assert getattr(marked, SSL_CONTEXT) is context
    tls = _httpx_error(untrusted, request, context)
    assert tls.aiohttp_class is type(untrusted)  # type: ignore[attr-defined]
    assert not hasattr(tls, OS_ERROR) and not hasattr(tls, SSL_CONTEXT)


async def test_a_connection_that_never_sent_is_not_counted_busy() -> None:
    """A request cancelled between its connect and its send leaves an established, unused
    connection (httpcore's NEW state) that the pool hands to the next request: not busy.
    One still connecting, or carrying a request, is."""
    from chatplex.http._transport import busy_connections

    origin = httpcore.Origin(b"http", b"127.0.0.1", 80)
    connecting = httpcore.AsyncHTTPConnection(origin=origin)
    connected = httpcore.AsyncHTTPConnection(origin=origin)
    connected._connection = httpcore.AsyncHTTP11Connection(origin, stream=_NoStream())
    pool = type("Pool", (), {"connections": [connecting, connected]})()
    assert connected.info().endswith("NEW, Request Count: 0")
    assert busy_connections(pool) == 1  # the one connecting
    connected._connection._request_count = 1  # what its send does before it writes
    connected._connection._state = httpcore._async.http11.HTTPConnectionState.ACTIVE
    assert busy_connections(pool) == 2


class _NoStream(httpcore.AsyncNetworkStream):
    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        pass

    async def aclose(self) -> None:
        pass


def test_a_tls_failure_before_aiohttp_3_14_is_a_connect_error_in_its_words() -> None:
    """aiohttp before 3.14 (3.10, the package's floor, to 3.13) keeps no OS error in its
    certificate error (`os_error` raises AttributeError): the failure is still httpx's
    ConnectError, worded by the certificate error, as 3.14 holds it."""
    import aiohttp
    from aiohttp.client_reqrep import ConnectionKey

    from chatplex.http._transport import _httpx_error

    request = httpx.Request("POST", "https://h.example/v1")
    key = ConnectionKey("h.example", 443, True, True, None, None, None)
    cause = ssl.SSLCertVerificationError(1, "certificate verify failed")
    untrusted = aiohttp.ClientConnectorCertificateError(key, cause)
    untrusted.__dict__.pop("_os_error", None)  # (as aiohttp before 3.14 makes it)
    error = _httpx_error(untrusted, request, ssl.create_default_context())
    assert isinstance(error, httpx.ConnectError)
    assert "certificate verify failed" in str(error)
