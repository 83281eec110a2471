"""What every shared budget (one machine's processes, a Ray cluster) has in common: the
limits a budget is given (`RateLimit`, read by the pace and the schedules below the
budgets), the scopes a budget can have, and the permit a shared budget hands out --
whose `release` (`Releasable`) and what it reports (`Outcome`) the in-process budget's
permit shares too -- and the clock any budget paces by (`PacingClock`).

A shared budget stands where the in-process `Budget` stands -- the attempt engine calls
`acquire(tokens, deadline=)` / `aacquire(...)` and releases the permit -- but keeps its
admission numbers (`_schedule.Schedule`: the schedules, the pause and all its pace
learned) where every sharer can reach them, and applies the same rules to them
(`_schedule.admit` / `settle`).

>>> budget_scope("machine")
'machine'
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import fields
from typing import Any
from typing import Literal
from typing import TypedDict

__all__ = [
    "SCOPES",
    "BudgetScope",
    "Outcome",
    "PacingClock",
    "RateLimit",
    "Releasable",
    "SharedPermit",
    "budget_scope",
    "pacing_clock",
]

#: Who shares one budget: the calls of one process (the default), the processes of one
#: machine (a small file, no server), or every worker of a Ray cluster (a named actor).
BudgetScope = Literal["process", "machine", "cluster"]
SCOPES: tuple[BudgetScope, ...] = ("process", "machine", "cluster")

#: What a shared budget does with a released permit and what its answer said.
Settle = Callable[["SharedPermit", "Outcome"], None]


def budget_scope(value: str) -> BudgetScope:
    """`value` checked against SCOPES (ValueError naming them)."""
    if value not in SCOPES:
        raise ValueError(f"rate limit scope must be one of {list(SCOPES)}, got {value!r}")
    return value


class PacingClock(TypedDict, total=False):
    """The clock a budget paces by and its sleeps: the keywords of `Budget` and
    `MachineBudget`, injectable for tests (a fake clock whose sleeps advance it makes
    pacing deterministic). A shared budget's clock must be one all sharers read."""

    clock: Callable[[], float]
    sleep: Callable[[float], object]
    asleep: Callable[[float], Awaitable[object]]


def pacing_clock(
    given: PacingClock,
) -> tuple[Callable[[], float], Callable[[float], object], Callable[[float], Awaitable[object]]]:
    """`given`'s clock, sleep and asleep; the system's where left out (`time.monotonic`,
    system-wide on Linux; `time.sleep`; `asyncio.sleep`). Another keyword is a
    TypeError, as a misspelt named parameter would be."""
    unknown = sorted(given.keys() - PacingClock.__annotations__.keys())
    if unknown:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(unknown)}")
    return (
        given.get("clock", time.monotonic),
        given.get("sleep", time.sleep),
        given.get("asleep", asyncio.sleep),
    )


