"""What servers say about their rate limits: response headers read for the budgets.

Each wire's spec declares the headers its provider announces limits in
(`ProviderSpec.limit_headers`: a limit, a count left and a reset for requests and for
tokens, the resets as durations such as ``6m0s`` or as RFC 3339 times). A budget may be
shared by models of several wires, and sees only a response's headers: each declared set
is tried in turn (`chatplex.specs.limit_headers`), the first the response carries read.
Limits are per minute.

How the headers reach a budget: the attempt engine (`_engine.Call`) hands each
response's headers to the permit it releases (`Permit.release(headers=...)`), and the
budget reads them here, outside its lock. A response that announces nothing costs one scan
of its raw header names (`read_limits`), not a case-insensitive lookup per name.
"""

from __future__ import annotations

import operator
import re
import time
from collections.abc import Callable
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import NamedTuple

from ..specs import limit_headers

__all__ = ["Announced", "parse_duration", "read_limits", "spent"]

_TOLD = (0, 1, 3, 4)  # the limits and the counts left: either makes a response worth reading
_DURATION = re.compile(r"(\d+(?:\.\d*)?)(ms|h|m|s)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class Announced(NamedTuple):
    """The limits one response announced (None: not said). Limits are per minute,
    `*_remaining` counts what may still be sent now, `*_reset` is seconds until full."""

    requests_limit: float | None = None
    requests_remaining: float | None = None
    requests_reset: float | None = None
    tokens_limit: float | None = None
    tokens_remaining: float | None = None
    tokens_reset: float | None = None


def read_limits(headers: Mapping[str, str]) -> Announced | None:
    """The limits in a response's headers, or None when it announces none. A response
    that tells only what is left (a 429's bare ``remaining: 0``) is read too: that the
    server's bucket is empty is evidence of a limit even when its size is not told.

    >>> limits = read_limits({"x-ratelimit-limit-requests": "500",
    ...     "x-ratelimit-remaining-requests": "499", "x-ratelimit-reset-requests": "120ms"})
    >>> limits.requests_limit, limits.requests_remaining, limits.requests_reset
    (500.0, 499.0, 0.12)
    """
    if not _may_announce(headers):
        return None
    get = headers.get
    found = next((s for s in _header_sets() if any(get(n) is not None for n in s[1])), None)
    if found is None:
        return None
    names, _, reset = found
    values = [get(name) if name else None for name in names]
    announced = Announced(
        _number(values[0]),
        _number(values[1]),
        reset(values[2]) if values[2] else None,
        _number(values[3]),
        _number(values[4]),
        reset(values[5]) if values[5] else None,
    )
    told = (announced.requests_limit, announced.tokens_limit)
    left = (announced.requests_remaining, announced.tokens_remaining)
    return announced if any(told) or any(x is not None for x in left) else None


def spent(headers: Mapping[str, str] | None) -> dict[str, str]:
    """A response's headers, and that nothing is left: how an error body that says its
    quota is spent (`RateLimitError.limit_spent`, a wire's quota-failure detail) reaches every
    kind of budget, which read it as the ``remaining: 0`` a server's header would say.

    >>> read_limits(spent(None)).requests_remaining
    0.0
    """
    told = {name.lower(): value for name, value in (headers or {}).items()}
    told[_spent_name()] = "0"
    return told


_Reset = Callable[[str], float | None]


@cache
def _header_sets() -> tuple[tuple[tuple[str, ...], tuple[str, ...], _Reset], ...]:
    """Each declared set of headers: its six names (`Announced`'s order), those of them
    that tell a limit or a count left, and how it writes a reset."""
    sets = []
    for declared in limit_headers():
        names = (*declared.requests, *declared.tokens)
        told_by = tuple(names[i] for i in _TOLD if names[i])
        reset = _seconds_until if declared.reset == "time" else parse_duration
        sets.append((names, told_by, reset))
    return tuple(sets)


@cache
def _spent_name() -> str:
    """The first declared count of requests left, which `read_limits` reads first."""
    return next(names[1] for names, _, _ in _header_sets() if names[1])


def _number(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if value >= 0 and value == value and value != float("inf") else None


def parse_duration(raw: str) -> float | None:
    """OpenAI's reset durations, in seconds.

    >>> parse_duration("6m0s"), parse_duration("20ms"), parse_duration("1.5s"), parse_duration("x")
    (360.0, 0.02, 1.5, None)
    """
    raw = raw.strip()
    total, end = 0.0, 0
    for match in _DURATION.finditer(raw):
        if match.start() != end:
            return None
        total += float(match.group(1)) * _UNITS[match.group(2)]
        end = match.end()
    if end != len(raw) or not raw:
        try:  # a bare number of seconds (some compatible servers)
            return max(0.0, float(raw))
        except ValueError:
            return None
    return total


def _seconds_until(raw: str) -> float | None:
    """Anthropic's reset times (RFC 3339), as seconds from now (never negative)."""
    try:
        when = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _may_announce(headers: Mapping[str, str]) -> bool:
    """False when no header name holds "ratelimit-": every response goes through here, and
    most announce nothing. httpx.Headers keeps lower-cased names (`_list`: raw name,
    lower name, value): one pass over them, no case-insensitive lookup per name."""
    items = getattr(headers, "_list", None)
    if type(items) is list:
        return b"ratelimit-" in b"\n".join(map(_lower_name, items))
    return True  # another mapping: look the names up


_lower_name = operator.itemgetter(1)
