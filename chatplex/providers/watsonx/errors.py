"""The exceptions scripts written for langchain-ibm catch, as error families of the
watsonx wire (`sdk_error_families.ErrorFamily`): an error status is ibm-watsonx-ai's
`ApiRequestFailure` (what its `ModelInference.chat` and its Model Gateway's `create`
raise for a reply that is not 200), a failed stream its `WMLClientError` (what
`chat_stream` and a gateway stream raise for an `error` event or an error status, the
stream's request read from the reply's URL, and the gateway's from its body), with the SDK's
`error_msg` and `reason`; a failed connection is httpx's `ConnectError` and a timeout
httpx's `TimeoutException`, which the SDK's httpx client lets through. Used only where
ibm-watsonx-ai is already imported."""

from __future__ import annotations

import json
from types import ModuleType

from ...errors import APIConnectionError
from ...errors import APIError
from ...errors import ChatplexError
from ...errors import StreamError
from ...sdk_error_families import ErrorFamily
from ...sdk_error_families import class_named
from ...sdk_error_families import transport_family
from ...sdk_errors import sdk_compatible

__all__ = ["ERROR_FAMILIES", "sdk_refusal"]


def _sdk_error(err: BaseException, module: ModuleType) -> type[BaseException] | None:
    if isinstance(err, APIConnectionError) or not isinstance(err, APIError):
        return None
    streamed = isinstance(err, StreamError) or _asked_for_stream(err)
    name = "WMLClientError" if streamed else "ApiRequestFailure"
    if err.status is None and not isinstance(err, StreamError):
        return None  # a reply that could not be read: nothing the SDK raises for
    return class_named(module, name)


def _asked_for_stream(err: APIError) -> bool:
    """Whether `err` answers a stream's request (`/ml/v1/text/chat_stream`, or the Model
    Gateway's chat completions with `"stream": true`), whose error status the SDK's
    stream raises as WMLClientError (its `chat` and the gateway's `create`: its
    subclass ApiRequestFailure)."""
    try:
        request = err.response.request
    except (AttributeError, RuntimeError):  # no reply, or one without its request
        return False
    url = str(request.url)
    if "/ml/gateway/" not in url:
        return "/text/chat_stream" in url
    try:
        body = json.loads(request.content)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("stream") is True


def _fill_sdk_error(err: BaseException) -> None:
    # The fields WMLClientError has: error_msg (the message) and reason (the body).
    fields = err.__dict__
    fields.setdefault("error_msg", fields.get("message"))
    fields.setdefault("reason", fields.get("body"))


#: What the watsonx adapter declares (`WatsonxAdapter.error_families`).
ERROR_FAMILIES = (
    ErrorFamily("ibm_watsonx_ai.wml_client_error", _sdk_error, _fill_sdk_error),
    transport_family(),
)


def _refusal_class(err: BaseException, module: ModuleType) -> type[BaseException] | None:
    return class_named(module, "WMLClientError")


def _fill_refusal(err: BaseException) -> None:
    err.__dict__.setdefault("error_msg", str(err))
    err.__dict__.setdefault("reason", None)


#: What ibm-watsonx-ai raises refusing a call before any request: its WMLClientError.
_REFUSALS = ErrorFamily("ibm_watsonx_ai.wml_client_error", _refusal_class, _fill_refusal)


def sdk_refusal(message: str) -> BaseException:
    """The error for a call ibm-watsonx-ai refuses before sending it (its `chat()` given
    what only a deployment takes): also its WMLClientError where it is imported."""
    return sdk_compatible(ChatplexError(message), (_REFUSALS,))
