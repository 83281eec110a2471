from __future__ import annotations

import asyncio
import time
from types import MappingProxyType

import httpx
import pytest
from _httpkit import FakeAdapter

from chatplex.errors import APITimeoutError
from chatplex.errors import DeadlineExceededError
from chatplex.http._redaction import SECRET_HEADERS_KEY
from chatplex.http._request import _templates
from chatplex.http._request import build_request
from chatplex.http._request import deadline_passed
from chatplex.http._request import encode_json
from chatplex.http._request import remaining
from chatplex.http._request import request_timeout
from chatplex.http._request import within


def test_encode_json_is_compact_utf8_and_accepts_any_mapping() -> None:
    assert encode_json({"a": "é", "b": [1, None]}) == '{"a":"é","b":[1,null]}'.encode()
    assert encode_json(MappingProxyType({"x": 1})) == b'{"x":1}'


def test_encode_json_rejects_nan() -> None:
    with pytest.raises(ValueError):
        encode_json({"t": float("inf")})


def test_no_overrides_means_the_clients_own_timeouts() -> None:
    client = httpx.Client(timeout=3.0)
    assert request_timeout(client, None) is httpx.USE_CLIENT_DEFAULT
    request = build_request(client, FakeAdapter().request(), timeout=None)
    assert request.extensions["timeout"] == httpx.Timeout(3.0).as_dict()


def test_float_timeout_and_idle_timeout() -> None:
    client = httpx.Client(timeout=httpx.Timeout(5.0, read=600.0))
    assert request_timeout(client, 2.0) == httpx.Timeout(2.0)
    assert request_timeout(client, None, idle_timeout=30) == httpx.Timeout(5.0, read=30)
    explicit = httpx.Timeout(1.0, connect=9.0)
    assert request_timeout(client, explicit) == explicit


def test_deadline_clamps_every_timeout_including_unlimited_ones() -> None:
    client = httpx.Client(timeout=httpx.Timeout(None, connect=0.5))
    timeout = request_timeout(client, None, deadline=time.monotonic() + 2)
    assert isinstance(timeout, httpx.Timeout)
    assert timeout.connect == 0.5
    for value in (timeout.read, timeout.write, timeout.pool):
        assert value is not None and 1.5 < value <= 2


def test_remaining_and_deadline_passed() -> None:
    with pytest.raises(DeadlineExceededError):
        remaining(time.monotonic())
    assert 0 < remaining(time.monotonic() + 1) <= 1
    assert deadline_passed(time.monotonic() - 1) and not deadline_passed(None)
    assert not deadline_passed(time.monotonic() + 1)


async def test_within_returns_or_raises_deadline_exceeded() -> None:
    async def value() -> int:
        return 7

    assert await within(value, time.monotonic() + 60) == 7
    with pytest.raises(DeadlineExceededError):
        await within(lambda: asyncio.sleep(1), time.monotonic() + 0.05)


async def test_within_lets_other_timeout_errors_through() -> None:
    async def fail() -> None:
        raise APITimeoutError("read timeout talking to x")

    with pytest.raises(APITimeoutError):
        await within(fail, time.monotonic() + 1)


async def test_within_starts_nothing_after_the_deadline() -> None:
    started: list[bool] = []

    async def work() -> None:
        started.append(True)

    with pytest.raises(DeadlineExceededError):
        await within(work, time.monotonic() - 1)
    assert not started


def test_docstring_examples() -> None:
    import doctest

    from chatplex.http import _request

    failures, tried = doctest.testmod(_request)
    assert failures == 0 and tried > 0


def test_content_bytes_an_adapter_serialised_are_sent_as_they_are() -> None:
    """Bedrock signs the body: the http layer must send exactly the adapter's bytes."""
    from chatplex.adapters.request_types import HTTPRequest

    raw = b'{"b": 2,   "a": 1}'  # not what encode_json would make of `json`
    request = HTTPRequest("POST", "http://x.example/p", {}, json={"a": 1, "b": 2}, content=raw)
    with httpx.Client() as client:
        built = build_request(client, request, timeout=None)
    assert built.content == raw
    assert "content=" not in repr(request)


def _same(a: httpx.Request, b: httpx.Request) -> None:
    assert (a.method, a.url, a.headers.raw, a.content) == (
        b.method,
        b.url,
        b.headers.raw,
        b.content,
    )
    assert a.extensions == b.extensions
    assert type(a.stream) is type(b.stream)


