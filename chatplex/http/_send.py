"""A non-streaming call, sync and async side by side: the attempt loop around one send.

Each attempt acquires a permit from the rate-limit budget (when there is one; waiting
counts against the deadline), sends the same request bytes, releases the permit with what
happened (usage, status, `retry_after`), and on a failure asks the retry policy whether,
and after how long, to try again. Failures are typed errors whose `retryable` and
`retry_after` drive that decision, chained (`__cause__`) to the httpx exception.
`err.attempts` and the reply's `response_metadata["attempts"]` count the HTTP attempts.

>>> from chatplex.http import retry_policy
>>> message = send(adapter, request, retry=retry_policy(max_retries=2))  # doctest: +SKIP
>>> message = await asend(adapter, request, deadline=time.monotonic() + 30)  # doctest: +SKIP
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import httpx

from ..errors import APIError
from ..messages import AIMessageChunk
from ._errors import annotate, malformed_body, request_failure, request_id_from, status_failure
from ._pool import get_async_client, get_sync_client
from ._request import build_request, log_response, request_timeout, within
from ._retry import release_failed, used_tokens

if TYPE_CHECKING:
    from ..adapters.base import Adapter, HTTPRequest
    from ..core.retry import RetryPolicy
    from ..messages import AIMessage, ToolCallChunk
    from ._ratelimit import Budget

__all__ = ["asend", "estimate", "reclamp", "reply_chunk", "send"]


def send(
    adapter: Adapter,
    request: HTTPRequest,
    *,
    client: httpx.Client | None = None,
    timeout: httpx.Timeout | float | None = None,
    deadline: float | None = None,
    retry: RetryPolicy | None = None,
    budget: Budget | None = None,
) -> AIMessage:
    """Send `request` (retrying per `retry`) and parse the reply with `adapter`.

    `client`: your own `httpx.Client` (used as given, never closed), else the shared one.
    `timeout`: per-request httpx timeouts (None: the client's). `deadline`: a
    `time.monotonic()` value bounding the whole call, retries and limiter waits included;
    past it the call fails with `DeadlineExceededError`. `retry`: a `RetryPolicy`
    (`chatplex.http.retry_policy(...)`); None makes exactly one attempt.
    `budget`: a rate-limit `Budget` to acquire before every attempt; None skips limiting.

    Raises the adapter's `map_error` result for an error status, `APITimeoutError` /
    `APIConnectionError` when no answer came, `APIError` for an unparseable success body
    -- the last attempt's error, with `attempts` set.
    """
    http = client if client is not None else get_sync_client()
    req = build_request(http, request, timeout=timeout, deadline=deadline)
    tokens = estimate(request) if budget is not None else 0
    attempt = 1
    while True:
        permit = budget.acquire(tokens, deadline=deadline) if budget is not None else None
        try:
            try:
                response = http.send(req)
            except httpx.RequestError as exc:
                raise request_failure(
                    exc, adapter.provider, req.url.host, deadline=deadline
                ) from exc
            message = _parse(adapter, response)
        except APIError as err:
            err.attempts = attempt
            if permit is not None:
                release_failed(permit, err)
            if retry is None:
                raise
            delay = retry.delay(err, attempt, deadline)
            if delay is None:
                raise
            retry.sleep(delay)
        except BaseException:
            if permit is not None:
                permit.release()
            raise
        else:
            if permit is not None:
                permit.release(used_tokens=used_tokens(message), status=response.status_code)
            message.response_metadata["attempts"] = attempt
            return message
        attempt += 1
        if deadline is not None:
            reclamp(http, req, timeout, deadline)


async def asend(
    adapter: Adapter,
    request: HTTPRequest,
    *,
    client: httpx.AsyncClient | None = None,
    timeout: httpx.Timeout | float | None = None,
    deadline: float | None = None,
    retry: RetryPolicy | None = None,
    budget: Budget | None = None,
) -> AIMessage:
    """The async `send`: same arguments, same errors, on the running loop's shared
    `httpx.AsyncClient` unless you pass one. Cancelling it closes the response at once."""
    http = client if client is not None else get_async_client()
    req = build_request(http, request, timeout=timeout, deadline=deadline)
    tokens = estimate(request) if budget is not None else 0
    attempt = 1
    while True:
        permit = await budget.aacquire(tokens, deadline=deadline) if budget is not None else None
        try:
            try:
                if deadline is None:
                    response = await http.send(req)
                else:
                    response = await within(lambda: http.send(req), deadline)
            except httpx.RequestError as exc:
                raise request_failure(
                    exc, adapter.provider, req.url.host, deadline=deadline
                ) from exc
            message = _parse(adapter, response)
        except APIError as err:
            err.attempts = attempt
            if permit is not None:
                release_failed(permit, err)
            if retry is None:
                raise
            delay = retry.delay(err, attempt, deadline)
            if delay is None:
                raise
            await retry.asleep(delay)
        except BaseException:
            if permit is not None:
                permit.release()
            raise
        else:
            if permit is not None:
                permit.release(used_tokens=used_tokens(message), status=response.status_code)
            message.response_metadata["attempts"] = attempt
            return message
        attempt += 1
        if deadline is not None:
            reclamp(http, req, timeout, deadline)


def reclamp(
    http: httpx.Client | httpx.AsyncClient,
    req: httpx.Request,
    timeout: httpx.Timeout | float | None,
    deadline: float,
    idle_timeout: float | None = None,
) -> None:
    """Before a retry: the same request (same bytes), its timeouts clamped to the time
    now left before the deadline (DeadlineExceededError if none is)."""
    clamped = request_timeout(http, timeout, idle_timeout=idle_timeout, deadline=deadline)
    if isinstance(clamped, httpx.Timeout):
        req.extensions["timeout"] = clamped.as_dict()


def estimate(request: HTTPRequest) -> int:
    from ._ratelimit import estimate_tokens  # only calls with a rate limit need it

    return estimate_tokens(request)


def reply_chunk(adapter: Adapter, response: httpx.Response) -> AIMessageChunk:
    """A fully read JSON reply to a stream request (an error payload raises its typed
    error), as the single chunk of that stream."""
    message = _parse(adapter, response)
    calls: list[ToolCallChunk] = [
        {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i}
        for i, c in enumerate(message.tool_calls)
    ]
    calls += [
        {"name": c["name"], "args": c["args"], "id": c["id"], "index": len(calls) + i}
        for i, c in enumerate(message.invalid_tool_calls)
    ]
    return AIMessageChunk(
        content=message.content,
        id=message.id,
        additional_kwargs=message.additional_kwargs,
        response_metadata=message.response_metadata,
        tool_call_chunks=calls,
        usage_metadata=message.usage_metadata,
    )


def _parse(adapter: Adapter, response: httpx.Response) -> AIMessage:
    """Status check and parsing of a fully read response (shared by sync and async)."""
    status = response.status_code
    body = response.content
    log_response(response, len(body))
    if status >= 300:  # redirects are not followed: report them, do not parse them
        raise status_failure(adapter, response, body)
    headers = response.headers
    try:
        message = adapter.parse_response(body, headers)
    except APIError as err:  # e.g. an error object inside a 200 body
        annotate(err, adapter.provider, response)
        raise
    except ValueError as exc:  # json.JSONDecodeError, UnicodeDecodeError, bad shapes
        raise malformed_body(adapter.provider, response, exc) from exc
    metadata = message.response_metadata
    if "request_id" not in metadata:
        request_id = request_id_from(headers)
        if request_id is not None:
            metadata["request_id"] = request_id
    return message
