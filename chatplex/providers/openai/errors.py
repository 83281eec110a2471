"""The exceptions scripts written for langchain-openai catch, as error families of the
OpenAI wires (Chat Completions, the Responses API, Azure; `sdk_error_families.ErrorFamily`):
langchain-openai's own classes (`OpenAIInvalidRequestError` for a 400,
`OpenAIRateLimitError` for a 429...: each the openai SDK's class and langchain_core's
ModelError class at once), the openai SDK's, and langchain_core's ModelError family
(for a script that has not imported langchain-openai). An error langchain-openai
re-raises unchanged (a 409, a 422) is the SDK's class alone."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ...errors import APIError
from ...errors import StreamError
from ...sdk_error_families import ErrorFamily
from ...sdk_error_families import Picker
from ...sdk_error_families import class_named
from ...sdk_error_families import decode_family
from ...sdk_error_families import sdk_words
from ...sdk_error_langchain import LANGCHAIN_MODEL_ERRORS
from ...sdk_error_langchain import partner_family
from ...sdk_error_stainless import stainless_family
from ...sdk_errors import chatplex_class

__all__ = [
    "CHAT_ERROR_FAMILIES",
    "ERROR_FAMILIES",
    "RESPONSES_ERROR_FAMILIES",
    "event_passed",
    "event_words",
    "skipping",
]

#: What langchain-openai reads as a context overflow in any openai error that is no 400
#: (`_handle_openai_api_error`: a stream's error data, a 5xx), which it raises as its
#: `OpenAIAPIContextOverflowError`, a plain `openai.APIError` of no status.
_API_OVERFLOW = "exceeds the context window"


def _api_overflow(err: BaseException) -> bool:
    if not isinstance(err, APIError) or err.status_code == 400:
        return False
    return _API_OVERFLOW in f"{err} {err.message} {err.body}"


def _overflow_picks(family: ErrorFamily, name: str) -> ErrorFamily:
    """`family`, picking its class `name` for an overflow of `_api_overflow` under
    langchain-openai's name (a drop-in's error)."""
    pick = family.partner_pick or family.pick

    def picked(err: BaseException, module: Any) -> type[BaseException] | None:
        return class_named(module, name) if _api_overflow(err) else pick(err, module)

    return replace(family, partner_pick=picked)


#: What the OpenAI adapters declare (`error_families`); the partner package's family
#: first, so its class leads the error's hierarchy as in langchain-openai's own error.
ERROR_FAMILIES: tuple[ErrorFamily, ...] = (
    decode_family(),  # a body or an event that is not JSON: the SDK lets json's through
    _overflow_picks(
        partner_family("langchain_openai.chat_models.base", "OpenAI", broken_stream=True),
        "OpenAIAPIContextOverflowError",
    ),
    _overflow_picks(stainless_family("openai", inner_body=True, plain_events=True), "APIError"),
    _overflow_picks(LANGCHAIN_MODEL_ERRORS, "ContextOverflowError"),
)


def _error_object(err: BaseException) -> dict[str, Any] | None:
    """The `error` object of a 200 whose whole body is one (a Chat Completions reply
    with no choices, a failed Response): chatplex's plain APIError with no status (a
    stream's error event is a StreamError); None for any other."""
    if chatplex_class(err) is not APIError or not isinstance(err, APIError):
        return None
    body = err.__dict__.get("whole_body", err.body)
    inner = body.get("error") if isinstance(body, dict) and err.status is None else None
    return inner if isinstance(inner, dict) else None


def event_passed(err: BaseException) -> dict[str, Any] | None:
    """The data of a Responses stream's failure event (`error`, `response.failed`) that
    the openai SDK yields as an event, as it raises its APIError only for data holding
    a top-level `error` object: langchain-openai raises a plain ValueError for it, none
    of the SDK's classes. None for any other error (`event_data`: kept by the stream)."""
    data = err.__dict__.get("event_data") if isinstance(err, StreamError) else None
    return data if isinstance(data, dict) and not isinstance(data.get("error"), dict) else None


