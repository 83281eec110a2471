"""One streaming attempt of a call: SSE bytes in, `AIMessageChunk`s out, sync and async.

The request is sent when iteration starts. The response -- and so the pooled connection --
is released on every way out: the end of the body, an error, `close()`/`aclose()`, the
`with`/`async with` block ending, a consumer that stops iterating, task cancellation.

Prefer the context-manager form for async streams: `break` in an `async for` cannot close
an async generator on the spot (closing needs an `await`), so without it the connection is
only returned when the loop finalizes the dropped generator, a few loop turns later.

>>> with stream(adapter, request) as chunks:  # doctest: +SKIP
...     for chunk in chunks:
...         print(chunk.text, end="")
>>> async with astream(adapter, request, idle_timeout=30) as chunks:  # doctest: +SKIP
...     async for chunk in chunks:
...         print(chunk.text, end="")

Idle timeout: `idle_timeout` becomes the request's httpx *read* timeout, which httpx
applies to every socket read -- exactly "no bytes for that long" -- at no per-chunk cost
(an asyncio timeout per chunk costs 4-13 us, as much as parsing the chunk). It surfaces as
`StreamIdleTimeoutError`, before the headers as well as between events.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Generator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from ..errors import DeadlineExceededError, StreamError
from ..messages import AIMessageChunk, merge_chunks
from ._errors import (
    annotate,
    request_failure,
    request_id_from,
    status_failure,
    stream_failure,
)
from ._pool import get_async_client, get_sync_client
from ._request import build_request, log_response, within
from ._sse import SSEDecoder

if TYPE_CHECKING:
    from ..adapters._base import Adapter, HTTPRequest

__all__ = ["AsyncChunkStream", "ChunkStream", "astream", "stream"]


class ChunkStream:
    """The chunks of one streamed reply: an iterator that is also a context manager."""

    __slots__ = ("_gen",)

    def __init__(self, gen: Generator[AIMessageChunk, None, None]) -> None:
        self._gen = gen

    def __iter__(self) -> Iterator[AIMessageChunk]:
        return self._gen  # iterate the generator itself: no wrapper call per chunk

    def __next__(self) -> AIMessageChunk:
        return next(self._gen)

    def close(self) -> None:
        """Stop the stream and return its connection to the pool (idempotent)."""
        self._gen.close()

    def __enter__(self) -> ChunkStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._gen.close()


class AsyncChunkStream:
    """The chunks of one streamed reply: an async iterator and async context manager."""

    __slots__ = ("_agen",)

    def __init__(self, agen: AsyncGenerator[AIMessageChunk, None]) -> None:
        self._agen = agen

    def __aiter__(self) -> AsyncIterator[AIMessageChunk]:
        return self._agen

    def __anext__(self) -> Awaitable[AIMessageChunk]:
        return self._agen.__anext__()

    async def aclose(self) -> None:
        """Stop the stream and return its connection to the pool (idempotent)."""
        await self._agen.aclose()

    async def __aenter__(self) -> AsyncChunkStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._agen.aclose()


def stream(
    adapter: Adapter,
    request: HTTPRequest,
    *,
    client: httpx.Client | None = None,
    timeout: httpx.Timeout | float | None = None,
    idle_timeout: float | None = None,
    deadline: float | None = None,
) -> ChunkStream:
    """Stream a reply: each SSE event goes through the adapter's parser, non-None
    chunks are yielded, and `parser.finish()` runs at the end of the body.

    Errors: an error status raises the adapter's `map_error` result; a broken connection
    mid-body raises `StreamError` whose `partial` merges the chunks yielded so far (so does
    a `StreamError` from the parser); `StreamIdleTimeoutError` when no bytes came for
    `idle_timeout` s; `DeadlineExceededError` past `deadline` (a `time.monotonic()` value).
    """
    return ChunkStream(_chunks(adapter, request, client, timeout, idle_timeout, deadline))


def astream(
    adapter: Adapter,
    request: HTTPRequest,
    *,
    client: httpx.AsyncClient | None = None,
    timeout: httpx.Timeout | float | None = None,
    idle_timeout: float | None = None,
    deadline: float | None = None,
) -> AsyncChunkStream:
    """The async `stream`: same arguments and errors; use it with `async with`."""
    return AsyncChunkStream(_achunks(adapter, request, client, timeout, idle_timeout, deadline))


def _chunks(
    adapter: Adapter,
    request: HTTPRequest,
    client: httpx.Client | None,
    timeout: httpx.Timeout | float | None,
    idle_timeout: float | None,
    deadline: float | None,
) -> Generator[AIMessageChunk, None, None]:
    http = client if client is not None else get_sync_client()
    req = build_request(
        http, request, timeout=timeout, idle_timeout=idle_timeout, deadline=deadline
    )
    try:
        response = http.send(req, stream=True)
    except httpx.RequestError as exc:
        raise request_failure(
            exc, adapter.provider, req.url.host, deadline=deadline, idle_timeout=idle_timeout
        ) from exc
    received: list[AIMessageChunk] = []  # for StreamError.partial
    log_response(response, None)
    try:
        if response.status_code >= 300:
            try:
                body = response.read()
            except httpx.RequestError:
                body = b""  # the status alone still says what happened
            raise status_failure(adapter, response, body)
        parser = adapter.stream_parser(response.headers)
        decoder = SSEDecoder()
        decode = decoder.feed
        parse = parser.feed
        keep = received.append
        request_id = request_id_from(response.headers)
        try:
            for raw in response.iter_bytes():
                for event in decode(raw):
                    chunk = parse(event)
                    if chunk is not None:
                        if not received and request_id is not None:
                            _stamp(chunk, request_id)
                        keep(chunk)
                        yield chunk
                if deadline is not None and time.monotonic() >= deadline:
                    raise DeadlineExceededError("the call's deadline passed mid-stream")
            for event in decoder.flush():
                chunk = parse(event)
                if chunk is not None:
                    if not received and request_id is not None:
                        _stamp(chunk, request_id)
                    keep(chunk)
                    yield chunk
            parser.finish()
        except httpx.RequestError as exc:
            raise stream_failure(
                exc, adapter.provider, response, received, deadline=deadline
            ) from exc
        except StreamError as err:
            _with_partial(err, adapter, response, received)
            raise
        except ValueError as exc:  # a parser that let a JSON error escape
            raise _malformed_event(exc, adapter, response, received) from exc
    finally:
        response.close()


async def _achunks(
    adapter: Adapter,
    request: HTTPRequest,
    client: httpx.AsyncClient | None,
    timeout: httpx.Timeout | float | None,
    idle_timeout: float | None,
    deadline: float | None,
) -> AsyncGenerator[AIMessageChunk, None]:
    http = client if client is not None else get_async_client()
    req = build_request(
        http, request, timeout=timeout, idle_timeout=idle_timeout, deadline=deadline
    )
    try:
        if deadline is None:
            response = await http.send(req, stream=True)
        else:
            response = await within(lambda: http.send(req, stream=True), deadline)
    except httpx.RequestError as exc:
        raise request_failure(
            exc, adapter.provider, req.url.host, deadline=deadline, idle_timeout=idle_timeout
        ) from exc
    received: list[AIMessageChunk] = []
    log_response(response, None)
    try:
        if response.status_code >= 300:
            try:
                body = await response.aread()
            except httpx.RequestError:
                body = b""
            raise status_failure(adapter, response, body)
        parser = adapter.stream_parser(response.headers)
        decoder = SSEDecoder()
        decode = decoder.feed
        parse = parser.feed
        keep = received.append
        request_id = request_id_from(response.headers)
        source = response.aiter_bytes()
        if deadline is not None:
            source = _until(source, deadline)
        try:
            async for raw in source:
                for event in decode(raw):
                    chunk = parse(event)
                    if chunk is not None:
                        if not received and request_id is not None:
                            _stamp(chunk, request_id)
                        keep(chunk)
                        yield chunk
            for event in decoder.flush():
                chunk = parse(event)
                if chunk is not None:
                    if not received and request_id is not None:
                        _stamp(chunk, request_id)
                    keep(chunk)
                    yield chunk
            parser.finish()
        except httpx.RequestError as exc:
            raise stream_failure(
                exc, adapter.provider, response, received, deadline=deadline
            ) from exc
        except StreamError as err:
            _with_partial(err, adapter, response, received)
            raise
        except ValueError as exc:
            raise _malformed_event(exc, adapter, response, received) from exc
    finally:
        await response.aclose()


async def _until(source: AsyncIterator[bytes], deadline: float) -> AsyncGenerator[bytes, None]:
    """`source`, with each wait for bytes cut off at the deadline (only used with one)."""
    step = source.__anext__
    while True:
        try:
            raw = await within(step, deadline)
        except StopAsyncIteration:
            return
        yield raw


def _stamp(chunk: AIMessageChunk, request_id: str) -> None:
    """The first chunk carries the request id, as `send()`'s message does, so that the
    merged stream equals the non-streamed reply."""
    chunk.response_metadata.setdefault("request_id", request_id)


def _with_partial(
    err: StreamError, adapter: Adapter, response: httpx.Response, received: list[AIMessageChunk]
) -> None:
    annotate(err, adapter.provider, response)
    if err.partial is None:
        err.partial = merge_chunks(received)


def _malformed_event(
    exc: ValueError, adapter: Adapter, response: httpx.Response, received: list[AIMessageChunk]
) -> StreamError:
    err = StreamError(
        f"malformed stream event from {response.request.url.host}: {exc}",
        partial=merge_chunks(received),
        provider=adapter.provider,
    )
    annotate(err, adapter.provider, response)
    return err
