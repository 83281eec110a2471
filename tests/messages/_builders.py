"""Builders of the message records the tests compare: tool-call chunks, parsed calls,
usage, a stream's chunks added up pairwise, a conversation's opening turns; the
thinking text of a content list; and two threads stepped through a lazy build
(`held_after_build`)."""

from __future__ import annotations

import functools
import operator
import threading
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

import pytest

from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import BaseMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolCall
from chatplex.messages import ToolCallChunk
from chatplex.messages import UsageMetadata


def tc_chunk(
    index: int | None, *, name: str | None = None, args: str | None = None, id: str | None = None
) -> ToolCallChunk:
    return {"name": name, "args": args, "id": id, "index": index}


def call(name: str, args: dict[str, Any], id: str | None) -> ToolCall:
    """A parsed tool call as `to_message()` builds it."""
    return {"name": name, "args": args, "id": id, "type": "tool_call"}


def usage(
    inp: int,
    out: int,
    *,
    in_details: dict[str, int] | None = None,
    out_details: dict[str, int] | None = None,
) -> UsageMetadata:
    u: UsageMetadata = {"input_tokens": inp, "output_tokens": out, "total_tokens": inp + out}
    if in_details is not None:
        u["input_token_details"] = in_details  # type: ignore[typeddict-item]
    if out_details is not None:
        u["output_token_details"] = out_details  # type: ignore[typeddict-item]
    return u


def add_all(chunks: Sequence[AIMessageChunk]) -> AIMessageChunk:
    """The pairwise, left-to-right sum a LangChain-style loop computes."""
    return functools.reduce(operator.add, chunks)


def opening(**reply: Any) -> list[BaseMessage]:
    """A conversation's first turns, with ids: a system message, a named user's, and the
    AI's reply calling a tool, with its usage (`reply`: more of that reply's fields)."""
    return [
        SystemMessage("Be brief.", id="s"),
        HumanMessage("hi", id="h1", name="ann"),
        AIMessage(
            content="calling",
            id="a1",
            tool_calls=[{"name": "add", "args": {"a": 1}, "id": "c1"}],
            usage_metadata={"input_tokens": 3, "output_tokens": 2, "total_tokens": 5},
            **reply,
        ),
    ]


def thinking_text(content: Any) -> str:
    """The thinking parts' text of a content list, pieces joined."""
    if isinstance(content, str):
        return ""
    return "".join(
        piece["text"]
        for block in content
        if isinstance(block, dict) and block.get("type") == "thinking"
        for piece in block["thinking"]
    )


def held_after_build(
    monkeypatch: pytest.MonkeyPatch,
    build: tuple[Any, str],
    first: Callable[[], Any],
    second: Callable[[], Any],
) -> tuple[Any, Any]:
    """`first()` on a thread of its own, held right after its first call of the builder
    `build` (owner, name) returns (a lazy value built, not stored yet) while `second()`
    runs on this thread to its end; then `first` goes on. Both results, in that order.
    No timing: the steps are ordered by events (the waits' timeouts only stop a hang)."""
    owner, name = build
    original = getattr(owner, name)
    built, go_on = threading.Event(), threading.Event()
    held: list[threading.Thread] = []

    def holding(*args: Any, **kwargs: Any) -> Any:
        value = original(*args, **kwargs)
        if threading.current_thread() in held and not built.is_set():
            built.set()
            assert go_on.wait(10)
        return value

    monkeypatch.setattr(owner, name, holding)
    results: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: results.setdefault("first", first()))
    held.append(thread)
    thread.start()
    assert built.wait(10)
    results["second"] = second()
    go_on.set()
    thread.join(10)
    assert "first" in results, "the held thread failed"
    return results["first"], results["second"]
