"""What a failed call keeps (`core/partial_results.py`): a stream cut by its deadline
keeps what it yielded on `DeadlineExceededError.partial` (merged as it goes, so a long
stream is held at its reply's size), a batch that raises keeps the outputs that had
finished on `batch_finished`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex import AIMessageChunk
from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex.core import Runnable
from chatplex.core.run_config import RunnableConfig
from chatplex.errors import DeadlineExceededError
from chatplex.messages import merge_chunks

# ---- a stream cut by its deadline keeps what it yielded ---------------------------------


class Cut(Runnable[Any, Any]):
    """Streams `input` (a list), then raises its deadline."""

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        raise AssertionError("not used")

    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
        yield from input
        raise DeadlineExceededError("late", partial=kwargs.get("partial"))

    async def _astream(
        self, input: Any, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        for item in input:
            yield item
        raise DeadlineExceededError("late", partial=kwargs.get("partial"))


def test_a_deadline_in_a_message_stream_carries_what_was_yielded() -> None:
    chunks = [AIMessageChunk("a"), AIMessageChunk("b")]
    with pytest.raises(DeadlineExceededError) as info:
        list(Cut().stream(chunks))
    assert info.value.partial == merge_chunks(chunks)
    with pytest.raises(DeadlineExceededError) as info:
        list(Cut().stream(["not", "messages"]))
    assert info.value.partial is None
    lower = AIMessageChunk("from the http layer")
    with pytest.raises(DeadlineExceededError) as info:
        list(Cut().stream(chunks, partial=lower))
    assert info.value.partial is lower  # a lower layer's partial is kept


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_a_long_message_stream_is_held_merged_and_its_partial_is_all_of_it(sync: bool) -> None:
    """What a stream keeps for its deadline's partial follows the reply's size, not its
    chunk count: message chunks are merged every so often (tracemalloc: of a stream of
    5,000 one-character chunks, at most 512 are held apart, not all 5,000)."""
    import tracemalloc

    def chunks() -> Iterator[AIMessageChunk]:  # made as the stream runs, as a model's are
        return (AIMessageChunk(str(i % 10)) for i in range(5000))

    text = "".join(c.text for c in chunks())

    async def consume() -> None:
        async for _ in Cut().astream(chunks()):
            pass

    tracemalloc.start()
    try:
        with pytest.raises(DeadlineExceededError) as info:
            if sync:
                for _ in Cut().stream(chunks()):
                    pass
            else:
                asyncio.run(consume())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    partial = info.value.partial
    assert isinstance(partial, AIMessageChunk) and partial.text == text
    assert peak < 600 * 1024  # at most 512 chunks unmerged; all 5,000 held were 2.4 MB


def test_a_long_stream_of_other_items_is_kept_as_it_is() -> None:
    items = [str(i) for i in range(3000)]
    with pytest.raises(DeadlineExceededError) as info:
        list(Cut().stream(items))
    assert info.value.partial is None


# ---- a batch that raises keeps the outputs that had finished ------------------------------


class _FailsOnFive:
    """Fails for input 5; records every input it ran."""

    def __init__(self) -> None:
        self.ran: list[int] = []

    def __call__(self, x: int) -> int:
        self.ran.append(x)
        if x == 5:
            raise ValueError("input 5 failed for good")
        return x * 10

    async def acall(self, x: int) -> int:
        return self(x)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_raising_batch_carries_the_outputs_that_had_finished(sync: bool) -> None:
    fails = _FailsOnFive()
    runnable = RunnableLambda(fails, afunc=fails.acall)
    config: RunnableConfig = {"max_concurrency": 1}
    with pytest.raises(ValueError, match="input 5 failed") as caught:  # LangChain's raise
        if sync:
            runnable.batch(list(range(10)), config)
        else:
            await runnable.abatch(list(range(10)), config)
    finished = caught.value.batch_finished  # type: ignore[attr-defined]
    # Every input that ran and succeeded, none lost: async stops at the failure; the
    # thread pool may have started queued inputs before it saw it, and keeps those too.
    assert finished == {x: x * 10 for x in sorted(fails.ran) if x != 5}
    assert set(range(5)) <= set(finished) and 5 not in finished
    if not sync:
        assert sorted(fails.ran) == list(range(6))
    assert list(finished) == sorted(finished)  # in input order
    if hasattr(caught.value, "add_note"):  # Python 3.11+: the traceback says where they are
        count = len(finished)
        notes = getattr(caught.value, "__notes__", [])
        assert any(f"{count} of 10 inputs had finished" in n for n in notes)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_raising_batch_of_a_chat_model_carries_its_finished_replies(sync: bool) -> None:
    # An async-native runnable: the sync batch runs the async one on the portal loop.
    model = FakeChatModel(responses=["a", "b", "c"], errors={"3": RuntimeError("no more")})
    config: RunnableConfig = {"max_concurrency": 1}
    with pytest.raises(RuntimeError, match="no more") as caught:
        if sync:
            model.batch(["1", "2", "3", "4"], config)
        else:
            await model.abatch(["1", "2", "3", "4"], config)
    finished = caught.value.batch_finished  # type: ignore[attr-defined]
    assert {i: m.text for i, m in finished.items()} == {0: "a", 1: "b"}
    assert all(isinstance(m, AIMessage) for m in finished.values())


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_return_exceptions_still_returns_every_slot(sync: bool) -> None:
    fails = _FailsOnFive()
    runnable = RunnableLambda(fails, afunc=fails.acall)
    inputs = list(range(7))
    outs = (
        runnable.batch(inputs, return_exceptions=True)
        if sync
        else await runnable.abatch(inputs, return_exceptions=True)
    )
    assert outs[:5] == [0, 10, 20, 30, 40] and outs[6] == 60
    assert isinstance(outs[5], ValueError) and not hasattr(outs[5], "batch_finished")


class _Frozen(Exception):
    """An exception type that takes no new attribute."""

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")


def _raise_frozen(x: int) -> int:
    if x == 1:
        raise _Frozen("input 1")
    return x


async def _araise_frozen(x: int) -> int:
    return _raise_frozen(x)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_an_error_that_takes_no_attribute_is_raised_as_it_is(sync: bool) -> None:
    runnable = RunnableLambda(_raise_frozen, afunc=_araise_frozen)
    config: RunnableConfig = {"max_concurrency": 1}
    with pytest.raises(_Frozen, match="input 1") as caught:
        if sync:
            runnable.batch([0, 1, 2], config)
        else:
            await runnable.abatch([0, 1, 2], config)
    assert not hasattr(caught.value, "batch_finished")


def test_a_stream_of_many_tool_calls_is_merged_at_o1_a_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each merge walks the calls merged before again: the next one waits for as many
    new chunks as they are, so the calls walked again add up to no more than the chunks
    merged (merged every 512 chunks, 20,000 calls were walked again ~380,000 times)."""
    from chatplex.core import partial_results
    from tests._merges import MergeWalks

    walks = MergeWalks(monkeypatch, partial_results)
    seen = partial_results.YieldedSoFar()
    calls = 20_000
    for k in range(calls):
        fragment = {"name": "add", "args": '{"a": 1}', "id": f"call_{k}", "index": k}
        seen.append(AIMessageChunk(content="", tool_call_chunks=[fragment]))  # type: ignore[list-item]
    assert walks.merges > 1
    assert walks.rewalked <= walks.chunks
    merged = merge_chunks(seen.items)
    assert [c["id"] for c in merged.tool_calls] == [f"call_{k}" for k in range(calls)]
