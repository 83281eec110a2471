"""The direct path (`chatplex.http._direct`): the shared async client's requests sent
straight through aiohttp, with the same bytes, errors and hooks as httpx's own path.

Each test compares the two paths on one local server: the shared client (direct) and a
client passed in (`client=`, which always goes through `AsyncClient.send`), built on the
same aiohttp transport so that only the path differs. Which path ran is observed through
the transport's `direct_sends` counter, never through timing.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import traceback
from collections.abc import AsyncIterator

import httpx
import pytest
import respx
from _httpkit import SECRET
from _httpkit import FakeAdapter
from _httpkit import shared_transport
from _httpkit import sse
from test_transport import Handler
from test_transport import raw_server
from test_transport import read_request
from test_transport import respond

from chatplex.errors import APIConnectionError
from chatplex.errors import RateLimitError
from chatplex.errors import StreamError
from chatplex.http import asend
from chatplex.http import astream
from chatplex.http import connections_in_use
from chatplex.http import get_async_client
from chatplex.http import send
from chatplex.http._direct import DirectResponse
from chatplex.http._direct import direct_transport
from chatplex.http._transport import AioHTTPTransport


async def own_client() -> httpx.AsyncClient:
    """A user's client on the same kind of transport: only the path differs."""
    return httpx.AsyncClient(transport=AioHTTPTransport())


def recording(seen: list[bytes], reply: bytes) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                seen.append(await read_request(reader))
                writer.write(reply)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass

    return handler


OK = (
    b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 14\r\n\r\n{"text": "hi"}'
)


async def test_the_direct_path_sends_the_same_bytes_as_httpx() -> None:
    seen: list[bytes] = []
    async with raw_server(recording(seen, OK)) as url:
        adapter = FakeAdapter(url)
        transport = shared_transport()
        assert (await asend(adapter, adapter.request(n=1))).text == "hi"
        assert (await asend(adapter, adapter.request(n=1))).text == "hi"  # built from a template
        assert transport.direct_sends == 2
        async with await own_client() as mine:
            assert (await asend(adapter, adapter.request(n=1), client=mine)).text == "hi"
            assert mine._transport.direct_sends == 0  # type: ignore[attr-defined]
        # The sync shared client (httpcore, another thread) sends the same request too.
        sync_reply = await asyncio.to_thread(send, adapter, adapter.request(n=1))
        assert sync_reply.text == "hi"
    direct, again, user, sync = seen
    assert direct == again == user
    # httpcore writes the same header lines, in the same order (names keep httpx's case).
    lower = [line.lower() for line in sync.split(b"\r\n")]
    assert [line.lower() for line in direct.split(b"\r\n")] == lower
    assert b"authorization: bearer " + SECRET.encode() in direct.lower()


async def test_the_direct_path_is_taken_only_when_chatplex_owns_the_client() -> None:
    async with raw_server(respond(b'{"text": "hi"}')) as url:
        adapter = FakeAdapter(url)
        transport = shared_transport()
        await asend(adapter, adapter.request())
        assert transport.direct_sends == 1
        async with await own_client() as mine:
            await asend(adapter, adapter.request(), client=mine)
        assert transport.direct_sends == 1
        # A mock of httpx's send path must see the request: the httpx path is taken.
        with respx.mock(assert_all_called=True) as mock:
            route = mock.post(f"{url}/chat").respond(json={"text": "mocked"})
            assert (await asend(adapter, adapter.request())).text == "mocked"
            assert route.call_count == 1
        assert transport.direct_sends == 1
        await asend(adapter, adapter.request())  # the mock stopped: direct again
        assert transport.direct_sends == 2


def test_direct_transport_declines_what_only_httpx_send_does() -> None:
    request = httpx.Request("POST", "http://127.0.0.1:9/chat")
    plain = httpx.AsyncClient()  # httpcore's transport: nothing to go direct to
    assert direct_transport(plain, request) is None
    transport = AioHTTPTransport()
    client = httpx.AsyncClient(transport=transport)
    assert direct_transport(client, request) is transport
    with_user = httpx.Request("POST", "http://u:pw@127.0.0.1:9/chat")
    assert direct_transport(client, with_user) is None  # httpx's BasicAuth from the URL
    authed = httpx.AsyncClient(transport=transport, auth=("u", "pw"))
    assert direct_transport(authed, request) is None
    proxied = httpx.AsyncClient(
        transport=transport, mounts={"http://": httpx.AsyncHTTPTransport(proxy="http://p:1")}
    )
    assert direct_transport(proxied, request) is None
    no_proxy = httpx.AsyncClient(transport=transport, mounts={"http://127.0.0.1": None})
    assert direct_transport(no_proxy, request) is transport  # a NO_PROXY host


