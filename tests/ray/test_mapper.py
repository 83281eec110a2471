"""`ChatMapper` on one batch, without a cluster (chatplex/ray/_mapper.py)."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest

pytest.importorskip("ray", reason="needs Ray: pip install 'chatplex[ray]'")
pa = pytest.importorskip("pyarrow")

from _raykit import FakeTally  # noqa: E402
from _raykit import make_model  # noqa: E402

from chatplex.http import add_client_hook  # noqa: E402
from chatplex.ray import OUTPUT_COLUMNS  # noqa: E402
from chatplex.ray import ChatMapper  # noqa: E402
from chatplex.ray._mapper import _hook_client  # noqa: E402
from chatplex.ray._tally import SendLog  # noqa: E402
from chatplex.ray._tally import TallyReport  # noqa: E402
from chatplex.testing.limited_server import LimitedServer  # noqa: E402

pytestmark = pytest.mark.ray


class Echo:
    """A runnable that fails on "bad" and counts how many rows are in the air."""

    def __init__(self) -> None:
        self.in_air = self.most = 0

    async def ainvoke(self, value: Any, config: Any = None) -> str:
        self.in_air += 1
        self.most = max(self.most, self.in_air)
        await asyncio.sleep(0.001)
        self.in_air -= 1
        if value == "bad":
            raise ValueError("bad row")
        return value.upper()


async def test_outcomes_are_columns_and_in_flight_is_bounded() -> None:
    echo = Echo()
    mapper = ChatMapper(echo, max_in_flight=3)
    batch = pa.table({"id": list(range(10)), "prompt": ["a", "bad"] * 5})
    out = await mapper(batch)
    assert out.column_names == ["id", "prompt", *OUTPUT_COLUMNS]
    assert out.column("text").to_pylist() == ["A", None] * 5
    assert out.column("error").to_pylist() == [None, "ValueError: bad row"] * 5
    assert echo.most == 3


async def test_a_factory_builds_the_runnable_and_old_outcomes_are_replaced() -> None:
    mapper = ChatMapper(Echo, input_column="q")
    earlier = pa.table({"q": ["x"], "text": ["stale"], "error": ["old"]})
    out = await mapper(earlier)
    assert out.column("text").to_pylist() == ["X"] and out.column("error").to_pylist() == [None]


def test_what_is_not_a_runnable_is_refused() -> None:
    with pytest.raises(TypeError, match="ainvoke"):
        ChatMapper(42)
    with pytest.raises(ValueError, match="max_in_flight"):
        ChatMapper(Echo(), max_in_flight=0)


class Probe:
    """A runnable calling a chatplex model twice, that checks after the first answer that
    the tally already has the row's send (told by the shared client's request hook)."""

    def __init__(self, base_url: str, tally: FakeTally) -> None:
        self.model = make_model(base_url, scope="process")
        self.tally = tally
        self.seen_before_answer: list[bool] = []

    async def ainvoke(self, value: Any, config: Any = None) -> Any:
        reply = await self.model.ainvoke(value, config)
        self.seen_before_answer.append(int(value[1:]) in self.tally.tally.sends)
        await self.model.ainvoke(value, config)  # a second request: not a second send
        return reply


def with_tally(mapper: ChatMapper) -> FakeTally:
    """`mapper` counting in a `RowTally` behind a fake actor handle."""
    fake = FakeTally()
    mapper._tally, mapper._sends = fake, SendLog(fake)
    add_client_hook(_hook_client)  # what a mapper given a tally's name does
    return fake


async def test_a_batch_run_twice_counts_its_rows_once_and_their_requests_twice() -> None:
    mapper = ChatMapper(Echo, max_in_flight=4)
    fake = with_tally(mapper)
    batch = pa.table({"id": list(range(6)), "prompt": [f"q{i}" for i in range(6)]})
    with LimitedServer(requests_per_minute=600_000) as srv:
        probe = mapper.runnable = Probe(srv.base_url, fake)
        await mapper(batch)
        await mapper(batch)  # as Ray Data runs a lost batch again
        assert srv.stats.requests == 24
    report = fake.tally.report()
    assert report == TallyReport(started=12, finished=6, errors=0, resent=6)
    assert probe.seen_before_answer == [True] * 12


async def test_rows_without_ids_or_model_calls_are_still_counted_once() -> None:
    mapper = ChatMapper(Echo(), max_in_flight=2)
    fake = with_tally(mapper)
    batch = pa.table({"prompt": ["a", "bad", "a"]})
    await mapper(batch)
    await mapper(batch)
    report = fake.tally.report()
    assert (report.finished, report.errors, report.resent) == (3, 1, 3)


class YoungThreshold:
    """A runnable answering with the collector's young threshold as its row runs."""

    async def ainvoke(self, value: Any, config: Any = None) -> str:
        return str(gc.get_threshold()[0])


@pytest.mark.usefixtures("collector_as_cpython_sets_it")
async def test_a_block_raises_the_collectors_young_threshold_while_it_runs() -> None:
    # A block is a batch, as chatplex's own (chatplex/core/collector.py).
    out = await ChatMapper(YoungThreshold())(pa.table({"prompt": ["a", "b"]}))
    assert out.column("text").to_pylist() == ["10000", "10000"]
    assert gc.get_threshold()[0] == 700
