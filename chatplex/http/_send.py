"""One non-streaming attempt of a call, sync and async side by side. No retry here.

A retry loop wraps these per attempt: every failure is a typed error whose `retryable`
and `retry_after` say what to do next, chained (`__cause__`) to the httpx exception.

>>> message = send(adapter, adapter.build_request(msgs, settings, stream=False))  # doctest: +SKIP
>>> message = await asend(adapter, request, deadline=time.monotonic() + 30)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from ..errors import APIError
from ._errors import annotate, malformed_body, request_failure, request_id_from, status_failure
from ._pool import get_async_client, get_sync_client
from ._request import build_request, log_response, within

if TYPE_CHECKING:
    from ..adapters._base import Adapter, HTTPRequest
    from ..messages import AIMessage

__all__ = ["asend", "send"]


def send(
    adapter: Adapter,
    request: HTTPRequest,
    *,
    client: httpx.Client | None = None,
    timeout: httpx.Timeout | float | None = None,
    deadline: float | None = None,
) -> AIMessage:
    """Send `request` once and parse the reply with `adapter`.

    `client`: your own `httpx.Client` (used as given, never closed), else the shared one.
    `timeout`: per-request httpx timeouts (None: the client's). `deadline`: a
    `time.monotonic()` value; past it the call fails with `DeadlineExceededError`.

    Raises the adapter's `map_error` result for an error status, `APITimeoutError` /
    `APIConnectionError` when no answer came, `APIError` for an unparseable success body.
    """
    http = client if client is not None else get_sync_client()
    req = build_request(http, request, timeout=timeout, deadline=deadline)
    try:
        response = http.send(req)
    except httpx.RequestError as exc:
        raise request_failure(exc, adapter.provider, req.url.host, deadline=deadline) from exc
    return _parse(adapter, response)


async def asend(
    adapter: Adapter,
    request: HTTPRequest,
    *,
    client: httpx.AsyncClient | None = None,
    timeout: httpx.Timeout | float | None = None,
    deadline: float | None = None,
) -> AIMessage:
    """The async `send`: same arguments, same errors, on the running loop's shared
    `httpx.AsyncClient` unless you pass one."""
    http = client if client is not None else get_async_client()
    req = build_request(http, request, timeout=timeout, deadline=deadline)
    try:
        if deadline is None:
            response = await http.send(req)
        else:
            response = await within(lambda: http.send(req), deadline)
    except httpx.RequestError as exc:
        raise request_failure(exc, adapter.provider, req.url.host, deadline=deadline) from exc
    return _parse(adapter, response)


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