async def test_a_closed_client_is_left_to_httpx_send_and_its_error() -> None:
    client = httpx.AsyncClient(transport=AioHTTPTransport())
    await client.aclose()
    assert direct_transport(client, httpx.Request("POST", "http://127.0.0.1:9/")) is None


@pytest.mark.parametrize("stream", [False, True])
async def test_error_statuses_are_typed_alike_on_both_paths(stream: bool) -> None:
    body = b'{"error": "slow down"}'
    reply = respond(body, b"x-request-id: req-7", b"retry-after: 3", status=b"429 Too Many")
    errors: list[RateLimitError] = []
    async with raw_server(reply) as url:
        adapter = FakeAdapter(url)
        async with await own_client() as mine:
            for client in (None, mine):
                with pytest.raises(RateLimitError) as caught:
                    if stream:
                        async with astream(adapter, adapter.request(), client=client) as chunks:
                            [c async for c in chunks]
                    else:
                        await asend(adapter, adapter.request(), client=client)
                errors.append(caught.value)
    assert shared_transport().direct_sends == 1
    direct, user = errors
    for err in errors:
        assert (err.status, err.request_id, err.retry_after) == (429, "req-7", 3.0)
        assert "slow down" in str(err)
        assert err.response is not None and not isinstance(err.response, DirectResponse)
        assert err.response.content == body
        shown = "".join(traceback.format_exception(err)) + repr(err.response.request.headers)
        assert SECRET not in shown
    assert str(direct) == str(user) and type(direct) is type(user)


async def test_connection_failures_are_typed_alike_on_both_paths(closed_port: int) -> None:
    adapter = FakeAdapter(f"http://127.0.0.1:{closed_port}")
    errors: list[APIConnectionError] = []
    async with await own_client() as mine:
        for client in (None, mine):
            with pytest.raises(APIConnectionError) as caught:
                await asend(adapter, adapter.request(), client=client)
            errors.append(caught.value)
    direct, user = errors
    assert str(direct) == str(user)
    assert type(direct.__cause__) is type(user.__cause__) is httpx.ConnectError
    assert SECRET not in "".join(traceback.format_exception(direct))


async def test_a_stream_cut_off_is_a_stream_error_with_its_partial_on_both_paths() -> None:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: 999\r\n\r\n"

    async def cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(head + sse("a", "b", done=False))
        await writer.drain()
        writer.close()

    partials = []
    async with raw_server(cut) as url:
        adapter = FakeAdapter(url)
        async with await own_client() as mine:
            for client in (None, mine):
                got: list[str] = []
                with pytest.raises(StreamError) as caught:
                    async with astream(adapter, adapter.request(), client=client) as chunks:
                        async for chunk in chunks:
                            got.append(chunk.text)
                assert got == ["a", "b"]
                partials.append(caught.value.partial)
    assert shared_transport().direct_sends == 1
    assert partials[0] is not None and partials[1] is not None
    assert partials[0].text == partials[1].text == "ab"
    assert connections_in_use(get_async_client()) == 0


