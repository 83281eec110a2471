"""What shared budgets have in common: scopes, and the permit (chatplex/http/
_budget_shared.py)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from chatplex.http import Budget
from chatplex.http import RateLimit
from chatplex.http._budget_machine import MachineBudget
from chatplex.http._budget_shared import SCOPES
from chatplex.http._budget_shared import Outcome
from chatplex.http._budget_shared import SharedPermit
from chatplex.http._budget_shared import budget_scope
from chatplex.http._budget_shared import pacing_clock


def test_scopes_are_checked_by_name() -> None:
    assert SCOPES == ("process", "machine", "cluster")
    assert budget_scope("cluster") == "cluster"
    with pytest.raises(ValueError, match="'process', 'machine', 'cluster'"):
        budget_scope("planet")


def test_rate_limit_carries_its_scope_and_shows_it_only_when_shared() -> None:
    assert RateLimit(60).scope == "process"
    assert repr(RateLimit(60)) == (
        "RateLimit(requests_per_minute=60, tokens_per_minute=None, max_in_flight=None)"
    )
    shared = RateLimit.coerce({"requests_per_minute": 60, "scope": "machine"})
    assert shared is not None and shared.scope == "machine"
    assert repr(shared).endswith(", scope='machine')")
    with pytest.raises(ValueError, match="scope"):
        RateLimit(60, scope="galaxy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs a limit to share"):
        RateLimit.coerce({"scope": "machine"})
    assert RateLimit(max_in_flight=4, scope="cluster").scope == "cluster"


def test_a_permit_settles_once_with_what_the_answer_said() -> None:
    seen: list[Outcome] = []
    permit = SharedPermit(lambda p, answer: seen.append(answer), 7, 1.5)
    assert (permit.tokens, permit.admitted_at, permit.released) == (7, 1.5, False)
    permit.release(used_tokens=9, status=429, retry_after=2.0, headers={"x": "y"})
    permit.release(used_tokens=1, status=200)
    assert seen == [Outcome(9, 429, 2.0, {"x": "y"})]  # the headers reach the budget too
    assert permit.released


def test_a_budget_takes_its_clock_and_sleeps_by_name_and_refuses_another() -> None:
    def clock() -> float:
        return 5.0

    budget = Budget(RateLimit(requests_per_minute=60), clock=clock)
    assert budget._clock is clock  # the one given, not time.monotonic
    assert pacing_clock({}) == (time.monotonic, time.sleep, asyncio.sleep)
    with pytest.raises(TypeError, match="clokc"):
        Budget(RateLimit(requests_per_minute=60), clokc=time.monotonic)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="slep"):
        MachineBudget(RateLimit(requests_per_minute=60), Path("unused"), slep=time.sleep)  # type: ignore[call-arg]
