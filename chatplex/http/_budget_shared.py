"""What every shared budget (one machine's processes, a Ray cluster) has in common: the
scopes a budget can have, and the permit a shared budget hands out -- whose `release`
(`Releasable`) and what it reports (`Outcome`) the in-process budget's permit shares too.

A shared budget stands where the in-process `Budget` stands -- the attempt engine calls
`acquire(tokens, deadline=)` / `aacquire(...)` and releases the permit -- but keeps its
admission numbers (`_schedule.Schedule`: the schedules, the pause and all its pace
learned) where every sharer can reach them, and applies the same rules to them
(`_schedule.admit` / `settle`).

>>> budget_scope("machine")
'machine'
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = ["SCOPES", "Outcome", "BudgetScope", "Releasable", "SharedPermit", "budget_scope"]

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
