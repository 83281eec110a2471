"""Counting rows across a Ray run: each row once, and the rows whose request went out
again after a worker died.

A worker that dies loses more than the row it was on: Ray Data runs again every batch
that worker had not handed back -- batches still running, and batches it had finished
but whose result had not left the process. Counting by batch (rows started, rows
finished) therefore counted finished rows twice and missed rows that were answered, then
lost, then sent again. So the tally counts by row key (the `id` column, or the row's
place in its batch): a row's outcome is recorded under its key (the last one wins: it is
the one written), and every time a row's first model call of an attempt is about to go
out, that send is recorded -- before the request leaves, awaited, many rows in one call
(`SendLog`). A row sent in two attempts was seen twice by the server; `resent` counts
those extra sends. What it cannot see: a request recorded and then lost with its
process before reaching the wire (counted, never sent), at most the rows that worker had
in flight.

Memory: the tally actor keeps each row's key and counts (~150 bytes a row).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["RowTally", "SendLog", "TallyReport", "tally_actor"]

log = logging.getLogger("chatplex.ray")


@dataclass(frozen=True)
class TallyReport:
    """`started`: row attempts that sent a request (a row sent again after its worker
    died counts again); `finished`: distinct rows with an outcome, each once; `errors`: of
    those, rows whose outcome is an `error`; `answered` = finished - errors; `resent`:
    sends beyond each row's first (the prompts the server saw twice, or more).
    At the end of a run, `finished` is the row count and `answered + errors` too."""

    started: int
    finished: int
    errors: int
    resent: int = 0

    @property
    def answered(self) -> int:
        return self.finished - self.errors


class RowTally:
    """The actor's class (plain Python: tested without Ray). Keys are any hashable,
    picklable row identity."""

    def __init__(self) -> None:
        self.sends: dict[Hashable, int] = {}
        self.outcomes: dict[Hashable, bool] = {}  # key -> whether it is an error

    def sent(self, keys: Sequence[Hashable]) -> None:
        sends = self.sends
        for key in keys:
            sends[key] = sends.get(key, 0) + 1

    def finish(self, keys: Sequence[Hashable], errors: Sequence[bool]) -> None:
        self.outcomes.update(zip(keys, errors, strict=True))

    def report(self) -> TallyReport:
        started = sum(self.sends.values())
        errors = sum(self.outcomes.values())
        return TallyReport(started, len(self.outcomes), errors, started - len(self.sends))


class SendLog:
    """Row sends told to the tally actor before the requests go out, by group commit:
    the rows arriving while one call is on its way go together in the next, so a busy
    worker makes few calls and each row waits at most about two actor round trips."""

    def __init__(self, tally: Any) -> None:
        self._tally = tally
        self._next: tuple[list[Hashable], asyncio.Future[None]] | None = None
        self._turn: asyncio.Lock | None = None  # one call in flight at a time
        self._flushes: set[asyncio.Task[None]] = set()  # held: a task nobody holds may go

    async def sent(self, key: Hashable) -> None:
        """Record that row `key` is about to be sent; returns once the tally has it (or
        the tally could not be told: a count never fails a row)."""
        group = self._next
        if group is None:
            group = self._next = ([], asyncio.get_running_loop().create_future())
            task = asyncio.ensure_future(self._flush(group))
            self._flushes.add(task)
            task.add_done_callback(self._flushes.discard)
        group[0].append(key)
        await asyncio.shield(group[1])

    async def _flush(self, group: tuple[list[Hashable], asyncio.Future[None]]) -> None:
        if self._turn is None:
            self._turn = asyncio.Lock()
        async with self._turn:
            if self._next is group:
                self._next = None  # rows from now on go in the next call
            keys, done = group
            try:
                await self._tally.sent.remote(keys)
            except Exception as exc:  # the tally actor is gone: the rows still run
                log.warning("could not count %d row sends: %s", len(keys), exc)
            finally:
                done.set_result(None)


def tally_actor(name: str) -> Any:
    """The run's tally actor `name` (made on first use; it ends with the Ray job)."""
    import ray

    remote = ray.remote(RowTally)
    return remote.options(
        name=name, namespace="chatplex", get_if_exists=True, num_cpus=0, max_restarts=0
    ).remote()
