"""`stream_taps`: a chatplex run's stream pieces reach LangChain's streaming handlers
through their `tap_output_iter`, as a LangChain runnable's do."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import RunnableLambda
from chatplex.core.stream_taps import StreamTaps


class _Tapping:
    """A handler with LangChain's tap: notes each piece of each run it taps."""

    def __init__(self) -> None:
        self.tapped: list[tuple[Any, Any]] = []

    def tap_output_iter(self, run_id: Any, output: Iterator[Any]) -> Iterator[Any]:
        for piece in output:
            self.tapped.append((run_id, piece))
            yield piece


def test_each_piece_goes_through_each_handlers_tap_at_once() -> None:
    first, second = _Tapping(), _Tapping()
    taps = StreamTaps([first, object(), second], "run-1")  # a handler without a tap: none
    assert taps
    taps.push("a")
    assert first.tapped == second.tapped == [("run-1", "a")]  # before the next piece
    taps.push("")
    assert first.tapped == [("run-1", "a"), ("run-1", "")]
    assert not StreamTaps([object()], "run-2")


@pytest.mark.parametrize("sync", [True, False])
async def test_a_chatplex_runs_stream_is_tapped(sync: bool) -> None:
    def pieces(text: str) -> Iterator[str]:
        yield from text.split()

    handler = _Tapping()
    config: Any = {"callbacks": [handler]}
    chain = RunnableLambda(pieces)
    if sync:
        out = list(chain.stream("a b", config))
    else:
        out = [p async for p in chain.astream("a b", config)]
    assert out == [piece for _, piece in handler.tapped] == ["a", "b"]


@pytest.mark.parametrize("last", ["chatplex", "langchain"])
async def test_langchains_event_stream_hears_a_chatplex_steps_stream(last: str) -> None:
    # A chatplex step in a LangChain chain streams to LangChain's event stream as the
    # LangChain step it replaces: the same events, in the same order.
    from langchain_core.runnables import RunnableLambda as LCLambda

    step = RunnableLambda if last == "chatplex" else LCLambda
    chain = LCLambda(lambda x: x + 1) | step(lambda x: x * 2)
    events = [
        (e["event"], e["name"], e["data"].get("chunk"))
        async for e in chain.astream_events(1, version="v2")
    ]
    assert events == [
        ("on_chain_start", "RunnableSequence", None),
        ("on_chain_start", "RunnableLambda", None),
        ("on_chain_stream", "RunnableLambda", 2),
        ("on_chain_start", "RunnableLambda", None),
        ("on_chain_end", "RunnableLambda", None),
        ("on_chain_stream", "RunnableLambda", 4),  # the last step's: was missing
        ("on_chain_stream", "RunnableSequence", 4),
        ("on_chain_end", "RunnableLambda", None),
        ("on_chain_end", "RunnableSequence", None),
    ]
