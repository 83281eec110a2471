"""One flat tree of typed errors. Each knows whether retrying could help.

Every provider failure becomes an `APIError` subclass carrying the HTTP status, the
provider's error type/code/message and the request id. No error ever holds an API key:
they are built from response bodies and headers, never from request headers.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

if TYPE_CHECKING:
    from .messages import AIMessageChunk

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BudgetExceededError",
    "ChatplexError",
    "ContentFilterError",
    "DeadlineExceededError",
    "InvalidHeaderError",
    "LockTimeoutError",
    "MissingKeyError",
    "NotFoundError",
    "OverloadedError",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitError",
    "ResponseTooLargeError",
    "SafetyBlockedError",
    "ServerError",
    "StreamError",
    "StreamIdleTimeoutError",
    "UnexpectedContentTypeError",
    "status_error",
]

#: Statuses worth retrying (the provider or a proxy says "try again").
RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})

#: Wording of 429s that will not clear by waiting (OpenAI `insufficient_quota`; Anthropic
#: spend limits, credit balance and long-context usage credits).
QUOTA_ERROR_MARKERS = (
    "insufficient_quota",
    "billing",
    "spend_limit",
    "credit balance",
    "api usage limits",
    "usage credits are required",
    "extra usage is required",
)


class ChatplexError(Exception):
    """Base of every error chatplex raises on purpose."""

    # An error may also be an SDK's classes (`chatplex.sdk_errors`), whose `__init__`
    # never ran: their `__str__` / `__repr__` read fields it lacks (aiohttp's
    # `request_info`). Its words are chatplex's, or the SDK's text set on it.
    def __str__(self) -> str:
        text = self.__dict__.get("sdk_text")
        return text if isinstance(text, str) else Exception.__str__(self)

    def __repr__(self) -> str:
        return Exception.__repr__(self)


class APIError(ChatplexError):
    """A call to a provider failed.

    Attributes:
        status: the HTTP status, None for transport failures (also `status_code`, as the
            provider SDKs name it).
        provider: the provider's name (`"openai"`, `"anthropic"`...).
        error_type: the provider's error type (`"rate_limit_error"`...).
        code: the provider's error code, when it sends one.
        message: the provider's own words.
        request_id: the provider's request id: quote it to the provider.
        retryable: whether another attempt may succeed (chatplex retried it if so).
        attempts: the HTTP attempts made.
        max_attempts: the attempts the retry policy allowed in all, when known.
        body: the decoded error body, when there was one.
        response: the `httpx.Response`, if any.

    Examples:
        >>> from chatplex.errors import RateLimitError, status_error
        >>> err = status_error(provider="openai", status=429, message="slow down")
        >>> isinstance(err, RateLimitError), err.retryable, err.status_code
        (True, True, 429)
    """

    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status: int | None = None,
        error_type: str | None = None,
        code: str | int | None = None,
        request_id: str | None = None,
        body: Any = None,
        response: Any = None,
        retryable: bool | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status = status
        self.error_type = error_type
        self.code = code
        self.request_id = request_id
        self.body = body
        self.response = response
        self.retry_after = retry_after
        self.attempts = 1
        self.max_attempts: int | None = None
        if retryable is not None:
            self.retryable = retryable

    @property
    def status_code(self) -> int | None:
        """The HTTP status, under the name the openai and anthropic SDKs (and so code
        written for LangChain) use; the same value as `status`, unless the error was made
        one of an SDK's classes whose `status` is a word (a word such as "INTERNAL"): the
        HTTP status is then kept as `http_status`."""
        return self.__dict__.get("http_status", self.status)

    def __str__(self) -> str:
        get = self.__dict__.get  # never raises, even on a half-built error
        if isinstance(get("sdk_text"), str):  # set when it became an SDK's class: its text
            return str(get("sdk_text"))
        parts = []
        if get("provider"):
            parts.append(str(get("provider")))
        if get("status") is not None:
            parts.append(str(get("status")))
        if get("error_type"):
            parts.append(str(get("error_type")))
        head = " ".join(parts)
        tail = []
        if get("request_id"):
            tail.append(f"request_id={get('request_id')}")
        if (get("attempts") or 1) > 1:
            tail.append(f"attempts={get('attempts')}")
        message = str(get("message")) if "message" in self.__dict__ else Exception.__str__(self)
        text = f"{head}: {message}" if head else message
        return f"{text} ({', '.join(tail)})" if tail else text

    def __repr__(self) -> str:
        if isinstance(self.__dict__.get("sdk_text"), str):
            # Made one of an SDK's classes, it speaks that SDK's words: its repr is the
            # SDK error's, its class name and args (LangGraph keeps it as a failed
            # task's error; `{err!r}` in logs).
            return Exception.__repr__(self)
        # getattr with defaults: a repr never raises (an error built by `__new__` alone,
        # or a subclass that skipped __init__, still shows).
        fields = ("status", "provider", "error_type", "message", "request_id", "retryable")
        shown = ", ".join(f"{name}={getattr(self, name, None)!r}" for name in fields)
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (multiprocessing, pytest-xdist); keep fields.
        state = {k: v for k, v in self.__dict__.items() if k != "response"}
        return (_rebuild, (type(self), self.message, state))


def _rebuild(cls: type[APIError], message: str, state: dict[str, Any]) -> APIError:
    err = cls.__new__(cls)
    Exception.__init__(err, *state.get("sdk_args", (message,)))
    err.__dict__.update(state)
    err.response = None
    return err


class APIStatusError(APIError):
    """The provider answered with an error status (≥ 400)."""


class BadRequestError(APIStatusError):
    """400/422: the request itself is wrong; retrying will not help."""


class ContentFilterError(BadRequestError):
    """A provider's content filter refused the prompt or withheld the reply (Azure
    OpenAI: HTTP 400 with code `content_filter`, or a reply whose finish_reason is
    `content_filter`, where langchain-openai raises a plain ValueError). `filter_results`:
    what the filter reported (Azure's `prompt_filter_results` / `content_filter_results`).
    Not retryable. The 400 is also the SDK's `BadRequestError`, the filtered reply (no
    status) its `APIError` (`chatplex.sdk_errors`)."""

    def __init__(
        self, message: str, *, filter_results: Mapping[str, Any] | None = None, **fields: Any
    ) -> None:
        fields.setdefault("retryable", False)
        super().__init__(message, **fields)
        self.filter_results = dict(filter_results or {})


class AuthenticationError(APIStatusError):
    """401: missing or invalid API key."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not use this model or feature."""


