"""The exceptions scripts written for an OpenAI-compatible preset's partner package
catch, by the SDK that package raises through (`Profile.sdk`; `sdk_error_families.ErrorFamily`):

- "openai" (ChatXAI, ChatDeepSeek, ChatTogether, ChatNebius: langchain-openai's
  `BaseChatOpenAI`): the OpenAI wire's own families, langchain-openai's classes first;
- "fireworks": langchain-fireworks' classes (`FireworksInvalidRequestError`...: the
  fireworks SDK's class and langchain_core's ModelError class at once), the SDK's, and
  the ModelError family;
- "groq", "perplexity", "sambanova": the SDK's class alone (their partner packages
  re-raise it: no ModelError, so LangChain's retry middleware retries it; an error
  event inside a groq stream is its plain `APIError`, as its SDK raises it, inside a
  perplexity or sambanova stream a status error worded as the event's body);
  none of these SDKs' errors has a `code`, nor has the drop-in's; a stream that
  broke off is none of their classes but httpx's error, which they let through
  (fireworks' too: its async client is httpx over aiohttp, whose transport raises a
  connection that could not be made as a timeout: langchain-fireworks'
  `FireworksTimeoutError`, "Request timed out.", `bridged_failures`);
- "httpx" (langchain-mistralai calls the API with httpx itself): httpx's class alone
  (`HTTPStatusError`, a timeout's or a failed connection's class), no `code` either;
  an error status says what langchain-mistralai's says ("Error response 400 while
  fetching <url>: <the body>")."""

from __future__ import annotations

import json
from typing import Any

from ...errors import APIError
from ...sdk_error_families import ErrorFamily
from ...sdk_error_families import aiohttp_bridge_cut_family
from ...sdk_error_families import bridged_failures
from ...sdk_error_families import cut_stream_family
from ...sdk_error_families import decode_family
from ...sdk_error_families import httpx_transport_class
from ...sdk_error_families import httpx_words
from ...sdk_error_families import sdk_words
from ...sdk_error_langchain import model_error_family
from ...sdk_error_langchain import partner_family
from ...sdk_error_stainless import stainless_failure_text
from ...sdk_error_stainless import stainless_family
from ...sdk_error_stainless import stainless_pick
from ...sdk_error_stainless import stainless_text
from ...sdk_error_stainless import with_event_body
from ...sdk_error_stainless import with_event_words
from ...sdk_error_stainless import without_code
from ..openai.errors import CHAT_ERROR_FAMILIES as OPENAI_FAMILIES

__all__ = ["error_families"]


def _httpx_class(err: BaseException, httpx: Any) -> type[BaseException] | None:
    """The httpx class a partner package that calls the API with httpx itself
    (langchain-mistralai) lets through: `HTTPStatusError` for an error status, a
    timeout's or a failed connection's class; None for the rest."""
    failure = httpx_transport_class(err, httpx)
    if failure is not None:
        return failure
    if isinstance(err, APIError) and err.status is not None and err.status >= 400:
        return httpx.HTTPStatusError  # type: ignore[no-any-return]
    return None


def _fill_httpx(err: BaseException) -> None:
    # httpx's `request` is a property over `_request`; `response` is set already.
    fields = err.__dict__
    fields.setdefault("_request", fields.get("request"))
    without_code(err)
    httpx_words(err)
    response = fields.get("response")
    status = getattr(err, "status_code", None)
    if response is not None and isinstance(status, int):
        # langchain-mistralai's words for an error status (its `_raise_on_error`).
        sdk_words(
            err,
            f"Error response {status} while fetching {response.url}: {_body_text(err)}",
        )


def _body_text(err: BaseException) -> str:
    """The error reply's body as the server sent it (its decoded JSON written back when
    the bytes are gone)."""
    try:
        return str(err.__dict__["response"].text)
    except Exception:  # a streamed reply whose bytes were not kept
        body = err.__dict__.get("body")
        return json.dumps(body) if body is not None else ""


