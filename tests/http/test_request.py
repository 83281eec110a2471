from __future__ import annotations

import asyncio
import time
from types import MappingProxyType

import httpx
import pytest
from _httpkit import FakeAdapter

from chatplex.errors import APITimeoutError, DeadlineExceededError
from chatplex.http._request import (
    build_request,
    deadline_passed,
    encode_json,
    remaining,
    request_timeout,
    within,
)


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
    from chatplex.adapters.base import HTTPRequest

    raw = b'{"b": 2,   "a": 1}'  # not what encode_json would make of `json`
    request = HTTPRequest("POST", "http://x.example/p", {}, json={"a": 1, "b": 2}, content=raw)
    with httpx.Client() as client:
        built = build_request(client, request, timeout=None)
    assert built.content == raw
    assert "content=" not in repr(request)
