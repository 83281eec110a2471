"""Checks on a chat model's settings, shared by the model and the configuration profiles:
the names a ChatModel takes as settings, the ranges and types of the common ones, and
which setting names hold secrets.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal

from ..adapters.validate import check_headers
from ..specs import spec

if TYPE_CHECKING:
    from ..http import RateLimit

__all__ = [
    "CALL_SETTINGS",
    "OWN_CALL_SETTINGS",
    "SETTING_NAMES",
    "TRANSPORT_SETTINGS",
    "check_body_fields",
    "check_candidates",
    "check_settings",
    "coerce_rate_limit",
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
#: chatplex's own settings a call may give that no provider SDK's `create()` takes (each
#: takes a `timeout`): a drop-in whose partner hands a call's keywords to one refuses them
#: as its partner does (`PartnerCalls.own_settings_refused`).
OWN_CALL_SETTINGS = (*(s for s in TRANSPORT_SETTINGS if s != "timeout"), "rate_limit")
#: Every name a ChatModel takes as a setting (constructor or per call), for the
#: "did you mean" of an unknown keyword and for `model_kwargs` checks.
SETTING_NAMES = (
    *CALL_SETTINGS,
    *TRANSPORT_SETTINGS,
    "rate_limit",
    "rate_limiter",
    "extra_headers",
    "extra_query",
    "http_client",
    "http_async_client",
    "name",
    "model",
    "model_kwargs",
    "extra_body",
    "streaming",
    "stream_usage",
)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_stop(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, Sequence) and all(isinstance(x, str) for x in value)
    )


_INF = float("inf")
#: The values of the sampling settings OpenAI's API takes, (lowest, highest): checked
#: where a provider's spec names no other (`ProviderSpec.setting_ranges`).
OPENAI_RANGES: dict[str, tuple[float, float]] = {
    "temperature": (0.0, 2.0),
    "max_tokens": (1, _INF),
    "top_p": (0.0, 1.0),
}


def _within(name: str, bounds: tuple[float, float] | None) -> tuple[Callable[[Any], bool], str]:
    """The check of a sampling setting's value against `bounds` (None: any number; an
    int for `max_tokens`), and what it must be (for the error)."""
    kind, noun = (_is_int, "int") if name == "max_tokens" else (_is_number, "number")
    some = "an int" if noun == "int" else "a number"
    if bounds is None:
        return kind, some
    low, high = bounds
    if high < _INF:
        words = f"{some} between {low:g} and {high:g}"
    else:
        words = f"a positive {noun}" if low == 1 else f"{some} >= {low:g}"
    return (lambda v: kind(v) and low <= v <= high), words


#: The settings checked by value, in the order they are checked: whether a value (not
#: None) is acceptable, and what it must be (for the error).
_VALUE_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    **{name: _within(name, bounds) for name, bounds in OPENAI_RANGES.items()},
    "stop": (_is_stop, "a str or a list of str"),
    # `not v <= 0`, as it has always been checked: a NaN timeout passes.
    "timeout": (lambda v: _is_number(v) and not v <= 0, "a positive number of seconds"),
    "stream_idle_timeout": (
        lambda v: _is_number(v) and 0 < v < _INF,
        "a positive number of seconds",
    ),
    "max_response_bytes": (lambda v: _is_int(v) and v > 0, "a positive int (bytes)"),
    "max_retries": (lambda v: _is_int(v) and v >= 0, "an int >= 0"),
    "max_retry_after": (lambda v: _is_number(v) and 0 <= v < _INF, "a number of seconds >= 0"),
}


def check_settings(values: Mapping[str, Any], provider: str | None = None) -> None:
    """Reject bad settings before anything is sent, naming the setting: a `temperature`,
    `top_p` or `max_tokens` out of the range `provider`'s API takes (its spec's
    `setting_ranges`; unnamed, or none declared: OpenAI's)."""
    # Only the checked settings given (a call's overrides are one or two settings), each
    # in the table's order, as the first refused is the one named.
    given = _VALUE_CHECKS.keys() & values.keys()
    for name, (acceptable, must_be) in _VALUE_CHECKS.items() if given else ():
        if name not in given:
            continue
        value = values.get(name)
        if value is None:
            continue
        if name in OPENAI_RANGES and provider is not None:
            acceptable, must_be = _provider_range(provider, name) or (acceptable, must_be)
        if not acceptable(value):
            error = TypeError if name == "stop" else ValueError  # as they always were
            raise error(f"{name} must be {must_be}, got {value!r}")
    headers = values.get("extra_headers")
    if headers is not None:
        # Never quoting the headers: their values may be keys (an `authorization`).
        if not isinstance(headers, Mapping) or not all(
            isinstance(v, str) for v in headers.values()
        ):
            raise TypeError("extra_headers must be a dict of str to str")
        check_headers(headers, "extra_headers")
    query = values.get("extra_query")
    if query is not None and not isinstance(query, Mapping):
        raise TypeError(f"extra_query must be a mapping of URL query parameters, got {query!r}")


@functools.cache
def _provider_range(provider: str, name: str) -> tuple[Callable[[Any], bool], str] | None:
    """The check of `name`'s value against the range `provider`'s API takes, and its
    words, where its spec declares one (made once per provider and setting); None: the
    table's (OpenAI's)."""
    declared = spec(provider)
    ranges = dict(declared.setting_ranges) if declared is not None else {}
    return _within(name, ranges[name]) if name in ranges else None


def check_candidates(values: Mapping[str, Any]) -> None:
    """`n`, the replies asked for, where given (a constructor's or a call's): a positive
    int, else a ValueError naming it, before any request (the provider refuses `n=0` with
    a 400). chatplex's own family; a drop-in sends a call's as its partner does.

    >>> check_candidates({"n": 2})
    >>> check_candidates({"n": 0})
    Traceback (most recent call last):
    ValueError: n (the number of replies asked for) must be a positive int, got 0
    """
    n = values.get("n")
    if n is not None and not (_is_int(n) and n > 0):
        raise ValueError(f"n (the number of replies asked for) must be a positive int, got {n!r}")


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
