"""The exceptions scripts written for langchain-google-genai catch, as error families of
the Gemini wire (`sdk_error_families.ErrorFamily`):

- langchain-google-genai's own classes (`langchain_google_genai.chat_models`): an error
  status 4xx is `ChatGoogleGenerativeAIError`, by status one of its subclasses
  (`GoogleInvalidRequestError` 400, `GoogleAuthenticationError` 401,
  `GooglePermissionDeniedError` 403, `GoogleModelNotFoundError` 404,
  `GoogleRateLimitError` 429; a 400 saying the input is over the token limit
  `GoogleContextOverflowError`); a 5xx is `GoogleAPIError`, a google-genai `ServerError`;
- the google-genai SDK's (`google.genai.errors`): `ClientError` for 4xx (only on
  chatplex's own models: langchain-google-genai's own 4xx classes are no ClientError),
  `ServerError` for 5xx (an error event inside a stream, or a stream's 200 body that is
  the error payload, by its error's code, as the SDK raises it: `ServerError` for a 500,
  so `GoogleAPIError`), `APIError` for an event with no code, with its
  `details` (the decoded error body) and `code`; chatplex's `message` is the SDK's
  (Google's own words).

Under the partner's name, a script that never imported langchain-google-genai still
meets its class's name and words, and the ModelError class of langchain_core it also is
(`ErrorFamily.partner_name`).

Once the error is one of google-genai's classes, it reads as one: `status` is Google's
word ("INVALID_ARGUMENT", also `error_type`; the HTTP status stays `status_code`), and
`str()` is the SDK's text (`"400 INVALID_ARGUMENT. {body}"`), or langchain-google-genai's
around it for its own 4xx classes (`"Error calling model 'gemini-2.5-flash'
(INVALID_ARGUMENT): 400 ..."`). A failed connection or a timeout is none of these (the
SDK lets httpx's errors through, as chatplex's `APIConnectionError` / `APITimeoutError`
stand for). `response` stays the masked `httpx.Response` chatplex read, async calls too,
where google-genai's async client over aiohttp holds aiohttp's `ClientResponse` (`.status`,
`await .json()`): chatplex reads that reply without aiohttp, and aiohttp has no public
way to build one (the agents matrix's GAPS)."""

from __future__ import annotations

import re
import sys
from http.client import responses as _REASONS
from typing import Any

from ...adapters.bodies import unparsed_text
from ...errors import APIConnectionError
from ...errors import APIError
from ...errors import StreamError
from ...sdk_error_families import ErrorFamily
from ...sdk_error_families import aiohttp_families
from ...sdk_error_families import decode_failure
from ...sdk_error_families import decode_family
from ...sdk_error_families import except_where
from ...sdk_error_families import failure_kind
from ...sdk_error_families import idle_stream
from ...sdk_error_families import sdk_words

__all__ = ["COUNT_ERROR_FAMILIES", "ERROR_FAMILIES", "VERTEX_ERROR_FAMILIES", "quota_failure"]

#: google-api-core's module of error classes (Vertex AI's).
_API_CORE = "google.api_core.exceptions"
#: langchain-google-genai's module of error classes.
_PARTNER_MODULE = "langchain_google_genai.chat_models"
#: langchain-google-genai's class by HTTP status (its `_CLIENT_ERROR_TYPES`).
_PARTNER_CLASS = {
    400: "GoogleInvalidRequestError",
    401: "GoogleAuthenticationError",
    403: "GooglePermissionDeniedError",
    404: "GoogleModelNotFoundError",
    429: "GoogleRateLimitError",
}
#: What langchain-google-genai reads as a context overflow in a 4xx's message.
_OVERFLOW = ("exceeds the maximum number of tokens allowed", "token limit")


