"""chatplex/core/collector.py: the garbage collector's young threshold, raised while a
batch runs and put back after, and the objects found at its start frozen out of the
collections' way and thawed after, in every batch chatplex runs (sync and async), sharing
one process-wide setting between nested and overlapping batches."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import RunnableLambda
from chatplex.core import collector
from chatplex.core.collector import BATCH_YOUNG_THRESHOLD

VARIABLE = "CHATPLEX_GC_THRESHOLD"


class Thaws:
    """The collector's clock for these tests, and the collections that thaw (`fire`)."""

    def __init__(self) -> None:
        self.clock = 0.0

    def fire(self, at: float) -> None:
        """A young collection at `at` seconds (its `gc.callbacks` run as any run)."""
        self.clock = at
        gc.collect(0)


@pytest.fixture(autouse=True)
def collector_as_found(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, int, int]]:
    """CPython's thresholds for each test, nothing frozen and the collector's state fresh
    (a test worker freezes what it loaded, and the batches of earlier tests in it found
    that freeze), and whatever it found put back after."""
    monkeypatch.delenv(VARIABLE, raising=False)
    for name, fresh in (("_frozen", False), ("_foreign", False), ("_thaw_at", 0.0)):
        monkeypatch.setattr(collector, name, fresh)
    found, enabled = gc.get_threshold(), gc.isenabled()
    was_frozen = gc.get_freeze_count() > 0
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    gc.enable()
    yield gc.get_threshold()
    gc.set_threshold(*found)
    (gc.enable if enabled else gc.disable)()
    gc.unfreeze()
    if was_frozen:
        gc.freeze()


@pytest.fixture(autouse=True)
def thaws(monkeypatch: pytest.MonkeyPatch) -> Thaws:
    thaws = Thaws()
    monkeypatch.setattr(collector, "_now", lambda: thaws.clock)
    return thaws


def young() -> int:
    return gc.get_threshold()[0]


def thaws_pending() -> bool:
    """Frozen by chatplex, for a later collection to thaw."""
    return collector._frozen and gc.get_freeze_count() > 0


