from __future__ import annotations

import importlib.util

import pytest

from chatplex import errors
from chatplex.bulk.pricing import is_budget_stop, pricing

HAS_USAGE = importlib.util.find_spec("chatplex.chat.usage") is not None


def test_budget_errors_are_recognised_and_others_not() -> None:
    assert not is_budget_stop(ValueError("x"))
    budget_error = getattr(errors, "BudgetExceededError", None)
    if budget_error is not None:
        assert is_budget_stop(budget_error.__new__(budget_error))


@pytest.mark.skipif(HAS_USAGE, reason="this build has cost tracking")
def test_max_cost_without_cost_tracking_says_so() -> None:
    with pytest.raises(NotImplementedError, match="max_cost needs"), pricing(1.0):
        pass
    with pricing(None):
        pass
