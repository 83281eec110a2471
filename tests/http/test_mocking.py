"""One answer to "is HTTP mocked?": the async transport's fallback and the no-network guard
ask the same table of patch points, so they never disagree about a mock."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import AbstractContextManager
from contextlib import contextmanager
from typing import Any
from unittest import mock

import httpcore
import httpx
import pytest
import respx

from chatplex.http._transport import mock_is_active
from chatplex.testing import _guard


@contextmanager
def _keeps_module(cls: type, name: str) -> Iterator[None]:
    """A replacement that keeps the original's `__module__` (as some wrappers do)."""
    original = getattr(cls, name)

    async def fake(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("not called")

    fake.__module__ = original.__module__
    with mock.patch.object(cls, name, fake):
        yield


Patch = Callable[[], AbstractContextManager[Any]]
_POOL, _TRANSPORT, _CLIENT = (
    httpcore.AsyncConnectionPool,
    httpx.AsyncHTTPTransport,
    httpx.AsyncClient,
)
_ASYNC_PATCHES: dict[str, Patch] = {
    "respx default": lambda: respx.mock,
    'respx using="httpx"': lambda: respx.mock(using="httpx"),
    "autospec pool": lambda: mock.patch.object(_POOL, "handle_async_request", autospec=True),
    "MagicMock pool": lambda: mock.patch.object(_POOL, "handle_async_request"),
    "keeps __module__ pool": lambda: _keeps_module(_POOL, "handle_async_request"),
    "pytest-httpx style": lambda: mock.patch.object(
        _TRANSPORT, "handle_async_request", new=lambda self, request: httpx.Response(200)
    ),
    "autospec transport": lambda: mock.patch.object(
        _TRANSPORT, "handle_async_request", autospec=True
    ),
    "autospec _transport_for_url": lambda: mock.patch.object(
        _CLIENT, "_transport_for_url", autospec=True
    ),
    "MagicMock _transport_for_url": lambda: mock.patch.object(_CLIENT, "_transport_for_url"),
}


def test_nothing_is_mocked_by_default() -> None:
    from chatplex.http._mocking import http_is_mocked

    for _ in range(2):  # the second call takes the cached path
        assert not http_is_mocked(is_async=True)
        assert not http_is_mocked(is_async=False)
    assert not mock_is_active()
    assert not _guard.http_is_mocked(True) and not _guard.http_is_mocked(False)
    assert not _guard.http_is_mocked()


@pytest.mark.parametrize("patch", _ASYNC_PATCHES.values(), ids=_ASYNC_PATCHES.keys())
def test_the_transport_and_the_guard_agree_on_every_async_mock(patch: Patch) -> None:
    assert not mock_is_active()  # fills the cache with the genuine methods
    with patch():
        assert _guard.http_is_mocked(True)
        assert mock_is_active()
    assert not mock_is_active() and not _guard.http_is_mocked(True)

    from chatplex.http._mocking import http_is_mocked

    with patch():
        assert http_is_mocked(is_async=True)
    assert not http_is_mocked(is_async=True)


_SYNC_PATCHES: dict[str, Patch] = {
    "autospec pool": lambda: mock.patch.object(
        httpcore.ConnectionPool, "handle_request", autospec=True
    ),
    "MagicMock transport": lambda: mock.patch.object(httpx.HTTPTransport, "handle_request"),
    "autospec _transport_for_url": lambda: mock.patch.object(
        httpx.Client, "_transport_for_url", autospec=True
    ),
}


@pytest.mark.parametrize("patch", _SYNC_PATCHES.values(), ids=_SYNC_PATCHES.keys())
def test_a_sync_only_mock_does_not_count_for_async(patch: Patch) -> None:
    from chatplex.http._mocking import http_is_mocked

    with patch():
        assert http_is_mocked(is_async=False) and _guard.http_is_mocked(False)
        assert not http_is_mocked(is_async=True) and not mock_is_active()
        assert _guard.http_is_mocked()  # either


def test_respx_mocks_both_paths() -> None:
    from chatplex.http._mocking import http_is_mocked

    for using in ("httpcore", "httpx"):
        with respx.mock(using=using):
            assert http_is_mocked(is_async=True) and http_is_mocked(is_async=False)


def test_the_module_imports_no_http_library() -> None:
    code = textwrap.dedent(
        """
        import sys
        from chatplex.http._mocking import http_is_mocked
        assert not http_is_mocked(is_async=True) and not http_is_mocked(is_async=False)
        loaded = {"httpx", "httpcore", "respx", "aiohttp"} & set(sys.modules)
        assert not loaded, loaded
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_docstring_examples() -> None:
    import doctest

    from chatplex.http import _mocking

    failures, tried = doctest.testmod(_mocking)
    assert failures == 0 and tried > 0
