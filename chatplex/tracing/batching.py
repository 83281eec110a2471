"""Finished runs handed to the langsmith client in batches, from one background thread.

`Client.create_run` per run costs the calling thread (the event loop of a bulk run) the
client's transform, serialization and compression of that run, and wakes the client's
sender thread once per run; on a busy process the wake-ups alone cost as much as the
rest (bench/README.md, "Tracing"). `RunBatcher.put` only appends the run to a list; a
thread of its own takes what has gathered every `interval` seconds (or as soon as
`max_batch` runs wait) and hands it to `send` in one call (`Client.multipart_ingest`:
one transform pass and one `POST /runs/multipart` per batch).

With `prepare` (chatplex's own sender), the thread does not wait for a whole batch to
turn runs into what is sent: it hands them to `prepare` a few at a time
(`prepare_every`) as they come, and `send` gets what was prepared once per `interval`
(or `max_batch` runs, or `max_weight` bytes as `weigh` tells). A run's objects then
live for milliseconds, not up to `interval`: runs held ~0.1 s outlived two collections
of the garbage collector's young generations, and their numbers in the old one set off
an extra full collection in a 1,000-row run.

The queue is bounded (`max_pending` runs waiting): a run that finds it full is dropped
at once, never making the caller wait, counted (`dropped`) and logged (at the first drop
of a spell, and the total at exit). Nothing is dropped silently: a batch `send` refuses
is logged with its size; at process exit (`atexit`) what is still waiting is sent, for
at most `exit_deadline` seconds, and what that deadline cuts off is logged.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["RunBatcher"]

logger = logging.getLogger("chatplex.tracing")


class RunBatcher:
    """Gathers runs (`put`) and sends them in batches from a daemon thread (see the
    module docstring). `flush()` waits until every run put so far is sent (or failed)."""

    def __init__(
        self,
        send: Callable[[list[Any]], None],
        *,
        max_batch: int = 200,
        interval: float = 0.1,
        exit_deadline: float = 30.0,
        max_pending: int = 50_000,
        prepare: Callable[[list[Any]], Any] | None = None,
        prepare_every: int = 16,
        weigh: Callable[[Any], int] | None = None,
        max_weight: int = 8 << 20,
    ) -> None:
        if max_batch < 1 or interval <= 0 or exit_deadline <= 0 or max_pending < 1:
            raise ValueError(
                "max_batch >= 1, interval > 0, exit_deadline > 0 and max_pending >= 1 are needed"
            )
        if prepare_every < 1:
            raise ValueError("prepare_every >= 1 is needed")
        self._send = send
        self._prepare = prepare
        #: With `prepare`: what is held prepared is sent once it weighs `max_weight`
        #: (`weigh(piece)`: its bytes), whatever the run count.
        self._weigh = weigh
        self.max_weight = max_weight
        self.prepare_every = prepare_every
        self.max_pending = max_pending
        #: Runs dropped because the queue was full (since the start, or the fork).
        self.dropped = 0
        self._dropping = False  # in a spell of drops: logged once per spell
        self.max_batch = max_batch
        self.interval = interval
        self.exit_deadline = exit_deadline
        self._pending: list[dict[str, Any]] = []
        self._put_count = 0  # runs put so far
        self._done_count = 0  # runs sent (or failed) so far
        # `put` takes the lock itself (the Condition's `with` is a Python-level call more
        # on every traced call); the same lock, so waiting and notifying stay consistent.
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._urgent = 0  # callers of flush() waiting: send without gathering
        #: The thread waits for a first run with no timer of its own: only then does a
        #: run that finds the queue empty wake it (with its timer set, it comes anyway).
        self._idle = False
        #: Runs waiting that wake the thread: a batch to send, or a few to prepare.
        self._wake_at = max_batch if prepare is None else min(prepare_every, max_batch)
        self._thread: threading.Thread | None = None
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._forget_parent)

    def put(self, run: dict[str, Any]) -> None:
        """Queue `run`; never waits for the network. Wakes the sender only when it idles
        (the first run after a quiet spell) or a full batch waits: a wake-up per batch,
        not per run."""
        with self._lock:
            pending = self._pending
            waiting = len(pending)  # before this run
            if waiting >= self.max_pending:
                self.dropped += 1
                if not self._dropping:
                    self._dropping = True
                    logger.warning(
                        "LangSmith: %d runs waiting to be sent already: dropping new runs "
                        "until the sender catches up",
                        self.max_pending,
                    )
                return
            self._dropping = False
            pending.append(run)
            self._put_count += 1
            if self._thread is None:
                self._start()
            elif (waiting == 0 and self._idle) or waiting + 1 >= self._wake_at:
                self._changed.notify_all()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every run put so far is sent; False if `timeout` (seconds) ran out
        first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            target = self._put_count
            self._urgent += 1  # send now, without gathering more
            self._changed.notify_all()
            try:
                while self._done_count < target:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        return False
                    self._changed.wait(left)
            finally:
                self._urgent -= 1
        return True

    def _forget_parent(self) -> None:
        """In a forked child: the parent's thread does not exist here, and the runs it
        had waiting are the parent's to send; this process starts afresh."""
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._pending = []
        self._put_count = self._done_count = self._urgent = self.dropped = 0
        self._dropping = self._idle = False
        self._thread = None

    def _start(self) -> None:  # called under the lock
        self._thread = threading.Thread(target=self._loop, name="chatplex-langsmith", daemon=True)
        self._thread.start()
        atexit.register(self._at_exit)

    def _loop(self) -> None:
        if self._prepare is not None:
            self._loop_preparing(self._prepare)
            return
        while True:
            with self._changed:
                while not self._pending:  # idle until a run comes
                    self._idle = True
                    self._changed.wait()
                self._idle = False
                if len(self._pending) < self.max_batch and not self._urgent:
                    self._changed.wait(self.interval)  # gather a batch
                batch = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
            self._send_batch(batch)

    def _loop_preparing(self, prepare: Callable[[list[Any]], Any]) -> None:
        """With `prepare`: runs are prepared a few at a time as they come (the runs'
        objects then die young, before the garbage collector's older generations see
        them), and what was prepared is sent once per `interval` (or `max_batch` runs)."""
        pieces: list[Any] = []
        weigh = self._weigh
        weight = 0  # what the pieces weigh
        count = 0  # runs prepared, not sent yet
        failed = 0  # runs whose preparing failed (counted as done at the next send)
        send_at: float | None = None  # when what gathered goes: `interval` after it came
        while True:
            with self._changed:
                while True:
                    now = time.monotonic()
                    waiting = len(self._pending)
                    if send_at is None and (waiting or count or failed):
                        send_at = now + self.interval
                    due = send_at is not None and (
                        self._urgent > 0
                        or now >= send_at
                        or count + waiting >= self.max_batch
                        or weight >= self.max_weight
                    )
                    if due or waiting >= self.prepare_every:
                        break
                    self._idle = send_at is None
                    self._changed.wait(None if send_at is None else send_at - now)
                self._idle = False
                take = max(self.max_batch - count, 0)
                batch = self._pending[:take]
                del self._pending[:take]
            if batch:
                try:
                    piece = prepare(batch)
                    pieces.append(piece)
                    count += len(batch)
                    if weigh is not None:
                        weight += weigh(piece)
                except Exception as exc:  # tracing never breaks the program it watches
                    logger.warning("LangSmith: %d runs not sent: %r", len(batch), exc)
                    failed += len(batch)
            if due or weight >= self.max_weight:
                self._send_prepared(pieces, count, failed)
                pieces, count, failed, send_at, weight = [], 0, 0, None, 0

    def _send_prepared(self, pieces: list[Any], count: int, failed: int) -> None:
        try:
            if count:
                self._send(pieces)
        except Exception as exc:  # tracing never breaks the program it watches
            logger.warning("LangSmith: %d runs not sent: %r", count, exc)
        finally:
            with self._changed:
                self._done_count += count + failed
                self._changed.notify_all()

    def _send_batch(self, batch: list[dict[str, Any]]) -> None:
        try:
            self._send(batch)
        except Exception as exc:  # tracing never breaks the program it watches
            logger.warning("LangSmith: %d runs not sent: %r", len(batch), exc)
        finally:
            with self._changed:
                self._done_count += len(batch)
                self._changed.notify_all()

    def _at_exit(self) -> None:
        if self.dropped:
            logger.warning("LangSmith: %d runs dropped: the queue was full", self.dropped)
        if not self.flush(self.exit_deadline):
            with self._changed:
                left = self._put_count - self._done_count
            logger.warning(
                "LangSmith: %d runs not sent: exit deadline of %g s reached",
                left,
                self.exit_deadline,
            )
