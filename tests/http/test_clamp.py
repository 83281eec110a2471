"""`_clamp`: the sync pool's socket waits cut to the active call's bound."""

from __future__ import annotations

from collections.abc import Iterator

import httpcore
import httpx
import pytest
from _httpkit import Bound

from chatplex.http import _clamp
from chatplex.http._clamp import active
from chatplex.http._clamp import bound_client


@pytest.fixture(autouse=True)
def no_active_call() -> Iterator[None]:
    yield
    active.call = None


def test_without_an_active_call_timeouts_are_the_clients() -> None:
    assert _clamp._clamped(5.0, "ReadTimeout") == 5.0
    assert _clamp._clamped(None, "ReadTimeout") is None


def test_a_timeout_is_cut_to_the_time_left() -> None:
    active.call = Bound(2.0)  # type: ignore[assignment]
    assert 0 < _clamp._clamped(600.0, "ReadTimeout") <= 2.0  # type: ignore[operator]
    assert 0 < _clamp._clamped(None, "ReadTimeout") <= 2.0  # type: ignore[operator]
    assert _clamp._clamped(0.5, "ReadTimeout") == 0.5  # already shorter: kept


@pytest.mark.parametrize("kind", ["ConnectTimeout", "ReadTimeout", "WriteTimeout"])
def test_past_the_bound_the_operation_fails_at_once_with_its_kind(kind: str) -> None:
    active.call = Bound(-1.0)  # type: ignore[assignment]
    with pytest.raises(getattr(httpcore, kind)):
        _clamp._clamped(600.0, kind)


def test_bound_client_wraps_the_pool_once() -> None:
    with httpx.Client() as client:
        assert bound_client(client) is client
        pool = client._transport._pool  # type: ignore[attr-defined]
        wrapped = pool._network_backend
        assert isinstance(wrapped, _clamp._BoundedBackend)
        bound_client(client)
        assert pool._network_backend is wrapped  # not wrapped twice


def test_a_client_of_another_shape_is_left_alone() -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200)

    with httpx.Client(transport=httpx.MockTransport(reply)) as client:
        assert bound_client(client).get("http://x.test/").status_code == 200


class Stream:
    """An httpcore network stream that records the timeouts it was given."""

    def __init__(self) -> None:
        self.timeouts: list[float | None] = []

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.timeouts.append(timeout)
        return b"x"

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.timeouts.append(timeout)

    def get_extra_info(self, info: str) -> str:
        return f"info:{info}"


def test_a_bounded_stream_clamps_reads_and_writes_and_passes_the_rest() -> None:
    inner = Stream()
    stream = _clamp._BoundedStream(inner)
    assert stream.read(10, 600.0) == b"x"
    active.call = Bound(1.0)  # type: ignore[assignment]
    stream.write(b"y", 600.0)
    first, second = inner.timeouts
    assert first == 600.0 and second is not None and second <= 1.0
    assert stream.get_extra_info("socket") == "info:socket"


def test_bounded_cuts_a_timeout_and_says_zero_past_the_bound() -> None:
    assert _clamp.bounded(5.0) == 5.0  # no active call: the timeout as given
    assert _clamp.bounded(None) is None
    active.call = Bound(2.0)  # type: ignore[assignment]
    assert 0 < _clamp.bounded(600.0) <= 2.0  # type: ignore[operator]
    assert _clamp.bounded(0.5) == 0.5
    active.call = Bound(-1.0)  # type: ignore[assignment]
    assert _clamp.bounded(600.0) == 0.0