def quota_failure(data: Any) -> bool:
    """Whether a decoded error body's details hold a `google.rpc.QuotaFailure` (the quota
    a 429 RESOURCE_EXHAUSTED ran out of): a limit's word, not a sporadic refusal."""
    data = data[0] if isinstance(data, list) and data else data
    error = data.get("error") if isinstance(data, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    return any(
        isinstance(detail, dict) and str(detail.get("@type", "")).endswith("rpc.QuotaFailure")
        for detail in (details if isinstance(details, list) else ())
    )


def _status(err: BaseException) -> int | None:
    if isinstance(err, APIConnectionError) or not isinstance(err, APIError):
        return None
    return err.status_code


def _code(err: BaseException) -> int | None:
    """The HTTP status, or for an error event inside a stream the code its error carries
    (google-genai raises an event by its `error.code`, as a reply by its status:
    `APIError.raise_error`)."""
    if _is_event(err):
        code = getattr(err, "code", None)
        return code if isinstance(code, int) else None
    return _status(err)


def _is_payload(err: BaseException) -> bool:
    """Whether `err` is a 200 reply's whole body being the error payload (not an error
    event inside a stream)."""
    return _is_event(err) and not isinstance(err, StreamError)


def _is_event(err: BaseException) -> bool:
    """Whether `err` is an error payload that came after HTTP 200: an error event inside
    a stream, or a stream's whole body being `{"error": {...}}` (google-genai reads both
    as a chunk of the stream and raises it by its `error.code`: `request_streamed`)."""
    if isinstance(err, APIConnectionError) or not isinstance(err, APIError):
        return False
    if err.status_code is not None:
        return False
    if isinstance(err, StreamError):
        return bool(err.error_type)
    body = err.body
    return isinstance(body, dict) and isinstance(body.get("error"), dict)


def _class(module: Any, name: str) -> type[BaseException] | None:
    found = getattr(module, name, None)
    return found if isinstance(found, type) and issubclass(found, BaseException) else None


def _partner_error(err: BaseException, chat_models: Any) -> type[BaseException] | None:
    name = _partner_name(err)
    if name is None:
        return None
    found = _class(chat_models, name)
    if found is None and name in _PARTNER_CLASS.values():  # (a release without it)
        return _class(chat_models, "ChatGoogleGenerativeAIError")
    return found


def _partner_name(err: BaseException) -> str | None:
    """The name of `_partner_error`'s class, read without langchain-google-genai."""
    status = _code(err)
    if status is None or status < 400:
        return None
    if status >= 500:
        return "GoogleAPIError"
    if _overflows(err):
        return "GoogleContextOverflowError"
    return _PARTNER_CLASS.get(status, "ChatGoogleGenerativeAIError")


def _partner_own(err: BaseException) -> bool:
    """Whether `err` is one of langchain-google-genai's own 4xx classes, which it raises
    from the SDK's error without its `response` (its 5xx `GoogleAPIError` is the SDK's
    `ServerError`, which has one)."""
    return _partner_name(err) not in (None, "GoogleAPIError")


def _overflows(err: BaseException) -> bool:
    text = f"{err} {getattr(err, 'body', '')}"
    return any(words in text or words in text.lower() for words in _OVERFLOW)


#: langchain_core's ModelError class each of langchain-google-genai's classes also is.
_MODEL_ERROR = {
    "GoogleAPIError": "ModelAPIError",
    "GoogleContextOverflowError": "ContextOverflowError",
    "GoogleInvalidRequestError": "ModelInvalidRequestError",
    "GoogleAuthenticationError": "ModelAuthenticationError",
    "GooglePermissionDeniedError": "ModelPermissionDeniedError",
    "GoogleModelNotFoundError": "ModelNotFoundError",
    "GoogleRateLimitError": "ModelRateLimitError",
}


def _model_error(err: BaseException, exceptions: Any) -> type[BaseException] | None:
    """Under the partner's name, langchain_core's ModelError class its class is also:
    what LangChain's retry middleware and a script's `except ModelRateLimitError` read,
    whether or not langchain-google-genai is imported."""
    return _class(exceptions, _MODEL_ERROR.get(_partner_name(err) or "", ""))


def _no_class(err: BaseException, module: Any) -> None:
    return None  # (chatplex's own models: LangChain's classes are the partner's alone)


def _sdk_error_under_partner(err: BaseException, errors: Any) -> type[BaseException] | None:
    """`_sdk_error` under the partner's name: a 4xx is no ClientError there, whether or
    not langchain-google-genai is imported (only its context-overflow class is one)."""
    status = _code(err)
    if status is not None and 400 <= status < 500:
        return _class(errors, "ClientError") if _overflows(err) else None
    return _sdk_error(err, errors)


def _sdk_error(err: BaseException, errors: Any) -> type[BaseException] | None:
    status = _code(err)
    if status is not None and status >= 500:
        return _class(errors, "ServerError")
    if status is not None and status >= 400:
        # langchain-google-genai raises its own class in place of the SDK's ClientError
        # (only its context-overflow class is also one): once a script imported it, the
        # ClientError is not ours either (`except ClientError` around its model never
        # fires, and must not start firing here).
        if _PARTNER_MODULE in sys.modules:
            return None
        return _class(errors, "ClientError")
    if _is_event(err):
        return _class(errors, "APIError")  # an error event inside a 200 stream, no code
    return None


def _count_error(err: BaseException, errors: Any) -> type[BaseException] | None:
    """The SDK's class of a failed `countTokens`: langchain-google-genai lets the SDK's
    error through there (ClientError for 4xx, imported or not), wrapping none."""
    status = _status(err)
    if status is None or status < 400:
        return None
    return _class(errors, "ServerError" if status >= 500 else "ClientError")


def _fill_sdk_error(err: BaseException) -> None:
    # google-genai's `details` is the whole decoded error body; `code` and `message`
    # chatplex already holds under the same names; `status` is Google's word.
    fields = err.__dict__
    body = fields.get("body")
    fields.setdefault("details", body if isinstance(body, (dict, list)) else None)
    word = fields.get("error_type")
    status = fields.get("status")
    if not isinstance(status, int) and _is_event(err):
        status = _code(err)  # an error event: its error's code stands for a status
    page = None if _is_event(err) else unparsed_text(fields.get("response"))
    if isinstance(status, int) and not word and page is not None and "sdk_text" not in fields:
        # a body that is no JSON (a proxy's page): the SDK's details are its text and the
        # reason phrase, its status that phrase, its code the HTTP status, its message
        # the text as sent
        word = _REASONS.get(status, "")
        fields.setdefault("provider_message", fields.get("message"))
        fields.update(details={"message": page, "status": word}, code=status, message=page)
    if isinstance(status, int) and isinstance(word, str) and word:
        fields["http_status"] = status
        fields["status"] = word
    if fields.get("http_status") is not None:
        code = fields.get("code") or fields["http_status"]
        if "sdk_text" not in fields:  # google-genai's APIError: its text is its args
            sdk_words(err, f"{code} {fields['status']}. {fields['details']}")


def _fill_partner_error(err: BaseException) -> None:
    # langchain-google-genai wraps the SDK's 4xx error in a plain exception of its own:
    # "Error calling model '<model>' (<status>): <the SDK's text>", with none of the SDK's
    # fields (no `code`, no `details`; `status` stays chatplex's HTTP status). Its
    # context-overflow class and its 5xx class are the SDK's ClientError / ServerError,
    # built from the SDK's error: the SDK's fields and text, as they are.
    _fill_sdk_error(err)
    fields = err.__dict__
    status = fields.get("http_status")
    sdk = sys.modules.get("google.genai.errors")
    sdk_class = getattr(sdk, "APIError", None)
    if not isinstance(status, int) or status >= 500 or not fields.get("sdk_text"):
        return
    if isinstance(sdk_class, type) and isinstance(err, sdk_class):
        return
    model = _model_of(fields.get("request"))
    text = f"Error calling model '{model}' ({fields['status']}): {fields['sdk_text']}"
    sdk_words(err, text)
    fields["status"] = status
    fields["code"] = None
    cause = _client_error(status, fields.pop("details", None))
    if cause is not None and err.__cause__ is None:
        # It raises its class from the SDK's error: a script reads the SDK's fields
        # there (`e.__cause__.details`: Google's RetryInfo, QuotaFailure...).
        err.__cause__ = cause


def _client_error(status: int, details: Any) -> BaseException | None:
    """google-genai's `ClientError` of an error status and its decoded body, None where
    google-genai is not installed."""
    try:
        from google.genai.errors import ClientError
    except ImportError:
        return None
    return ClientError(status, details)


#: The model of a Gemini or Vertex AI request path (`.../models/{model}:generateContent`).
_MODEL_IN_PATH = re.compile(r"/models/([^/:?]+):")


def _model_of(request: Any) -> str:
    found = _MODEL_IN_PATH.search(str(getattr(request, "url", "") or ""))
    return found.group(1) if found else "unknown"


def _undecoded_event(err: BaseException, errors: Any) -> type[BaseException] | None:
    """google-genai's `UnknownApiResponseError` for a streamed event that is not JSON
    (its `_load_json_from_response`)."""
    if isinstance(err, StreamError) and decode_failure(err) is not None:
        return _class(errors, "UnknownApiResponseError")
    return None


def _undecoded_event_words(err: BaseException) -> None:
    # google-genai's words quote the whole event (the decoder's `doc`); chatplex's,
    # which quote its start, stay as `provider_message`.
    decoding = decode_failure(err)
    fields = err.__dict__
    if decoding is None or "sdk_text" in fields:
        return
    fields.setdefault("provider_message", fields.get("message"))
    fields["message"] = f"Failed to parse response as JSON. Raw response: {decoding.doc}"
    sdk_words(err, fields["message"])


def _streamed(err: BaseException) -> bool:
    return isinstance(err, StreamError)


#: What the Gemini adapters declare (`error_families`); the partner package's family
#: comes first, so a class and its own base (`GoogleAPIError`, `ServerError`) line up.
#: A reply body that is not JSON is json's error (google-genai lets it through there),
#: a streamed event that is not JSON google-genai's `UnknownApiResponseError`.
ERROR_FAMILIES: tuple[ErrorFamily, ...] = (
    except_where(decode_family(), _streamed),
    ErrorFamily("google.genai.errors", _undecoded_event, _undecoded_event_words),
    ErrorFamily(
        _PARTNER_MODULE,
        _partner_error,
        _fill_partner_error,
        partner_name=_partner_name,
        responseless=_partner_own,
    ),
    ErrorFamily(
        "google.genai.errors", _sdk_error, _fill_sdk_error, partner_pick=_sdk_error_under_partner
    ),
    ErrorFamily("langchain_core.exceptions", _no_class, partner_pick=_model_error),
    # google-genai lets its HTTP clients' errors through: httpx's, aiohttp's async (to
    # which it passes its SSL context with each request, named in aiohttp's words).
    *aiohttp_families(ssl_per_request=True),
)


#: What a Gemini token count raises (`count.py`): google-genai's classes alone.
COUNT_ERROR_FAMILIES: tuple[ErrorFamily, ...] = (
    ErrorFamily("google.genai.errors", _count_error, _fill_sdk_error),
)


# ---- Vertex AI: google-api-core's classes (langchain-google-vertexai over aiplatform) ---


def _api_core_error(err: BaseException, exceptions: Any) -> type[BaseException] | None:
    """google-api-core's class for the HTTP status (`exception_class_for_http_status`:
    BadRequest, Forbidden, TooManyRequests, InternalServerError...), as the aiplatform
    client raises for a Vertex AI error reply; for a 200 whose body is the error payload
    (which langchain-google-vertexai answers with an empty message, or a ValueError
    streamed), the class of its code, as that status would be."""
    status = _status(err)
    if status is None and _is_payload(err):
        status = _code(err)
    if status is None or status < 400:
        return None
    by_status = getattr(exceptions, "exception_class_for_http_status", None)
    found = by_status(status) if callable(by_status) else None
    return found if isinstance(found, type) else _class(exceptions, "GoogleAPICallError")


def _fill_api_core(err: BaseException) -> None:
    # api-core reads these as properties over private fields its __init__ would set
    # (`errors`, `details`, `reason`, `domain`, `metadata`, `response`): filled from the
    # decoded error body as its `from_http_response` does.
    fields = err.__dict__
    body = fields.get("body")
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    details = [d for d in error.get("details") or () if isinstance(d, dict)]
    info = [d for d in details if d.get("@type") == "type.googleapis.com/google.rpc.ErrorInfo"]
    fields.setdefault("_errors", list(error.get("errors") or ()))
    fields.setdefault("_details", details)
    fields.setdefault("_error_info", info[0] if info else None)
    fields.setdefault("_response", fields.get("response"))
    # api-core's `code` is its class's (the HTTP status, an `HTTPStatus`: its `phrase`
    # and `name` are read); chatplex's (the body's number, or None) hid it
    found = getattr(_api_core_error(err, sys.modules.get(_API_CORE)), "code", None)
    if found is not None or fields.get("code") is None:
        fields["code"] = found
    if "sdk_text" in fields:
        return  # filled already (an error raised again)
    # `message` and `str()` as api-core writes them (`format_http_response_error`,
    # `GoogleAPICallError.__str__`): the method and the URL the REST transport called
    # before Google's words; the code and the details after.
    request = fields.get("request")
    method = getattr(request, "method", None)
    # a body that is no JSON (a proxy's page) is quoted as sent
    said = unparsed_text(fields.get("response")) or fields.get("message")
    if method:  # (an error built with no request keeps Google's words alone)
        fields["message"] = f"{method.upper()} {_rest_url(request)}: {said}"
    status = fields.get("http_status") or fields.get("status") or found  # (a payload's code)
    text = f"{int(status) if isinstance(status, int) else status} {fields['message']}"
    # api-core's `args` hold the message alone, its `str()` adds the code and details.
    sdk_words(err, f"{text} {details}" if details else text, fields["message"])


#: The query aiplatform's REST transport adds to every call (`$alt=json;enum-encoding=int`),
#: which api-core's message shows as part of the URL.
_REST_QUERY = "?%24alt=json%3Benum-encoding%3Dint"


def _rest_url(request: Any) -> str:
    """The request's URL as the aiplatform REST transport's (its own query, never
    chatplex's: a query can carry a key)."""
    url = str(getattr(request, "url", "") or "").partition("?")[0]
    return url + _REST_QUERY


def _requests_error(err: BaseException, exceptions: Any) -> type[BaseException] | None:
    """requests' class for a failure in transit, which the aiplatform REST transport
    (google-auth's `AuthorizedSession`, on requests) lets through: `ConnectionError` for
    a failed connection, `ConnectTimeout` or `ReadTimeout` for a timeout; once a
    stream opened, `ConnectionError` for its timeout too (requests' `iter_content`
    raises urllib3's read timeout as one)."""
    kind = failure_kind(err)
    if kind == "connection" or idle_stream(err):
        return _class(exceptions, "ConnectionError")
    if kind == "timeout":
        connecting = type(err.__cause__).__name__ == "ConnectTimeout"
        return _class(exceptions, "ConnectTimeout" if connecting else "ReadTimeout")
    return None


def _fill_requests_error(err: BaseException) -> None:
    # requests' `response` is None for a failure in transit (no reply came).
    err.__dict__.setdefault("response", None)


#: What the Vertex AI adapter declares (`error_families`): google-api-core's classes for
#: an error reply, requests' for a failure in transit (the REST transport's); each loaded
#: for a drop-in's error, as langchain-google-vertexai always imports both.
VERTEX_ERROR_FAMILIES: tuple[ErrorFamily, ...] = (
    ErrorFamily(_API_CORE, _api_core_error, _fill_api_core, partner_loads=True),
    ErrorFamily("requests.exceptions", _requests_error, _fill_requests_error, partner_loads=True),
)
