"""Lean connections (`chatplex.http._lean`): the direct path's non-stream requests on
chatplex's own keep-alive HTTP/1.1 connections, against scripted servers on 127.0.0.1.

Where a test compares with aiohttp, the same request goes through a user's client on
the same kind of transport (`client=`, httpx's path over aiohttp). Which path ran is
read from the transport's counters (`lean_sends`, `direct_sends`), never from timing.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import socket
import ssl
import struct
from collections.abc import AsyncIterator
from collections.abc import Callable
from contextlib import asynccontextmanager
from contextlib import suppress
from pathlib import Path
from typing import Any

import httpx
import pytest
from _httpkit import NEVER
from _httpkit import PROMPTLY
from _httpkit import FakeAdapter
from _httpkit import shared_transport
from _httpkit import sse
from _httpkit import until
from test_transport import Handler
from test_transport import raw_server
from test_transport import read_request

from chatplex.errors import APIConnectionError
from chatplex.http import asend
from chatplex.http import astream
from chatplex.http import connections_in_use
from chatplex.http import get_async_client
from chatplex.http import send
from chatplex.http._lean import AIOHTTP_CLASS
from chatplex.http._lean import HTTPCORE_WORDS
from chatplex.http._lean import OS_ERROR
from chatplex.http._lean import SSL_CONTEXT
from chatplex.http._lean import LeanBody
from chatplex.http._lean import as_aiohttp_connector_error
from chatplex.http._lean import connect_failure_words
from chatplex.http._transport import AioHTTPTransport


def reply(body: bytes, *headers: bytes, version: bytes = b"HTTP/1.1") -> bytes:
    head = [version + b" 200 OK", b"content-length: %d" % len(body), *headers]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


OK = reply(b'{"text": "hi"}', b"content-type: application/json")


class Peer:
    """A scripted server that counts connections and keeps every request it read."""

    def __init__(self, answer: Callable[[int, bytes], bytes | None], *, close: bool = False):
        self.answer = answer  # (request number, request) -> reply bytes; None: hang up
        self.close = close  # hang up after each reply
        self.connections = 0
        self.requests: list[bytes] = []

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                request = await read_request(reader)
                self.requests.append(request)
                answer = self.answer(len(self.requests), request)
                if answer is None:
                    return
                writer.write(answer)
                await writer.drain()
                if self.close:
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass


def same(answer: bytes) -> Callable[[int, bytes], bytes]:
    return lambda _n, _request: answer


def post(url: str, *, pool: float | None = 5.0, connect: float | None = 5.0) -> httpx.Request:
    return httpx.Request(
        "POST",
        url,
        content=b"{}",
        extensions={"timeout": {"pool": pool, "connect": connect, "read": None, "write": None}},
    )


@asynccontextmanager
async def served_transport(
    handler: Handler, **limits: Any
) -> AsyncIterator[tuple[str, AioHTTPTransport]]:
    """`handler` served on 127.0.0.1 (its URL) and a transport of its own (`limits`: its
    `httpx.Limits`), closed after the test, whether it passed or not."""
    async with raw_server(handler) as url:
        transport = AioHTTPTransport(limits=httpx.Limits(**limits))
        try:
            yield url, transport
        finally:
            await transport.aclose()


async def test_non_stream_requests_share_one_kept_alive_connection() -> None:
    peer = Peer(same(OK))
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        for _ in range(3):
            assert (await asend(adapter, adapter.request())).text == "hi"
        transport = shared_transport()
        assert (transport.lean_sends, transport.direct_sends, peer.connections) == (3, 3, 1)
        assert connections_in_use(get_async_client()) == 0


async def test_streams_stay_on_aiohttp() -> None:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
    events = sse("a", "b")
    peer = Peer(same(head + b"content-length: %d\r\n\r\n" % len(events) + events))
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        async with astream(adapter, adapter.request()) as chunks:
            assert [chunk.text async for chunk in chunks] == ["a", "b"]
    transport = shared_transport()
    assert (transport.lean_sends, transport.direct_sends) == (0, 1)


async def test_the_lean_bytes_are_the_aiohttp_bytes() -> None:
    peer = Peer(same(OK))
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        request = adapter.request("/v1/chat%20x?api-version=2024", n=1, text="caf\u00e9")
        await asend(adapter, request)
        async with httpx.AsyncClient(transport=AioHTTPTransport()) as mine:
            await asend(adapter, request, client=mine)
    assert shared_transport().lean_sends == 1
    lean, aiohttp = peer.requests
    assert lean == aiohttp
    assert lean.startswith(b"POST /v1/chat%20x?api-version=2024 HTTP/1.1\r\n")


async def test_a_connection_the_server_closed_while_idle_is_never_written_to() -> None:
    peer = Peer(same(OK), close=True)  # one request a connection, then it hangs up
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        transport = shared_transport()
        for n in range(1, 4):
            assert (await asend(adapter, adapter.request())).text == "hi"
            pool = transport._lean
            assert pool is not None
            idle = [c for conns in pool._idle.values() for c in conns]
            await until(lambda idle=idle: all(c.closed for c in idle))  # type: ignore[misc]
            assert len(peer.requests) == peer.connections == n  # each sent once
    assert transport.lean_sends == 3


async def test_connection_close_in_the_reply_opens_a_new_connection() -> None:
    peer = Peer(same(reply(b'{"text": "hi"}', b"connection: close")))  # keeps it open anyway
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        for _ in range(2):
            assert (await asend(adapter, adapter.request())).text == "hi"
    assert peer.connections == 2


async def test_a_chunked_reply() -> None:
    body = b'{"text": "in chunks"}'
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:5], body[5:]))
    head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
    peer = Peer(same(head + chunked + b"0\r\n\r\n"))
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        for _ in range(2):
            assert (await asend(adapter, adapter.request())).text == "in chunks"
    assert peer.connections == 1 and shared_transport().lean_sends == 2


def reset_connection(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


@pytest.mark.parametrize("how", ["close", "reset", "mid-head", "reset-mid-head", "mid-body"])
async def test_a_post_whose_connection_drops_is_not_sent_again_and_fails_as_on_aiohttp(
    how: str,
) -> None:
    async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await read_request(reader))
        if how == "reset":
            reset_connection(writer)
        elif how in ("mid-head", "reset-mid-head"):
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-le")
            await writer.drain()
            await asyncio.sleep(0.05)  # read before the close or reset
            if how == "reset-mid-head":
                reset_connection(writer)
        elif how == "mid-body":
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n{")
            await writer.drain()

    seen: list[bytes] = []
    async with raw_server(drop) as url:
        errors = await failed_lean_and_aiohttp(FakeAdapter(url))
    # A reply whose head came counts as sent on a lean connection; one without, not.
    assert shared_transport().lean_sends == (how == "mid-body")
    assert len(seen) == 2  # once on each path: never sent again
    lean, aiohttp = errors
    assert type(lean.__cause__) is type(aiohttp.__cause__)
    if how in ("close", "reset", "reset-mid-head"):  # else aiohttp's parser's own words
        assert str(lean) == str(aiohttp)
    assert connections_in_use(get_async_client()) == 0


async def test_an_http_10_peer_moves_its_origin_to_aiohttp() -> None:
    peer = Peer(same(reply(b'{"text": "old"}', version=b"HTTP/1.0")), close=True)
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        for _ in range(2):
            assert (await asend(adapter, adapter.request())).text == "old"
    transport = shared_transport()
    assert (transport.lean_sends, transport.direct_sends) == (1, 2)


async def test_an_unread_reply_drops_its_connection_and_frees_its_slot() -> None:
    peer = Peer(same(b"HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n{"))
    async with served_transport(peer) as (url, transport):
        request = post(f"{url}/chat")
        assert transport.lean_ok(request)
        body = await transport.open_lean(request)
        assert isinstance(body, LeanBody)
        assert transport.connections_in_use() == 1
        connection = body._connection
        assert connection is not None
        await body.aclose()
        assert transport.connections_in_use() == 0
        assert connection.closed


async def test_the_pool_limit_and_its_timeout_hold() -> None:
    peer = Peer(same(OK))
    async with served_transport(peer, max_connections=1) as (url, transport):
        first = post(f"{url}/chat")
        body = await transport.open_lean(first)
        second = post(f"{url}/chat", pool=0.05)
        with pytest.raises(httpx.PoolTimeout):
            await transport.open_lean(second)
        assert b"".join([part async for part in body]) == b'{"text": "hi"}'
        await body.aclose()
        again = await transport.open_lean(second)
        await again.aclose()
        assert transport.connections_in_use() == 0


async def test_a_cancelled_request_frees_its_slot_and_drops_its_connection() -> None:
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(NEVER)

    async with served_transport(stall) as (url, transport):
        request = post(f"{url}/chat")
        task = asyncio.ensure_future(transport.open_lean(request))
        await until(lambda: transport._lean is not None and transport.connections_in_use() == 1)
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert transport.connections_in_use() == 0
        assert transport._lean is not None and not transport._lean._idle


async def test_idle_connections_expire() -> None:
    peer = Peer(same(OK))
    async with served_transport(peer, keepalive_expiry=0.05) as (url, transport):
        request = post(f"{url}/chat")
        body = await transport.open_lean(request)
        [part async for part in body]
        await body.aclose()
        pool = transport._lean
        assert pool is not None
        (connection,) = [c for conns in pool._idle.values() for c in conns]
        await until(lambda: connection.closed)
        assert not pool._idle


async def test_bytes_on_an_idle_connection_close_it() -> None:
    async def chatty(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(OK)
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.write(b"HTTP/1.1 200 OK\r\n")  # unasked
        await writer.drain()
        await asyncio.sleep(NEVER)

    async with raw_server(chatty) as url:
        adapter = FakeAdapter(url)
        await asend(adapter, adapter.request())
        pool = shared_transport()._lean
        assert pool is not None
        (connection,) = [c for conns in pool._idle.values() for c in conns]
        await until(lambda: connection.closed)


async def test_a_connect_timeout_is_httpx_connect_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import aiohappyeyeballs

    loop = asyncio.get_running_loop()

    async def never(*args: object, **kwargs: object) -> None:
        await asyncio.sleep(NEVER)

    monkeypatch.setattr(aiohappyeyeballs, "start_connection", never)
    transport = AioHTTPTransport()
    request = post("http://127.0.0.1:9/chat?key=SECRET", connect=0.05)
    started = loop.time()
    with pytest.raises(httpx.ConnectTimeout) as caught:
        await transport.open_lean(request)
    assert loop.time() - started < PROMPTLY
    assert str(caught.value) == "Connection timeout to host http://127.0.0.1:9/chat?..."
    assert transport.connections_in_use() == 0
    await transport.aclose()


def test_what_goes_through_aiohttp_instead() -> None:
    transport = AioHTTPTransport()
    url = "http://127.0.0.1:9/chat"
    assert transport.lean_ok(httpx.Request("POST", url, content=b"{}"))
    assert not transport.lean_ok(httpx.Request("GET", url))
    assert not transport.lean_ok(httpx.Request("POST", "ftp://h/x", content=b"{}"))
    sni = httpx.Request("POST", url, content=b"{}", extensions={"sni_hostname": "x"})
    assert not transport.lean_ok(sni)

    async def parts() -> AsyncIterator[bytes]:
        yield b"{}"

    assert not transport.lean_ok(httpx.Request("POST", url, content=parts()))
    wrong = httpx.Request("POST", url, content=b"{}", headers={"content-length": "5"})
    assert not transport.lean_ok(wrong)


# --- TLS: the transport's SSL context and verify setting --------------------------------


def self_signed(directory: Path) -> tuple[Path, Path]:
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@asynccontextmanager
async def tls_server(handler: Handler, cert: Path, key: Path) -> AsyncIterator[str]:
    """`raw_server` over TLS with `cert`; a client refusing the certificate is no error."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def tolerant(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with suppress(ssl.SSLError, ConnectionError):
            await handler(reader, writer)

    async with raw_server(tolerant, tls=context) as url:
        yield url


