"""RunBatcher: runs gathered into batches, sent from one thread, none lost silently."""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from typing import Any

import pytest

from chatplex.tracing.batching import RunBatcher


class Recorder:
    """A `send` that records each batch; optionally blocks until released, or fails."""

    def __init__(self, fail: bool = False, block: bool = False) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.fail = fail
        self.release = threading.Event()
        if not block:
            self.release.set()

    def __call__(self, batch: list[dict[str, Any]]) -> None:
        self.release.wait(30)
        self.batches.append(list(batch))
        if self.fail:
            raise RuntimeError("endpoint refused")


def test_every_run_is_sent_once_in_order_in_batches_no_bigger_than_max() -> None:
    send = Recorder()
    batcher = RunBatcher(send, max_batch=7, interval=0.05)
    for index in range(100):
        batcher.put({"id": index})
    assert batcher.flush(timeout=30) is True
    sent = [run["id"] for batch in send.batches for run in batch]
    assert sent == list(range(100))
    assert all(1 <= len(batch) <= 7 for batch in send.batches)
    assert len(send.batches) >= 100 // 7


def test_runs_put_while_a_batch_is_sending_wait_and_go_in_one_batch() -> None:
    send = Recorder(block=True)
    batcher = RunBatcher(send, max_batch=1000, interval=0.01)
    batcher.put({"id": "first"})
    for index in range(50):  # the sender is stuck on "first" (or gathering): these wait
        batcher.put({"id": index})
    send.release.set()
    assert batcher.flush(timeout=30)
    sent = [run["id"] for batch in send.batches for run in batch]
    assert sent == ["first", *range(50)]
    assert len(send.batches) <= 2  # not one call per run


def test_a_refused_batch_is_logged_with_its_size_and_flush_still_returns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    send = Recorder(fail=True)
    batcher = RunBatcher(send, max_batch=10, interval=0.01)
    with caplog.at_level(logging.WARNING, logger="chatplex.tracing"):
        for index in range(3):
            batcher.put({"id": index})
        assert batcher.flush(timeout=30)
    assert "3 runs not sent" in caplog.text
    assert sum(len(b) for b in send.batches) == 3


def test_flush_gives_up_at_its_timeout_when_the_endpoint_hangs() -> None:
    send = Recorder(block=True)
    batcher = RunBatcher(send, interval=0.01)
    batcher.put({"id": 1})
    assert batcher.flush(timeout=0.2) is False
    send.release.set()
    assert batcher.flush(timeout=30) is True


def test_exit_sends_what_waits_and_logs_what_its_deadline_cuts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    send = Recorder(block=True)
    batcher = RunBatcher(send, interval=0.01, exit_deadline=0.2)
    batcher.put({"id": 1})
    batcher.put({"id": 2})
    with caplog.at_level(logging.WARNING, logger="chatplex.tracing"):
        batcher._at_exit()
    assert "2 runs not sent: exit deadline of 0.2 s reached" in caplog.text
    send.release.set()
    assert batcher.flush(timeout=30)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="chatplex.tracing"):
        batcher._at_exit()  # everything sent: nothing to say
    assert caplog.text == ""


@pytest.mark.parametrize(
    "settings", [{"max_batch": 0}, {"interval": 0}, {"exit_deadline": -1}, {"max_pending": 0}]
)
def test_bad_settings_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="max_batch"):
        RunBatcher(Recorder(), **settings)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_forked_child_sends_its_own_runs_with_a_thread_of_its_own() -> None:
    read_end, write_end = os.pipe()
    sent: list[dict[str, Any]] = []
    batcher = RunBatcher(lambda batch: sent.extend(batch), interval=0.01)
    batcher.put({"id": "parent"})
    assert batcher.flush(timeout=30)
    pid = os.fork()
    if pid == 0:  # the child: report what it sent through the pipe, then leave at once
        try:
            sent.clear()
            batcher.put({"id": "child"})
            ok = batcher.flush(timeout=30)
            os.write(write_end, f"{ok} {[r['id'] for r in sent]}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    report = os.read(read_end, 1000).decode()
    os.close(read_end)
    assert os.waitstatus_to_exitcode(status) == 0
    assert report == "True ['child']"
    assert [r["id"] for r in sent] == ["parent"]


def test_a_full_queue_drops_new_runs_counts_and_logs_them_and_never_blocks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    send = Recorder(block=True)
    batcher = RunBatcher(send, max_batch=1, interval=0.01, max_pending=3)
    with caplog.at_level(logging.WARNING, logger="chatplex.tracing"):
        batcher.put({"id": "first"})
        deadline = time.monotonic() + 30
        while batcher._pending and time.monotonic() < deadline:
            time.sleep(0.001)  # until the sender took "first" (and is stuck on it)
        for index in range(10):  # 3 fit; the others are dropped, without waiting
            batcher.put({"id": index})
    assert batcher.dropped == 7
    assert caplog.text.count("dropping new runs") == 1  # once per spell, not per run
    send.release.set()
    assert batcher.flush(timeout=30)
    sent = [run["id"] for batch in send.batches for run in batch]
    assert len(sent) == 11 - batcher.dropped
    batcher.put({"id": "after"})  # room again: taken
    assert batcher.flush(timeout=30)
    assert send.batches[-1] == [{"id": "after"}]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="chatplex.tracing"):
        batcher._at_exit()
    assert f"{batcher.dropped} runs dropped: the queue was full" in caplog.text
    atexit.unregister(batcher._at_exit)  # said once here; not again when pytest exits


