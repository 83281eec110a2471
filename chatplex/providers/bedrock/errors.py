"""The exceptions scripts written for langchain-aws catch, as the Bedrock wire's error
family (`sdk_error_families.ErrorFamily`).

langchain-aws lets botocore's errors through: a Converse error reply is a
`botocore.exceptions.ClientError` (boto3's client raises its subclass named after the
error code, `ThrottlingException`, `ValidationException`...), read as
`e.response["Error"]["Code"]` / `["Message"]` and
`e.response["ResponseMetadata"]["HTTPStatusCode"]` / `["RequestId"]`, and
`e.operation_name` ("Converse", "ConverseStream", "InvokeModel",
"InvokeModelWithResponseStream"). A chatplex error from Bedrock is also
such a class, whose `response` is that dict and still answers the `httpx.Response`
attributes chatplex's errors expose (`status_code`, `headers`, `request`...). A code
bedrock-runtime does not model (a 401's `UnrecognizedClientException`) is `ClientError`
itself, as boto3 raises it; a modeled one carries its body's members (`message`). Its
`str()` and `args` are botocore's template ("An error occurred (<code>) when calling the
<operation> operation[ (reached max retries: N)]: <message>").
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from http.client import responses as _REASONS
from typing import Any
from urllib.parse import quote
from urllib.parse import unquote

from ...adapters.bodies import unparsed_text
from ...errors import APIConnectionError
from ...errors import APIError
from ...errors import DeadlineExceededError
from ...errors import StreamError
from ...sdk_error_families import ErrorFamily
from ...sdk_error_families import broke_off
from ...sdk_error_families import decode_failure
from ...sdk_error_families import decode_family
from ...sdk_error_families import except_where
from ...sdk_error_families import failure_kind
from ...sdk_error_families import idle_stream
from ...sdk_error_families import sdk_words
from .eventstream import UnfinishedMessage

__all__ = [
    "CLIENT_ERRORS",
    "ERROR_FAMILIES",
    "INVOKE_ERRORS",
    "BotoResponse",
    "client_exceptions",
    "exceptions_factory",
]


class BotoResponse(dict):  # type: ignore[type-arg]
    """botocore's error response (a dict), which also answers the attributes of the
    HTTP response it came from (`e.response.status_code` as on chatplex's errors)."""

    __slots__ = ("_http",)

    def __init__(self, fields: Mapping[str, Any], http: Any) -> None:
        super().__init__(fields)
        self._http = http

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        http = object.__getattribute__(self, "_http")
        if http is None:
            raise AttributeError(name)
        return getattr(http, name)


def _client_error(err: BaseException, exceptions: Any) -> type[BaseException] | None:
    """A `ClientError` subclass named by the error code, as boto3's client raises: the
    class of the drop-in's own `client.exceptions` (`client_exceptions`)."""
    if isinstance(err, APIConnectionError) or not isinstance(err, APIError):
        return None
    base = getattr(exceptions, "ClientError", None)
    if not isinstance(base, type):
        return None
    if broke_off(err):
        return None  # urllib3's error, which botocore lets through (`_cut_stream`)
    if isinstance(err, StreamError):  # an exception event inside a stream
        found = getattr(exceptions, "EventStreamError", base)
        return found if isinstance(found, type) else base
    name = err.error_type if isinstance(err.error_type, str) else None
    if not name or not name.isidentifier() or _members(name) is None:
        return base  # boto3's client raises ClientError itself for a code not modeled
    modeled: type[BaseException] | None = (
        client_exceptions().from_code(name) if name in _MODELED else None
    )
    if modeled is not None and issubclass(modeled, base):
        return modeled
    with _classes_lock:  # (no service model at hand: a class of the code's name)
        found = _classes.get(name)
        if found is None or not issubclass(found, base):
            found = _classes[name] = type(name, (base,), {"__module__": "botocore.errorfactory"})
    return found


_classes: dict[str, type[BaseException]] = {}
_classes_lock = threading.Lock()
_factory: list[Any] = []
_RUNTIME = "bedrock-runtime"
#: Service -> its modeled classes from `exceptions_factory` (`client_exceptions`).
_made: dict[str, Any] = {}


def exceptions_factory() -> Any:
    """One botocore `ClientExceptionsFactory` for the process, which the boto3 sessions
    of the drop-ins' clients are given (`sdk_clients`): botocore makes a client's modeled
    classes per session, so `except llm.client.exceptions.ThrottlingException` meets
    the error a drop-in's call raises only where both come from this one."""
    with _classes_lock:
        if not _factory:
            from botocore.errorfactory import ClientExceptionsFactory

            _factory.append(ClientExceptionsFactory())
        return _factory[0]


def client_exceptions() -> Any:
    """bedrock-runtime's modeled classes (`client.exceptions`) from `exceptions_factory`,
    its service model read once."""
    from botocore.loaders import create_loader
    from botocore.model import ServiceModel

    factory = exceptions_factory()
    with _classes_lock:
        made = _made.get(_RUNTIME)
        if made is None:
            model = create_loader().load_service_model(_RUNTIME, "service-2")
            made = _made[_RUNTIME] = factory.create_client_exceptions(ServiceModel(model, _RUNTIME))
    return made


_MODELED: dict[str, tuple[str, ...]] = {}


def _members(code: str) -> tuple[str, ...] | None:
    """The members botocore reads from the error body of bedrock-runtime's modeled error
    `code` (from botocore's own service model, read once), None for a code it does not
    model; without the model at hand every code counts as modeled, with its message."""
    if not _MODELED:
        try:
            from botocore.loaders import create_loader

            model = create_loader().load_service_model("bedrock-runtime", "service-2")
            shapes = model.get("shapes", {})
        except Exception:  # an old or stripped botocore
            shapes = {}
        found = {
            name: tuple(shape.get("members", {}))
            for name, shape in shapes.items()
            if shape.get("exception")
        }
        _MODELED.update(found or {"*": ("message",)})
    return _MODELED.get(code, _MODELED.get("*"))


def _generic(status: int, text: str) -> bool:
    """Whether botocore reads a reply as a generic error: a 5xx whose body is empty or an
    HTML page (a proxy's), of which it keeps only the status and its reason phrase."""
    return status >= 500 and (not text.strip() or text.strip().startswith("<html>"))


def _unparsed(status: Any, code: Any, http: Any) -> tuple[dict[str, Any], bool] | None:
    """botocore's `Error` for a reply whose body is no JSON (None for one that is), and
    whether it is a generic error: its status and reason phrase; else the body's text as
    it came as the message, and the error type (a header's), or the status, as the code."""
    text = unparsed_text(http)
    if not isinstance(status, int) or text is None:
        return None
    if _generic(status, text):
        return {"Code": str(status), "Message": _REASONS.get(status, "")}, True
    return {"Message": text, "Code": code or str(status)}, False


def _fill_client_error(err: BaseException) -> None:
    fields = err.__dict__
    http = fields.get("response")
    headers = getattr(http, "headers", None) or {}
    status = fields.get("status")
    code = fields.get("error_type")
    if isinstance(err, StreamError) and isinstance(code, str):
        code = code[:1].lower() + code[1:]
    said = fields.get("body")
    message = said.get("message") if isinstance(said, dict) else None
    error = {
        "Message": message if isinstance(message, str) else fields.get("message"),
        "Code": code,
    }
    unparsed = None if isinstance(err, StreamError) else _unparsed(status, code, http)
    if unparsed is not None:
        error = unparsed[0]
        code = error["Code"]
    shown: dict[str, Any] = {"Error": error}
    members = _members(code or "") if not isinstance(err, StreamError) else None
    if isinstance(said, dict):  # a modeled error's members, read from its body
        shown.update((name, said[name]) for name in members or () if name in said)
    retry = ""
    if not isinstance(err, StreamError):  # botocore's stream errors have no metadata
        attempts = fields.get("attempts") or 1
        shown["ResponseMetadata"] = {
            "RequestId": fields.get("request_id"),
            "HTTPStatusCode": status,
            "HTTPHeaders": {str(k).lower(): v for k, v in dict(headers).items()},
            "RetryAttempts": max(0, attempts - 1),
        }
        allowed = fields.get("max_attempts")
        if isinstance(allowed, int) and attempts >= allowed:
            # botocore's standard retry mode marks the reply that spent the last attempt,
            # retryable or not, and its words say so.
            shown["ResponseMetadata"]["MaxAttemptsReached"] = True
            retry = f" (reached max retries: {attempts - 1})"
        generic = unparsed is not None and unparsed[1]
        if generic or fields.get("request_id") is None:
            # botocore reads none off a page, nor from a reply without the header
            del shown["ResponseMetadata"]["RequestId"]
    fields["response"] = BotoResponse(shown, http)
    request = fields.get("request")
    url = str(getattr(request, "url", "") or "")
    stream = isinstance(err, StreamError) or url.endswith(_STREAM_ACTIONS)
    invoke = url.endswith(_INVOKE_ACTIONS) or fields.get("provider") == "bedrock"
    operation = fields.setdefault("operation_name", _OPERATIONS[invoke, stream])
    # botocore's `ClientError.MSG_TEMPLATE`.
    sdk_words(
        err,
        f"An error occurred ({code or 'Unknown'}) when calling the {operation} "
        f"operation{retry}: {error['Message'] or 'Unknown'}",
    )


#: Each API's actions (the path's last part), and botocore's operation names.
_STREAM_ACTIONS = ("/converse-stream", "/invoke-with-response-stream")
_INVOKE_ACTIONS = ("/invoke", "/invoke-with-response-stream")
_OPERATIONS = {
    (False, False): "Converse",
    (False, True): "ConverseStream",
    (True, False): "InvokeModel",
    (True, True): "InvokeModelWithResponseStream",
}


#: langchain-aws's module that reads a Converse error as a context overflow.
_CONVERSE_MODULE = "langchain_aws.chat_models.bedrock_converse"

#: What langchain-aws reads as a context overflow in a ValidationException's message
#: (its `_CONTEXT_OVERFLOW_MARKERS`, where the installed release has none).
_OVERFLOW = ("input is too long", "prompt is too long", "input tokens exceeded")


def _overflows(err: BaseException, markers: Any) -> bool:
    """Whether `err` is a ValidationException (its code in any case: a stream's event
    is "validationException") whose message holds one of `markers`."""
    if not isinstance(err, APIError) or isinstance(err, APIConnectionError):
        return False
    code = err.error_type if isinstance(err.error_type, str) else ""
    said = err.body.get("message") if isinstance(err.body, dict) else None
    text = str(said if isinstance(said, str) else err.message).lower()
    return code.lower() == "validationexception" and any(m in text for m in markers)


def _partner_overflow(err: BaseException, converse: Any) -> type[BaseException] | None:
    """langchain-aws's class for a context overflow: a subclass of both the botocore
    class the error is and its `BedrockContextOverflowError` (its
    `_context_overflow_error_type`, which keeps one class per botocore class)."""
    make = getattr(converse, "_context_overflow_error_type", None)
    botocore = sys.modules.get("botocore.exceptions")
    if make is None or botocore is None:
        return None
    if not _overflows(err, getattr(converse, "_CONTEXT_OVERFLOW_MARKERS", _OVERFLOW)):
        return None
    base = _client_error(err, botocore)
    found = make(base) if base is not None else None
    return found if isinstance(found, type) else None


def _core_overflow(err: BaseException, exceptions: Any) -> type[BaseException] | None:
    """langchain_core's `ContextOverflowError`, for a script that has not imported
    langchain-aws (where it has, its class above is one already)."""
    found = getattr(exceptions, "ContextOverflowError", None)
    return found if isinstance(found, type) and _overflows(err, _OVERFLOW) else None


#: botocore's class for a failure before any reply -> its `fmt` (boto3's client raises
#: it; langchain-aws lets it through).
_BEFORE_A_REPLY = {
    "EndpointConnectionError": 'Could not connect to the endpoint URL: "{}"',
    "ConnectionClosedError": (
        'Connection was closed before we received a valid response from endpoint URL: "{}".'
    ),
    "ConnectTimeoutError": 'Connect timeout on endpoint URL: "{}"',
    "ReadTimeoutError": 'Read timeout on endpoint URL: "{}"',
}


def _before_a_reply(err: BaseException) -> str | None:
    """botocore's class for `err` where it failed before any reply (`_BEFORE_A_REPLY`):
    a connection that could not be made, closed with no valid answer (httpx's
    `RemoteProtocolError`: urllib3's, under boto3, which botocore raises as
    `ConnectionClosedError`), or made or answered too late. A stream that broke off or
    went quiet after its head, and a passed deadline (chatplex's: boto3 has none), are
    none of them."""
    kind = failure_kind(err)
    if kind == "connection" and not isinstance(err, StreamError):
        closed = type(err.__cause__).__name__ == "RemoteProtocolError"  # (httpx's)
        return "ConnectionClosedError" if closed else "EndpointConnectionError"
    if kind != "timeout" or isinstance(err, DeadlineExceededError) or idle_stream(err):
        return None
    connecting = type(err.__cause__).__name__ == "ConnectTimeout"  # (httpx's)
    return "ConnectTimeoutError" if connecting else "ReadTimeoutError"


def _endpoint_error(err: BaseException, exceptions: Any) -> type[BaseException] | None:
    found = getattr(exceptions, _before_a_reply(err) or "", None)
    return found if isinstance(found, type) else None


def _fill_endpoint_error(err: BaseException) -> None:
    # botocore's BotoCoreError: its words from `fmt` and the URL boto3 sent to (the
    # model id in the path quoted whole: "v1%3A0"), the keywords kept as `kwargs`.
    fields = err.__dict__
    url = getattr(fields.get("request"), "url", None)
    name = _before_a_reply(err)
    if url is None or name is None or "sdk_text" in fields:
        return
    head, found, rest = str(url).partition("/model/")
    if found:
        model, slash, tail = rest.partition("/")
        url = f"{head}/model/{quote(unquote(model), safe='')}{slash}{tail}"
    fields["kwargs"] = {"endpoint_url": str(url)}
    fields.setdefault("provider_message", fields.get("message"))
    fields["message"] = _BEFORE_A_REPLY[name].format(url)
    sdk_words(err, fields["message"])


#: h11's words (httpx's) for a chunked body cut off between chunks, and urllib3's.
_CHUNKED_CUT = (
    "peer closed connection without sending complete message body (incomplete chunked read)"
)
_URLLIB3_CUT = "Response ended prematurely"


def _cut_stream(err: BaseException, exceptions: Any) -> type[BaseException] | None:
    """urllib3's `ProtocolError` for a stream that broke off: botocore reads the event
    stream through urllib3 and lets its error through (so does langchain-aws)."""
    found = getattr(exceptions, "ProtocolError", None)
    return found if isinstance(found, type) and broke_off(err) else None


def _fill_cut_stream(err: BaseException) -> None:
    # urllib3's words for the cut httpx words the same way; any other cut keeps httpx's.
    fields = err.__dict__
    cause = err.__cause__
    if "sdk_text" in fields or cause is None:
        return
    words = getattr(cause, "httpcore_words", None) or str(cause)
    fields.setdefault("provider_message", fields.get("message"))
    fields["message"] = _URLLIB3_CUT if words == _CHUNKED_CUT else words
    sdk_words(err, fields["message"])


#: botocore's classes alone: what the InvokeModel adapter declares (langchain-aws's
#: ChatBedrock lets botocore's errors through, a context overflow included).
CLIENT_ERRORS: tuple[ErrorFamily, ...] = (
    ErrorFamily("botocore.exceptions", _client_error, _fill_client_error),
    ErrorFamily("botocore.exceptions", _endpoint_error, _fill_endpoint_error),
    ErrorFamily("urllib3.exceptions", _cut_stream, _fill_cut_stream),
)

#: langchain-aws's words for a Converse reply without `output` (`_parse_response`): what
#: a body that is not JSON comes to, as botocore's parser raises nothing for it.
_NO_OUTPUT = (
    "No 'output' key found in the response from the Bedrock Converse API. "
    "This usually happens due to misconfiguration of endpoint or region, "
    "ensure that you are using valid values for endpoint_url (on AWS this "
    "starts with bedrock-runtime), see: "
    "https://docs.aws.amazon.com/general/latest/gr/bedrock.html"
)

#: langchain-aws's words for a ConverseStream that ended without `messageStop`.
_NO_STOP = "Incomplete Bedrock response stream: missing messageStop event."


def _undecoded_reply(err: BaseException) -> bool:
    """Whether `err` is a Converse reply (no stream) whose body is not JSON."""
    return not isinstance(err, StreamError) and decode_failure(err) is not None


def _ended_early(err: BaseException) -> bool:
    """Whether `err` is a ConverseStream whose body ended before `messageStop`, between
    messages or inside one (botocore's parser drops an unfinished message quietly)."""
    if not isinstance(err, StreamError) or err.error_type:
        return False
    return err.__dict__.get("ended_before") == "messageStop" or isinstance(
        err.__cause__, UnfinishedMessage
    )


#: What the InvokeModel adapter declares (`BedrockInvokeAdapter.error_families`):
#: botocore's classes, and for a reply whose body is not JSON the decoder's
#: `json.JSONDecodeError`, which langchain-aws's ChatBedrock lets through from its
#: `json.loads` of the body (botocore raises nothing there).
INVOKE_ERRORS: tuple[ErrorFamily, ...] = (
    decode_family(),
    *(except_where(family, _undecoded_reply) for family in CLIENT_ERRORS),
)


def _partner_builtin(err: BaseException, builtins: Any) -> type[BaseException] | None:
    """The builtin class langchain-aws raises where botocore raised nothing: its
    ValueError for a reply that is not JSON, its ConnectionError for a stream that
    ended before `messageStop`."""
    if _undecoded_reply(err):
        return ValueError
    return ConnectionError if _ended_early(err) else None


def _partner_builtin_words(err: BaseException) -> None:
    # langchain-aws's words; chatplex's stay as `provider_message`, and what chatplex
    # read (the decoder's error, the unfinished message) as the `__cause__`.
    fields = err.__dict__
    words = _NO_OUTPUT if _undecoded_reply(err) else _NO_STOP if _ended_early(err) else None
    if words is not None and "sdk_text" not in fields:
        fields.setdefault("provider_message", fields.get("message"))
        fields["message"] = words
        sdk_words(err, words)


def _partners_own(err: BaseException) -> bool:
    return _undecoded_reply(err) or _ended_early(err)


#: What the Converse adapter declares (`BedrockAdapter.error_families`): botocore's
#: classes, and for a context overflow langchain-aws's class (botocore's and
#: langchain_core's `ContextOverflowError` at once) as its ChatBedrockConverse
#: re-raises it; a reply whose body is not JSON is langchain-aws's ValueError, a stream
#: that ended before `messageStop` its ConnectionError.
ERROR_FAMILIES: tuple[ErrorFamily, ...] = (
    ErrorFamily("builtins", _partner_builtin, _partner_builtin_words),
    # botocore raises none of its classes there: langchain-aws's builtin stands for it.
    *(except_where(family, _partners_own) for family in CLIENT_ERRORS),
    ErrorFamily(_CONVERSE_MODULE, _partner_overflow),
    ErrorFamily("langchain_core.exceptions", _core_overflow),
)
