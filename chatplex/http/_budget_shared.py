"""What every shared budget (one machine's processes, a Ray cluster) has in common: the
scopes a budget can have, and the permit a shared budget hands out.

A shared budget stands where the in-process `Budget` stands -- the attempt engine calls
`acquire(tokens, deadline=)` / `aacquire(...)` and releases the permit -- but keeps its
admission numbers (`_schedule.Schedule`: the schedules, the pause and all its pace
learned) where every sharer can reach them, and applies the same rules to them
(`_schedule.admit` / `settle`).

>>> budget_scope("machine")
'machine'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

__all__ = ["SCOPES", "BudgetScope", "SharedPermit", "budget_scope"]

#: Who shares one budget: the calls of one process (the default), the processes of one
#: machine (a small file, no server), or every worker of a Ray cluster (a named actor).
BudgetScope = Literal["process", "machine", "cluster"]
SCOPES: tuple[BudgetScope, ...] = ("process", "machine", "cluster")

#: What a shared budget does with a released permit: (permit, used tokens, status,
#: retry_after, the response's headers).
Settle = Callable[
    ["SharedPermit", "int | None", "int | None", "float | None", "Mapping[str, str] | None"],
    None,
]


def budget_scope(value: str) -> BudgetScope:
    """`value` checked against SCOPES (ValueError naming them)."""
    if value not in SCOPES:
        raise ValueError(f"rate limit scope must be one of {list(SCOPES)}, got {value!r}")
    return value


class SharedPermit:
    """The right to send one request from a shared budget: `release` it once the response
    (or failure) is in; only the first call counts."""

    __slots__ = ("_settle", "admitted_at", "lease", "released", "tokens")

    def __init__(self, settle: Settle, tokens: int, admitted_at: float, lease: int = 0) -> None:
        self._settle = settle
        self.tokens = tokens  # the estimate charged at admission
        self.admitted_at = admitted_at  # on the budget's clock (an actor's: its own)
        self.lease = lease  # the budget's name for the in-flight slot (an actor's lease id)
        self.released = False

    def release(
        self,
        *,
        used_tokens: int | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """As `Permit.release`: a shared budget learns from the answer as the in-process
        one does (announced limits in `headers`, evidence of a limit, overload)."""
        if self.released:
            return
        self.released = True
        self._settle(self, used_tokens, status, retry_after, headers)
