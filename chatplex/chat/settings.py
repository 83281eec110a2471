"""Checks on a chat model's settings, shared by the model and the configuration profiles:
the names a ChatModel takes as settings, the ranges and types of the common ones, and
which setting names hold secrets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from ..adapters.validate import check_headers

if TYPE_CHECKING:
    from ..http import RateLimit

__all__ = [
    "CALL_SETTINGS",
    "SETTING_NAMES",
    "TRANSPORT_SETTINGS",
    "check_body_fields",
    "check_settings",
    "coerce_rate_limit",
    "is_secret_name",
]

#: Settings a call may override through `bind(...)` or `invoke(..., **overrides)`.
CALL_SETTINGS = ("temperature", "max_tokens", "top_p", "stop", "tools", "tool_choice")
#: ...and those that shape the HTTP exchange rather than the request body.
TRANSPORT_SETTINGS = (
    "timeout",
    "max_retries",
    "max_retry_after",
    "retry_policy",
    "stream_idle_timeout",
    "max_response_bytes",
    "cache",
)
#: Every name a ChatModel takes as a setting (constructor or per call), for the
#: "did you mean" of an unknown keyword and for `model_kwargs` checks.
SETTING_NAMES = (
    *CALL_SETTINGS,
    *TRANSPORT_SETTINGS,
    "rate_limit",
    "rate_limiter",
    "extra_headers",
    "http_client",
    "http_async_client",
    "name",
    "model",
    "model_kwargs",
    "extra_body",
    "streaming",
    "stream_usage",
)

_SECRET_NAME = re.compile(r"(^|[_-])(key|token|secret|password)$|^authorization$", re.I)


def is_secret_name(name: str) -> bool:
    """Whether a setting of this name holds a credential (`api_key`, `*_token`, ...)."""
    return bool(_SECRET_NAME.search(name))


def check_settings(values: Mapping[str, Any]) -> None:
    """Reject bad settings before anything is sent, naming the setting."""
    t = values.get("temperature")
    if t is not None and (
        not isinstance(t, (int, float)) or isinstance(t, bool) or not 0 <= t <= 2
    ):
        raise ValueError(f"temperature must be a number between 0 and 2, got {t!r}")
    m = values.get("max_tokens")
    if m is not None and (not isinstance(m, int) or isinstance(m, bool) or m <= 0):
        raise ValueError(f"max_tokens must be a positive int, got {m!r}")
    p = values.get("top_p")
    if p is not None and (
        not isinstance(p, (int, float)) or isinstance(p, bool) or not 0 <= p <= 1
    ):
        raise ValueError(f"top_p must be a number between 0 and 1, got {p!r}")
    s = values.get("stop")
    if s is not None and not (
        isinstance(s, str) or (isinstance(s, Sequence) and all(isinstance(x, str) for x in s))
    ):
        raise TypeError(f"stop must be a str or a list of str, got {s!r}")
    timeout = values.get("timeout")
    if timeout is not None and (
        not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0
    ):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    idle = values.get("stream_idle_timeout")
    if idle is not None and (
        not isinstance(idle, (int, float)) or isinstance(idle, bool) or not 0 < idle < float("inf")
    ):
        raise ValueError(f"stream_idle_timeout must be a positive number of seconds, got {idle!r}")
    size = values.get("max_response_bytes")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size <= 0):
        raise ValueError(f"max_response_bytes must be a positive int (bytes), got {size!r}")
    retries = values.get("max_retries")
    if retries is not None and (
        not isinstance(retries, int) or isinstance(retries, bool) or retries < 0
    ):
        raise ValueError(f"max_retries must be an int >= 0, got {retries!r}")
    cap = values.get("max_retry_after")
    if cap is not None and (
        not isinstance(cap, (int, float)) or isinstance(cap, bool) or not 0 <= cap < float("inf")
    ):
        raise ValueError(f"max_retry_after must be a number of seconds >= 0, got {cap!r}")
    headers = values.get("extra_headers")
    if headers is not None:
        # Never quoting the headers: their values may be keys (an `authorization`).
        if not isinstance(headers, Mapping) or not all(
            isinstance(v, str) for v in headers.values()
        ):
            raise TypeError("extra_headers must be a dict of str to str")
        check_headers(headers, "extra_headers")


def check_body_fields(kind: str, values: Mapping[str, Any], owner: str) -> None:
    """`model_kwargs` / `extra_body` must map parameter names to values; `model_kwargs`
    may not hold a setting that has its own keyword (as in LangChain): it would be
    ambiguous which one wins. `owner` names the model in the error."""
    if not isinstance(values, Mapping) or not all(isinstance(k, str) for k in values):
        raise TypeError(f"{kind} must be a dict of parameter names to values, got {values!r}")
    if kind == "model_kwargs":
        clash = sorted(k for k in values if k in SETTING_NAMES)
        if clash:
            raise ValueError(
                f"{owner}: pass {', '.join(clash)} as keyword argument(s), not inside model_kwargs"
            )


def coerce_rate_limit(
    value: RateLimit | Mapping[str, Any] | bool | None,
) -> RateLimit | Literal[False] | None:
    """The `rate_limit` setting as a validated `RateLimit`; None when nothing is
    configured (the budget learns the server's pace), False for no limiter at all."""
    if value is False:
        return False
    if value is None or value is True:
        return None
    from ..http import RateLimit

    return RateLimit.coerce(value)