def test_with_prepare_runs_are_prepared_a_few_at_a_time_and_sent_together() -> None:
    """`prepare` gets the runs in small groups as they come; `send` gets what was
    prepared, in order, in calls covering at most `max_batch` runs."""
    prepared: list[list[int]] = []

    def prepare(batch: list[dict[str, Any]]) -> list[int]:
        prepared.append([run["id"] for run in batch])
        return [run["id"] for run in batch]

    send = Recorder()
    batcher = RunBatcher(send, max_batch=40, interval=30.0, prepare=prepare, prepare_every=4)
    for start in range(0, 100, 4):
        for index in range(start, start + 4):
            batcher.put({"id": index})
        # Four waiting wake the thread, which prepares them without waiting for more.
        waited = time.monotonic() + 30
        while sum(map(len, prepared)) < start + 4 and time.monotonic() < waited:
            time.sleep(0.001)
    # The interval is long: only full `max_batch` sends went before the flush.
    assert len(send.batches) == 2
    assert batcher.flush(timeout=30) is True
    assert prepared == [list(range(i, i + 4)) for i in range(0, 100, 4)]
    sent = [i for call in send.batches for piece in call for i in piece]
    assert sent == list(range(100))
    assert [sum(map(len, call)) for call in send.batches] == [40, 40, 20]


def test_with_prepare_a_failure_is_logged_counted_and_flush_returns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def prepare(batch: list[dict[str, Any]]) -> Any:
        if any(run["id"] == "bad" for run in batch):
            raise ValueError("cannot write it")
        return batch

    send = Recorder()
    batcher = RunBatcher(send, interval=0.01, prepare=prepare, prepare_every=1)
    with caplog.at_level(logging.WARNING, logger="chatplex.tracing"):
        batcher.put({"id": "bad"})
        assert batcher.flush(timeout=30) is True
        batcher.put({"id": "good"})
        assert batcher.flush(timeout=30) is True
    assert "1 runs not sent" in caplog.text and "cannot write it" in caplog.text
    assert [run["id"] for call in send.batches for piece in call for run in piece] == ["good"]
    with pytest.raises(ValueError, match="prepare_every"):
        RunBatcher(send, prepare=prepare, prepare_every=0)


def test_a_run_finding_the_queue_empty_wakes_the_thread_only_when_it_idles() -> None:
    """With its send timer set, the preparing thread comes at the timer (or at
    `prepare_every` runs): a run that finds the queue empty does not wake it for nothing."""
    sent: list[Any] = []
    batcher = RunBatcher(sent.extend, interval=30.0, prepare=list, prepare_every=16)
    for i in range(16):  # a batch to prepare: taken at once, and the timer set
        batcher.put({"id": i})
    deadline = time.monotonic() + 5
    while batcher._pending and time.monotonic() < deadline:
        time.sleep(0.001)
    assert not batcher._pending
    notified: list[int] = []
    notify = batcher._changed.notify_all

    def counting() -> None:
        notified.append(1)
        notify()

    batcher._changed.notify_all = counting  # type: ignore[method-assign]
    for i in range(16, 19):
        batcher.put({"id": i})
    assert notified == []
    assert batcher.flush(5.0)
    assert [run["id"] for batch in sent for run in batch] == list(range(19))


def test_with_prepare_what_is_held_goes_once_it_weighs_enough() -> None:
    """`max_weight`: the prepared pieces go once they weigh that much (`weigh`: their
    bytes), before the interval and whatever the run count."""
    prepared: list[int] = []

    def prepare(batch: list[dict[str, Any]]) -> bytes:
        prepared.extend(run["id"] for run in batch)
        return b"x" * (10 * len(batch))

    send = Recorder()
    batcher = RunBatcher(
        send, max_batch=1000, interval=30.0, prepare=prepare, prepare_every=2,
        weigh=len, max_weight=40,
    )  # fmt: skip
    for start in range(0, 8, 2):
        batcher.put({"id": start})
        batcher.put({"id": start + 1})
        waited = time.monotonic() + 30
        while len(prepared) < start + 2 and time.monotonic() < waited:
            time.sleep(0.001)
    waited = time.monotonic() + 30
    while len(send.batches) < 2 and time.monotonic() < waited:
        time.sleep(0.001)
    # The interval is long: the bytes alone sent them, 40 at a time.
    assert [sum(map(len, call)) for call in send.batches] == [40, 40]
    assert batcher.flush(timeout=30) is True