@dataclass(frozen=True, slots=True, repr=False)
class RateLimit:
    """The limits of one budget; None means no limit of that kind. `scope`: who shares
    the budget -- "process" (default), "machine" (every process of this machine, through
    a small file) or "cluster" (every worker of a Ray cluster, through one actor).

    Examples:
        >>> RateLimit.coerce({"requests_per_minute": 500, "max_in_flight": 16})
        RateLimit(requests_per_minute=500, tokens_per_minute=None, max_in_flight=16)
        >>> RateLimit.coerce({}) is None  # nothing limited: no budget at all
        True
    """

    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    max_in_flight: int | None = None  # global in-flight cap per budget, besides max_concurrency
    scope: BudgetScope = "process"

    def __post_init__(self) -> None:
        budget_scope(self.scope)
        limits = (self.requests_per_minute, self.tokens_per_minute, self.max_in_flight)
        nothing = all(limit is None for limit in limits)
        if self.scope != "process" and nothing:
            # A shared budget learns below a configured limit, not without one.
            raise ValueError(f"a rate_limit with scope={self.scope!r} needs a limit to share")
        for name in ("requests_per_minute", "tokens_per_minute", "max_in_flight"):
            value = getattr(self, name)
            kind = int if name == "max_in_flight" else (int, float)
            if value is not None and (isinstance(value, bool) or not isinstance(value, kind)):
                what = "an int" if kind is int else "a number"
                raise TypeError(f"rate_limit {name} must be {what}, got {value!r}")
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ValueError(f"rate_limit {name} must be positive, got {value!r}")

    @classmethod
    def coerce(cls, value: RateLimit | Mapping[str, Any] | None) -> RateLimit | None:
        """A validated `RateLimit`, or None when nothing is limited (callers skip the limiter).
        ValueError for unknown keys (named) and non-positive values, TypeError for types."""
        if value is None:
            return None
        if isinstance(value, Mapping):
            known = [f.name for f in fields(cls)]
            unknown = ", ".join(sorted(repr(k) for k in value if k not in known))
            if unknown:
                raise ValueError(f"unknown rate_limit setting(s) {unknown}; known: {known}")
            value = cls(**value)
        if not isinstance(value, RateLimit):
            raise TypeError(f"rate_limit must be a RateLimit or a dict, got {type(value).__name__}")
        return None if value == RateLimit() else value

    def __repr__(self) -> str:
        shown = (
            f"requests_per_minute={self.requests_per_minute!r}, "
            f"tokens_per_minute={self.tokens_per_minute!r}, max_in_flight={self.max_in_flight!r}"
        )
        scope = "" if self.scope == "process" else f", scope={self.scope!r}"
        return f"RateLimit({shown}{scope})"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a permit's release reports of its request's answer (`Releasable.release`'s
    keywords): the usage, the status, the server's retry-after (s), the headers."""

    used: int | None = None
    status: int | None = None
    retry_after: float | None = None
    headers: Mapping[str, str] | None = None


class Releasable:
    """A permit's `release`, written once for the in-process and the shared budgets'
    permits: it hands the `Outcome` to `_answered`, which each permit's class defines."""

    __slots__ = ()

    def release(
        self,
        *,
        used_tokens: int | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Give the in-flight slot back and report how it went; only the first call counts.
        `used_tokens`: the reported usage; the difference from the estimate is charged or
        refunded (a 429 without usage refunds the whole estimate: nothing was processed).
        `status` and `headers` (the response's; the attempt engine hands them over) are
        the evidence the pace learns from (see `_ratelimit`'s docstring): a 429 slows the
        pace and a 503/529 narrows the in-flight window only when judged a limit's or a
        persisting overload's, < 400 widens both back. `retry_after` (seconds): for such
        an answer, pause the whole budget that long (at most MAX_PAUSE); a sporadic one's
        is its own request's delay, not the budget's. A shared budget learns from the
        answer as the in-process one does.

        >>> permit.release(used_tokens=812, status=200)  # doctest: +SKIP
        """
        self._answered(Outcome(used_tokens, status, retry_after, headers))

    def _answered(self, answer: Outcome) -> None:
        """What the budget does with a released permit's answer."""
        raise NotImplementedError


class SharedPermit(Releasable):
    """The right to send one request from a shared budget: `release` it once the response
    (or failure) is in; only the first call counts."""

    __slots__ = ("_settle", "admitted_at", "lease", "released", "tokens")

    def __init__(self, settle: Settle, tokens: int, admitted_at: float, lease: int = 0) -> None:
        self._settle = settle
        self.tokens = tokens  # the estimate charged at admission
        self.admitted_at = admitted_at  # on the budget's clock (an actor's: its own)
        self.lease = lease  # the budget's name for the in-flight slot (an actor's lease id)
        self.released = False

    def _answered(self, answer: Outcome) -> None:
        if self.released:
            return
        self.released = True
        self._settle(self, answer)
