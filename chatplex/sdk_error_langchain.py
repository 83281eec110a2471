"""langchain_core's ModelError family (`ModelRateLimitError`, `ModelTimeoutError`...)
and the partner packages' own classes of both it and their SDK's.

The ModelError family is declared only by the wires whose partner package raises it
(langchain-openai, langchain-anthropic, langchain-fireworks wrap their SDK's error in
their own class of both, `partner_family`): where the partner re-raises its SDK's error,
no ModelError, so LangChain's retry middleware retries it as it retries the partner's (it
retries every error that is no ModelError). `sdk_errors.sdk_compatible` builds the
classes."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

from .errors import APIError
from .errors import APITimeoutError
from .errors import StreamError
from .sdk_error_families import ErrorFamily
from .sdk_error_families import class_named
from .sdk_error_families import decode_failure
from .sdk_error_families import transport_failure

__all__ = [
    "LANGCHAIN_MODEL_ERRORS",
    "langchain_class_for",
    "model_error_family",
    "partner_family",
]


def langchain_class_for(err: BaseException, exceptions: Any) -> type[BaseException] | None:
    """The class of langchain_core's ModelError family `err` should also be, as
    langchain-openai picks it (400 → `ModelInvalidRequestError`, or `ContextOverflowError`
    when the error's text says the context is exceeded: its message, as the openai SDK
    writes it, not the body's `code`; 401, 403, 404, 429, 5xx, a timeout, a failed
    connection, a stream that broke off); None for the rest (LangChain re-raises those
    unchanged)."""
    if _broke_off(err):
        return class_named(exceptions, "ModelConnectionError")
    return class_named(exceptions, _model_error_name(err, _CONTEXT_OVERFLOW, in_body=False))


def _broke_off(err: BaseException) -> bool:
    """Whether `err` is a stream whose connection failed under it (the transport's error
    is its cause): neither an error event nor a malformed one, nor a timeout (which
    langchain-openai re-raises as its timeout error, before or after the first chunk).
    The openai SDK raises it as `APIConnectionError`, which langchain-openai re-raises as
    its connection error."""
    cause = err.__cause__
    return (
        isinstance(err, StreamError)
        and not isinstance(err, APITimeoutError)
        and not err.error_type
        and cause is not None
        and decode_failure(err) is None
    )


def _model_error_name(
    err: BaseException, overflow: Sequence[str], *, in_body: bool = True
) -> str | None:
    """The name of langchain_core's ModelError class for `err` (see `langchain_class_for`),
    a 400 whose text holds one of `overflow` being a context overflow: its text and body
    where the partner's SDK writes the whole body into its error's text (`in_body`), else
    its text alone (the openai SDK writes only the body's message there)."""
    failure = transport_failure(err, timeout="ModelTimeoutError", connection="ModelConnectionError")
    if failure is not None:
        return failure
    if not isinstance(err, APIError):
        return None
    status = err.status_code  # the HTTP status, whatever an SDK's `status` says
    if status == 400:
        text = f"{err} {err.body}" if in_body else str(err)
        if any(words in text for words in overflow):
            return "ContextOverflowError"
        return "ModelInvalidRequestError"
    name = _MODEL_ERROR_OF_STATUS.get(status or 0)
    if name is None and status is not None and status >= 500:
        name = "ModelAPIError"
    return name


def partner_family(
    module: str,
    prefix: str,
    overflow: Sequence[str] | None = None,
    *,
    broken_stream: bool = False,
    overloaded: bool = False,
) -> ErrorFamily:
    """The family of a partner package that wraps its SDK's error in a class of its own
    subclassing both the SDK's class and langchain_core's ModelError class
    (langchain-openai's `OpenAIInvalidRequestError(openai.BadRequestError,
    ModelInvalidRequestError)`), named `prefix` + the ModelError class's word
    (`InvalidRequestError`, `AuthenticationError`, `PermissionDeniedError`,
    `ModelNotFoundError`, `RateLimitError`, `APIError`, `OverloadedError` for a 529
    where it has one (`overloaded`), `ConnectionError`, `TimeoutError`,
    `ContextOverflowError` for a 400 holding one of `overflow`, default langchain-openai's
    words). `broken_stream`: a stream that broke off is its `ConnectionError` too
    (langchain-openai's, whose SDK raises it as a failed connection). The words of
    `overflow` are read in the error's text and body, as in the text of the SDKs that
    write the whole body there; without `overflow`, langchain-openai's are read as it
    reads them, in the text alone (the openai SDK writes only the body's message there,
    not its `code`). An error the partner re-raises unchanged (a 409, a 422) is none of
    its classes. Where the partner package is not imported, a drop-in's error is still
    named as its class would be (`ErrorFamily.partner_name`)."""
    words = _CONTEXT_OVERFLOW if overflow is None else tuple(overflow)
    in_body = overflow is not None

    def named(err: BaseException, overloaded: bool) -> str | None:
        broken = broken_stream and _broke_off(err)
        name = "ModelConnectionError" if broken else _model_error_name(err, words, in_body=in_body)
        if name is None:
            return None
        if overloaded and name == "ModelAPIError" and getattr(err, "status_code", None) == 529:
            return f"{prefix}OverloadedError"
        return prefix + _PARTNER_WORD[name]

    def pick(err: BaseException, package: ModuleType) -> type[BaseException] | None:
        # (a 529's own class where the package has one, as `overloaded` declares)
        return class_named(package, named(err, True)) or class_named(package, named(err, False))

    return ErrorFamily(module, pick, partner_name=lambda err: named(err, overloaded))


#: langchain_core's ModelError class → the word a partner's own class ends in.
_PARTNER_WORD = {
    "ContextOverflowError": "ContextOverflowError",
    "ModelInvalidRequestError": "InvalidRequestError",
    "ModelAuthenticationError": "AuthenticationError",
    "ModelPermissionDeniedError": "PermissionDeniedError",
    "ModelNotFoundError": "ModelNotFoundError",
    "ModelRateLimitError": "RateLimitError",
    "ModelAPIError": "APIError",
    "ModelConnectionError": "ConnectionError",
    "ModelTimeoutError": "TimeoutError",
}


#: What langchain-openai reads as a context overflow in a 400's text (its message).
_CONTEXT_OVERFLOW = (
    "context_length_exceeded",
    "Input tokens exceed the configured limit",
    "prompt is too long",
    "ContextWindowExceededError",
)
_MODEL_ERROR_OF_STATUS = {
    401: "ModelAuthenticationError",
    403: "ModelPermissionDeniedError",
    404: "ModelNotFoundError",
    429: "ModelRateLimitError",
}


def model_error_family(overflow: Sequence[str]) -> ErrorFamily:
    """langchain_core's ModelError family for a partner that reads a 400 holding one of
    `overflow` as a context overflow (langchain-anthropic: only "prompt is too long")."""
    words = tuple(overflow)

    def pick(err: BaseException, exceptions: ModuleType) -> type[BaseException] | None:
        return class_named(exceptions, _model_error_name(err, words))

    return ErrorFamily("langchain_core.exceptions", pick)


#: langchain_core's ModelError family, for the wires whose partner package raises it,
#: with langchain-openai's words for a context overflow.
LANGCHAIN_MODEL_ERRORS = ErrorFamily("langchain_core.exceptions", langchain_class_for)
