"""`BatchJob`: one batch submission -- however many provider jobs its size needed --
seen as one set of rows in input order.

Every operation is written once as provider steps (`adapters.batch_api.Steps`) and run by
the transport, sync or async (`status` / `astatus`, `cancel` / `acancel`, ...); the
handle is saved after each change. Results are downloaded to files beside the handle (streamed,
kept: collecting again costs no request) and parsed row by row.

    job = model.submit_batch(inputs)          # returns once every job is created
    job.wait(poll_interval=60, timeout=26 * 3600)
    replies = job.results()                   # input order; failed rows hold their error
    for reply in job.iter_results(): ...      # the same, one slice in memory at a time
    job = job.retry_failed()                  # errored + expired rows, as new jobs
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import KW_ONLY
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..adapters.batch_api import BatchAPI
from ..adapters.batch_api import Outcome
from ..adapters.batch_api import RemoteState
from ..adapters.batch_api import Steps
from ..core import Runnable
from ..core import RunnableConfig
from ..errors import APIError
from ..errors import DeadlineExceededError
from ..messages import AIMessage
from . import costing
from .collect import KINDS
from .collect import Located
from .collect import RowReader
from .collect import locate
from .errors import BatchNotFinishedError
from .spool import Spooler
from .spool import iter_lines
from .store import Handle
from .store import write
from .transport import Transport
from .wire import index_of

__all__ = ["DEFAULT_POLL_INTERVAL", "DEFAULT_TIMEOUT", "BatchJob", "BatchStatus"]

DEFAULT_POLL_INTERVAL = 30.0
#: The providers' completion window (24 h) and an hour to spare.
DEFAULT_TIMEOUT = 25 * 3600.0
#: Rows read back, priced and passed through the chain's later steps at a time.
_SLICE = 1000


@dataclass(frozen=True)
class BatchStatus:
    """Row counts over every job of a batch (a retried row counts once, as its latest
    job answered it), and each job's id and status ("ended (<provider status>)" once it
    ended). OpenAI reports expired rows among the errored until `results()` read them."""

    pending: int
    succeeded: int
    errored: int
    expired: int
    canceled: int
    jobs: tuple[tuple[str | None, str], ...]

    @property
    def total(self) -> int:
        return self.pending + self.succeeded + self.errored + self.expired + self.canceled

    @property
    def done(self) -> bool:
        """No row pending and every job ended."""
        return self.pending == 0 and all(status.startswith("ended") for _, status in self.jobs)

    def __str__(self) -> str:
        return (
            f"{self.succeeded + self.errored + self.expired + self.canceled}/{self.total} done "
            f"(succeeded {self.succeeded}, errored {self.errored}, expired {self.expired}, "
            f"canceled {self.canceled}; {len(self.jobs)} job(s))"
        )


@dataclass(eq=False, repr=False)  # a job is itself, not its fields; the repr is below
class BatchJob:
    """A submitted batch. `id`: chatplex's handle id; `ids`: the provider's job ids;
    `path`: the handle file (`chatplex.batches.load(path)` in any later process)."""

    handle: Handle
    api: BatchAPI
    transport: Transport
    _: KW_ONLY
    post: Runnable[Any, Any] | None = None
    config: RunnableConfig | None = None

    def __repr__(self) -> str:
        return (
            f"BatchJob(id={self.id!r}, provider={self.provider!r}, count={self.count}, "
            f"jobs={len(self.handle.jobs)})"
        )

    @property
    def id(self) -> str:
        return self.handle.id

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(job["id"] for job in self.handle.jobs if job.get("id"))

    @property
    def provider(self) -> str:
        return self.handle.provider

    @property
    def count(self) -> int:
        return self.handle.count

    @property
    def path(self) -> Path:
        return self.handle.path

    def save(self, path: str | Path | None = None) -> Path:
        """Write the handle (to `path`, else where it lives); returns where it went."""
        return write(self.handle, Path(path) if path is not None else None)

    # ---- submitting ------------------------------------------------------------------

    def _submit_steps(self) -> Steps[None]:
        for number, job in enumerate(self.handle.jobs):
            if job.get("id"):
                continue
            label = f"{self.handle.id}/{number}"
            created = yield from self.api.create(job["requests"], job["count"], label)
            job.update(created)
            job["status"] = str(created.get("status") or "submitted")
            self.save()  # each job is on disk the moment it exists

    def submit_remaining(self) -> BatchJob:
        """Create the jobs not created yet (a submission cut short, a retry); returns self."""
        self.transport.run(self._submit_steps())
        return self

    async def asubmit_remaining(self) -> BatchJob:
        await self.transport.arun(self._submit_steps())
        return self

    # ---- status ----------------------------------------------------------------------

    def _status_steps(self) -> Steps[BatchStatus]:
        return self._ask_unfinished(self.api.poll)

    def _ask_unfinished(
        self, ask: Callable[[Mapping[str, Any]], Steps[RemoteState]]
    ) -> Steps[BatchStatus]:
        """`ask` (the API's poll or cancel) each job not ended yet, keeping what it
        answers (saved at once), then the summary of all jobs."""
        for job in self.handle.jobs:
            if job.get("id") and not job.get("ended"):
                state = yield from ask(job)
                job.update(state.refs, status=state.status, ended=state.ended)
                job["counts"] = _fill(state.counts, job["count"], state.ended)
                self.save()
        return self._summary()

    def status(self) -> BatchStatus:
        """Ask each unfinished job for its counts (one request each)."""
        return self.transport.run(self._status_steps())

    async def astatus(self) -> BatchStatus:
        return await self.transport.arun(self._status_steps())

    def _summary(self) -> BatchStatus:
        totals = dict.fromkeys(KINDS, 0)
        jobs: list[tuple[str | None, str]] = []
        for job in self.handle.jobs:
            counts = job.get("counts") or {"pending": job["count"]}
            gone = job.get("superseded") or {}
            for kind in KINDS:
                totals[kind] += int(counts.get(kind, 0)) - int(gone.get(kind, 0))
            state = str(job.get("status"))
            jobs.append((job.get("id"), f"ended ({state})" if job.get("ended") else state))
        return BatchStatus(jobs=tuple(jobs), **totals)

    # ---- waiting ---------------------------------------------------------------------

    def wait(
        self,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        timeout: float = DEFAULT_TIMEOUT,
        progress: bool | Callable[[BatchStatus], None] = True,
    ) -> BatchStatus:
        """Poll until every job ended; raises `DeadlineExceededError` after `timeout`
        seconds (the jobs keep running: collect them later from the handle).
        `progress`: True prints a line to stderr when the counts change; a callable
        gets each `BatchStatus`."""
        deadline = self._begin_wait(poll_interval, timeout)
        seen: list[BatchStatus] = []
        while True:
            status = self.status()
            remaining = self._after_poll(status, deadline, progress, seen)
            if remaining is None:
                return status
            time.sleep(min(poll_interval, remaining))

    async def await_completion(
        self,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        timeout: float = DEFAULT_TIMEOUT,
        progress: bool | Callable[[BatchStatus], None] = True,
    ) -> BatchStatus:
        """The async `wait`."""
        deadline = self._begin_wait(poll_interval, timeout)
        seen: list[BatchStatus] = []
        while True:
            status = await self.astatus()
            remaining = self._after_poll(status, deadline, progress, seen)
            if remaining is None:
                return status
            await asyncio.sleep(min(poll_interval, remaining))

    def _begin_wait(self, poll_interval: float, timeout: float) -> float:
        if not poll_interval > 0 or not timeout >= 0:
            raise ValueError(
                f"poll_interval must be > 0 and timeout >= 0, got {poll_interval}, {timeout}"
            )
        unsent = [n for n, job in enumerate(self.handle.jobs) if not job.get("id")]
        if unsent:
            raise BatchNotFinishedError(
                f"job(s) {unsent} of {self.id} were never created: call submit_remaining()"
            )
        return time.monotonic() + timeout

    def _after_poll(
        self,
        status: BatchStatus,
        deadline: float,
        progress: bool | Callable[[BatchStatus], None],
        seen: list[BatchStatus],
    ) -> float | None:
        """Report; None when done, else the seconds left before the deadline."""
        if callable(progress):
            progress(status)
        elif progress and (not seen or seen[-1] != status):
            print(f"[batch {self.id}] {status}", file=sys.stderr, flush=True)
        seen[:] = [status]
        if status.done:
            return None
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceededError(
                f"batch {self.id} still running after the wait's timeout ({status}); "
                f"it keeps running: collect it later with chatplex.batches.load({str(self.path)!r})"
            )
        return remaining

    # ---- canceling -------------------------------------------------------------------

    def _cancel_steps(self) -> Steps[BatchStatus]:
        return self._ask_unfinished(self.api.cancel)

    def cancel(self) -> BatchStatus:
        """Ask every unfinished job to stop. Rows already run stay billed and collectable;
        the rest end as `BatchCanceledError` once the provider finishes canceling."""
        return self.transport.run(self._cancel_steps())

    async def acancel(self) -> BatchStatus:
        return await self.transport.arun(self._cancel_steps())

    # ---- results ---------------------------------------------------------------------

    def _download_steps(self) -> Steps[None]:
        if any(job.get("id") and not job.get("ended") for job in self.handle.jobs):
            yield from self._status_steps()
        status = self._summary()
        if not all(job.get("ended") for job in self.handle.jobs):
            raise BatchNotFinishedError(f"batch {self.id} is not finished: {status}; wait() first")
        for number, job in enumerate(self.handle.jobs):
            if not job.get("collected"):
                dest = str(self.handle.data_dir / f"job-{number}")
                job["results"] = yield from self.api.download(job, dest)
                self.save()

    def iter_results(self, return_exceptions: bool = True) -> Iterator[Any]:
        """`results()` row by row, in input order, holding one slice of 1,000 replies
        in memory whatever the batch's size (plus 17 bytes a row of bookkeeping). With
        `return_exceptions=False` the first failed row raises when it is reached."""
        self.transport.run(self._download_steps())
        found = self._locate()
        with self._reader(found) as reader:
            for start in range(0, self.count, _SLICE):
                rows = reader.read(start, min(start + _SLICE, self.count))
                yield from _raise_first(self._finish(rows), return_exceptions, start)

    def results(self, return_exceptions: bool = True) -> list[Any]:
        """Every row's reply in input order (through the chain's steps after the model,
        if submitted from a chain). A failed row holds its typed error; with
        `return_exceptions=False` the first one (in input order) is raised instead.
        Inside `chatplex.track_usage()` every call counts the rows it returns. For a
        large batch, `iter_results()` gives the same rows without holding them all."""
        return list(self.iter_results(return_exceptions))

    async def aiter_results(self, return_exceptions: bool = True) -> AsyncIterator[Any]:
        """The async `iter_results` (files are read in a worker thread, a slice at a
        time, so the event loop keeps running)."""
        await self.transport.arun(self._download_steps())
        found = await asyncio.to_thread(self._locate)
        with self._reader(found) as reader:
            for start in range(0, self.count, _SLICE):
                stop = min(start + _SLICE, self.count)
                rows = await asyncio.to_thread(reader.read, start, stop)
                for value in _raise_first(await self._afinish(rows), return_exceptions, start):
                    yield value

    async def aresults(self, return_exceptions: bool = True) -> list[Any]:
        return [row async for row in self.aiter_results(return_exceptions)]

    def _locate(self) -> Located:
        found = locate(self.handle, self.api)
        self.save()
        return found

    def _reader(self, found: Located) -> RowReader:
        return RowReader(
            found, self.api, lambda number, index: self._unanswered(self.handle.jobs[number], index)
        )

    def _unanswered(self, job: Mapping[str, Any], index: int) -> APIError:
        reason = job.get("errors") or f"the job ended as {job.get('status')!r}"
        return APIError(
            f"batch job {job.get('id')} returned no result for row {index} ({reason})",
            provider=self.provider,
        )

    def _prepare_rows(self, rows: list[Outcome]) -> list[int]:
        """Price the replies (batch rates) and count them in `track_usage()`; the indices
        of the replies, for the chain's later steps."""
        url = self.transport.base_url
        replies = []
        for index, row in enumerate(rows):
            if isinstance(row, AIMessage):
                costing.charge(row, self.provider, self.handle.model, url)
                replies.append(index)
        return replies

    def _finish(self, rows: list[Outcome]) -> list[Any]:
        """One slice of rows, priced, through the chain's later steps."""
        replies = self._prepare_rows(rows)
        out: list[Any] = list(rows)
        if self.post is not None and replies:
            done = self.post.batch([rows[i] for i in replies], self.config, return_exceptions=True)
            for index, value in zip(replies, done, strict=True):
                out[index] = value
        return out

    async def _afinish(self, rows: list[Outcome]) -> list[Any]:
        replies = self._prepare_rows(rows)
        out: list[Any] = list(rows)
        if self.post is not None and replies:
            done = await self.post.abatch(
                [rows[i] for i in replies], self.config, return_exceptions=True
            )
            for index, value in zip(replies, done, strict=True):
                out[index] = value
        return out

    # ---- retrying --------------------------------------------------------------------

    def _plan_retry(self, found: Located) -> int:
        """Spool the errored and expired rows into new job files; how many there are."""
        retried = {KINDS.index("errored"), KINDS.index("expired")}
        failed = bytearray(kind in retried for kind in found.kind)
        total = sum(failed)
        if not total:
            return 0
        round_ = 1 + max((job.get("round", 0) for job in self.handle.jobs), default=0)
        spooler = Spooler(
            self.handle.data_dir, f"retry{round_}", self.api.limits, self.api.framing()
        )
        new: list[dict[str, Any]] = []
        for number, job in enumerate(list(self.handle.jobs)):
            gone = dict.fromkeys(KINDS, 0)
            for line in iter_lines(job["requests"]):
                at = _line_index(line, self.handle.prefix, self.handle.count)
                # Taken from the job that answered the row last: counted there as retried.
                if at is None or not failed[at] or found.owner[at] != number:
                    continue
                gone[found.kind_name(at)] += 1
                closed = spooler.add(at, line.rstrip(b"\n"))
                if closed:
                    new.append(closed)
            job["superseded"] = {
                k: job.get("superseded", {}).get(k, 0) + v for k, v in gone.items()
            }
        last = spooler.close()
        if last:
            new.append(last)
        for record in new:
            record["round"] = round_
        self.handle.jobs.extend(new)
        self.save()
        return total

    def retry_failed(self) -> BatchJob:
        """Send the errored and expired rows again as new jobs of this batch (saved in
        the same handle) and return it: `wait()` and `results()` then merge the answers,
        each row answered by its latest job. Canceled rows are left as they are."""
        self.transport.run(self._download_steps())
        if self._plan_retry(self._locate()):
            self.submit_remaining()
        return self

    async def aretry_failed(self) -> BatchJob:
        await self.transport.arun(self._download_steps())
        found = await asyncio.to_thread(self._locate)
        if self._plan_retry(found):
            await self.asubmit_remaining()
        return self


def _fill(counts: Mapping[str, int], size: int, ended: bool) -> dict[str, int]:
    """Counts that add up to the job's size (a job still validating reports zeros)."""
    out = {kind: int(counts.get(kind, 0)) for kind in KINDS}
    answered = sum(out[k] for k in KINDS if k != "pending")
    out["pending"] = 0 if ended else max(out["pending"], size - answered)
    return out


def _line_index(line: bytes, prefix: str, count: int) -> int | None:
    # Lines start with {"custom_id":"<id>" (chatplex writes them so): no JSON parse.
    start = line.find(b'"custom_id":"')
    if start < 0:
        return None
    start += len(b'"custom_id":"')
    end = line.find(b'"', start)
    return index_of(prefix, line[start:end].decode("ascii", "replace"), count)


def _raise_first(out: list[Any], return_exceptions: bool, start: int) -> list[Any]:
    """`out` (rows from `start` on), or its first error raised, noting the row."""
    if not return_exceptions:
        for index, value in enumerate(out):
            if isinstance(value, BaseException):
                note = getattr(value, "add_note", None)  # Python 3.11+
                if note is not None:
                    note(f"(batch row {start + index})")
                raise value
    return out