def test_a_batch_raises_the_young_threshold_and_puts_it_back() -> None:
    with collector.batching():
        assert gc.get_threshold() == (BATCH_YOUNG_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_batch_freezes_the_objects_it_finds_and_a_collection_thaws_them_a_while_after(
    thaws: Thaws,
) -> None:
    with collector.batching():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() > 0  # a chain's next steps still find them frozen
    thaws.fire(collector.THAW_AFTER - 1)
    assert thaws_pending()
    thaws.fire(collector.THAW_AFTER)
    assert gc.get_freeze_count() == 0 and not collector._frozen


def test_a_collection_while_a_batch_runs_leaves_the_thaw_to_a_later_one(thaws: Thaws) -> None:
    with collector.batching():
        pass
    thaws.clock = 5.0
    with collector.batching():
        thaws.fire(10.0)  # (the first batch's moment came, but a batch runs: no thaw)
        assert thaws_pending()
        thaws.clock = 12.0
    thaws.fire(21.0)
    assert thaws_pending()
    thaws.fire(22.0)
    assert gc.get_freeze_count() == 0


def test_batches_ending_meanwhile_move_the_thaw_on(thaws: Thaws) -> None:
    for at in (0.0, 2.0, 6.0):  # three small batches
        thaws.clock = at
        with collector.batching():
            pass
    thaws.fire(10.0)  # 4 s early for the last batch's end
    assert thaws_pending()
    thaws.fire(16.0)
    assert gc.get_freeze_count() == 0


def test_no_thread_waits_for_the_thaw() -> None:
    # A thread left waiting would make a fork after an abatch warn on Python 3.12+
    # ("This process is multi-threaded, use of fork() may lead to deadlocks").
    before = set(threading.enumerate())
    with collector.batching():
        pass
    assert thaws_pending() and set(threading.enumerate()) == before


def test_a_cleared_callback_list_gets_the_thaw_back_at_the_next_batchs_end(
    thaws: Thaws,
) -> None:
    with collector.batching():
        pass
    gc.callbacks.remove(collector._on_collection)  # (as `gc.callbacks.clear()` would)
    with collector.batching():
        pass
    thaws.fire(collector.THAW_AFTER)
    assert gc.get_freeze_count() == 0


def test_a_collection_in_a_thread_holding_the_lock_leaves_the_thaw_to_the_next(
    thaws: Thaws,
) -> None:
    # The callback runs in whatever thread allocated, which may be inside a batch's own
    # bookkeeping: it never waits for the lock.
    with collector.batching():
        pass
    with collector._lock:
        thaws.fire(collector.THAW_AFTER)
        assert thaws_pending()
    thaws.fire(collector.THAW_AFTER)
    assert gc.get_freeze_count() == 0


def test_cyclic_garbage_made_of_older_objects_is_freed_after_the_thaw(thaws: Thaws) -> None:
    # The cost of freezing: a cycle made before the batch and let go during it is not
    # collected while it is frozen; once thawed, the collector sees it again.
    class Node:
        other: Any = None

    node = Node()
    node.other = node
    gone = weakref.ref(node)
    with collector.batching():
        del node
        gc.collect()
        assert gone() is not None
    thaws.fire(collector.THAW_AFTER)
    gc.collect()
    assert gone() is None


def test_objects_a_process_froze_itself_are_left_as_they_are() -> None:
    # A server that freezes before forking keeps its choice: no freeze, no thaw, and
    # none later either (the freeze count is a walk of what is frozen: asked once).
    # The count may fall meanwhile (a frozen object freed by its last reference, in any
    # thread), never rise: chatplex's freeze would add what was made since.
    gc.freeze()
    own = gc.get_freeze_count()
    made_since = [[] for _ in range(100)]
    with collector.batching():
        assert not collector._frozen and gc.get_freeze_count() <= own
    assert gc.get_freeze_count() <= own and not collector._frozen and made_since
    gc.unfreeze()
    with collector.batching():
        assert gc.get_freeze_count() == 0


def test_a_freeze_made_while_chatplexs_is_in_force_is_thawed_with_it(thaws: Thaws) -> None:
    # CPython thaws everything at once: the cost, named in decision 015.
    with collector.batching():
        keep = [[] for _ in range(50)]
        gc.freeze()
    thaws.fire(collector.THAW_AFTER)
    assert gc.get_freeze_count() == 0 and keep


def test_a_failing_batch_puts_it_back_too() -> None:
    with pytest.raises(KeyError), collector.batching():
        raise KeyError("refused")
    assert young() == 700 and thaws_pending()


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
        assert young() == 700 and gc.get_freeze_count() == 0
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


def test_the_variable_sets_the_value_or_turns_it_off(
    monkeypatch: pytest.MonkeyPatch, thaws: Thaws
) -> None:
    monkeypatch.setenv(VARIABLE, "5000")
    with collector.batching():
        assert young() == 5_000
    assert young() == 700
    thaws.fire(collector.THAW_AFTER)
    monkeypatch.setenv(VARIABLE, "0")
    with collector.batching():
        assert young() == 700 and gc.get_freeze_count() == 0


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
    found, thawed = young(), gc.get_freeze_count() == 0
    with collector.batching():
        inside, frozen = young(), gc.get_freeze_count() > 0
    report.put((found, thawed, inside, frozen, young(), thaws_pending()))


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
        assert gc.get_freeze_count() > 0
    assert child.exitcode == 0
    assert report.get(timeout=5) == (700, True, BATCH_YOUNG_THRESHOLD, True, 700, True)
    assert young() == 700


def test_a_batch_going_on_in_a_forked_child_ends_without_counting_below_zero() -> None:
    # As `os.fork()` inside a batch leaves the child in it: its end counts nothing below 0.
    with collector.batching():
        collector._after_fork_in_child()  # what the child runs at fork
        assert young() == 700 and gc.get_freeze_count() == 0
    with collector.batching():
        assert young() == BATCH_YOUNG_THRESHOLD
    assert young() == 700
