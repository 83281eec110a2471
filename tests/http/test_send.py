from __future__ import annotations

import json
import logging
import time

import httpx
import pytest
from _httpkit import NEVER
from _httpkit import PROMPTLY
from _httpkit import SECRET
from _httpkit import DeclaringAdapter
from _httpkit import FakeAdapter
from _httpkit import LocalServer
from _httpkit import call
from _httpkit import mock_clients

import chatplex.http
from chatplex.errors import APIConnectionError
from chatplex.errors import APIError
from chatplex.errors import APITimeoutError
from chatplex.errors import AuthenticationError
from chatplex.errors import DeadlineExceededError
from chatplex.errors import RateLimitError
from chatplex.errors import ServerError
from chatplex.http import asend
from chatplex.http import send
from chatplex.sdk_errors import chatplex_class  # the class raised, SDK-compatible or not

parity = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])


@parity
async def test_send_posts_compact_json_and_parses_the_reply(sync: bool) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"text": "hi"}, headers={"x-request-id": "req-1"})

    adapter = FakeAdapter()
    clients = mock_clients(handler)
    message = await call(sync, adapter, adapter.request(q="héllo", n=[1, 2]), clients=clients)

    assert message.text == "hi"
    assert message.response_metadata["request_id"] == "req-1"
    (request,) = seen
    assert request.method == "POST"
    assert request.content == '{"model":"m","q":"héllo","n":[1,2]}'.encode()
    assert request.headers["content-type"] == "application/json"
    assert request.headers["authorization"] == f"Bearer {SECRET}"
    # chatplex never closes a client it was given.
    chatplex.http.close()
    assert not clients[0].is_closed and not clients[1].is_closed
    clients[0].close()
    await clients[1].aclose()


