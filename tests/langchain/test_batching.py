"""chatplex/langchain/batching.py: a raising `batch` / `abatch` under LangChain's names
keeps the replies that had finished on its error (`batch_finished`), sync and async."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest
from langchain_core.runnables import RunnableLambda

import chatplex.langchain as dropins
from chatplex.langchain.batching import abatch_keeping_finished
from chatplex.langchain.batching import batch_keeping_finished
from tests._silent import OPENAI_PIECE
from tests._silent import SilentServer
from tests._silent import closed_by_the_peer
from tests._silent import interrupted


def _doubled_but_three(value: int) -> int:
    if value == 3:
        raise ValueError("three refused")
    return value * 2


async def _adoubled_but_three(value: int) -> int:
    return _doubled_but_three(value)


def test_a_raising_batch_keeps_what_had_finished() -> None:
    model: Any = RunnableLambda(_doubled_but_three)
    with pytest.raises(ValueError, match="three refused") as raised:
        batch_keeping_finished(model, [0, 1, 2, 3, 4], {"max_concurrency": 1}, {})
    finished = raised.value.batch_finished  # type: ignore[attr-defined]
    # One at a time in input order: every input before the refused one had finished.
    assert {i: finished[i] for i in (0, 1, 2)} == {0: 0, 1: 2, 2: 4}
    assert 3 not in finished


def test_a_raising_abatch_keeps_what_had_finished() -> None:
    model: Any = RunnableLambda(_doubled_but_three, afunc=_adoubled_but_three)
    with pytest.raises(ValueError, match="three refused") as raised:
        asyncio.run(abatch_keeping_finished(model, [0, 1, 2, 3], {"max_concurrency": 1}, {}))
    finished = raised.value.batch_finished  # type: ignore[attr-defined]
    assert {i: finished[i] for i in (0, 1, 2)} == {0: 0, 1: 2, 2: 4}
    assert 3 not in finished


def test_a_batch_that_does_not_raise_is_langchains() -> None:
    model: Any = RunnableLambda(lambda value: value + 1)
    assert batch_keeping_finished(model, [1, 2, 3], None, {}) == model.batch([1, 2, 3])
    assert batch_keeping_finished(model, [5], None, {}) == [6]
    got = asyncio.run(abatch_keeping_finished(model, [1, 2], None, {}))
    assert got == [2, 3]


@pytest.mark.usefixtures("collector_as_cpython_sets_it")
def test_both_raise_the_collectors_young_threshold_while_they_run() -> None:
    # As chatplex's own batches (tests/core/test_collector.py): LangChain's batch with a
    # chatplex model spends far less of its CPU in full collections that free nothing.
    model: Any = RunnableLambda(lambda value: gc.get_threshold()[0] + value)
    assert batch_keeping_finished(model, [0, 1], None, {}) == [10_000, 10_001]
    assert asyncio.run(abatch_keeping_finished(model, [0, 1], None, {})) == [10_000, 10_001]
    assert gc.get_threshold()[0] == 700


@pytest.mark.parametrize("name", ["ChatOpenAI", "ChatAnthropic"])
def test_ctrl_c_in_a_drop_ins_sync_batch_cuts_its_calls_in_flight(
    silent: SilentServer, name: str
) -> None:
    # LangChain's pool waits for its threads on the way out, each blocked in a read that
    # only its timeout ends (60 s here, 600 s by default): the reads are cut instead, the
    # connections closed, and no retry is sent.
    url = silent.url + "/v1" if name == "ChatOpenAI" else silent.url
    model = getattr(dropins, name)(model="m", base_url=url, api_key="sk-test", timeout=60)
    _interrupted_batch(model, silent)


@pytest.mark.parametrize("stalls", ["before_its_head", "mid_stream"])
def test_ctrl_c_in_a_streamed_drop_in_batch_cuts_its_streams_in_flight(stalls: str) -> None:
    # `streaming=True`: each call a stream, cut while it waits for its head or its next
    # piece.
    server = SilentServer(first_piece=OPENAI_PIECE if stalls == "mid_stream" else None)
    try:
        model = dropins.ChatOpenAI(
            model="m", base_url=server.url + "/v1", api_key="sk-test", timeout=60, streaming=True
        )
        _interrupted_batch(model, server)
    finally:
        server.close()


def _interrupted_batch(model: Any, silent: SilentServer) -> None:
    took = interrupted(lambda: model.batch(["a", "b", "c"]), silent, 3, wait=30)
    assert took < 30  # not the 60 s timeout: the three reads were cut
    for connection in list(silent._held):
        connection.settimeout(30)
        assert closed_by_the_peer(connection)
    assert len(silent._held) == 3  # and no retry came
