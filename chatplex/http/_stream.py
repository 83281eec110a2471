"""A streaming call: SSE bytes in, `AIMessageChunk`s out, sync and async side by side.

The request is sent when iteration starts. The response -- and so the pooled connection --
is released on every way out: the end of the body, an error, `close()`/`aclose()`, the
`with`/`async with` block ending, a consumer that stops iterating, task cancellation.

Retries (`retry=`, as in `send`) happen only while nothing has reached the caller: chunks
that carry only metadata (OpenAI's role chunk, Anthropic's `message_start`) are held back
until the first content -- at no cost to time-to-first-token -- so a failure before any
content (Anthropic's `overloaded_error`, a dropped connection, a stall) is retried unseen
(`hold_opening=False`, a LangChain drop-in's call: each chunk goes out as it comes, as the
partner's SDK yields it). After a chunk was yielded, a failure is a `StreamError` whose
`partial` has what came.

Those decisions are the attempt engine's (`_engine.Call`, shared with `send`); the I/O is
its drivers' (`_drivers.drive` / `adrive`): this module only wires them up.

Prefer `async with` for async streams: `break` in an `async for` cannot close an async
generator on the spot (that needs an `await`); the loop finalizes it a few turns later.

>>> with stream(adapter, request) as chunks:  # doctest: +SKIP
...     for chunk in chunks:
...         print(chunk.text, end="")
>>> async with astream(adapter, request, idle_timeout=30) as chunks:  # doctest: +SKIP
...     async for chunk in chunks:
...         print(chunk.text, end="")

Idle timeout: `idle_timeout` becomes the request's httpx *read* timeout, which httpx
applies to every socket read -- exactly "no bytes for that long" -- at no per-chunk cost
(an asyncio timeout per chunk costs 4-13 us, as much as parsing the chunk). It raises
`StreamIdleTimeoutError`, before the headers as well as between events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._chunkstream import AsyncChunkStream
from ._chunkstream import ChunkStream
from ._drivers import adrive
from ._drivers import drive
from ._engine import Call

if TYPE_CHECKING:
    import httpx
    from typing_extensions import Unpack

    from ..adapters.base import Adapter
    from ..adapters.request_types import HTTPRequest
    from ._send import CallOptions

__all__ = ["astream", "stream"]


def stream(
    adapter: Adapter,
    request: HTTPRequest,
    *,
    client: httpx.Client | None = None,
    idle_timeout: float | None = None,
    **options: Unpack[CallOptions],
) -> ChunkStream:
    """Stream a reply: each SSE event goes through the adapter's parser, non-None
    chunks are yielded, and `parser.finish()` runs at the end of the body.

    `retry` (a `RetryPolicy`; None: one attempt) and `budget` (a rate-limit `Budget`)
    work as in `send`, and retries happen only while nothing has been yielded.

    Errors: an error status raises the adapter's `map_error` result; a body that broke
    off, or a parser's error, a `StreamError` whose `partial` merges what was received;
    no bytes for `idle_timeout` s, `StreamIdleTimeoutError` (also a `StreamError`); past
    `deadline` (monotonic), `DeadlineExceededError`, whose `partial` merges what was
    received if anything was. `err.attempts`: HTTP attempts made.
    """
    call = Call(adapter, request, stream=True, idle_timeout=idle_timeout, **options)
    return ChunkStream(drive(call, client))  # nothing is sent before the first next()


def astream(
    adapter: Adapter,
    request: HTTPRequest,
    *,
    client: httpx.AsyncClient | None = None,
    idle_timeout: float | None = None,
    **options: Unpack[CallOptions],
) -> AsyncChunkStream:
    """The async `stream`: same arguments and errors; use it with `async with`."""
    call = Call(adapter, request, stream=True, idle_timeout=idle_timeout, **options)
    return AsyncChunkStream(adrive(call, client))
