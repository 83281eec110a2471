"""I/O lives here and only here: shared pooled clients, SSE decoding, sending.

Names are loaded on first access, so `import chatplex.http` does not import httpx
(~60-80 ms); `from chatplex.http import send` does.

>>> from chatplex.http import send, stream, get_sync_client  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..postimport import lazy_package

if TYPE_CHECKING:
    from ..adapters.sse import SSEDecoder
    from ..core.retry import RetryPolicy
    from ..core.retry import retry_policy
    from ._budget_shared import RateLimit
    from ._budget_shared import Releasable
    from ._budgets import get_budget
    from ._chunkstream import AsyncChunkStream
    from ._chunkstream import ChunkStream
    from ._errors import retry_after_from
    from ._interrupt import interruptible_client
    from ._mocking import http_is_mocked
    from ._pool import PoolSettings
    from ._pool import aclose
    from ._pool import add_client_hook
    from ._pool import close
    from ._pool import close_portal_clients
    from ._pool import configure_pool
    from ._pool import connections_in_use
    from ._pool import get_async_client
    from ._pool import get_sync_client
    from ._pool import pool_settings
    from ._ratelimit import Budget
    from ._redaction import request_secrets
    from ._redaction import scrub_secrets
    from ._redaction import secret_url
    from ._send import CallOptions
    from ._send import asend
    from ._send import send
    from ._sse import aiter_sse_events
    from ._sse import iter_sse_events
    from ._stream import astream
    from ._stream import stream

__all__ = [
    "AsyncChunkStream",
    "Budget",
    "CallOptions",
    "ChunkStream",
    "PoolSettings",
    "RateLimit",
    "Releasable",
    "RetryPolicy",
    "SSEDecoder",
    "aclose",
    "add_client_hook",
    "aiter_sse_events",
    "asend",
    "astream",
    "close",
    "close_portal_clients",
    "configure_pool",
    "connections_in_use",
    "get_async_client",
    "get_budget",
    "get_sync_client",
    "http_is_mocked",
    "interruptible_client",
    "iter_sse_events",
    "pool_settings",
    "retry_after_from",
    "request_secrets",
    "retry_policy",
    "scrub_secrets",
    "secret_url",
    "send",
    "stream",
]

# Where each name lives, relative to this package (loaded on first access).
_HOME = {
    "AsyncChunkStream": "._chunkstream",
    "Budget": "._ratelimit",
    "ChunkStream": "._chunkstream",
    "PoolSettings": "._pool",
    "RateLimit": "._budget_shared",
    "Releasable": "._budget_shared",
    "RetryPolicy": "..core.retry",
    "SSEDecoder": "..adapters.sse",
    "aclose": "._pool",
    "add_client_hook": "._pool",
    "aiter_sse_events": "._sse",
    "asend": "._send",
    "astream": "._stream",
    "close": "._pool",
    "close_portal_clients": "._pool",
    "configure_pool": "._pool",
    "connections_in_use": "._pool",
    "get_async_client": "._pool",
    "get_budget": "._budgets",
    "get_sync_client": "._pool",
    "http_is_mocked": "._mocking",
    "interruptible_client": "._interrupt",
    "iter_sse_events": "._sse",
    "pool_settings": "._pool",
    "retry_after_from": "._errors",
    "retry_policy": "..core.retry",
    "request_secrets": "._redaction",
    "scrub_secrets": "._redaction",
    "secret_url": "._redaction",
    "send": "._send",
    "CallOptions": "._send",
    "stream": "._stream",
}


__getattr__, __dir__ = lazy_package(__name__, _HOME)
