"""The side-by-side suites' fixtures: each suite module gets its own scripted server on
127.0.0.1 (kit: `_sidebyside.py`), started once for its scripts; two fixtures
keep fixed costs out of every script's time (neither touches what
is compared: results, requests, errors)."""

from __future__ import annotations

import functools
import importlib
import ssl
from collections.abc import Iterator
from typing import Any

import httpx
import httpx._config as httpx_config
import httpx._transports.default as httpx_transports
import pytest

from tests._leaks import frozen_heap
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import scripted_server


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    """The module's server, and the module under `frozen_heap`: scripts whose partner
    package leaves sockets for the collector run `gc.collect()` after the partner's run
    (`run_both(collect=True)`), and a full collection walks every object a worker holds
    (~0.45 s each, most of those suites' time); frozen, it walks what the module made."""
    with frozen_heap(), scripted_server() as running:
        yield running


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


@pytest.fixture(scope="module", autouse=True)
def one_default_tls_context() -> Iterator[None]:
    """httpx builds a TLS context for every client a partner package constructs (the
    OpenAI-style SDKs build two per chat model), reading the CA bundle each time: ~0.07 s,
    a third of a script's time. The scripts talk plain HTTP to 127.0.0.1, so in these
    modules the default context (verify=True, no client cert) is built once per worker and
    shared; any other `verify`/`cert` is built as httpx would. The openai and anthropic
    SDKs build theirs with httpx2 (their own httpx), httpx-aiohttp's transport with
    `httpx.create_ssl_context`: each is shared alike (577 and 48 contexts of the 629 that
    tests/partners/compatible still built)."""
    patch = pytest.MonkeyPatch()
    patch.setattr(
        httpx_transports,
        "create_ssl_context",
        _sharing_the_default(httpx_config.create_ssl_context),
    )
    patch.setattr(
        httpx, "create_ssl_context", _sharing_the_default(httpx_config.create_ssl_context)
    )
    httpx2_transports = _optional("httpx2._transports.default")
    if httpx2_transports is not None:
        patch.setattr(
            httpx2_transports,
            "create_ssl_context",
            _sharing_the_default(httpx2_transports.create_ssl_context),
        )
    yield
    patch.undo()


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:  # an SDK version without it
        return None