class NotFoundError(APIStatusError):
    """404: unknown model or endpoint."""


class RateLimitError(APIStatusError):
    """429: too many requests or tokens; retried after the provider's Retry-After.
    `limit_spent`: the error body itself says a quota is spent (not only the status), so
    the rate limiter takes it as a limit's, as it does a ``remaining: 0`` header."""

    retryable = True
    limit_spent = False


class QuotaExceededError(RateLimitError):
    """429 that waiting will not fix (quota or spend limit exhausted)."""

    retryable = False


class ServerError(APIStatusError):
    """5xx from the provider or a proxy in front of it."""

    retryable = True


class OverloadedError(ServerError):
    """The provider is overloaded (Anthropic 529 / `overloaded_error`)."""


class APIConnectionError(APIError):
    """The request never got an HTTP answer (refused, reset, DNS, TLS...)."""

    retryable = True


class APITimeoutError(APIConnectionError):
    """A connect/read/write/pool timeout of one HTTP request. Not a builtin `TimeoutError`
    (an `OSError`), as the SDKs' timeouts are not: LangGraph's default `RetryPolicy`
    retries it as it retries theirs. The whole call's deadline is one
    (`DeadlineExceededError`)."""


class StreamError(APIError):
    """A stream failed after the HTTP status said success: an `event: error`, a malformed
    event, or a connection that ended early. `partial` holds what had arrived.
    `rate_limited`: the error event says the request was throttled (an AWS event
    stream's `throttlingException`): the rate-limit budget's pace learns from it as from
    a 429, though the status line said 200 (`status` stays None)."""

    def __init__(
        self,
        message: str,
        *,
        partial: AIMessageChunk | None = None,
        rate_limited: bool = False,
        **fields: Any,
    ) -> None:
        super().__init__(message, **fields)
        self.partial = partial
        self.rate_limited = rate_limited