async def test_an_abandoned_stream_gives_its_connection_back() -> None:
    async def endless(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n")
        writer.write(b"transfer-encoding: chunked\r\n\r\n")
        try:
            while True:
                event = sse("x", done=False)
                writer.write(b"%x\r\n%s\r\n" % (len(event), event))
                await writer.drain()
                await asyncio.sleep(0.01)
        except ConnectionError:
            pass

    async with raw_server(endless) as url:
        adapter = FakeAdapter(url)
        client = get_async_client()
        async with astream(adapter, adapter.request()) as chunks:
            async for chunk in chunks:
                assert chunk.text == "x"
                assert connections_in_use(client) == 1
                break
        assert connections_in_use(client) == 0
    assert shared_transport().direct_sends == 1


async def test_event_hooks_see_every_direct_request_and_response() -> None:
    requests: list[httpx.Request] = []
    responses: list[httpx.Response] = []

    async def on_request(request: httpx.Request) -> None:
        requests.append(request)

    async def on_response(response: httpx.Response) -> None:
        responses.append(response)

    client = get_async_client()
    client.event_hooks = {"request": [on_request], "response": [on_response]}
    async with raw_server(respond(b'{"text": "hi"}')) as url:
        adapter = FakeAdapter(url)
        assert (await asend(adapter, adapter.request())).text == "hi"
    assert shared_transport().direct_sends == 1
    assert len(requests) == len(responses) == 1
    assert responses[0].request is requests[0]
    assert responses[0].status_code == 200


async def test_a_request_hook_that_refuses_stops_the_request_before_any_io() -> None:
    class Refused(Exception):
        pass

    async def refuse(request: httpx.Request) -> None:
        raise Refused(request.url.host)

    seen: list[bytes] = []
    client = get_async_client()
    client.event_hooks = {"request": [refuse], "response": []}
    async with raw_server(recording(seen, OK)) as url:
        adapter = FakeAdapter(url)
        with pytest.raises(Refused):
            await asend(adapter, adapter.request())
    assert seen == []
    assert connections_in_use(client) == 0


async def test_a_hook_replacing_the_stream_sees_the_body() -> None:
    """As the cassette recorder does: it tees `response.stream` in a response hook."""
    teed: list[bytes] = []

    class Tee(httpx.AsyncByteStream):
        def __init__(self, inner: httpx.AsyncByteStream) -> None:
            self.inner = inner

        async def __aiter__(self) -> AsyncIterator[bytes]:
            async for part in self.inner:
                teed.append(part)
                yield part

        async def aclose(self) -> None:
            await self.inner.aclose()

    async def tee(response: httpx.Response) -> None:
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = Tee(response.stream)

    client = get_async_client()
    client.event_hooks = {"request": [], "response": [tee]}
    async with raw_server(respond(b'{"text": "hi"}')) as url:
        adapter = FakeAdapter(url)
        assert (await asend(adapter, adapter.request())).text == "hi"
    assert b"".join(teed) == b'{"text": "hi"}'
    assert connections_in_use(client) == 0


async def test_a_gzipped_reply_is_decoded_on_the_direct_path() -> None:
    zipped = gzip.compress(b'{"text": "zipped"}')
    async with raw_server(respond(zipped, b"content-encoding: gzip")) as url:
        adapter = FakeAdapter(url)
        assert (await asend(adapter, adapter.request())).text == "zipped"
    assert shared_transport().direct_sends == 1


async def test_cookies_set_by_the_server_reach_the_shared_jar() -> None:
    async with raw_server(respond(b'{"text": "hi"}', b"set-cookie: session=abc; Path=/")) as url:
        adapter = FakeAdapter(url)
        await asend(adapter, adapter.request())
    assert shared_transport().direct_sends == 1
    assert get_async_client().cookies.get("session") == "abc"


async def test_httpx_log_line_is_still_written(caplog: pytest.LogCaptureFixture) -> None:
    async with raw_server(respond(b'{"text": "hi"}')) as url:
        adapter = FakeAdapter(url)
        with caplog.at_level(logging.INFO, logger="httpx"):
            await asend(adapter, adapter.request())
    assert shared_transport().direct_sends == 1
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert lines == [f'HTTP Request: POST {url}/chat "HTTP/1.1 200 OK"']


@pytest.mark.parametrize("stream", [False, True])
async def test_a_stalled_server_is_cut_off_at_the_read_timeout(stream: bool) -> None:
    """aiohttp's per-read timer is not armed on the direct path: the attempt's watch
    bounds the wait, with the same typed error and within the timeout (never NEVER)."""
    from _httpkit import NEVER
    from _httpkit import PROMPTLY

    from chatplex.errors import APITimeoutError
    from chatplex.errors import StreamIdleTimeoutError

    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        kind = b"text/event-stream" if stream else b"application/json"
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: %s\r\ncontent-length: 99\r\n\r\n" % kind)
        writer.write(sse("a", done=False) if stream else b'{"te')
        await writer.drain()
        await asyncio.sleep(NEVER)

    loop = asyncio.get_running_loop()
    async with raw_server(stall) as url:
        adapter = FakeAdapter(url)
        started = loop.time()
        if stream:
            with pytest.raises(StreamIdleTimeoutError):
                async with astream(adapter, adapter.request(), idle_timeout=0.3) as chunks:
                    async for _ in chunks:
                        pass
        else:
            with pytest.raises(APITimeoutError):
                await asend(adapter, adapter.request(), timeout=0.3)
    assert loop.time() - started < PROMPTLY
    assert shared_transport().direct_sends == 1
    assert connections_in_use(get_async_client()) == 0
