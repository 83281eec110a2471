"""A batch protocol's steps (a generator of HTTP calls that takes each reply back) run
against scripted replies, as a transport would drive them."""

from __future__ import annotations

from typing import Any

from chatplex.adapters.batch_api import Call
from chatplex.adapters.batch_api import Reply


def drive(steps: Any, replies: list[Reply]) -> tuple[list[Call], Any]:
    """The calls `steps` made, given `replies` in turn, and what it returned."""
    calls = [next(steps)]
    try:
        for reply in replies:
            calls.append(steps.send(reply))
    except StopIteration as done:
        return calls, done.value
    raise AssertionError("the steps wanted more replies")