class StreamIdleTimeoutError(APITimeoutError, StreamError):
    """A stream sent no event for longer than the idle timeout. A timeout (retryable
    before the first chunk) and a `StreamError`: after the first chunk, `partial` holds
    what had arrived."""


class UnexpectedContentTypeError(APIError):
    """A success status with a body that is not what the call reads: e.g. an HTML page
    (a proxy's login or error page, a base URL pointing at a website) where a stream of
    server-sent events was asked for. `content_type` is what came. Not retryable."""

    def __init__(self, message: str, *, content_type: str = "", **fields: Any) -> None:
        super().__init__(message, **fields)
        self.content_type = content_type


class ResponseTooLargeError(APIError):
    """A reply grew past a size bound chatplex keeps so that a broken or hostile server
    cannot make it hold unbounded memory (one server-sent event over `max_event_bytes`).
    The message names the bound and how to raise it. Not retryable: the same request
    would most likely get the same reply."""


class SafetyBlockedError(APIError):
    """The provider answered but withheld the reply for safety (a blocked prompt, a reply
    stopped for SAFETY, RECITATION...), on a wire that reports it as an error (a wire
    whose partner package returns an empty reply saying why does so too). `reason`:
    the provider's word for why
    (`SAFETY`, `PROHIBITED_CONTENT`...); `category`: the harm category that tripped it
    when the provider names one (`HARM_CATEGORY_DANGEROUS_CONTENT`), else the reason;
    `ratings`: the safety ratings sent with it. Not retryable: the same request would
    be blocked again."""

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        category: str | None = None,
        ratings: Any = None,
        **fields: Any,
    ) -> None:
        fields.setdefault("retryable", False)
        super().__init__(message, **fields)
        self.reason = reason
        self.category = category or reason
        self.ratings = ratings


class DeadlineExceededError(ChatplexError, builtins.TimeoutError):
    """The whole-call deadline (`RunnableConfig(timeout=...)`) passed: retries and waiting
    in the rate limiter included.

    `partial`: when the deadline cut a stream of `AIMessageChunk`s short, the merged
    chunk of what had arrived (held-back metadata chunks included) -- from the HTTP
    stream layer, or what `Runnable.stream`/`astream` had yielded. None when nothing had
    arrived, and not promised for streams of other items (a chain ending in a parser):
    there it is None, or the model's message so far if the deadline struck inside it."""

    def __init__(self, *args: Any, partial: AIMessageChunk | None = None) -> None:
        super().__init__(*args)
        self.partial = partial


class InvalidHeaderError(ChatplexError, ValueError):
    """A header a request would carry holds a character no header may: a CR or LF (which
    would end it and start another header), NUL or another control character; or its
    name is not an HTTP token. Refused before anything is sent. `header`: its name; its
    value is never shown (it may be a key)."""

    def __init__(self, message: str, *, header: str | None = None) -> None:
        super().__init__(message)
        self.header = header

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_with_fields, (type(self), str(self), {"header": self.header}))


class _PickledByFields:
    """An error built as `cls(message, **fields)` that keeps each field as an attribute
    of that name (`_fields`): it pickles as the message and those fields, so it crosses
    process boundaries whole (the default keeps only the message)."""

    _fields: ClassVar[tuple[str, ...]] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        fields = {name: getattr(self, name) for name in self._fields}
        return (_rebuild_with_fields, (type(self), str(self), fields))


def _rebuild_with_fields(cls: type[Exception], message: str, fields: dict[str, Any]) -> Exception:
    return cls(message, **fields)


