"""I/O lives here and only here: shared pooled clients, SSE decoding, sending.

Names are loaded on first access, so `import chatplex.http` does not import httpx
(~60-80 ms); `from chatplex.http import send` does.

>>> from chatplex.http import send, stream, get_sync_client  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._pool import (
        PoolSettings,
        aclose,
        close,
        configure_pool,
        connections_in_use,
        get_async_client,
        get_sync_client,
        pool_settings,
    )
    from ._retry import RetryPolicy, retry_policy
    from ._send import asend, send
    from ._sse import SSEDecoder, aiter_sse_events, iter_sse_events
    from ._stream import AsyncChunkStream, ChunkStream, astream, stream

__all__ = [
    "AsyncChunkStream",
    "ChunkStream",
    "PoolSettings",
    "RetryPolicy",
    "SSEDecoder",
    "aclose",
    "aiter_sse_events",
    "asend",
    "astream",
    "close",
    "configure_pool",
    "connections_in_use",
    "get_async_client",
    "get_sync_client",
    "iter_sse_events",
    "pool_settings",
    "retry_policy",
    "send",
    "stream",
]

_HOME = {
    "AsyncChunkStream": "_stream",
    "ChunkStream": "_stream",
    "PoolSettings": "_pool",
    "RetryPolicy": "_retry",
    "SSEDecoder": "_sse",
    "aclose": "_pool",
    "aiter_sse_events": "_sse",
    "asend": "_send",
    "astream": "_stream",
    "close": "_pool",
    "configure_pool": "_pool",
    "connections_in_use": "_pool",
    "get_async_client": "_pool",
    "get_sync_client": "_pool",
    "iter_sse_events": "_sse",
    "pool_settings": "_pool",
    "retry_policy": "_retry",
    "send": "_send",
    "stream": "_stream",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
