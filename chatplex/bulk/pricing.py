"""Cost for a bulk run: replies priced while it runs, and a budget that stops it.

Pricing and budgets are chatplex's usage tracking (`chatplex.track_usage`): replies are
priced inside a tracking block (their `response_metadata["cost"]`), and a call that would
start past `max_cost` raises `BudgetExceededError` instead of sending.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..chat.accounting.usage import UsageTracker
from ..chat.accounting.usage import track_usage
from ..errors import BudgetExceededError

__all__ = ["is_budget_stop", "pricing", "unpriced_under_budget"]


@contextlib.contextmanager
def pricing(max_cost: float | None) -> Iterator[UsageTracker]:
    """Price every reply inside the block; with `max_cost`, stop new calls past it."""
    with track_usage(max_cost=max_cost) as tracker:
        yield tracker


def unpriced_under_budget(tracker: UsageTracker) -> list[str]:
    """With a budget, the models whose replies had no price (a budget cannot count them:
    the run must stop, not spend without limit); none without a budget."""
    if tracker.max_cost is None:
        return []
    return tracker.unpriced_models()


def is_budget_stop(error: BaseException) -> bool:
    """Whether `error` is a cost budget refusing a call (not a failure of the row)."""
    return isinstance(error, BudgetExceededError)