def _fill_sdk_error(err: BaseException) -> None:
    # The groq, fireworks, perplexity and sambanova SDKs' errors have no `code` (nor
    # openai's `type` / `param`): the body still holds the provider's `error.code`.
    stainless_text(err)
    stainless_failure_text(err)
    without_code(err)


def _sdk_family(
    sdk: str, *, plain_events: bool = False, cuts_through: bool = False, body_events: bool = False
) -> ErrorFamily:
    """A Stainless SDK's family other than openai's: its class by status, its wording,
    and the fields chatplex has (body, status_code). `plain_events`: an error event
    inside a stream is its plain `APIError` in the event's words (the groq SDK's stream
    raises it so). `body_events`: an error event is a status error worded as the
    event's decoded body (perplexity's and sambanova's streams: `f"{body}"`).
    `cuts_through`: a stream that broke off is none of its classes
    (`except_cut_streams`). A drop-in's error loads the SDK where it is installed
    (`partner_loads`): its partner package always imports it."""
    pick = stainless_pick(plain_events=plain_events, cuts_through=cuts_through)
    fill = with_event_words(_fill_sdk_error) if plain_events else _fill_sdk_error
    fill = with_event_body(fill) if body_events else fill
    return ErrorFamily(sdk, pick, fill, partner_loads=True)


def _letting_cuts_through(sdk: str) -> tuple[ErrorFamily, ...]:
    """The families of the perplexity and sambanova SDKs: an error event worded as its
    body, and httpx's error for a stream that broke off (their streams iterate httpx's
    outside their request's error handling)."""
    return (
        decode_family(),
        _sdk_family(sdk, cuts_through=True, body_events=True),
        cut_stream_family("httpx"),
    )


#: The only words langchain-fireworks reads as a context overflow in a 400's message.
_FIREWORKS_OVERFLOW = ("prompt is too long",)

#: SDK → its families, where they are not the SDK's class alone. Each SDK lets json's
#: error through for a body or an event that is not JSON (`decode_family`, first).
_FAMILIES: dict[str, tuple[ErrorFamily, ...]] = {
    "openai": OPENAI_FAMILIES,
    # Its async client is httpx over aiohttp: a refused connection is a timeout there.
    "fireworks": (
        decode_family(),
        bridged_failures(
            partner_family("langchain_fireworks.chat_models", "Fireworks", _FIREWORKS_OVERFLOW)
        ),
        bridged_failures(_sdk_family("fireworks", cuts_through=True)),
        bridged_failures(model_error_family(_FIREWORKS_OVERFLOW)),
        aiohttp_bridge_cut_family(),
    ),
    "httpx": (decode_family(), ErrorFamily("httpx", _httpx_class, _fill_httpx)),
    # The groq SDK lets httpx's error through when a stream breaks off or times out
    # once opened.
    "groq": (
        decode_family(),
        _sdk_family("groq", plain_events=True, cuts_through=True),
        cut_stream_family("httpx", idle=True),
    ),
    "perplexity": _letting_cuts_through("perplexity"),
    "sambanova": _letting_cuts_through("sambanova"),
}


#: SDK → its families where its partner package lets its errors through unwrapped, as the
#: SDK raises them (langchain-cerebras' own sync stream: none of langchain-openai's).
_ALONE: dict[str, tuple[ErrorFamily, ...]] = {
    "openai": (decode_family(), stainless_family("openai", inner_body=True, plain_events=True)),
}


def error_families(sdk: str, *, alone: bool = False) -> tuple[ErrorFamily, ...]:
    """The families of a preset whose partner package raises through `sdk`; `alone`: as
    that SDK raises them, where the partner does not wrap them."""
    if alone and sdk in _ALONE:
        return _ALONE[sdk]
    families = _FAMILIES.get(sdk)
    if families is None:
        families = _FAMILIES[sdk] = (decode_family(), _sdk_family(sdk))
    return families
