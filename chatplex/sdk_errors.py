"""chatplex's errors, catchable as the provider SDK's errors too.

A script moved from LangChain keeps its `except openai.RateLimitError:` or
`except anthropic.APIStatusError:`. `except` walks the raised object's real class
hierarchy (ABC registration does not count), so an error that must be caught by both
`chatplex.errors.RateLimitError` and `openai.RateLimitError` has to be an instance of a
class that subclasses both. `sdk_compatible` builds such a class (once, then cached) and
moves the error into it, at raise time only: errors are rare, and only when the SDK is
already imported (`sys.modules`): a script that names `openai.RateLimitError` has
imported `openai`, and `import chatplex` never imports an SDK.

Which SDK: the wire the call spoke declares it (its adapter's `error_families`, one
`ErrorFamily` per module whose classes its users catch: `openai` for the OpenAI wire,
whatever the base URL, `anthropic` for Anthropic's, a partner package's own classes
beside its SDK's). langchain_core's `ModelError` family (`ModelRateLimitError`,
`ModelTimeoutError`...) is one more family, declared only by the wires whose partner
package raises it (langchain-openai, langchain-anthropic, langchain-fireworks wrap their
SDK's error in their own class of both, `partner_family`): where the partner re-raises
its SDK's error, no ModelError, so LangChain's retry middleware retries it as it retries
the partner's (it retries every error that is no ModelError). Which class of the
Stainless-made SDKs (openai, anthropic and others): the one the SDK itself would raise for
that status (its own table, ending in `InternalServerError` for 5xx and
`APIStatusError` for the rest), `APITimeoutError` for timeouts and a passed deadline,
`APIConnectionError` for a failed connection or a stream that broke off, `APIStatusError`
for an error event inside a stream (Anthropic's `overloaded_error`: `OverloadedError`),
`APIError` otherwise.

`type(err)` is then a subclass of the chatplex class (same name and module), so
`isinstance` checks hold and `type(err) is X` does not: `chatplex_class(err)` gives X.
The error keeps chatplex's attributes and `repr()`; under a LangChain drop-in's name
(`words=True`, the engine's `partner_words`) its `message` and `str()` are the SDK's where
chatplex knows the SDK's wording (a Stainless SDK's "Error code: 401 - {body}",
`stainless_text`; google-genai's, whose `status` is a word, the number kept as
`http_status`; a Stainless SDK's "Connection error." or "Request timed out." for a
failure in transit, chatplex's words then its `__cause__`), the provider's own words
kept as `provider_message` (issue 47: under LangChain's names, LangChain's behaviour).
A builtin class chatplex's class is (`TimeoutError`) comes after the families' classes
in the hierarchy: the first one a script names is the SDK's or the partner's.

Under chatplex's own names (`words=False`: `chatplex.chat.init_chat_model`'s models,
`chatplex.lean`'s engines, `ChatChatplex`, bulk runs) the error keeps chatplex's words
and fields -- `str()`, `message`, `args`, an int `status`, `body`, `code` -- whatever was
imported before: the families' fills run, then every field the error held is put back
and the words they added (`sdk_text`, `sdk_args`, `http_status`) are dropped. It still
joins the SDK's classes: that only adds (`isinstance` and `except` hold for more
classes, fields chatplex has no name for appear, chatplex's class stays first in the
hierarchy so its `str()` wins), and a script moving from LangChain to `init_chat_model`
keeps its `except openai.RateLimitError:`.

The SDK's own fields that chatplex has no name for are filled from what chatplex holds
(`type`, `param`, `request`; Anthropic's `api_message`, `error_code`, `workspace_id`).
Fields both name (`message`, `body`, `code`, `request_id`, `status_code`, `response`)
keep chatplex's values, but under a drop-in's name OpenAI's `body`, which is only the
decoded body's `"error"` object in the SDK, as here (the whole body kept as
`whole_body`). `response` and `request` are `httpx` objects (the SDKs now use `httpx2`),
with credentials masked. The SDK's `__init__` never runs (it wants objects chatplex does
not have).

Pickling (Ray, process pools) keeps the error's fields; on the other side it is again
SDK-compatible when the SDK can be imported there, else a plain chatplex error.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Sequence
from types import ModuleType
from typing import Any
from typing import cast

from .errors import APIError
from .errors import StreamError
from .sdk_error_families import ErrorFamily
from .sdk_error_families import Picker
from .sdk_error_families import aiohttp_bridge_cut_family
from .sdk_error_families import aiohttp_families
from .sdk_error_families import bridged_failures
from .sdk_error_families import broke_off
from .sdk_error_families import class_named
from .sdk_error_families import cut_stream_family
from .sdk_error_families import decode_failure
from .sdk_error_families import decode_family
from .sdk_error_families import except_cut_streams
from .sdk_error_families import except_where
from .sdk_error_families import failure_kind
from .sdk_error_families import httpx_transport_class
from .sdk_error_families import httpx_words
from .sdk_error_families import sdk_words
from .sdk_error_families import transport_failure
from .sdk_error_families import transport_family

__all__ = [
    "LANGCHAIN_MODEL_ERRORS",
    "ErrorFamily",
    "aiohttp_bridge_cut_family",
    "aiohttp_families",
    "bridged_failures",
    "broke_off",
    "chatplex_class",
    "cut_stream_family",
    "decode_failure",
    "decode_family",
    "event_as_api_error",
    "except_cut_streams",
    "except_where",
    "failure_kind",
    "httpx_transport_class",
    "httpx_words",
    "langchain_class_for",
    "model_error_family",
    "partner_family",
    "sdk_class_for",
    "sdk_compatible",
    "stainless_family",
    "sdk_words",
    "stainless_failure_text",
    "stainless_pick",
    "stainless_text",
    "transport_family",
    "with_event_body",
    "with_event_words",
    "without_response",
]


#: Status → the SDK's class name, as the SDKs pick them (`_make_status_error`). A name
#: the installed SDK lacks (openai has no 402; an old anthropic no OverloadedError)
#: falls back to InternalServerError for 5xx, APIStatusError for the rest.
_STATUS_CLASS = {
    400: "BadRequestError",
    401: "AuthenticationError",
    402: "PaymentRequiredError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    408: "RequestTimeoutError",
    409: "ConflictError",
    412: "PreconditionFailedError",
    413: "ContentTooLargeError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
    431: "RequestHeaderFieldsTooLargeError",
    499: "ClientClosedRequestError",
    501: "HTTPNotImplementedError",
    503: "ServiceUnavailableError",
    504: "GatewayTimeoutError",
    529: "OverloadedError",
}

_COMBINED: dict[tuple[type, ...], type] = {}


def chatplex_class(err: BaseException) -> type[BaseException]:
    """The chatplex class `err` was raised as, whether or not it was also made an SDK
    class: `type(err)` is then a subclass of it (for `type(err) is RateLimitError`
    checks, which `isinstance` answers in every other case)."""
    cls = type(err)
    base: type[BaseException] = cls.__dict__.get("_chatplex_class", cls)
    return base


def sdk_class_for(err: BaseException, sdk: Any) -> type[BaseException] | None:
    """The class of the SDK module `sdk` that `err` should also be, or None (an error
    no SDK class stands for, such as a spent cost budget)."""
    failure = transport_failure(err, timeout="APITimeoutError", connection="APIConnectionError")
    if failure is not None:
        return class_named(sdk, failure)
    if not isinstance(err, APIError) or decode_failure(err) is not None:
        return None
    status = err.status_code  # the HTTP status, whatever an SDK's `status` says
    if status is not None and status >= 400:
        name = _STATUS_CLASS.get(status)
        found = class_named(sdk, name) if name else None
        if found is None:
            found = class_named(sdk, "InternalServerError" if status >= 500 else "APIStatusError")
        return found
    if isinstance(err, StreamError):
        # An error event: the SDKs raise a status error for the stream's own status (a
        # 200: APIStatusError, whatever the event's type); a stream that broke off: the
        # connection failed.
        return class_named(sdk, "APIStatusError" if err.error_type else "APIConnectionError")
    return class_named(sdk, "APIError")


def sdk_compatible(
    err: BaseException,
    families: Sequence[ErrorFamily],
    request: Callable[[], Any] | None = None,
    *,
    words: bool = True,
) -> BaseException:
    """`err`, moved into a class that also subclasses the matching class of each family
    of the wire's `families` whose module is imported (a copy of it where one of them is
    a builtin laid out otherwise, `_moved`: raise what this returns); `err` unchanged
    when none is (or none has a class for it). `request` gives a credential-free copy of
    the HTTP request, for the SDKs' `request` attribute when the error holds no
    response. `words`: it reads as the SDK's error (a drop-in's); False: it keeps
    chatplex's words and fields, only adding the SDK's (chatplex's own models). Never
    raises."""
    try:
        picked: list[tuple[str, type[BaseException], ErrorFamily]] = []
        for family in families:
            module = sys.modules.get(family.module)
            if module is None:
                continue
            cls = family.pick(err, module)
            if cls is not None:
                picked.append((family.module, cls, family))
        if all(isinstance(err, cls) for _, cls, _ in picked):
            if picked and words and type(err) is chatplex_class(err):
                _fill_families(err, picked, request)  # its class is already theirs (a builtin)
            return err  # none to join, or joined already (an error raised again)
        base = chatplex_class(err)
        # A class that another picked one subclasses (the SDK's BadRequestError under
        # langchain-openai's OpenAIInvalidRequestError) is no extra base: the partner's
        # class then comes first in the hierarchy, as in the partner's own error.
        bases = [
            (name, cls)
            for name, cls, _ in picked
            if not any(other is not cls and issubclass(other, cls) for _, other, _ in picked)
        ]
        extra = tuple((name, cls.__name__) for name, cls in bases)
        held = None if words else (dict(err.__dict__), err.args, err.__cause__)
        err = _moved(err, _combined(base, tuple(cls for _, cls in bases), extra))
        _fill_families(err, picked, request)
        if held is not None:
            _keep_own_words(err, *held)
    except Exception:  # an SDK shaped unlike the ones known: the plain error still holds
        return err
    return err


def _fill_families(
    err: BaseException,
    picked: Sequence[tuple[str, type[BaseException], ErrorFamily]],
    request: Callable[[], Any] | None,
) -> None:
    """The fields every SDK's errors have, then each picked family's own."""
    _fill_common_fields(err, request)
    for *_, family in picked:
        if family.fill is not None:
            family.fill(err)


def _moved(err: BaseException, cls: type[BaseException]) -> BaseException:
    """`err` moved into `cls`; a copy of it in `cls` where `cls` joins a builtin whose
    instances are laid out otherwise (`ConnectionError`, an `OSError`: `__class__` cannot
    change there), with the same fields, arguments, chain and traceback."""
    try:
        err.__class__ = cls
    except TypeError:
        copy = cls.__new__(cls)
        copy.__dict__.update(err.__dict__)
        copy.args = err.args
        copy.__cause__, copy.__context__ = err.__cause__, err.__context__
        copy.__suppress_context__ = err.__suppress_context__
        return copy.with_traceback(err.__traceback__)
    return err


#: The fields a family's fill sets that change what chatplex's own class shows: its
#: `str()` and pickled `args` (`sdk_words`), its `status_code` (`http_status`).
_WORD_FIELDS = ("sdk_text", "sdk_args", "http_status")


def _keep_own_words(
    err: BaseException,
    fields: dict[str, Any],
    args: tuple[Any, ...],
    cause: BaseException | None,
) -> None:
    """`err` as chatplex showed it before the fills (`fields`, `args`, its `__cause__`),
    with the fields they added that chatplex has no name for: the fills only add."""
    now = err.__dict__
    for name in _WORD_FIELDS:
        if name not in fields:
            now.pop(name, None)
    now.update(fields)
    err.args = args
    err.__cause__ = cause


def stainless_family(
    module: str,
    *,
    inner_body: bool = False,
    plain_events: bool = False,
    cuts_through: bool = False,
    body_events: bool = False,
) -> ErrorFamily:
    """The family of an SDK generated by Stainless (openai, anthropic...): the same
    class names by status, the same fields, the same message (`stainless_text`).
    `inner_body`: the SDK's `body` is the decoded body's `error` object (the openai
    SDK's), the whole body kept as `whole_body`. `plain_events`: an error event inside
    a stream is the SDK's plain `APIError` in the event's words (`event_as_api_error`).
    `cuts_through`: a stream that broke off is none of the SDK's classes (it lets its
    HTTP client's error through: `cut_stream_family`). `body_events`: an error event is
    worded as the event's decoded body (`with_event_body`)."""
    fill: Callable[[BaseException], None] = _fill_inner_body if inner_body else _fill_stainless
    if body_events:
        fill = with_event_body(fill)
    pick = stainless_pick(plain_events=plain_events, cuts_through=cuts_through)
    return ErrorFamily(module, pick, with_event_words(fill) if plain_events else fill)


def stainless_pick(*, plain_events: bool, cuts_through: bool) -> Picker:
    """How a Stainless SDK's family picks its class (`stainless_family`'s flags)."""
    pick: Picker = event_as_api_error if plain_events else sdk_class_for
    return except_cut_streams(pick) if cuts_through else pick


def _is_error_event(err: BaseException) -> bool:
    """Whether `err` is an error event inside a stream (no HTTP status of its own)."""
    return isinstance(err, StreamError) and bool(err.error_type) and err.status_code is None


def event_as_api_error(err: BaseException, sdk: Any) -> type[BaseException] | None:
    """`sdk_class_for`, an error event inside a stream aside: the SDK's plain `APIError`
    (not a status error), as the openai and groq SDKs' streams raise it."""
    if _is_error_event(err):
        return class_named(sdk, "APIError")
    return sdk_class_for(err, sdk)


def with_event_words(fill: Callable[[BaseException], None]) -> Callable[[BaseException], None]:
    """`fill`, and an error event worded as those SDKs word it: its message alone."""

    def filled(err: BaseException) -> None:
        fill(err)
        message = err.__dict__.get("message")
        if _is_error_event(err) and isinstance(message, str) and "sdk_text" not in err.__dict__:
            sdk_words(err, message)

    return filled


def with_event_body(fill: Callable[[BaseException], None]) -> Callable[[BaseException], None]:
    """`fill`, and an error event worded as the anthropic SDK's stream words it: its
    decoded body written out (`f"{body}"`: "{'type': 'error', 'error': {...}}");
    chatplex's words, the event's message, stay as `provider_message`."""

    def filled(err: BaseException) -> None:
        fill(err)
        fields = err.__dict__
        body = fields.get("body")
        if _is_error_event(err) and isinstance(body, dict) and "sdk_text" not in fields:
            fields.setdefault("provider_message", fields.get("message"))
            fields["message"] = f"{body}"
            sdk_words(err, fields["message"])

    return filled


def _fill_stainless(err: BaseException) -> None:
    _fill_status_fields(err)
    stainless_text(err)
    stainless_failure_text(err)


def _fill_inner_body(err: BaseException) -> None:
    fields = err.__dict__
    body = fields.get("body")
    inner = body.get("error") if isinstance(body, dict) else None
    if isinstance(inner, dict) and "whole_body" not in fields:
        fields["whole_body"] = body
        fields["body"] = inner
    _fill_stainless(err)


def stainless_text(err: BaseException, module: str | None = None) -> None:
    """A status error's `message` and `str()` as a Stainless SDK words them (its
    `_make_status_error_from_response`): "Error code: 401 - {the decoded body}" (the
    body's text when it is no JSON, "Error code: 401" when there is none); the openai
    SDK's recent releases show the body's `error.message` alone in place of the body
    ("Error code: 401 - Incorrect API key provided"). The provider's own words stay as
    `provider_message`; the status, request id and body keep their fields. The body is
    the whole decoded one (`whole_body` where a wire keeps only its `error` object as
    `body`). An error with no HTTP status (an error event inside a stream, a transport
    failure) keeps chatplex's words."""
    fields = err.__dict__
    status = getattr(err, "status_code", None)
    if not isinstance(status, int) or status < 400 or "sdk_text" in fields:
        return
    body = fields.get("whole_body", fields.get("body"))
    text = f"Error code: {status}"
    if _shows_message_only(module or _sdk_module_of(err)):
        inner = body.get("error", body) if isinstance(body, dict) else None
        words = inner.get("message") if isinstance(inner, dict) else None
        if isinstance(words, str) and words:
            text += f" - {words}"
    elif isinstance(body, (dict, list)):
        text += f" - {body}"
    elif isinstance(body, str) and body.strip():
        text = body.strip()
    words = fields.get("message")
    for note in (" (no API key was sent:", " (no credential was sent:"):  # held-back key
        if isinstance(words, str) and note in words:
            text += words[words.index(note) :]
    fields.setdefault("provider_message", words)
    fields["message"] = text
    sdk_words(err, text)


def stainless_failure_text(err: BaseException) -> None:
    """A failed connection's or a timeout's `message` and `str()` as its Stainless SDK's
    class words them, read from that class ("Connection error.", "Request timed out.",
    the anthropic SDK's "Request timed out or interrupted..."), as the SDK raises it and
    a partner package re-raises it. chatplex's words, which name the URL and the bound,
    are not lost: they stay as `provider_message` and as the error's `__cause__` (a
    chatplex error in them, chained to the httpx error), as the SDK chains httpx's."""
    fields = err.__dict__
    if "sdk_text" in fields or not isinstance(err, APIError) or failure_kind(err) is None:
        return
    # The SDK's class the error was made (its family may pick it otherwise than
    # `sdk_class_for`: `bridged_failures`), whose words these are.
    cls = _sdk_class_of(err)
    if cls is None:
        return
    try:
        text = cast(Any, cls)(request=None).message
    except Exception:  # a class built otherwise: chatplex's words stay
        return
    if not isinstance(text, str):
        return
    own = fields.get("message")
    detail = cast("type[APIError]", chatplex_class(err))(str(own), provider=fields.get("provider"))
    detail.__cause__ = err.__cause__
    err.__cause__ = detail
    fields.setdefault("provider_message", own)
    fields["message"] = text
    sdk_words(err, text)


def _sdk_module_of(err: BaseException) -> str | None:
    """The Stainless SDK whose class `err` was made (the first base from one that has a
    `_base_client` module), or None."""
    cls = _sdk_class_of(err)
    return None if cls is None else cls.__module__.partition(".")[0]


def _sdk_class_of(err: BaseException) -> type | None:
    """The Stainless SDK's class `err` was made (its hierarchy's first class from a
    module that has a `_base_client` module), or None."""
    for cls in type(err).__mro__:
        if f"{cls.__module__.partition('.')[0]}._base_client" in sys.modules:
            return cls
    return None


_MESSAGE_ONLY: dict[str, bool] = {}


def _shows_message_only(module: str | None) -> bool:
    """Whether the SDK `module` words a status error with the body's `error.message`
    alone (the openai SDK's recent releases) rather than the whole body: read once from
    its `_make_status_error_from_response`."""
    if module is None:
        return False
    found = _MESSAGE_ONLY.get(module)
    if found is None:
        found = False
        client = sys.modules.get(f"{module}._base_client")
        base = getattr(client, "BaseClient", None)
        make = getattr(base, "_make_status_error_from_response", None)
        if make is not None:
            try:
                import inspect

                source = inspect.getsource(make)
            except (OSError, TypeError):
                source = ""
            found = 'get("message")' in source and "- {body}" not in source
        _MESSAGE_ONLY[module] = found
    return found


def langchain_class_for(err: BaseException, exceptions: Any) -> type[BaseException] | None:
    """The class of langchain_core's ModelError family `err` should also be, as
    langchain-openai picks it (400 → `ModelInvalidRequestError`, or `ContextOverflowError`
    when the message says the context is exceeded; 401, 403, 404, 429, 5xx, a timeout, a
    failed connection, a stream that broke off); None for the rest (LangChain re-raises
    those unchanged)."""
    if _broke_off(err):
        return class_named(exceptions, "ModelConnectionError")
    return class_named(exceptions, _model_error_name(err, _CONTEXT_OVERFLOW))


def _broke_off(err: BaseException) -> bool:
    """Whether `err` is a stream whose connection failed under it (the transport's error
    is its cause): neither an error event nor a malformed one. The openai SDK raises it
    as `APIConnectionError`, which langchain-openai re-raises as its connection error."""
    cause = err.__cause__
    return (
        isinstance(err, StreamError)
        and not err.error_type
        and cause is not None
        and decode_failure(err) is None
    )


def _model_error_name(err: BaseException, overflow: Sequence[str]) -> str | None:
    """The name of langchain_core's ModelError class for `err` (see `langchain_class_for`),
    a 400 whose text holds one of `overflow` being a context overflow."""
    failure = transport_failure(err, timeout="ModelTimeoutError", connection="ModelConnectionError")
    if failure is not None:
        return failure
    if not isinstance(err, APIError):
        return None
    status = err.status_code  # the HTTP status, whatever an SDK's `status` says
    if status == 400:
        text = f"{err} {err.body}"
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
) -> ErrorFamily:
    """The family of a partner package that wraps its SDK's error in a class of its own
    subclassing both the SDK's class and langchain_core's ModelError class
    (langchain-openai's `OpenAIInvalidRequestError(openai.BadRequestError,
    ModelInvalidRequestError)`), named `prefix` + the ModelError class's word
    (`InvalidRequestError`, `AuthenticationError`, `PermissionDeniedError`,
    `ModelNotFoundError`, `RateLimitError`, `APIError`, `OverloadedError` for a 529
    where it has one, `ConnectionError`, `TimeoutError`, `ContextOverflowError` for a 400
    holding one of `overflow`, default langchain-openai's words). `broken_stream`: a
    stream that broke off is its `ConnectionError` too (langchain-openai's, whose SDK
    raises it as a failed connection). An error the partner re-raises unchanged (a 409,
    a 422) is none of its classes."""
    words = _CONTEXT_OVERFLOW if overflow is None else tuple(overflow)

    def pick(err: BaseException, package: ModuleType) -> type[BaseException] | None:
        broken = broken_stream and _broke_off(err)
        name = "ModelConnectionError" if broken else _model_error_name(err, words)
        if name is None:
            return None
        if name == "ModelAPIError" and getattr(err, "status_code", None) == 529:
            found = class_named(package, f"{prefix}OverloadedError")
            if found is not None:
                return found
        return class_named(package, prefix + _PARTNER_WORD[name])

    return ErrorFamily(module, pick)


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


#: What langchain-openai reads as a context overflow in a 400's message.
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


def without_response(err: BaseException, kept: Collection[str]) -> None:
    """`err` without its `response` attribute where it failed in transit and its kind
    of failure is not one of `kept` (the wire's `Adapter.failure_responses`): a
    drop-in's error, as its partner's has none (the 200 of a stream that broke off is
    chatplex's to hold, not the partner's)."""
    kind = failure_kind(err)
    if kind is not None and kind not in kept:
        err.__dict__.pop("response", None)


#: The roots every error class shares: no family's class comes after them.
_ROOTS = (Exception, BaseException, object)


def _combined(base: type, extras: tuple[type, ...], names: tuple[tuple[str, str], ...]) -> type:
    """The class (cached) subclassing chatplex's `base` first (its attributes, `str()`
    and pickling win), then each of `extras` (named by (module, class) in `names`)."""
    key = (base, *extras)
    found = _COMBINED.get(key)
    if found is None:

        def __reduce__(self: BaseException) -> tuple[Any, ...]:
            return _reduce(self, base, names)

        namespace = {
            "__module__": base.__module__,
            "__qualname__": base.__qualname__,
            "__doc__": base.__doc__,
            "__reduce__": __reduce__,
            "_chatplex_class": base,
        }
        # The builtins chatplex's class also is (TimeoutError, OSError: `except
        # TimeoutError` holds) come after the families' classes in the hierarchy, so
        # the SDK's or the partner's class is the first one a script names.
        own = [c for c in base.__mro__ if c.__module__ == "builtins" and c not in _ROOTS]
        leaves = tuple(c for c in own if not any(o is not c and issubclass(o, c) for o in own))
        built = type(base.__name__, (base, *extras, *leaves), namespace)
        # setdefault: two threads building it at once still share one class.
        found = _COMBINED.setdefault(key, built)
    return found


def _fill_common_fields(err: Any, request: Callable[[], Any] | None) -> None:
    """The attributes every SDK's errors have, from what the error holds (chatplex's own
    values kept where it has them)."""
    fields = err.__dict__
    response = fields.get("response")
    req = None
    if response is not None:
        try:
            req = response.request
        except RuntimeError:  # a response built without a request
            req = None
    if req is None and request is not None:
        req = request()
    fields.setdefault("request", req)
    fields.setdefault("message", str(err.args[0]) if err.args else "")
    fields.setdefault("body", None)
    fields.setdefault("code", None)
    fields.setdefault("request_id", None)
    fields.setdefault("response", None)


def _fill_status_fields(err: BaseException) -> None:
    """The Stainless SDKs' attributes chatplex has no name for (OpenAI's `type` and
    `param`, Anthropic's `api_message`, `error_code`, `workspace_id`)."""
    fields = err.__dict__
    response = fields.get("response")
    error = _error_object(fields.get("body"))
    fields.setdefault("type", fields.get("error_type") or error.get("type"))
    fields.setdefault("param", error.get("param"))
    # Anthropic's APIStatusError fields.
    fields.setdefault("api_message", error.get("message"))
    details = error.get("details")
    code = details.get("error_code") if isinstance(details, dict) else None
    fields.setdefault("error_code", code if isinstance(code, str) else None)
    fields.setdefault("details", None)
    headers = getattr(response, "headers", None)
    fields.setdefault(
        "workspace_id", headers.get("anthropic-workspace-id") if headers is not None else None
    )


def _error_object(body: Any) -> dict[str, Any]:
    """The `error` object of an error body (both providers nest it), or the body."""
    if not isinstance(body, dict):
        return {}
    inner = body.get("error")
    return inner if isinstance(inner, dict) else body


def _reduce(err: BaseException, base: type, names: tuple[tuple[str, str], ...]) -> tuple[Any, ...]:
    """chatplex's own pickling of `err` (its class swapped back to chatplex's), wrapped so
    that unpickling makes it a member of the same families again where their modules can
    be imported. The request and response are not carried (sockets, credentials' masks:
    not needed)."""
    reduced: Any = cast(Any, base).__reduce__(err)
    fn, args, *rest = reduced
    fn = base if fn is type(err) else fn
    args = tuple(_portable(a, err, base) for a in args)
    rest = [_portable(r, err, base) for r in rest]
    return (_restore, (fn, args, names), *rest)


def _portable(value: Any, err: BaseException, base: type) -> Any:
    if value is type(err):
        return base
    if isinstance(value, dict) and ("request" in value or "response" in value):
        return {**value, "request": None, "response": None}
    return value


def _restore(
    fn: Callable[..., Any], args: tuple[Any, ...], names: tuple[tuple[str, str], ...]
) -> Any:
    err = fn(*args)
    extras: list[type] = []
    kept: list[tuple[str, str]] = []
    for module_name, class_name in names:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        cls = class_named(module, class_name)
        if cls is not None and not isinstance(err, cls):
            extras.append(cls)
            kept.append((module_name, class_name))
    if extras:  # a copy where an extra is laid out otherwise (an OSError: `_moved`)
        err = _moved(err, _combined(type(err), tuple(extras), tuple(kept)))
    return err
