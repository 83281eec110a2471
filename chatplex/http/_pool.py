"""The shared, pooled httpx clients every chatplex call goes through.

* Sync: one `httpx.Client` per process, created on first use.
* Async: one `httpx.AsyncClient` per running event loop. An async client's connections
  belong to the loop that opened them, so sharing one client across loops is what makes
  other libraries fail with "Event loop is closed" on the second `asyncio.run()`.

Closing. Whoever creates a client closes it: chatplex never closes a client you pass in.
The shared async client of a loop is closed *on that loop* when the loop shuts down: its
creation also starts a tiny async generator (`_closer`) that the loop's asyncgen hooks
track, and `loop.shutdown_asyncgens()` -- run by `asyncio.run()`, `asyncio.Runner` and
pytest-asyncio before they close the loop -- finalizes it, which awaits `client.aclose()`
while the loop still runs. A loop closed *without* `shutdown_asyncgens()` (a bare
`loop.run_until_complete(...); loop.close()`) cannot close its client any more: the next
`get_async_client()` call that creates a client forgets it, and the garbage collector
reclaims its sockets (Python reports each open one with a ResourceWarning). Call
`await chatplex.http.aclose()` before closing such a loop to avoid that.

Settings. `configure_pool(...)` changes the timeouts and limits of clients created after
it; call it before the first request (it refuses while shared clients are open -- call
`close()` / `await aclose()` first).

Transports. The sync client uses httpx's default transport; beside it, its lean
connections (`_lean_sync.SyncPool`, `sync_lean_pool`) carry the non-stream requests the
sync driver may send there, as the async direct path does (`_direct`). The async clients
send through `AioHTTPTransport` (aiohttp's pool under httpx: httpcore's async pool costs
~25x the client CPU per request at 64 in flight, see `_transport.py`); environment proxies
are mounted as httpx transports, as httpx itself would. respx: a plain `respx.mock`
patches httpcore's pools; the async transport notices and routes through httpx's default
transport while it does (the sync driver leaves its lean connections), so every request
(sync, async, streaming) stays visible to it.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import threading
import weakref
from collections.abc import AsyncGenerator
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import fields
from dataclasses import replace
from typing import TYPE_CHECKING
from typing import Any
from typing import NamedTuple

from ..core.portal import run_on_portal
from ._clamp import bound_client

if TYPE_CHECKING:
    import ssl

    import httpx

    from ._lean_sync import SyncPool

__all__ = [
    "PoolSettings",
    "aclose",
    "add_client_hook",
    "close",
    "close_portal_clients",
    "configure_pool",
    "connections_in_use",
    "get_async_client",
    "get_sync_client",
    "pool_settings",
    "sync_lean_pool",
]


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """Timeouts (seconds, None = no limit) and limits of the shared clients.

    The defaults suit LLM calls: connecting should be quick (5 s), but a long generation
    may legitimately keep a read open for minutes (600 s), and a large batch queues for a
    free connection (pool 600 s). 100 connections, 20 of them kept alive when idle:
    httpcore (the sync client's pool) scans every pooled connection on each request, so a
    small keep-alive set is also the fast one. The async clients' aiohttp pool takes an
    idle connection without a scan; it drops idle ones after `keepalive_expiry` only.

    Examples:
        >>> PoolSettings().max_connections
        100
    """

    connect_timeout: float | None = 5.0
    read_timeout: float | None = 600.0
    write_timeout: float | None = 600.0
    pool_timeout: float | None = 600.0
    max_connections: int | None = 100
    max_keepalive_connections: int | None = 20
    #: Idle connections older than this are dropped instead of reused (httpx's default).
    keepalive_expiry: float | None = 5.0
    #: TLS verification: True (certifi, or SSL_CERT_FILE/SSL_CERT_DIR when trust_env),
    #: False, or your own `ssl.SSLContext`.
    verify: bool | ssl.SSLContext = True
    #: Honour HTTP(S)_PROXY / NO_PROXY / SSL_CERT_FILE from the environment.
    trust_env: bool = True

    def timeout(self) -> httpx.Timeout:
        import httpx

        return httpx.Timeout(
            connect=self.connect_timeout,
            read=self.read_timeout,
            write=self.write_timeout,
            pool=self.pool_timeout,
        )

    def limits(self) -> httpx.Limits:
        import httpx

        return httpx.Limits(
            max_connections=self.max_connections,
            max_keepalive_connections=self.max_keepalive_connections,
            keepalive_expiry=self.keepalive_expiry,
        )


class _LoopEntry(NamedTuple):
    client: httpx.AsyncClient
    closer: AsyncGenerator[None, None]


_lock = threading.Lock()
_settings = PoolSettings()
_ssl_context: ssl.SSLContext | None = None
_sync_client: httpx.Client | None = None
#: The shared sync client's lean connections (`_lean_sync`), made and closed with it.
_sync_lean: SyncPool | None = None
_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopEntry] = (
    weakref.WeakKeyDictionary()
)
_atexit_registered = False
#: Clients inherited through fork(): their sockets are shared with the parent, so the
#: child must neither use nor close them; kept referenced so GC never touches them.
_fork_orphans: list[object] = []


def pool_settings() -> PoolSettings:
    """The settings new shared clients are created with."""
    return _settings


def configure_pool(settings: PoolSettings | None = None, /, **changes: Any) -> PoolSettings:
    """Set the shared clients' timeouts and limits; returns the new settings.

    Settings are fixed when a shared client is made, so this runs before the first
    request (or after `close()` / `await aclose()`).

    Args:
        settings: a whole `PoolSettings` to use.
        **changes: fields of the current settings to change (`connect_timeout`,
            `read_timeout`, `max_connections`, `verify`, `trust_env`...).

    Returns:
        The settings now in force.

    Raises:
        TypeError: a field `PoolSettings` does not have.
        RuntimeError: a shared client is open (a late change would silently not apply).

    Examples:
        >>> from chatplex.http import close, pool_settings
        >>> close()  # no shared client open: the settings may change
        >>> before = pool_settings()
        >>> configure_pool(connect_timeout=2.0, max_connections=20).max_connections
        20
        >>> configure_pool(before) == before  # back as they were
        True
    """
    global _settings, _ssl_context
    known = {f.name for f in fields(PoolSettings)}
    unknown = set(changes) - known
    if unknown:
        raise TypeError(f"unknown pool setting(s): {', '.join(sorted(unknown))}")
    with _lock:
        _purge_closed_loops()
        if _sync_client is not None or len(_async_clients):
            raise RuntimeError(
                "configure_pool() must run before the first request: shared clients are "
                "already open (call chatplex.http.close() / aclose() first)"
            )
        new = replace(settings if settings is not None else _settings, **changes)
        if new.verify != _settings.verify or new.trust_env != _settings.trust_env:
            _ssl_context = None
        _settings = new
        return new


def get_sync_client() -> httpx.Client:
    """The process-wide shared `httpx.Client` (created on first use, thread-safe).

    >>> get_sync_client() is get_sync_client()
    True
    """
    client = _sync_client
    if client is not None and not client.is_closed:
        return client
    return _new_sync_client()


def get_async_client() -> httpx.AsyncClient:
    """The shared `httpx.AsyncClient` of the running event loop (created on first use).

    Must be called from a coroutine running on an asyncio loop. Each loop gets its own
    client, closed when that loop shuts down (see the module docstring).

    >>> async def main() -> bool:
    ...     return get_async_client() is get_async_client()
    >>> asyncio.run(main())
    True
    """
    loop = asyncio.get_running_loop()
    entry = _async_clients.get(loop)
    if entry is not None and not entry.client.is_closed:
        return entry.client
    return _new_async_client(loop)


def sync_lean_pool(client: httpx.Client) -> SyncPool | None:
    """The lean connections of `client` if it is the shared sync client, else None."""
    return _sync_lean if client is _sync_client else None


def close() -> None:
    """Close the shared sync client and forget async clients of closed loops.

    The next request opens a new pool. Async clients of loops that still run can only be
    closed on their loop: `await aclose()` there (or let the loop shut down).
    """
    global _sync_client, _sync_lean
    with _lock:
        client, _sync_client = _sync_client, None
        lean, _sync_lean = _sync_lean, None
        _purge_closed_loops()
    if lean is not None:
        lean.close()
    if client is not None:
        client.close()


def close_portal_clients() -> None:
    """Close the shared async client that sync `batch` opened on chatplex's portal loop.

    The portal is chatplex's own loop, so chatplex closes what lives on it: this is part
    of `chatplex.close()`. Does nothing when the portal never started.
    """
    run_on_portal(aclose(), timeout=10)


async def aclose() -> None:
    """Close the running loop's shared async client and the shared sync client.

    >>> asyncio.run(aclose())
    """
    loop = asyncio.get_running_loop()
    with _lock:
        entry = _async_clients.pop(loop, None)
    if entry is not None:
        # Finishing the closer runs its `finally`, which closes the client; that also
        # unregisters it from the loop's shutdown_asyncgens() work.
        await entry.closer.aclose()
    close()


def connections_in_use(client: httpx.Client | httpx.AsyncClient) -> int:
    """How many of the client's pooled connections are busy (connecting or mid-request).

    A diagnostic and test helper: after a stream is closed or a task cancelled, this
    drops back to 0 once the connection is back in the pool. It reads httpcore's pool
    internals (httpx's default transport); transports without an httpcore pool
    (`httpx.MockTransport`, respx-patched pools that never connect) report 0.

    >>> connections_in_use(get_sync_client())
    0
    """
    lean = _sync_lean if client is _sync_client else None
    busy = lean.in_use if lean is not None else 0  # the shared sync client's lean ones
    transport = client._transport
    count = getattr(transport, "connections_in_use", None)
    if count is not None:  # AioHTTPTransport counts its own
        return busy + int(count())
    pool = getattr(transport, "_pool", None)
    if pool is None:
        return busy
    from ._transport import busy_connections  # httpx's modules, not at import

    return busy + busy_connections(pool)


# --- creation --------------------------------------------------------------------------


def _new_sync_client() -> httpx.Client:
    global _sync_client, _sync_lean, _atexit_registered
    import httpx

    from ._lean_sync import SyncPool
    from ._lean_sync import share_slots

    with _lock:
        if _sync_client is not None and not _sync_client.is_closed:
            return _sync_client  # another thread won the race
        if _sync_lean is not None:
            _sync_lean.close()  # its client was closed by someone else's hand
        settings = _settings
        _sync_lean = lean = SyncPool(_shared_ssl_context(settings), settings.limits())
        _sync_client = httpx.Client(
            timeout=settings.timeout(),
            limits=settings.limits(),
            verify=_shared_ssl_context(settings),
            trust_env=settings.trust_env,
        )
        # Every wait on its sockets ends at the bound of the call using it (`_clamp`).
        bound_client(_sync_client)
        _skip_cookieless_responses(_sync_client)
        share_slots(_sync_client, lean)  # one connection limit for both paths
        if not _atexit_registered:
            # Closing at exit returns sockets politely instead of leaving them to the GC.
            atexit.register(close)
            _atexit_registered = True
        _run_client_hooks(_sync_client)
        return _sync_client


def _new_async_client(loop: asyncio.AbstractEventLoop) -> httpx.AsyncClient:
    import httpx

    with _lock:
        entry = _async_clients.get(loop)
        if entry is not None and not entry.client.is_closed:
            return entry.client
        _purge_closed_loops()
        settings = _settings
        transport = _make_async_transport(settings)
        client = httpx.AsyncClient(
            timeout=settings.timeout(),
            limits=settings.limits(),
            verify=_shared_ssl_context(settings),
            trust_env=settings.trust_env,
            transport=transport,
            mounts=None if transport is None else _proxy_mounts(settings),
        )
        _skip_cookieless_responses(client)
        closer = _closer(client)
        _start(closer)
        _run_client_hooks(client)
        _async_clients[loop] = _LoopEntry(client, closer)
        return client


# --- testing hook (chatplex.testing: no-network guard, cassette recorder) ----------------
#: Run on every new shared client (sync and async) before its first request. The chatplex
#: pytest plugin adds one: it installs httpx event hooks, which see every request of the
#: shared clients whatever transport they use; so does chatplex.ray's row tally (a request
#: hook counting each row's send). Empty outside those.
_client_hooks: list[Callable[[httpx.Client | httpx.AsyncClient], None]] = []


def add_client_hook(hook: Callable[[httpx.Client | httpx.AsyncClient], None]) -> None:
    """Register `hook` (once) and run it on the shared clients already open."""
    with _lock:
        if hook in _client_hooks:
            return
        _client_hooks.append(hook)
        open_clients = [_sync_client, *(entry.client for entry in _async_clients.values())]
    for client in open_clients:
        if client is not None and not client.is_closed:
            hook(client)


def _run_client_hooks(client: httpx.Client | httpx.AsyncClient) -> None:
    for hook in _client_hooks:
        hook(client)


def _make_async_transport(settings: PoolSettings) -> httpx.AsyncBaseTransport | None:
    """The transport of new shared async clients; None would mean httpx's default.

    The single place to swap transports. Whatever it returns must keep two properties of
    the default: a plain `respx.mock` intercepts it (`AioHTTPTransport` falls back to
    httpx's transport while httpcore is patched), and HTTP(S)_PROXY from the environment
    is honoured (`_proxy_mounts`: httpx mounts environment proxies itself only when no
    explicit transport is given).
    """
    from ._transport import AioHTTPTransport

    return AioHTTPTransport(
        verify=_shared_ssl_context(settings),
        limits=settings.limits(),
        trust_env=settings.trust_env,
    )


def _proxy_mounts(settings: PoolSettings) -> dict[str, httpx.AsyncBaseTransport | None]:
    from ._transport import env_proxy_mounts

    return env_proxy_mounts(
        verify=_shared_ssl_context(settings),
        limits=settings.limits(),
        trust_env=settings.trust_env,
    )


def _skip_cookieless_responses(client: httpx.Client | httpx.AsyncClient) -> None:
    """Per-request CPU: see `ResponseCookies`. Setting httpx's private `_cookies` is
    fail-safe: if httpx renamed it, the client would keep its plain (slower) cookies."""
    from ._transport import ResponseCookies

    client._cookies = ResponseCookies(client.cookies)


def _shared_ssl_context(settings: PoolSettings) -> ssl.SSLContext:
    """One SSLContext for every shared client: building one costs ~20 ms (loading the CA
    bundle), which would otherwise be paid by every new event loop's client."""
    global _ssl_context
    if not isinstance(settings.verify, bool):
        return settings.verify
    if _ssl_context is None:
        import httpx

        _ssl_context = httpx.create_ssl_context(
            verify=settings.verify, trust_env=settings.trust_env
        )
    return _ssl_context


async def _closer(client: httpx.AsyncClient) -> AsyncGenerator[None, None]:
    """Suspended at its `yield` for the client's lifetime; the loop finalizes it in
    `shutdown_asyncgens()`, so the client is closed on its own, still running, loop.
    (It holds no reference to the loop: the WeakKeyDictionary must not keep loops alive.)"""
    try:
        yield
    finally:
        loop = asyncio.get_running_loop()  # finalization always runs on the client's loop
        with _lock:
            entry = _async_clients.get(loop)
            if entry is not None and entry.client is client:
                del _async_clients[loop]
        # Best effort at shutdown: a failure to close politely changes nothing for the
        # caller, and shutdown_asyncgens() would only log it.
        with contextlib.suppress(Exception):
            await client.aclose()


def _start(closer: AsyncGenerator[None, None]) -> None:
    """Advance the closer to its `yield` synchronously. Calling `__anext__()` is what
    registers it with the running loop's asyncgen hooks; its first step never awaits,
    so driving the awaitable by hand finishes at once (StopIteration)."""
    step = closer.__anext__()
    try:
        step.send(None)
    except StopIteration:
        return
    raise RuntimeError("chatplex pool closer did not start")  # pragma: no cover


def _purge_closed_loops() -> None:
    """Forget clients whose loop closed without shutdown_asyncgens(). Caller holds _lock."""
    for loop in [loop for loop in _async_clients if loop.is_closed()]:
        del _async_clients[loop]


def _after_fork_in_child() -> None:
    global _lock, _sync_client, _sync_lean, _async_clients
    # The parent's lock may have been held by another thread at fork time.
    _lock = threading.Lock()
    if _sync_client is not None:
        _fork_orphans.append(_sync_client)
    if _sync_lean is not None:
        _fork_orphans.append(_sync_lean)
        _sync_lean = None
    _fork_orphans.extend(entry for entry in _async_clients.values())
    _sync_client = None
    _async_clients = weakref.WeakKeyDictionary()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
