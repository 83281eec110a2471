"""`batch_as_completed` beside langchain-core's: each result is yielded as soon as its
call is done, while the others still run."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.core._families import same

pytest.importorskip("langchain_core")


def test_a_result_is_yielded_while_the_other_calls_run() -> None:
    def scenario(m: Any) -> Any:
        got_the_fast_one = threading.Event()

        def step(x: str) -> str:
            if x == "slow":  # runs on until the consumer has had the fast result
                return "released" if got_the_fast_one.wait(timeout=2) else "timed out"
            return x

        seen = []
        for index, out in m.RunnableLambda(step).batch_as_completed(["slow", "fast"]):
            seen.append((index, out))
            got_the_fast_one.set()
        return seen

    assert same(scenario) == [(1, "fast"), (0, "released")]