class MissingKeyError(_PickledByFields, ChatplexError, ValueError):
    """A model needs an API key and none was given nor set in the environment: raised when
    it is built, before any request, for every provider (a `ValueError` too, as most of
    LangChain's partner packages raise one there). `adapter_class`: the adapter of the
    wire that refused, or None; a LangChain drop-in raises what its partner package
    raises instead."""

    _fields = ("adapter_class",)

    def __init__(self, message: str, *, adapter_class: type | None = None) -> None:
        super().__init__(message)
        self.adapter_class = adapter_class

    @classmethod
    def of(
        cls,
        service: str,
        variables: tuple[str, ...],
        *,
        empty_given: bool,
        adapter_class: type,
        note: str = "",
    ) -> MissingKeyError:
        """The error in one wording for every provider: `service` ("OpenAI"), the
        variables read for a key, whether the key given was empty (`api_key=""`, which
        reads no variable: naming them alone would send the user to a variable that may
        well be set), and a `note` ending it."""
        names = " or ".join(variables)
        if empty_given:
            how = (
                "api_key='' is no key, and no variable is read for it; pass the key, or "
                f"leave api_key out to read {names}"
            )
        else:
            how = f"pass api_key=... or set {names}"
        return cls(f"{service} API key missing: {how}{note}", adapter_class=adapter_class)


class LockTimeoutError(_PickledByFields, ChatplexError, builtins.TimeoutError):
    """Shared state stayed locked by another process past chatplex's bound: a machine
    rate-limit budget's file lock held longer than its `LOCK_WAIT` (a holder stopped by
    SIGSTOP or a debugger keeps it). `path`: the locked file; `holder`: the pid holding
    it (0 when unknown). Retrying later may succeed once the holder runs again."""

    _fields = ("path", "holder")

    def __init__(self, message: str, *, path: str, holder: int) -> None:
        super().__init__(message)
        self.path = path
        self.holder = holder


class BudgetExceededError(_PickledByFields, ChatplexError):
    """A cost budget (`track_usage(max_cost=...)`) was reached: no new call was sent.

    `spent` and `max_cost` are in USD. Calls already in flight when the budget was
    reached finish (and are counted), so `spent` may end a little above `max_cost`.
    Never retried: waiting does not refill a budget."""

    retryable = False

    _fields = ("spent", "max_cost")

    def __init__(self, message: str, *, spent: float, max_cost: float) -> None:
        super().__init__(message)
        self.spent = spent
        self.max_cost = max_cost


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: BadRequestError,
    429: RateLimitError,
    529: OverloadedError,
}


def status_error(
    *,
    provider: str,
    status: int,
    message: str,
    headers: Mapping[str, str] | None = None,
    error_type: str | None = None,
    code: str | int | None = None,
    request_id: str | None = None,
    body: Any = None,
    response: Any = None,
) -> APIStatusError:
    """Choose the error class and retryability for an error status.

    Adapters extract the provider's fields from the body; this decides what they mean.
    The `x-should-retry` header, when present, overrides the status-based decision.
    """
    cls: type[APIStatusError] = _BY_STATUS.get(status) or (
        ServerError if status >= 500 else APIStatusError
    )
    if error_type == "overloaded_error":
        cls = OverloadedError
    retryable = status in RETRYABLE_STATUSES or status >= 500
    if cls is RateLimitError and _is_quota(error_type, code, message):
        cls, retryable = QuotaExceededError, False
    if headers is not None:
        should = headers.get("x-should-retry")
        if should == "true":
            retryable = True
        elif should == "false":
            retryable = False
    return cls(
        message,
        provider=provider,
        status=status,
        error_type=error_type,
        code=code,
        request_id=request_id,
        body=body,
        response=response,
        retryable=retryable,
    )


def _is_quota(error_type: str | None, code: str | int | None, message: str) -> bool:
    haystack = f"{error_type or ''} {code or ''} {message}".lower()
    return any(marker in haystack for marker in QUOTA_ERROR_MARKERS)