@parity
async def test_adapter_content_type_is_kept_and_a_declared_request_id_read(sync: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers.get_list("content-type") == ["application/json; charset=utf-8"]
        return httpx.Response(200, json={"text": "ok"}, headers={"request-id": "req-2"})

    adapter = DeclaringAdapter()
    request = adapter.request()
    request = type(request)(
        request.method,
        request.url,
        {**request.headers, "Content-Type": "application/json; charset=utf-8"},
        request.json,
    )
    message = await call(sync, adapter, request, clients=mock_clients(handler))
    assert message.response_metadata["request_id"] == "req-2"


@parity
async def test_error_status_raises_the_adapters_error_with_the_response(sync: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"retry-after": "7", "x-request-id": "req-429"}
        return httpx.Response(429, json={"error": "slow down"}, headers=headers)

    adapter = FakeAdapter()
    with pytest.raises(RateLimitError) as info:
        await call(sync, adapter, adapter.request(), clients=mock_clients(handler))
    err = info.value
    assert err.status == 429 and err.provider == "fake" and err.message == "slow down"
    assert err.retryable and err.retry_after == 7.0 and err.request_id == "req-429"
    assert isinstance(err.response, httpx.Response) and err.response.status_code == 429


@parity
async def test_redirects_are_reported_not_parsed(sync: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(307, headers={"location": "https://elsewhere.test/"})

    adapter = FakeAdapter()
    with pytest.raises(APIError) as info:
        await call(sync, adapter, adapter.request(), clients=mock_clients(handler))
    assert info.value.status == 307 and not info.value.retryable


@parity
async def test_an_adapter_failing_in_map_error_still_yields_the_status_error(sync: bool) -> None:
    class Broken(FakeAdapter):
        def map_error(self, status: int, body: bytes, headers: object) -> APIError:
            raise KeyError("error")

    adapter = Broken()
    clients = mock_clients(lambda request: httpx.Response(503, text="<html>"))
    with pytest.raises(ServerError) as info:
        await call(sync, adapter, adapter.request(), clients=clients)
    assert info.value.retryable and isinstance(info.value.__cause__, KeyError)


@parity
async def test_malformed_success_body_is_a_retryable_api_error(sync: bool) -> None:
    adapter = FakeAdapter()
    clients = mock_clients(lambda request: httpx.Response(200, text="<html>proxy</html>"))
    with pytest.raises(APIError) as info:
        await call(sync, adapter, adapter.request(), clients=clients)
    err = info.value
    assert chatplex_class(err) is APIError and err.status == 200 and err.retryable
    assert "malformed response body from fake.test" in str(err)
    assert isinstance(err.__cause__, json.JSONDecodeError)


@parity
@pytest.mark.parametrize(
    ("exc", "expected", "retryable"),
    [
        (httpx.ConnectError("refused"), APIConnectionError, True),
        (httpx.RemoteProtocolError("peer closed"), APIConnectionError, True),
        (httpx.ReadError("reset"), APIConnectionError, True),
        (httpx.UnsupportedProtocol("ftp"), APIConnectionError, False),
        (httpx.ReadTimeout("slow"), APITimeoutError, True),
        (httpx.ConnectTimeout("slow"), APITimeoutError, True),
        (httpx.PoolTimeout("busy"), APITimeoutError, True),
    ],
)
async def test_transport_failures_are_typed_and_chained(
    sync: bool, exc: Exception, expected: type[APIError], retryable: bool
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    adapter = FakeAdapter()
    with pytest.raises(expected) as info:
        await call(sync, adapter, adapter.request(), clients=mock_clients(handler))
    err = info.value
    assert chatplex_class(err) is expected and err.retryable is retryable
    assert err.__cause__ is exc and err.provider == "fake"
    assert "fake.test" in str(err) and SECRET not in str(err) and SECRET not in repr(err)


@parity
async def test_refused_connection_on_a_real_socket(sync: bool, closed_port: int) -> None:
    adapter = FakeAdapter(f"http://127.0.0.1:{closed_port}")
    with pytest.raises(APIConnectionError) as info:
        await call(sync, adapter, adapter.request("/json"))
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert "127.0.0.1" in str(info.value)


@parity
async def test_shared_pool_against_a_local_server(sync: bool, local: FakeAdapter) -> None:
    for i in range(3):
        message = await call(sync, local, local.request(f"/json?text=n{i}"))
        assert message.text == f"n{i}"
        assert message.response_metadata["request_id"] == "req-local"
    client = chatplex.http.get_sync_client() if sync else chatplex.http.get_async_client()
    assert chatplex.http.connections_in_use(client) == 0


@parity
async def test_keep_alive_reuses_one_connection(sync: bool, server: LocalServer) -> None:
    adapter = FakeAdapter(server.url)
    await call(sync, adapter, adapter.request("/json"))
    before = server.connections
    for _ in range(5):
        await call(sync, adapter, adapter.request("/json"))
    assert server.connections == before


@parity
async def test_local_error_status(sync: bool, local: FakeAdapter) -> None:
    with pytest.raises(AuthenticationError) as info:
        await call(sync, local, local.request("/status/401"))
    assert info.value.message == "local failure" and info.value.request_id == "req-local"


@parity
async def test_deadline_cuts_a_slow_reply(sync: bool, local: FakeAdapter) -> None:
    start = time.monotonic()
    with pytest.raises(DeadlineExceededError) as info:
        await call(sync, local, local.request(f"/json?sleep={NEVER}"), deadline=start + 0.2)
    assert time.monotonic() - start < PROMPTLY  # the deadline, not the reply
    assert isinstance(info.value, TimeoutError)


@parity
async def test_a_passed_deadline_sends_nothing(sync: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing should be sent")

    adapter = FakeAdapter()
    with pytest.raises(DeadlineExceededError):
        await call(
            sync,
            adapter,
            adapter.request(),
            clients=mock_clients(handler),
            deadline=time.monotonic() - 1,
        )


@parity
async def test_generous_deadline_and_float_timeout_pass(sync: bool, local: FakeAdapter) -> None:
    message = await call(
        sync, local, local.request("/json"), timeout=5.0, deadline=time.monotonic() + 10
    )
    assert message.text == "hello"


@parity
async def test_per_request_timeout(sync: bool, local: FakeAdapter) -> None:
    # Only the read timeout is short: connecting on a loaded machine must not time out.
    with pytest.raises(APITimeoutError) as info:
        await call(
            sync, local, local.request(f"/json?sleep={NEVER}"), timeout=httpx.Timeout(10, read=0.3)
        )
    assert chatplex_class(info.value) is APITimeoutError and "read timeout" in str(info.value)


def test_nan_fails_before_any_io() -> None:
    adapter = FakeAdapter("http://127.0.0.1:9")
    with pytest.raises(ValueError):
        send(adapter, adapter.request(temperature=float("nan")))


async def test_async_errors_match_sync_ones_for_the_same_reply() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, json={"error": "oops"})

    adapter = FakeAdapter()
    clients = mock_clients(handler)
    with pytest.raises(ServerError) as sync_info:
        send(adapter, adapter.request(), client=clients[0])
    with pytest.raises(ServerError) as async_info:
        await asend(adapter, adapter.request(), client=clients[1])
    assert repr(sync_info.value) == repr(async_info.value)


@parity
async def test_debug_log_names_host_and_path_only(
    sync: bool, caplog: pytest.LogCaptureFixture
) -> None:
    adapter = FakeAdapter()
    clients = mock_clients(lambda request: httpx.Response(200, json={"text": "ok"}))
    request = adapter.request("/chat?key=query-secret")
    with caplog.at_level(logging.DEBUG, logger="chatplex.http"):
        await call(sync, adapter, request, clients=clients)
    (record,) = [r for r in caplog.records if r.name == "chatplex.http"]
    text = record.getMessage()
    assert text == "POST fake.test/chat -> 200 (13 bytes)"
    assert "query-secret" not in text and SECRET not in text


def _retried(retries: int, date: str | None) -> list[tuple[str, str]]:
    return [("x-retry-count", str(retries)), ("x-last-date", date or "none")]


@parity
@pytest.mark.parametrize("where", ["mock", "shared"])
async def test_retry_headers_are_set_before_each_retry(
    sync: bool, where: str, server: LocalServer
) -> None:
    """Two failures then a reply: each retry carries its own retry count (the first
    attempt the request's own) and the last failure's `Date`, on a client of yours and
    on chatplex's own connections alike; the request built once keeps the rest of its
    headers."""
    adapter = FakeAdapter(server.url)
    retry = chatplex.http.retry_policy(max_retries=2, initial_delay=0.001, jitter=0.0)
    server.seen.clear()
    server.failures = 0
    seen: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.headers))  # the request object is sent again: a copy
        if len(seen) < 3:
            dated = {"date": f"Sun, 01 Nov 2026 10:00:0{len(seen)} GMT"}
            return httpx.Response(500, json={"error": "flaky"}, headers=dated)
        return httpx.Response(200, json={"text": "at last"})

    clients = mock_clients(handler) if where == "mock" else None
    built = adapter.request("/flaky?fail=2")
    request = type(built)(
        built.method, built.url, {**built.headers, "x-retry-count": "0"}, built.json
    )
    message = await call(
        sync, adapter, request, clients=clients, retry=retry, retry_headers=_retried
    )
    assert message.text == "at last" and message.response_metadata["attempts"] == 3
    sent = seen if where == "mock" else server.seen
    assert [h["x-retry-count"] for h in sent] == ["0", "1", "2"]
    dates = [h.get("x-last-date") for h in sent]
    assert dates[0] is None and dates[1] != "none" and dates[2] != "none"
    if where == "mock":
        assert dates[1:] == [f"Sun, 01 Nov 2026 10:00:0{n} GMT" for n in (1, 2)]
    assert {h["authorization"] for h in sent} == {f"Bearer {SECRET}"}
    # The request built again from the same template starts at its own count again.
    await call(sync, adapter, request, clients=clients, retry=retry, retry_headers=_retried)
    assert sent[-1]["x-retry-count"] == "0"


@parity
async def test_without_retry_headers_every_attempt_sends_the_same(
    sync: bool, server: LocalServer
) -> None:
    server.seen.clear()
    server.failures = 0
    adapter = FakeAdapter(server.url)
    retry = chatplex.http.retry_policy(max_retries=2, initial_delay=0.001, jitter=0.0)
    await call(sync, adapter, adapter.request("/flaky?fail=2"), retry=retry)
    assert len(server.seen) == 3
    assert server.seen[0] == server.seen[1] == server.seen[2]
    assert not [name for name in server.seen[0] if "retry" in name]


@parity
async def test_langsmith_gateways_metadata_is_kept_in_the_reply(sync: bool) -> None:
    # The gateway's header read as its JSON object; one that is not is left out.
    for header, kept in (('{"provider": "openai", "model": "gpt-x"}', True), ("[1]", False)):

        def handler(request: httpx.Request, header: str = header) -> httpx.Response:
            return httpx.Response(
                200, json={"text": "hi"}, headers={"X-LangSmith-Gateway-Metadata": header}
            )

        adapter = FakeAdapter()
        message = await call(sync, adapter, adapter.request(), clients=mock_clients(handler))
        expected = {"provider": "openai", "model": "gpt-x"} if kept else None
        assert message.response_metadata.get("gateway_metadata") == expected
