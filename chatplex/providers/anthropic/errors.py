"""The exceptions scripts written for langchain-anthropic catch, as error families of the
Anthropic wire (`sdk_error_families.ErrorFamily`): langchain-anthropic's own classes
(`AnthropicInvalidRequestError` for a 400, `AnthropicOverloadedError` for a 529...: each
the anthropic SDK's class and langchain_core's ModelError class at once), the anthropic
SDK's, and langchain_core's ModelError family (for a script that has not imported
langchain-anthropic)."""

from __future__ import annotations

import dataclasses
from types import ModuleType

from ...sdk_error_families import ErrorFamily
from ...sdk_error_families import Picker
from ...sdk_error_families import class_named
from ...sdk_error_families import cut_stream_family
from ...sdk_error_families import decode_family
from ...sdk_error_langchain import model_error_family
from ...sdk_error_langchain import partner_family
from ...sdk_error_stainless import stainless_family

__all__ = ["COUNT_ERROR_FAMILIES", "ERROR_FAMILIES"]

#: The only words langchain-anthropic reads as a context overflow in a 400's message.
_OVERFLOW = ("prompt is too long",)


def _as_wrapped(pick: Picker) -> Picker:
    """`pick` under LangChain's name, a 5xx's class as langchain-anthropic re-raises it
    (chatplex's own models keep the SDK's own class): its `AnthropicAPIError`
    subclasses the SDK's InternalServerError alone, not the SDK's own class of a 503 or
    504 (`ServiceUnavailableError`, `GatewayTimeoutError`); a 529 stays OverloadedError
    (its `AnthropicOverloadedError`'s)."""

    def picked(err: BaseException, sdk: ModuleType) -> type[BaseException] | None:
        found = pick(err, sdk)
        server = class_named(sdk, "InternalServerError")
        if found is None or server is None or not issubclass(found, server):
            return found
        return found if found is class_named(sdk, "OverloadedError") else server

    return picked


#: The anthropic SDK lets its HTTP client's error (httpx2's) through when a stream
#: breaks off or times out once opened, and words an error event as the event's body.
_SDK = stainless_family("anthropic", cuts_through=True, body_events=True)

#: What the Anthropic adapter declares (`error_families`), the partner package's first.
ERROR_FAMILIES: tuple[ErrorFamily, ...] = (
    decode_family(),  # a body or an event that is not JSON: the SDK lets json's through
    partner_family("langchain_anthropic.chat_models", "Anthropic", _OVERFLOW, overloaded=True),
    dataclasses.replace(_SDK, partner_pick=_as_wrapped(_SDK.pick)),
    cut_stream_family("httpx2", idle=True),
    model_error_family(_OVERFLOW),
)

#: What a token count raises (langchain-anthropic's `get_num_tokens_from_messages` calls
#: the SDK outside its calls' `try`): the anthropic SDK's own classes, unwrapped.
COUNT_ERROR_FAMILIES: tuple[ErrorFamily, ...] = (decode_family(), _SDK)