def _response_error(inner: dict[str, Any]) -> Any:
    """The openai SDK's ResponseError of an error object, where the SDK is imported (no
    script of langchain-openai's otherwise), else the object."""
    responses = getattr(getattr(sys.modules.get("openai"), "types", None), "responses", None)
    construct = getattr(getattr(responses, "ResponseError", None), "construct", None)
    return construct(**inner) if callable(construct) else inner


def event_words(err: BaseException) -> None:
    """`err` in the words of langchain-openai's ValueError for a failure event the SDK
    passed (`event_passed`): an `error` event's "code: message" (its message alone
    without a code), a `response.failed` event's `str(response.error)` (or "Response
    <id> failed."). chatplex's words stay as `provider_message`."""
    data = event_passed(err)
    fields = err.__dict__
    if data is None or "sdk_text" in fields:
        return
    if data.get("type") == "response.failed":
        response = data.get("response")
        response = response if isinstance(response, dict) else {}
        error = response.get("error")
        failed = f"Response {response.get('id')} failed."
        text = str(_response_error(error)) if isinstance(error, dict) and error else failed
    else:
        code, message = data.get("code"), data.get("message")
        text = f"{code}: {message}" if code else str(message)
    fields.setdefault("provider_message", fields.get("message"))
    fields["message"] = text
    sdk_words(err, text)


def _value_error(err: BaseException, builtins: Any) -> type[BaseException] | None:
    return ValueError if _error_object(err) is not None else None


def _error_object_words(err: BaseException) -> None:
    # langchain-openai's `raise ValueError(response_dict.get("error"))`: the object
    # itself is the one argument, its dict the words.
    inner = _error_object(err)
    if inner is not None and "sdk_text" not in err.__dict__:
        sdk_words(err, str(inner), inner)


def _response_error_words(err: BaseException) -> None:
    # langchain-openai's `raise ValueError(response.error)`: the SDK's ResponseError is
    # the one argument, its str the words; where the openai SDK is not imported (no
    # script of langchain-openai's), the object's dict as on Chat Completions.
    inner = _error_object(err)
    if inner is None or "sdk_text" in err.__dict__:
        return
    error = _response_error(inner)
    sdk_words(err, str(error), error)


def skipping(family: ErrorFamily, where: Callable[[BaseException], bool]) -> ErrorFamily:
    """`family`, picking no class for an error `where` holds of (one langchain-openai
    raises as a plain ValueError, no class of the SDK's)."""

    def skipped(pick: Picker) -> Picker:
        def picked(err: BaseException, module: Any) -> type[BaseException] | None:
            return None if where(err) else pick(err, module)

        return picked

    partner = family.partner_pick
    return replace(
        family,
        pick=skipped(family.pick),
        partner_pick=None if partner is None else skipped(partner),
    )


def _plain_value_error(err: BaseException) -> bool:
    """A 200 error body or a failure event the SDK passed."""
    return _error_object(err) is not None or event_passed(err) is not None


def _error_object_families(words: Callable[[BaseException], None]) -> tuple[ErrorFamily, ...]:
    """`ERROR_FAMILIES`, a 200 whose body is an error object the plain ValueError
    langchain-openai raises for it, worded by `words`, and none of the SDK's classes."""
    return (
        ErrorFamily("builtins", _value_error, words),
        *(skipping(family, _plain_value_error) for family in ERROR_FAMILIES),
    )


#: What the Chat Completions adapters declare (the presets' over langchain-openai too,
#: Azure's): a 200 error body is langchain-openai's ValueError (`_create_chat_result`),
#: worded as that object.
CHAT_ERROR_FAMILIES = _error_object_families(_error_object_words)

#: What the Responses adapters declare: a 200 error body (or a failed Response) is
#: langchain-openai's ValueError (`_construct_lc_result_from_responses_api`), worded as
#: the SDK's ResponseError.
RESPONSES_ERROR_FAMILIES = _error_object_families(_response_error_words)
