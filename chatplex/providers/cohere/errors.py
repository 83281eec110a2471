"""The exceptions scripts written for langchain-cohere catch, as error families of the
Cohere wire (`sdk_error_families.ErrorFamily`): an error status is the cohere SDK's class for
it (`cohere.TooManyRequestsError` for 429, `cohere.UnauthorizedError` for 401...,
`cohere.core.ApiError` for a status it names none for, and for a body that is no JSON),
with the SDK's `status_code`, `body` and `headers`; a failed connection is httpx's
`ConnectError` and a timeout httpx's `TimeoutException`, which the cohere SDK lets
through from its client. Its `str()` is the SDK's ("headers: ..., status_code: ...,
body: ..."), and it has no `args`, as the SDK's `ApiError`."""

from __future__ import annotations

from typing import Any

from ...adapters.bodies import unparsed_text
from ...errors import APIConnectionError
from ...errors import APIError
from ...errors import StreamError
from ...sdk_error_families import ErrorFamily
from ...sdk_error_families import sdk_words
from ...sdk_error_families import transport_family

__all__ = ["ERROR_FAMILIES", "SDK_CLASSES"]

#: Status → the cohere SDK's class (its generated `raw_client`, v2 chat).
SDK_CLASSES = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "NotFoundError",
    422: "UnprocessableEntityError",
    429: "TooManyRequestsError",
    498: "InvalidTokenError",
    499: "ClientClosedRequestError",
    500: "InternalServerError",
    501: "NotImplementedError",
    503: "ServiceUnavailableError",
    504: "GatewayTimeoutError",
}


def _page(err: BaseException) -> str | None:
    """The text of the error's reply where its body is no JSON (a proxy's page), else
    None: the SDK raises its `ApiError` with that text as `body` for any status."""
    return unparsed_text(err.__dict__.get("response"))


def _is_api_error(err: BaseException) -> bool:
    """Whether the SDK raises one of its `ApiError`s for `err` (which have no `response`:
    their `status_code`, `headers` and `body` stand for it)."""
    if isinstance(err, APIConnectionError) or not isinstance(err, APIError):
        return False
    # a broken stream, a reply it reads: no status the SDK would raise for
    return not (err.status is None and (isinstance(err, StreamError) or _page(err) is None))


def _sdk_error(err: BaseException, cohere: Any) -> type[BaseException] | None:
    if not isinstance(err, APIError) or not _is_api_error(err):
        return None
    status = err.status
    named = SDK_CLASSES.get(status, "") if status is not None and _page(err) is None else ""
    found = getattr(cohere, named, None)
    if not isinstance(found, type):
        found = getattr(getattr(cohere, "core", None), "ApiError", None)
    return found if isinstance(found, type) else None


def _fill_sdk_error(err: BaseException) -> None:
    # The fields the SDK's ApiError has: status_code, body (the parsed body), headers;
    # and its words (its `__str__`; its `__init__` gives no `args`).
    fields = err.__dict__
    response = fields.get("response")
    if fields.get("status") is None:
        # A reply whose body is no JSON has no error status: the SDK gives the reply's.
        fields["http_status"] = getattr(response, "status_code", None)
    status = getattr(err, "status_code", None)
    page = _page(err)
    if page is not None:
        fields["body"] = page
    headers = getattr(response, "headers", None)
    fields.setdefault("headers", dict(headers) if headers is not None else None)
    text = f"headers: {fields['headers']}, status_code: {status}, body: {fields.get('body')}"
    sdk_words(err, text)
    err.args = ()


#: What the Cohere adapter declares (`CohereAdapter.error_families`).
ERROR_FAMILIES = (
    ErrorFamily("cohere", _sdk_error, _fill_sdk_error, responseless=_is_api_error),
    transport_family(),
)
