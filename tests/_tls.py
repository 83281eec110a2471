"""One default TLS context for the partner packages' clients (`one_default_tls_context`).

httpx builds a TLS context for every client a partner package constructs (the
OpenAI-style SDKs build two per chat model), reading the CA bundle each time: ~0.05 s, a
third of a side-by-side script's time. Tests talk plain HTTP to 127.0.0.1, so where a
conftest imports the fixture the default context (verify=True, no client cert) is built once per
worker and shared; any other `verify`/`cert` is built as httpx would. The openai and
anthropic SDKs build theirs with httpx2 (their own httpx), httpx-aiohttp's transport with
`httpx.create_ssl_context`: each is shared alike. google-genai builds three of its own
per client (for httpx, aiohttp and websockets) with `ssl.create_default_context` from
certifi's bundle: ~0.08 s per Gemini model, built once per bundle here. Not for tests of
chatplex's own context (tests/http checks that chatplex builds it once).
"""

from __future__ import annotations

import functools
import importlib
import ssl
import types
from collections.abc import Iterator
from typing import Any

import httpx
import httpx._config as httpx_config
import httpx._transports.default as httpx_transports
import pytest


@functools.cache
def _default_tls_context(create: Any, trust_env: bool) -> ssl.SSLContext:
    return create(verify=True, cert=None, trust_env=trust_env)  # type: ignore[no-any-return]


def _sharing_the_default(create: Any) -> Any:
    """`create` (an httpx `create_ssl_context`) building the default context once."""

    @functools.wraps(create)
    def create_ssl_context(
        verify: Any = True, cert: Any = None, trust_env: bool = True
    ) -> ssl.SSLContext:
        if verify is True and cert is None:
            return _default_tls_context(create, trust_env)
        return create(verify=verify, cert=cert, trust_env=trust_env)  # type: ignore[no-any-return]

    return create_ssl_context


@functools.cache
def _context_of_bundle(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cafile, capath=capath)


class _SslSharingTheDefault(types.ModuleType):
    """The `ssl` module as a package sees it, but for its default client context (no
    `cadata`): built once per CA bundle and directory."""

    def __init__(self) -> None:
        super().__init__(ssl.__name__)

    def __getattr__(self, name: str) -> Any:
        return getattr(ssl, name)

    @staticmethod
    def create_default_context(
        purpose: ssl.Purpose = ssl.Purpose.SERVER_AUTH,
        *,
        cafile: str | None = None,
        capath: str | None = None,
        cadata: Any = None,
    ) -> ssl.SSLContext:
        if purpose is ssl.Purpose.SERVER_AUTH and cadata is None:
            return _context_of_bundle(cafile, capath)
        return ssl.create_default_context(purpose, cafile=cafile, capath=capath, cadata=cadata)


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:  # an SDK version without it
        return None


def share_the_default_tls_context(patch: pytest.MonkeyPatch, *, gemini: bool = True) -> None:
    """Make the default context of httpx and httpx2 shared, and google-genai's unless not
    `gemini` (it imports google-genai, ~0.3 s), through `patch` (undone with it). Also
    for a process with no fixtures (tests/compat/compat_order.py)."""
    shared = _sharing_the_default(httpx_config.create_ssl_context)
    patch.setattr(httpx_transports, "create_ssl_context", shared)
    patch.setattr(httpx, "create_ssl_context", shared)
    httpx2_transports = _optional("httpx2._transports.default")
    if httpx2_transports is not None:
        create = _sharing_the_default(httpx2_transports.create_ssl_context)
        patch.setattr(httpx2_transports, "create_ssl_context", create)
    genai_client = _optional("google.genai._api_client") if gemini else None
    if genai_client is not None:
        patch.setattr(genai_client, "ssl", _SslSharingTheDefault())


@pytest.fixture(scope="module", autouse=True)  # a module's: not beyond the folder using it
def one_default_tls_context() -> Iterator[None]:
    """Autouse where a conftest imports it: its folder's clients share the default."""
    patch = pytest.MonkeyPatch()
    share_the_default_tls_context(patch)
    try:
        yield
    finally:
        patch.undo()
