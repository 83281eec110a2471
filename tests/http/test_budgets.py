"""`get_budget` picks the budget kind by the limit's scope (chatplex/http/_budgets.py)."""

from __future__ import annotations

import subprocess
import sys

from chatplex.http import Budget
from chatplex.http import RateLimit
from chatplex.http import get_budget
from chatplex.http._budgets import get_budget as dispatching


def test_the_public_get_budget_is_the_dispatcher() -> None:
    assert get_budget is dispatching


def test_process_scope_is_the_in_process_budget() -> None:
    key = ("openai", "http://127.0.0.1/v1", "", "test-budgets-process")
    budget = get_budget(key, RateLimit(60))
    assert isinstance(budget, Budget)
    assert get_budget(key, RateLimit(60)) is budget


def test_an_in_process_budget_loads_neither_shared_kind_nor_ray() -> None:
    code = (
        "import sys, chatplex\n"
        "from chatplex.http import RateLimit, get_budget\n"
        "get_budget(('p', 'u', '', 'm'), RateLimit(60)).acquire(1).release(status=200)\n"
        "loaded = [m for m in ('ray', 'pyarrow', 'chatplex.http._budget_machine',"
        " 'chatplex.http._budget_ray', 'chatplex.ray') if m in sys.modules]\n"
        "print(loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
