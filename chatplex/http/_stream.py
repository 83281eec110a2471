"""A streaming call: SSE bytes in, `AIMessageChunk`s out, sync and async side by side.

The request is sent when iteration starts. The response -- and so the pooled connection --
is released on every way out: the end of the body, an error, `close()`/`aclose()`, the
`with`/`async with` block ending, a consumer that stops iterating, task cancellation.

Retries (`retry=`, as in `send`) happen only while nothing has reached the caller: chunks
that carry only metadata (OpenAI's role chunk, Anthropic's `message_start`) are held back
until the first content -- at no cost to time-to-first-token -- so a failure before any
content (Anthropic's `overloaded_error`, a dropped connection, a stall) is retried unseen.
After a chunk was yielded, a failure is a `StreamError` whose `partial` has what came.

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

import time
from collections.abc import AsyncGenerator, AsyncIterator, Generator
from typing import TYPE_CHECKING

import httpx

from ..errors import APIError, DeadlineExceededError, StreamError
from ..messages import AIMessageChunk, merge_chunks
from ._chunkstream import AsyncChunkStream, ChunkStream
from ._errors import (
    annotate,
    request_failure,
    request_id_from,
    status_failure,
    stream_failure,
)
from ._pool import get_async_client, get_sync_client
from ._request import build_request, log_response, within
from ._retry import release_failed, stream_used_tokens
from ._send import estimate, reclamp, reply_chunk
from ._sse import SSEDecoder

if TYPE_CHECKING:
    from ..adapters.base import Adapter, HTTPRequest
    from ..core.retry import RetryPolicy
    from ._ratelimit import Budget

__all__ = ["AsyncChunkStream", "ChunkStream", "astream", "stream"]


def stream(
    adapter: Adapter,
    request: HTTPRequest,
    *,
    client: httpx.Client | None = None,
    timeout: httpx.Timeout | float | None = None,
    idle_timeout: float | None = None,
    deadline: float | None = None,
    retry: RetryPolicy | None = None,
    budget: Budget | None = None,
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
    return ChunkStream(
        _chunks(adapter, request, client, timeout, idle_timeout, deadline, retry, budget)
    )


def astream(
    adapter: Adapter,
    request: HTTPRequest,
    *,
    client: httpx.AsyncClient | None = None,
    timeout: httpx.Timeout | float | None = None,
    idle_timeout: float | None = None,
    deadline: float | None = None,
    retry: RetryPolicy | None = None,
    budget: Budget | None = None,
) -> AsyncChunkStream:
    """The async `stream`: same arguments and errors; use it with `async with`."""
    return AsyncChunkStream(
        _achunks(adapter, request, client, timeout, idle_timeout, deadline, retry, budget)
    )


def _chunks(
    adapter: Adapter,
    request: HTTPRequest,
    client: httpx.Client | None,
    timeout: httpx.Timeout | float | None,
    idle_timeout: float | None,
    deadline: float | None,
    retry: RetryPolicy | None,
    budget: Budget | None,
) -> Generator[AIMessageChunk, None, None]:
    http = client if client is not None else get_sync_client()
    req = build_request(
        http, request, timeout=timeout, idle_timeout=idle_timeout, deadline=deadline
    )
    tokens = estimate(request) if budget is not None else 0
    attempt = 1
    while True:
        permit = budget.acquire(tokens, deadline=deadline) if budget is not None else None
        received: list[AIMessageChunk] = []  # for StreamError.partial and the usage
        started = False  # has anything reached the caller? then no more retries
        status: int | None = None
        try:
            try:
                response = http.send(req, stream=True)
            except httpx.RequestError as exc:
                raise request_failure(
                    exc,
                    adapter.provider,
                    req.url.host,
                    deadline=deadline,
                    idle_timeout=idle_timeout,
                ) from exc
            status = response.status_code
            log_response(response, None)
            try:
                if status >= 300:
                    try:
                        body = response.read()
                    except httpx.RequestError:
                        body = b""  # the status alone still says what happened
                    raise status_failure(adapter, response, body)
                if _is_json(response):
                    response.read()
                    received.append(reply_chunk(adapter, response))
                else:
                    parser = adapter.stream_parser(response.headers)
                    decoder = SSEDecoder()
                    decode = decoder.feed
                    parse = parser.feed
                    keep = received.append
                    for raw in response.iter_bytes():
                        for event in decode(raw):
                            chunk = parse(event)
                            if chunk is not None:
                                keep(chunk)
                                if started:
                                    yield chunk
                                elif _has_content(chunk):
                                    started = True
                                    yield from _opening(received, response, attempt)
                        if deadline is not None and time.monotonic() >= deadline:
                            raise DeadlineExceededError("the call's deadline passed mid-stream")
                    for event in decoder.flush():
                        chunk = parse(event)
                        if chunk is not None:
                            keep(chunk)
                            if started:
                                yield chunk
                            elif _has_content(chunk):
                                started = True
                                yield from _opening(received, response, attempt)
                    parser.finish()
                if not started and received:  # no content at all: yield the metadata
                    started = True
                    yield from _opening(received, response, attempt)
            except httpx.RequestError as exc:  # the body broke off
                err = stream_failure(exc, adapter.provider, response, received, deadline=deadline)
                if isinstance(err, StreamError):
                    _with_partial(err, adapter, response, received, started)
                elif isinstance(err, DeadlineExceededError):
                    _deadline_partial(err, received)
                raise err from exc
            except StreamError as err:
                _with_partial(err, adapter, response, received, started)
                raise
            except DeadlineExceededError as err:
                _deadline_partial(err, received)
                raise
            except ValueError as exc:  # a parser that let a JSON error escape
                raise _malformed_event(exc, adapter, response, received, started) from exc
            finally:
                response.close()
        except APIError as err:
            err.attempts = attempt
            if permit is not None:
                release_failed(permit, err)
            if started or retry is None:
                raise
            delay = retry.delay(err, attempt, deadline)
            if delay is None:
                raise
            retry.sleep(delay)
        except BaseException:  # the consumer stopped (GeneratorExit), a deadline...
            if permit is not None:
                permit.release(used_tokens=stream_used_tokens(received), status=status)
            raise
        else:
            if permit is not None:
                permit.release(used_tokens=stream_used_tokens(received), status=status)
            return
        attempt += 1
        if deadline is not None:
            reclamp(http, req, timeout, deadline, idle_timeout)


async def _achunks(
    adapter: Adapter,
    request: HTTPRequest,
    client: httpx.AsyncClient | None,
    timeout: httpx.Timeout | float | None,
    idle_timeout: float | None,
    deadline: float | None,
    retry: RetryPolicy | None,
    budget: Budget | None,
) -> AsyncGenerator[AIMessageChunk, None]:
    http = client if client is not None else get_async_client()
    req = build_request(
        http, request, timeout=timeout, idle_timeout=idle_timeout, deadline=deadline
    )
    tokens = estimate(request) if budget is not None else 0
    attempt = 1
    while True:
        permit = await budget.aacquire(tokens, deadline=deadline) if budget is not None else None
        received: list[AIMessageChunk] = []
        started = False
        status: int | None = None
        try:
            try:
                if deadline is None:
                    response = await http.send(req, stream=True)
                else:
                    response = await within(lambda: http.send(req, stream=True), deadline)
            except httpx.RequestError as exc:
                raise request_failure(
                    exc,
                    adapter.provider,
                    req.url.host,
                    deadline=deadline,
                    idle_timeout=idle_timeout,
                ) from exc
            status = response.status_code
            log_response(response, None)
            try:
                if status >= 300:
                    try:
                        body = await response.aread()
                    except httpx.RequestError:
                        body = b""
                    raise status_failure(adapter, response, body)
                if _is_json(response):
                    await response.aread()
                    received.append(reply_chunk(adapter, response))
                else:
                    parser = adapter.stream_parser(response.headers)
                    decoder = SSEDecoder()
                    decode = decoder.feed
                    parse = parser.feed
                    keep = received.append
                    source = response.aiter_bytes()
                    if deadline is not None:
                        source = _until(source, deadline)
                    async for raw in source:
                        for event in decode(raw):
                            chunk = parse(event)
                            if chunk is not None:
                                keep(chunk)
                                if started:
                                    yield chunk
                                elif _has_content(chunk):
                                    started = True
                                    for held in _opening(received, response, attempt):
                                        yield held
                    for event in decoder.flush():
                        chunk = parse(event)
                        if chunk is not None:
                            keep(chunk)
                            if started:
                                yield chunk
                            elif _has_content(chunk):
                                started = True
                                for held in _opening(received, response, attempt):
                                    yield held
                    parser.finish()
                if not started and received:
                    started = True
                    for held in _opening(received, response, attempt):
                        yield held
            except httpx.RequestError as exc:  # the body broke off
                err = stream_failure(exc, adapter.provider, response, received, deadline=deadline)
                if isinstance(err, StreamError):
                    _with_partial(err, adapter, response, received, started)
                elif isinstance(err, DeadlineExceededError):
                    _deadline_partial(err, received)
                raise err from exc
            except StreamError as err:
                _with_partial(err, adapter, response, received, started)
                raise
            except DeadlineExceededError as err:
                _deadline_partial(err, received)
                raise
            except ValueError as exc:
                raise _malformed_event(exc, adapter, response, received, started) from exc
            finally:
                await response.aclose()
        except APIError as err:
            err.attempts = attempt
            if permit is not None:
                release_failed(permit, err)
            if started or retry is None:
                raise
            delay = retry.delay(err, attempt, deadline)
            if delay is None:
                raise
            await retry.asleep(delay)
        except BaseException:
            if permit is not None:
                permit.release(used_tokens=stream_used_tokens(received), status=status)
            raise
        else:
            if permit is not None:
                permit.release(used_tokens=stream_used_tokens(received), status=status)
            return
        attempt += 1
        if deadline is not None:
            reclamp(http, req, timeout, deadline, idle_timeout)


async def _until(source: AsyncIterator[bytes], deadline: float) -> AsyncGenerator[bytes, None]:
    """`source`, with each wait for bytes cut off at the deadline (only used with one)."""
    step = source.__anext__
    while True:
        try:
            raw = await within(step, deadline)
        except StopAsyncIteration:
            return
        yield raw


def _is_json(response: httpx.Response) -> bool:
    """A JSON body where events were expected (a 200 error payload, or `stream` ignored)."""
    content_type: str = response.headers.get("content-type", "")
    return content_type.startswith("application/json")


def _has_content(chunk: AIMessageChunk) -> bool:
    """Whether a chunk carries some of the reply, not just metadata: leading metadata-only
    chunks (OpenAI's role chunk, Anthropic's message_start) are held back until the first
    content, so a failure before any content can still be retried unseen."""
    return bool(chunk.content or chunk.tool_call_chunks or chunk.additional_kwargs)


def _opening(
    received: list[AIMessageChunk], response: httpx.Response, attempt: int
) -> list[AIMessageChunk]:
    """The chunks held back so far, to yield now; the first carries the request id and
    the attempts made, as `send()`'s message does (merged stream == non-stream reply)."""
    metadata = received[0].response_metadata
    request_id = request_id_from(response.headers)
    if request_id is not None:
        metadata.setdefault("request_id", request_id)
    metadata["attempts"] = attempt
    return received.copy()  # `received` keeps growing while these are yielded


def _with_partial(
    err: StreamError,
    adapter: Adapter,
    response: httpx.Response,
    received: list[AIMessageChunk],
    started: bool,
) -> None:
    annotate(err, adapter.provider, response)
    if err.partial is None:
        err.partial = merge_chunks(received)
    if not started and err.error_type is None and err.body is None:
        # A stream cut short or garbled, not an error the provider declared (those carry
        # their payload in `body`, and the adapter judged them): with nothing shown to the
        # caller yet, another attempt is as safe as after a dropped connection.
        err.retryable = True


def _deadline_partial(err: DeadlineExceededError, received: list[AIMessageChunk]) -> None:
    """Keep what arrived before the deadline, held-back chunks included (None if nothing)."""
    if err.partial is None and received:
        err.partial = merge_chunks(received)


def _malformed_event(
    exc: ValueError,
    adapter: Adapter,
    response: httpx.Response,
    received: list[AIMessageChunk],
    started: bool,
) -> StreamError:
    err = StreamError(
        f"malformed stream event from {response.request.url.host}: {exc}",
        partial=merge_chunks(received),
        provider=adapter.provider,
        retryable=not started,
    )
    annotate(err, adapter.provider, response)
    return err
