"""A message's `repr` and `str` beside langchain-core's: a ported script that prints its
messages (a history, a prompt's `format_messages`) prints the same text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

lc_messages = pytest.importorskip("langchain_core.messages")

from chatplex import messages as own_messages  # noqa: E402

USAGE = {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}
CALL = {"name": "f", "args": {"x": 1}, "id": "c1"}

CASES: list[Callable[[Any], Any]] = [
    lambda m: m.HumanMessage("hi"),
    lambda m: m.HumanMessage("a b, c", name="bob", id="h1", additional_kwargs={"k": 1}),
    lambda m: m.SystemMessage([{"type": "text", "text": "be brief"}]),
    lambda m: m.AIMessage("x", id="a1", name="n", usage_metadata=USAGE, tool_calls=[CALL]),
    lambda m: m.AIMessage("", response_metadata={"finish_reason": "stop"}),
    lambda m: m.AIMessageChunk(content="piece"),
    lambda m: m.AIMessageChunk(content="", chunk_position="last"),
    lambda m: m.ToolMessage("42", tool_call_id="c1"),
    lambda m: m.ToolMessage("no", tool_call_id="c1", status="error", artifact=[1], name="f"),
]


@pytest.mark.parametrize("build", CASES)
def test_repr_and_str_are_langchains(build: Callable[[Any], Any]) -> None:
    theirs, ours = build(lc_messages), build(own_messages)
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)
    assert f"{[ours]}" == f"{[theirs]}"  # a printed list shows each message's repr