@pytest.mark.parametrize(
    "headers",
    [
        {"authorization": "Bearer k"},
        {"Authorization": "Bearer k", "Accept": "text/event-stream", "X-Extra": "1"},
        {"user-agent": "mine/1", "content-type": "application/json; charset=utf-8"},
    ],
)
@pytest.mark.parametrize("sync", [False, True])
def test_a_request_built_from_the_template_is_the_one_httpx_builds(
    headers: dict[str, str], sync: bool
) -> None:
    """The second request of a client, URL and headers is built from the first one's
    headers: the same method, URL, headers (case and order), body and extensions as
    `client.build_request` gives, whatever the timeouts and the extensions."""
    from chatplex.adapters.request_types import HTTPRequest

    client: httpx.Client | httpx.AsyncClient = httpx.Client() if sync else httpx.AsyncClient()
    client.headers["x-client-default"] = "d"
    url = "http://x.example/v1/chat"
    for n, (timeout, secret) in enumerate(
        [
            (None, frozenset()),
            (None, frozenset()),
            (3.0, frozenset({"x-extra"})),
            (None, frozenset()),
        ]
    ):
        request = HTTPRequest("POST", url, headers, json={"n": "é" * n}, secret_headers=secret)
        built = build_request(
            client, request, timeout=timeout, idle_timeout=2.0 if n == 3 else None
        )
        reference = client.build_request(
            "POST",
            url,
            content=encode_json(request.json),
            headers=built_headers(headers),
            timeout=request_timeout(client, timeout, idle_timeout=2.0 if n == 3 else None),
            extensions={SECRET_HEADERS_KEY: secret} if secret else None,
        )
        _same(built, reference)
        # kept the second time the headers are seen; the two after it are built from it
        assert bool(_templates.get(client)) is (n >= 1)


def built_headers(headers: dict[str, str]) -> dict[str, str]:
    """What build_request adds to an adapter's headers before httpx merges them."""
    out = dict(headers)
    names = {name.lower() for name in headers}
    if "content-type" not in names:
        out["content-type"] = "application/json"
    if "user-agent" not in names:
        from chatplex.version import USER_AGENT

        out["user-agent"] = USER_AGENT
    return out


def test_headers_that_change_per_call_keep_no_template_and_leave_the_others() -> None:
    from chatplex.adapters.request_types import HTTPRequest

    client = httpx.Client()
    url = "http://x.example/v1/chat"
    steady = HTTPRequest("POST", url, {"a": "b"}, json={})
    build_request(client, steady, timeout=None)
    build_request(client, steady, timeout=None)
    kept = dict(_templates[client])
    assert len(kept) == 1
    for n in range(100):  # an id per call (botocore's invocation id, a signature)
        once = HTTPRequest("POST", url, {"a": "b", "x-call-id": str(n)}, json={})
        _same(
            build_request(client, once, timeout=None),
            client.build_request("POST", url, content=b"{}", headers=built_headers(once.headers)),
        )
    assert _templates[client] == kept


def test_the_template_is_not_used_when_httpx_would_merge_something_per_request() -> None:
    from chatplex.adapters.request_types import HTTPRequest

    client = httpx.Client(params={"api-version": "1"})
    request = HTTPRequest("POST", "http://x.example/v1/chat", {"a": "b"}, json={})
    first = build_request(client, request, timeout=None)
    second = build_request(client, request, timeout=None)
    assert str(second.url) == str(first.url) == "http://x.example/v1/chat?api-version=1"
    assert client not in _templates
    jar = httpx.Client()
    build_request(jar, request, timeout=None)
    build_request(jar, request, timeout=None)
    assert jar in _templates
    jar.cookies.set("s", "1", domain="x.example")
    assert build_request(jar, request, timeout=None).headers["cookie"] == "s=1"


@pytest.mark.parametrize("client_value", [b"plain", "é".encode(), b"\xe9"])
def test_a_template_request_decodes_its_headers_as_httpx_would(client_value: bytes) -> None:
    """Template requests carry the header encoding httpx would find (ascii, utf-8, or
    latin-1 for a client header set as bytes), so what is sent decodes the same; and a
    change to the client's headers is seen by the next request."""
    from chatplex.adapters.request_types import HTTPRequest

    client = httpx.Client()
    # As httpx keeps a header set as bytes (its setter takes str only).
    client.headers._list.append((b"X-Client", b"x-client", client_value))
    request = HTTPRequest("POST", "http://x.example/v1/chat", {"a": "b"}, json={"n": 1})
    build_request(client, request, timeout=None)  # the template
    built = build_request(client, request, timeout=None)
    reference = client.build_request(
        "POST",
        "http://x.example/v1/chat",
        content=encode_json(request.json),
        headers=built_headers({"a": "b"}),
    )
    _same(built, reference)
    assert built.headers.encoding == reference.headers.encoding
    assert built.headers.multi_items() == reference.headers.multi_items()
    client.headers["x-client"] = "changed"
    assert build_request(client, request, timeout=None).headers["x-client"] == "changed"


def test_a_change_of_the_clients_user_agent_reaches_the_next_template_request() -> None:
    """Templates are keyed by the adapter's own headers and the client's: chatplex's
    User-Agent is added only while the client sends httpx's default one."""
    from chatplex.adapters.request_types import HTTPRequest
    from chatplex.version import USER_AGENT

    client = httpx.Client()
    request = HTTPRequest("POST", "http://x.example/v1/chat", {"a": "b"}, json={})
    for _ in range(2):  # the first builds the template, the second uses it
        assert build_request(client, request, timeout=None).headers["user-agent"] == USER_AGENT
    client.headers["user-agent"] = "mine/1"
    for _ in range(2):
        assert build_request(client, request, timeout=None).headers["user-agent"] == "mine/1"
