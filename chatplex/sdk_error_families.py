"""An SDK's error family declared (`ErrorFamily`: the module whose classes a wire's
users catch, how an error maps to one of them), the words every family gives an error
(`sdk_words`), what failed in transit (`failure_kind`, `broke_off`, `decode_failure`),
and the families of the failures an SDK lets through from below it: its HTTP client's
errors (httpx, aiohttp: `transport_family`, `aiohttp_families`, `cut_stream_family`,
`aiohttp_bridge_cut_family`, `bridged_failures`)
and the JSON decoder's (`decode_family`). `chatplex.sdk_errors` builds the classes
(`sdk_compatible`); the SDKs' own families are `sdk_error_stainless` (the Stainless-made
SDKs) and `sdk_error_langchain` (langchain_core's ModelError, the partner packages')."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace
from types import ModuleType
from typing import Any
from typing import cast

from .errors import APIConnectionError
from .errors import APIError
from .errors import APITimeoutError
from .errors import DeadlineExceededError
from .errors import StreamError
from .errors import StreamIdleTimeoutError

__all__ = [
    "JOINED_MARK",
    "ErrorFamily",
    "Picker",
    "aiohttp_bridge_cut_family",
    "aiohttp_families",
    "bridged_failures",
    "broke_off",
    "class_named",
    "cut_stream_family",
    "decode_failure",
    "decode_family",
    "except_cut_streams",
    "except_where",
    "failure_kind",
    "httpx_transport_class",
    "httpx_words",
    "idle_stream",
    "joined_classes",
    "sdk_words",
    "transport_failure",
    "transport_family",
]


#: How a family picks the class of its module an error should also be (`ErrorFamily.pick`).
Picker = Callable[[BaseException, ModuleType], "type[BaseException] | None"]


@dataclass(frozen=True, slots=True)
class ErrorFamily:
    """A module whose exception classes users of a wire catch, and how an error maps to
    one of them. Declared by the wire (its adapter's `error_families`); used only when
    `module` is already imported, or (`partner_loads`) a drop-in's error loads it."""

    #: The module holding the classes ("openai", "langchain_core.exceptions").
    module: str
    #: The class of that module the error should also be, or None (none stands for it).
    pick: Picker
    #: Sets the attributes that module's users read and chatplex has no name for.
    fill: Callable[[BaseException], None] | None = None
    #: The class under a LangChain name (a drop-in's call), where the partner re-raises
    #: the SDK's error as another class; None: `pick`'s.
    partner_pick: Picker | None = None
    #: Whether a drop-in's error (under its partner's name) loads `module` where it is
    #: installed but not imported: the SDK its partner package imports, so a script on
    #: the partner always had its classes, whatever its own imports.
    partner_loads: bool = False
    #: The name of the class `module` has for an error, read where `module` is not
    #: imported: a drop-in's error is named as its partner package's (`type(err).__name__`
    #: and `__module__`, which logs and tracers print) whatever the script imported;
    #: None: this family names none.
    partner_name: Callable[[BaseException], str | None] | None = None
    #: Whether its class for an error has no `response` attribute (the SDK sets none): a
    #: drop-in's error then has none either, as langchain-core builds the generation
    #: `on_llm_error` gets from an error's `response`. None: its classes have one.
    responseless: Callable[[BaseException], bool] | None = None


def broke_off(err: BaseException) -> bool:
    """Whether `err` is a stream that broke off in transit: a StreamError (no error
    event) over the httpx error of its connection."""
    cause = err.__cause__
    return (
        failure_kind(err) == "stream"
        and cause is not None
        and type(cause).__module__.partition(".")[0] == "httpx"
    )


def except_cut_streams(pick: Picker) -> Picker:
    """`pick`, save a stream that broke off: an SDK whose stream iterates its HTTP
    client's events outside its request's error handling (the anthropic SDK, others)
    lets that client's error through, none of its own classes."""

    def picked(err: BaseException, sdk: ModuleType) -> type[BaseException] | None:
        return None if broke_off(err) else pick(err, sdk)

    return picked


def _cut_stream_class(err: BaseException, client: ModuleType) -> type[BaseException] | None:
    # By name: the SDK's HTTP client may be another module than chatplex's httpx
    # (the anthropic SDK's httpx2), with the same classes.
    return class_named(client, type(err.__cause__).__name__) if broke_off(err) else None


def idle_stream(err: BaseException) -> bool:
    """Whether `err` is an opened stream that then sent nothing for too long: its
    `partial` is what had arrived (none: the reply's headers never came)."""
    return isinstance(err, StreamIdleTimeoutError) and err.partial is not None


def _cut_or_idle_class(err: BaseException, client: ModuleType) -> type[BaseException] | None:
    return (
        class_named(client, "ReadTimeout") if idle_stream(err) else _cut_stream_class(err, client)
    )


def cut_stream_family(module: str, *, idle: bool = False) -> ErrorFamily:
    """The HTTP client's error (`module`: "httpx", "httpx2") an SDK lets through for a
    stream that broke off (`except_cut_streams`): the class of the httpx error under
    chatplex's, in its words ("peer closed connection without sending complete message
    body (incomplete chunked read)"); `idle`: also its `ReadTimeout` for an opened
    stream that then timed out (`idle_stream`), which an SDK iterating the client's
    events outside its request's error handling lets through too; any other error is
    none of its."""
    return ErrorFamily(
        module, _cut_or_idle_class if idle else _cut_stream_class, _fill_httpx_request
    )


def _bridged(made: type[BaseException]) -> type[BaseException] | None:
    """The httpx class httpx-aiohttp's transport raises for aiohttp's exception `made`:
    the target of its map (`AIOHTTP_EXC_MAP`) it picks, the most specific one matched
    first in the map's order (read where that module is loaded, else None)."""
    table = getattr(sys.modules.get("httpx_aiohttp.transport"), "AIOHTTP_EXC_MAP", None)
    found: type[BaseException] | None = None
    for source, target in (table or {}).items():
        if issubclass(made, source) and (found is None or issubclass(target, found)):
            found = target
    return found


def _bridged_cut_class(err: BaseException, httpx: ModuleType) -> type[BaseException] | None:
    made = _from_aiohttp(err.__cause__) if broke_off(err) else None
    return _cut_or_idle_class(err, httpx) if made is None else _bridged(made)


def _fill_bridged(err: BaseException) -> None:
    if _from_aiohttp(err.__cause__) is None:
        _fill_httpx_request(err)
        return
    # The transport raises its class with `str()` of aiohttp's exception: the words
    # chatplex's async client gave the httpx error it raised for it.
    fields = err.__dict__
    fields.setdefault("_request", fields.get("request"))
    if "sdk_text" not in fields:
        fields.setdefault("provider_message", fields.get("message"))
        fields["message"] = str(err.__cause__)
        sdk_words(err, fields["message"])


def aiohttp_bridge_cut_family() -> ErrorFamily:
    """httpx's error an SDK lets through for a stream that broke off (`except_cut_
    streams`) where its async client is httpx over aiohttp (httpx-aiohttp's transport:
    the fireworks SDK's default): sync, httpx's own error (`cut_stream_family`'s class
    and words); async, the httpx class that transport maps aiohttp's exception to
    (`httpx.ReadError` for a `ClientPayloadError`), in aiohttp's words ("Response
    payload is not completed: ..."); an opened stream that then timed out, httpx's
    `ReadTimeout` on both (`idle_stream`); any other error is none of httpx's."""
    return ErrorFamily("httpx", _bridged_cut_class, _fill_bridged)


def _bridged_timeout(err: BaseException) -> bool:
    """Whether `err` is a connection chatplex's async client could not make that an SDK
    over httpx-aiohttp's transport sees as a timeout: the httpx class the transport
    maps aiohttp's exception to is a timeout's (a refused connection's
    `ClientConnectorError` is `httpx.ConnectTimeout` there: its map's first match,
    `ClientConnectionError`'s, is not overridden by `ConnectError`, no subclass of it)."""
    made = _from_aiohttp(err.__cause__) if failure_kind(err) == "connection" else None
    target = _bridged(made) if made is not None else None
    timeout = getattr(sys.modules.get("httpx"), "TimeoutException", None)
    return target is not None and isinstance(timeout, type) and issubclass(target, timeout)


def _as_timeout(err: BaseException) -> BaseException:
    """A stand-in for `err` that a family's picker reads as a timeout: chatplex's
    timeout class holding `err`'s fields and cause (`err` itself is left as it is)."""
    stand_in = APITimeoutError.__new__(APITimeoutError)
    stand_in.__dict__.update(err.__dict__)
    stand_in.__cause__ = err.__cause__
    return stand_in


def bridged_failures(family: ErrorFamily) -> ErrorFamily:
    """`family` as an SDK whose async client is httpx over aiohttp's transport (the
    one `aiohttp_bridge_cut_family` reads) picks for a failure in transit: a connection
    that could not be made, which that transport raises as a timeout
    (`_bridged_timeout`), is the family's timeout class (the SDK's `APITimeoutError`, a
    partner's timeout class, LangChain's `ModelTimeoutError`); any other error as
    `family` picks it. Its fill is `family`'s (a Stainless SDK's words follow the class
    picked: "Request timed out."), and so is the partner class's name it gives where
    the partner is not imported (`partner_name`)."""

    def seen(err: BaseException) -> BaseException:
        return _as_timeout(err) if _bridged_timeout(err) else err

    def pick(err: BaseException, module: ModuleType) -> type[BaseException] | None:
        return family.pick(seen(err), module)

    named = family.partner_name
    partner_name = None if named is None else lambda err: named(seen(err))
    return replace(family, pick=pick, partner_pick=None, partner_name=partner_name)


def sdk_words(err: BaseException, text: str, *args: Any) -> None:
    """Gives `err` the words of the SDK class it was made: `str(err)` is `text`, and
    `err.args` is `args` (default `(text,)`), as the SDK's own error built them. chatplex's
    own fields (`message`, `status`, `request_id`...) are left as they are."""
    err.args = args or (text,)
    err.__dict__["sdk_text"] = text
    err.__dict__["sdk_args"] = err.args  # kept when pickled (`args` is no field)


def httpx_transport_class(err: BaseException, httpx: Any) -> type[BaseException] | None:
    """The httpx class a client built on httpx lets through for `err`: the class of the
    httpx error under it (its `__cause__`: `ConnectError`, `ReadTimeout`,
    `RemoteProtocolError` for a stream that broke off), else `TimeoutException` for a
    timeout or a passed deadline and `ConnectError` for a failed connection; None for
    any other error. A passed deadline (chatplex's, which httpx has not) is its
    `TimeoutException` whichever wait it cut, as it is on every path; the async
    client's own bound, the class it names (`_lean.HTTPX_CLASS`: its read timeout)."""
    if isinstance(err, DeadlineExceededError):
        return getattr(httpx, "TimeoutException", None)
    cause = err.__cause__
    transport = getattr(httpx, "TransportError", None)
    if isinstance(transport, type) and isinstance(cause, transport) and failure_kind(err):
        return cast("type[BaseException]", type(cause))
    if idle_stream(err):  # an opened stream that then sent nothing: httpx's read timeout
        return getattr(httpx, "ReadTimeout", None)
    if isinstance(err, APITimeoutError):
        return class_named(httpx, getattr(err, "httpx_class", None) or "TimeoutException")
    if isinstance(err, APIConnectionError) and err.status is None:
        return getattr(httpx, "ConnectError", None)
    return None


def httpx_words(err: BaseException) -> None:
    """`err` in the words of the httpx error under it (`str()` of its `__cause__`:
    "[Errno 111] Connection refused"), as httpx's own error reads where the client lets
    it through; chatplex's words, naming the URL, stay as `provider_message`. Where
    chatplex's async client raised it, httpx's own async client's words for the failure
    (its `httpcore_words`: "All connection attempts failed") where they differ."""
    fields = err.__dict__
    cause = err.__cause__
    if "sdk_text" in fields or failure_kind(err) is None:
        return
    if cause is None and "httpx_class" in fields:  # the async bound's: httpcore says nothing
        fields.setdefault("provider_message", fields.get("message"))
        fields["message"] = ""
        sdk_words(err, "")
        return
    if cause is None or type(cause).__module__.partition(".")[0] != "httpx":
        return
    # Set by chatplex.http's async client (`_lean.HTTPCORE_WORDS`; a layer above this one).
    words = getattr(cause, "httpcore_words", None) or str(cause)
    fields.setdefault("provider_message", fields.get("message"))
    fields["message"] = words
    sdk_words(err, words)


def _fill_httpx_request(err: BaseException) -> None:
    # httpx's `request` property reads `_request`: the masked request, or none.
    err.__dict__.setdefault("_request", err.__dict__.get("request"))
    httpx_words(err)


def _from_aiohttp(failed: BaseException | None) -> type[BaseException] | None:
    # Set by chatplex.http's async client (`_lean.AIOHTTP_CLASS`) on the httpx error it
    # raised, or on its bound's own timeout (no httpx error under it).
    found = getattr(failed, "aiohttp_class", None)
    return found if isinstance(found, type) and issubclass(found, BaseException) else None


def _sync_httpx_class(err: BaseException, httpx: Any) -> type[BaseException] | None:
    # Only httpx's own error (the sync client's): chatplex's async client marks its own
    # (`_lean.HTTPCORE_WORDS`), and a failure with no httpx error under it is none. A
    # passed deadline, chatplex's own on every path, is httpx's timeout on every path.
    if isinstance(err, DeadlineExceededError):
        return httpx_transport_class(err, httpx)
    cause = err.__cause__
    transport = getattr(httpx, "TransportError", None)
    if not isinstance(transport, type) or not isinstance(cause, transport):
        return None
    return None if hasattr(cause, "httpcore_words") else httpx_transport_class(err, httpx)


def _aiohttp_class(err: BaseException, aiohttp: Any) -> type[BaseException] | None:
    found = _from_aiohttp(err.__cause__) or _from_aiohttp(err)
    return found if found is not None and failure_kind(err) else None


def _aiohttp_words(ssl_per_request: bool) -> Callable[[BaseException], None]:
    """`err` in aiohttp's words for what chatplex's async client met: a connection that
    could not be made as aiohttp's connector words it (`_connector_words`), its bound's
    timeout as aiohttp's total timeout raises it (asyncio's TimeoutError, no words, no
    arguments), else the words chatplex's client gave its httpx error. chatplex's words
    stay as `provider_message`."""

    def fill(err: BaseException) -> None:
        fields = err.__dict__
        if "sdk_text" in fields:
            return
        cause = err.__cause__
        if cause is None and _from_aiohttp(err) is TimeoutError:
            fields.setdefault("provider_message", fields.get("message"))
            fields["message"] = ""
            sdk_words(err, "")
            err.args = fields["sdk_args"] = ()
        elif cause is not None and not _connector_words(err, cause, ssl_per_request):
            fields.setdefault("provider_message", fields.get("message"))
            fields["message"] = str(cause)
            sdk_words(err, fields["message"])

    return fill


def _connector_words(err: BaseException, cause: BaseException, ssl_per_request: bool) -> bool:
    """`err` as the `ClientConnectorError` aiohttp's connector raises where chatplex's
    async client could not connect (from the OS error and SSL context it marked:
    `_lean.OS_ERROR`, `_lean.SSL_CONTEXT`): its words ("Cannot connect to host h:p
    ssl:... [Connect call failed ...]"), `args` (the connection, the OS error), `host`,
    `port`, `ssl`, `os_error`, `errno` and `strerror`. The words name the SSL context
    where the SDK passes one with each request (google-genai), else aiohttp's "default".
    False where `err` holds none of it (another failure)."""
    made = _from_aiohttp(cause)
    os_error = getattr(cause, "os_error", None)
    connector = getattr(sys.modules.get("aiohttp"), "ClientConnectorError", None)
    if made is None or not isinstance(os_error, OSError) or not isinstance(err, OSError):
        return False
    if not isinstance(connector, type) or not issubclass(made, connector):
        return False
    try:
        url = cause.request.url  # type: ignore[attr-defined]  # an httpx error's request
    except (AttributeError, RuntimeError):
        return False
    context = getattr(cause, "ssl_context", None) if ssl_per_request else None
    port = url.port or (443 if url.scheme == "https" else 80)
    where = _Connection(url.host, port, True if context is None else context)
    words = str(made(where, os_error))
    fields = err.__dict__
    fields.setdefault("provider_message", fields.get("message"))
    fields.update(message=words, _conn_key=where, _os_error=os_error)
    err.errno, err.strerror = os_error.errno, os_error.strerror
    sdk_words(err, words, where, os_error)
    return True


@dataclass(frozen=True, slots=True)
class _Connection:
    """What aiohttp's connector error reads of its connection's key (`host`, `port`,
    `ssl`: an SSL context, or True for "default")."""

    host: str
    port: int
    ssl: Any = True

    def __reduce__(self) -> tuple[Any, ...]:
        # An SSL context cannot be pickled (nor means anything in another process).
        return (_Connection, (self.host, self.port))


def aiohttp_families(*, ssl_per_request: bool = False) -> tuple[ErrorFamily, ...]:
    """The families of an SDK whose sync client is httpx and whose async client is
    aiohttp, each letting its errors through (google-genai): a failure in transit is
    httpx's error under it, in its words (`transport_family`), where chatplex's async
    client met it the class of the exception aiohttp raises for it, in aiohttp's words
    (`_aiohttp_words`). `ssl_per_request`: the SDK passes its SSL context with each
    request (aiohttp's words for a connection that could not be made name it)."""
    return (
        ErrorFamily("httpx", _sync_httpx_class, _fill_httpx_request),
        ErrorFamily("aiohttp", _aiohttp_class, _aiohttp_words(ssl_per_request)),
    )


def transport_family() -> ErrorFamily:
    """httpx's family as an SDK that lets its client's errors through shows them (SDKs
    built directly on httpx): the httpx error's own class and words (`httpx_transport_
    class`, `httpx_words`) for a timeout, a failed connection or a stream that broke
    off; any other error is none of httpx's."""
    return ErrorFamily("httpx", httpx_transport_class, _fill_httpx_request)


def decode_failure(err: BaseException) -> json.JSONDecodeError | None:
    """The decoder's error under `err` (its `__cause__`) where `err` is a reply or a
    stream event that is not JSON (a body cut in half, a malformed data line), else None."""
    cause = err.__cause__
    if isinstance(err, APIError) and isinstance(cause, json.JSONDecodeError):
        return cause
    return None


def _decode_class(err: BaseException, module: ModuleType) -> type[BaseException] | None:
    return module.JSONDecodeError if decode_failure(err) is not None else None


def _decode_words(err: BaseException) -> None:
    """`err` in the decoder's words and with its fields (`msg`, `doc`, `pos`, `lineno`,
    `colno`), as `json.JSONDecodeError` reads; chatplex's words, which name the provider
    and quote the body, stay as `provider_message`."""
    decoding = decode_failure(err)
    fields = err.__dict__
    if decoding is None or "sdk_text" in fields:
        return
    for name in ("msg", "doc", "pos", "lineno", "colno"):
        fields.setdefault(name, getattr(decoding, name))
    fields.setdefault("provider_message", fields.get("message"))
    fields["message"] = str(decoding)
    sdk_words(err, str(decoding))


def except_where(family: ErrorFamily, other: Callable[[BaseException], bool]) -> ErrorFamily:
    """`family`, picking none of its classes for an error `other` says another family
    stands for (the partner raises a class of another module there)."""

    def pick(err: BaseException, module: ModuleType) -> type[BaseException] | None:
        return None if other(err) else family.pick(err, module)

    return replace(family, pick=pick, partner_pick=None)


def decode_family() -> ErrorFamily:
    """`json.JSONDecodeError`, for a wire whose partner lets the decoder's error through
    when a reply or a stream event is not JSON (the Stainless SDKs, others of their own,
    httpx's `Response.json()`): that class, in its words (`_decode_words`). Declared
    first, so it leads the error's hierarchy; the SDKs' own families pick none of their
    classes for it (`decode_failure`), as the SDKs raise none."""
    return ErrorFamily("json", _decode_class, _decode_words)


def failure_kind(err: BaseException) -> str | None:
    """What failed in transit for `err`: "timeout" (a timeout, a passed deadline),
    "connection" (a connection that failed), "stream" (a stream that broke off or
    carried a malformed event: a StreamError that is no error event); None for an error
    the provider sent (an error status, an error event)."""
    kind = transport_failure(err, timeout="timeout", connection="connection")
    if kind is None and isinstance(err, StreamError) and not err.error_type:
        kind = "stream"
    return kind


def transport_failure(err: BaseException, *, timeout: str, connection: str) -> str | None:
    """The class name a family gives a transport failure: `timeout` for a timeout
    or a passed deadline, `connection` for a failed connection; None for other errors."""
    if isinstance(err, (APITimeoutError, DeadlineExceededError)):
        return timeout
    if isinstance(err, APIConnectionError):
        return connection
    return None


def class_named(sdk: Any, name: str | None) -> type[BaseException] | None:
    """The exception class `name` of module `sdk`, or None (no name, no such class)."""
    found = getattr(sdk, name, None) if name else None
    return found if isinstance(found, type) and issubclass(found, BaseException) else None


#: The attribute naming chatplex's own class on a class made to join the families
#: (`sdk_errors._combined`), which carries the partner's name and module.
JOINED_MARK = "_chatplex_class"


def joined_classes(err: BaseException) -> tuple[type, ...]:
    """The classes `err` is, in its hierarchy's order, past the one chatplex made to
    join them: that one is named as the partner's class but is none of the SDK's."""
    mro = type(err).__mro__
    return mro[1:] if JOINED_MARK in vars(type(err)) else mro
