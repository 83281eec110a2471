"""Cost for a bulk run: replies priced while it runs, and a budget that stops it.

Pricing and budgets are chatplex's usage tracking (`chatplex.track_usage`, issue 15):
replies are priced inside a tracking block (their `response_metadata["cost"]`), and a
call that would start past `max_cost` raises `BudgetExceededError` instead of sending.
Until that module is on this branch, runs are unpriced (`cost` is None) and `max_cost`
raises `NotImplementedError` rather than pretend to guard a budget.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator

from .. import errors

__all__ = ["is_budget_stop", "pricing"]


@contextlib.contextmanager
def pricing(max_cost: float | None) -> Iterator[None]:
    """Price every reply inside the block; with `max_cost`, stop new calls past it."""
    try:
        usage = importlib.import_module("chatplex.chat.usage")
    except ImportError:
        if max_cost is not None:
            raise NotImplementedError(
                "max_cost needs chatplex's cost tracking (chatplex.track_usage), which this "
                "build does not have yet"
            ) from None
        yield
        return
    with usage.track_usage(max_cost=max_cost):
        yield


def is_budget_stop(error: BaseException) -> bool:
    """Whether `error` is a cost budget refusing a call (not a failure of the row)."""
    budget_error = getattr(errors, "BudgetExceededError", None)
    return budget_error is not None and isinstance(error, budget_error)
