"""chatplex/core/collector.py: the garbage collector's young threshold, raised while a
batch runs and put back after, in every batch chatplex runs (sync and async), sharing one
process-wide setting between nested and overlapping batches."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import RunnableLambda
from chatplex.core import collector
from chatplex.core.collector import BATCH_YOUNG_THRESHOLD

VARIABLE = "CHATPLEX_GC_THRESHOLD"


@pytest.fixture(autouse=True)
def collector_as_found(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, int, int]]:
    """CPython's thresholds for each test, and whatever it found put back after."""
    monkeypatch.delenv(VARIABLE, raising=False)
    found, enabled = gc.get_threshold(), gc.isenabled()
    gc.set_threshold(700, 10, 10)
    gc.enable()
    yield gc.get_threshold()
    gc.set_threshold(*found)
    (gc.enable if enabled else gc.disable)()


def young() -> int:
    return gc.get_threshold()[0]


def test_a_batch_raises_the_young_threshold_and_puts_it_back() -> None:
    with collector.batching():
        assert gc.get_threshold() == (BATCH_YOUNG_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_failing_batch_puts_it_back_too() -> None:
    with pytest.raises(KeyError), collector.batching():
        raise KeyError("refused")
    assert young() == 700


def test_nested_batches_put_it_back_when_the_outer_one_ends() -> None:
    with collector.batching():
        with collector.batching():
            assert young() == BATCH_YOUNG_THRESHOLD
        assert young() == BATCH_YOUNG_THRESHOLD
    assert young() == 700


def test_overlapping_batches_in_threads_share_one_setting() -> None:
    inside, release = threading.Barrier(3), threading.Event()
    seen: list[int] = []

    def batch(hold: bool) -> None:
        with collector.batching():
            inside.wait()
            if hold:
                release.wait(5)
            seen.append(young())

    first = threading.Thread(target=batch, args=(False,))
    second = threading.Thread(target=batch, args=(True,))
    first.start()
    second.start()
    inside.wait()
    first.join(5)
    # The first batch ended; the second still runs: the threshold stays raised.
    assert young() == BATCH_YOUNG_THRESHOLD
    release.set()
    second.join(5)
    assert seen == [BATCH_YOUNG_THRESHOLD, BATCH_YOUNG_THRESHOLD]
    assert young() == 700


def test_a_disabled_collector_is_left_alone() -> None:
    gc.disable()
    with collector.batching():
        assert young() == 700
        assert not gc.isenabled()


def test_a_threshold_already_as_high_is_left_alone() -> None:
    gc.set_threshold(50_000, 10, 10)
    with collector.batching():
        assert young() == 50_000
    assert young() == 50_000


def test_a_threshold_set_during_the_batch_stays() -> None:
    with collector.batching():
        gc.set_threshold(3_000, 10, 10)  # the script's own choice, made meanwhile
    assert young() == 3_000


def test_the_variable_sets_the_value_or_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE, "5000")
    with collector.batching():
        assert young() == 5_000
    assert young() == 700
    monkeypatch.setenv(VARIABLE, "0")
    with collector.batching():
        assert young() == 700


@pytest.mark.parametrize("value", ["many", "-1", "1.5"])
def test_a_bad_value_is_refused_by_name_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(VARIABLE, value)
    with pytest.raises(ValueError, match=VARIABLE), collector.batching():
        pass
    monkeypatch.delenv(VARIABLE)
    with collector.batching():  # nothing was left counted as running
        assert young() == BATCH_YOUNG_THRESHOLD
    assert young() == 700


def _young_seen(value: int) -> int:
    return young() + value


async def _ayoung_seen(value: int) -> int:
    await asyncio.sleep(0)
    return young() + value


def test_chatplexs_batches_raise_it_while_they_run() -> None:
    runnable = RunnableLambda(_young_seen, afunc=_ayoung_seen)
    assert runnable.batch([0, 1]) == [BATCH_YOUNG_THRESHOLD, BATCH_YOUNG_THRESHOLD + 1]
    assert asyncio.run(runnable.abatch([0, 1])) == [
        BATCH_YOUNG_THRESHOLD,
        BATCH_YOUNG_THRESHOLD + 1,
    ]
    assert [v for _, v in runnable.batch_as_completed([0])] == [BATCH_YOUNG_THRESHOLD]

    async def as_completed() -> list[Any]:
        return [v async for _, v in runnable.abatch_as_completed([0])]

    assert asyncio.run(as_completed()) == [BATCH_YOUNG_THRESHOLD]
    assert young() == 700


def _in_child(report: Any) -> None:
    found = young()
    with collector.batching():
        inside = young()
    report.put((found, inside, young()))


@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="fork only")
@pytest.mark.filterwarnings("ignore:.*fork.*:DeprecationWarning")
def test_a_child_forked_during_a_batch_starts_with_the_threshold_put_back() -> None:
    # The child runs none of its parent's batches; its own raise and put back as usual.
    context = multiprocessing.get_context("fork")
    report = context.Queue()
    with collector.batching():
        child = context.Process(target=_in_child, args=(report,))
        child.start()
        child.join(30)
        assert young() == BATCH_YOUNG_THRESHOLD  # the parent's batch still runs
    assert child.exitcode == 0
    assert report.get(timeout=5) == (700, BATCH_YOUNG_THRESHOLD, 700)
    assert young() == 700


def test_a_batch_going_on_in_a_forked_child_ends_without_counting_below_zero() -> None:
    # As `os.fork()` inside a batch leaves the child in it: its end counts nothing below 0.
    with collector.batching():
        collector._after_fork_in_child()  # what the child runs at fork
        assert young() == 700
    with collector.batching():
        assert young() == BATCH_YOUNG_THRESHOLD
    assert young() == 700