async def test_tls_uses_the_transports_context_and_verify_setting(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    peer = Peer(same(OK))
    async with tls_server(peer, cert, key) as url:
        adapter = FakeAdapter(url)
        trusting = ssl.create_default_context(cafile=str(cert))
        async with httpx.AsyncClient(transport=AioHTTPTransport(verify=trusting)) as ours:
            transport = ours._transport
            assert isinstance(transport, AioHTTPTransport)
            request = post(f"{url}/chat")
            body = await transport.open_lean(request)
            assert b"".join([part async for part in body]) == b'{"text": "hi"}'
            await body.aclose()
        # Verified against the system's roots, the self-signed certificate fails alike
        # on a lean connection and through aiohttp.
        lean, aiohttp = await failed_lean_and_aiohttp(adapter)
        assert type(lean.__cause__) is type(aiohttp.__cause__) is httpx.ConnectError
        assert str(lean) == str(aiohttp)
        # The SSL library's reason, not the strerror of its error code ("Operation not
        # permitted"), as httpx's sync path says it.
        assert "certificate verify failed: self-signed certificate" in str(lean), str(lean)
        synced = await asyncio.to_thread(failed_sync, adapter)
        assert str(synced) == str(lean)
    assert peer.requests and len(peer.requests) == 1


def failed_sync(adapter: FakeAdapter) -> APIConnectionError:
    with pytest.raises(APIConnectionError) as caught:
        send(adapter, adapter.request())
    return caught.value


async def failed_lean_and_aiohttp(
    adapter: FakeAdapter, transport: AioHTTPTransport | None = None, **options: Any
) -> list[APIConnectionError]:
    """The error of one request sent on a lean connection, then through aiohttp (an httpx
    client over `transport`), each awaited to its failure."""
    errors: list[APIConnectionError] = []
    async with httpx.AsyncClient(transport=transport or AioHTTPTransport()) as mine:
        for client in (None, mine):
            with pytest.raises(APIConnectionError) as caught:
                await asend(adapter, adapter.request(), client=client, **options)
            errors.append(caught.value)
    return errors


async def test_a_refused_stream_says_the_certificate_failed(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    async with tls_server(Peer(same(OK)), cert, key) as url:
        adapter = FakeAdapter(url)
        with pytest.raises(APIConnectionError) as caught:
            async with astream(adapter, adapter.request()) as chunks:
                async for _ in chunks:
                    pass
    assert caught.value.retryable
    assert "certificate verify failed: self-signed certificate" in str(caught.value)


async def test_a_reply_finishing_after_the_transport_closed_closes_its_connection() -> None:
    release = asyncio.Event()

    async def late(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{")
        await writer.drain()
        await release.wait()
        writer.write(b"}")
        await writer.drain()
        await asyncio.sleep(NEVER)

    async with raw_server(late) as url:
        transport = AioHTTPTransport()
        request = post(f"{url}/chat")
        body = await transport.open_lean(request)
        connection = body._connection
        assert connection is not None
        await transport.aclose()
        release.set()
        assert b"".join([part async for part in body]) == b"{}"
        await body.aclose()
        await until(lambda: connection.closed)
        assert transport.connections_in_use() == 0


async def test_connects_cancelled_at_any_point_leave_no_socket_open() -> None:
    """Cancelled while resolving, connecting or waiting for the head: every socket is
    closed (asyncio's own happy-eyeballs race could drop a connected one unclosed)."""
    from tests._leaks import no_resource_warnings

    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(NEVER)

    async with served_transport(stall) as (url, transport):
        with no_resource_warnings():
            for delay in (0, 0, 0.001, 0.002, 0.005, 0.01):
                tasks = [
                    asyncio.ensure_future(transport.open_lean(post(f"{url}/chat")))
                    for _ in range(8)
                ]
                await asyncio.sleep(delay)
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                assert transport.connections_in_use() == 0


async def test_a_server_hanging_up_on_a_new_connection_fails_it_at_once() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()  # before any request: never waited for until a timeout

    async with raw_server(hang_up) as url:
        errors = await failed_lean_and_aiohttp(FakeAdapter(url), timeout=NEVER)
    # The same errors: "Server disconnected", or the reset of a request written before
    # the server's FIN was read (which one is a race, on either path).
    for err in errors:
        assert isinstance(err.__cause__, (httpx.RemoteProtocolError, httpx.ReadError))
    assert connections_in_use(get_async_client()) == 0


# --- bytes after a reply on a kept connection ------------------------------------------

SMUGGLED = reply(b'{"text": "evil"}')


async def test_bytes_after_a_reply_close_its_connection() -> None:
    """A reply followed by bytes no request asked for (a second reply smuggled behind
    the first): the connection is not reused, so the next request never reads them."""
    peer = Peer(lambda n, _request: OK + SMUGGLED if n == 1 else OK)
    async with raw_server(peer) as url:
        adapter = FakeAdapter(url)
        texts = [(await asend(adapter, adapter.request())).text for _ in range(2)]
        assert texts == ["hi", "hi"] and peer.connections == 2


async def test_a_refused_connection_carries_httpx_async_clients_words(closed_port: int) -> None:
    """Lean and aiohttp alike word a refused connection as the OS does; the httpx error
    also holds what httpx's own async client says of it (anyio's words), for the drop-ins
    whose partner lets httpx's error through."""
    errors = await failed_lean_and_aiohttp(FakeAdapter(f"http://127.0.0.1:{closed_port}"))
    for error in errors:
        assert isinstance(error.__cause__, httpx.ConnectError)
        assert str(error.__cause__) == "Connection refused"
        assert getattr(error.__cause__, HTTPCORE_WORDS) == "All connection attempts failed"


def test_only_a_refused_or_unreachable_address_is_worded_as_anyio() -> None:
    assert connect_failure_words(ConnectionRefusedError(111, "refused")) == (
        "All connection attempts failed"
    )
    assert connect_failure_words(socket.gaierror(-2, "Name or service not known")) is None
    assert connect_failure_words(ssl.SSLCertVerificationError(1, "verify failed")) is None


async def test_a_refused_connection_holds_what_aiohttps_connector_error_is_made_of(
    closed_port: int,
) -> None:
    """Lean and aiohttp alike: the httpx error of a refused connection holds the class
    aiohttp's connector raises, the OS error it meets (checked against aiohttp's own
    session's) and the SSL context the transport connects with, for the drop-ins whose
    partner's async client is aiohttp."""
    import aiohttp

    url = f"http://127.0.0.1:{closed_port}"
    transport = AioHTTPTransport()
    causes = [e.__cause__ for e in await failed_lean_and_aiohttp(FakeAdapter(url), transport)]
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectorError) as raw:
            await session.post(url, data=b"{}")
    contexts = (shared_transport()._ssl_context, transport._ssl_context)
    for cause, context in zip(causes, contexts, strict=True):
        assert getattr(cause, AIOHTTP_CLASS) is aiohttp.ClientConnectorError
        made = getattr(cause, OS_ERROR)
        assert type(made) is type(raw.value.os_error)
        assert (made.errno, made.strerror) == (raw.value.errno, raw.value.strerror)
        assert made.__traceback__ is None
        assert getattr(cause, SSL_CONTEXT) is context


def test_a_failed_lookup_is_aiohttps_dns_error() -> None:
    import aiohttp

    request = httpx.Request("POST", "https://nowhere.invalid/v1")
    error = httpx.ConnectError("Name or service not known", request=request)
    context = ssl.create_default_context()
    as_aiohttp_connector_error(error, socket.gaierror(-2, "Name or service not known"), context)
    assert getattr(error, AIOHTTP_CLASS) is aiohttp.ClientConnectorDNSError
    made = getattr(error, OS_ERROR)
    assert isinstance(made, socket.gaierror) and made.strerror == "Name or service not known"
    assert getattr(error, SSL_CONTEXT) is context


def test_a_failed_lookup_is_aiohttps_connector_error_before_aiohttp_3_11(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """aiohttp 3.10, the package's floor, has no `ClientConnectorDNSError` (a failed
    lookup raised its `ClientConnectorError`): marking the error asked it for the class
    and raised AttributeError in place of the connection error."""
    import aiohttp

    monkeypatch.delattr(aiohttp, "ClientConnectorDNSError")
    request = httpx.Request("POST", "https://nowhere.invalid/v1")
    error = httpx.ConnectError("Name or service not known", request=request)
    as_aiohttp_connector_error(error, socket.gaierror(-2, "Name or service not known"), None)
    assert getattr(error, AIOHTTP_CLASS) is aiohttp.ClientConnectorError
