"""`BatchJob`: one batch submission -- however many provider jobs its size needed --
seen as one set of rows in input order.

Every operation is written once as provider steps (`wire.Steps`) and run by the
transport, sync or async (`status` / `astatus`, `cancel` / `acancel`, ...); the handle
is saved after each change. Results are downloaded to files beside the handle (streamed,
kept: collecting again costs no request) and parsed row by row.

    job = model.submit_batch(inputs)          # returns once every job is created
    job.wait(poll_interval=60, timeout=26 * 3600)
    replies = job.results()                   # input order; failed rows hold their error
    job = job.retry_failed()                  # errored + expired rows, as new jobs
"""

from __future__ import annotations

import asyncio
import sys
import time
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import Runnable, RunnableConfig
from ..errors import APIError, DeadlineExceededError
from ..messages import AIMessage
from . import costing
from .errors import BatchExpiredError, BatchFormatError, BatchNotFinishedError
from .spool import Spooler, iter_lines
from .store import Handle, write
from .transport import Transport
from .wire import BatchAPI, Outcome, Steps, index_of

__all__ = ["DEFAULT_POLL_INTERVAL", "DEFAULT_TIMEOUT", "BatchJob", "BatchStatus"]

DEFAULT_POLL_INTERVAL = 30.0
#: The providers' completion window (24 h) and an hour to spare.
DEFAULT_TIMEOUT = 25 * 3600.0
_KINDS = ("pending", "succeeded", "errored", "expired", "canceled")
_POST_CHUNK = 1000


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


class BatchJob:
    """A submitted batch. `id`: chatplex's handle id; `ids`: the provider's job ids;
    `path`: the handle file (`chatplex.batches.load(path)` in any later process)."""

    def __init__(
        self,
        handle: Handle,
        api: BatchAPI,
        transport: Transport,
        *,
        post: Runnable[Any, Any] | None = None,
        config: RunnableConfig | None = None,
    ) -> None:
        self.handle = handle
        self.api = api
        self.transport = transport
        self.post = post
        self.config = config

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
        for job in self.handle.jobs:
            if job.get("id") and not job.get("ended"):
                state = yield from self.api.poll(job)
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
        totals = dict.fromkeys(_KINDS, 0)
        jobs: list[tuple[str | None, str]] = []
        for job in self.handle.jobs:
            counts = job.get("counts") or {"pending": job["count"]}
            gone = job.get("superseded") or {}
            for kind in _KINDS:
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
        for job in self.handle.jobs:
            if job.get("id") and not job.get("ended"):
                state = yield from self.api.cancel(job)
                job.update(state.refs, status=state.status, ended=state.ended)
                job["counts"] = _fill(state.counts, job["count"], state.ended)
                self.save()
        return self._summary()

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

    def results(self, return_exceptions: bool = True) -> list[Any]:
        """Every row's reply in input order (through the chain's steps after the model,
        if submitted from a chain). A failed row holds its typed error; with
        `return_exceptions=False` the first one (in input order) is raised instead.
        Inside `chatplex.track_usage()` every call counts the rows it returns."""
        self.transport.run(self._download_steps())
        rows, _ = self._collect()
        return self._finish(rows, return_exceptions)

    async def aresults(self, return_exceptions: bool = True) -> list[Any]:
        await self.transport.arun(self._download_steps())
        rows, _ = await asyncio.to_thread(self._collect)
        return await self._afinish(rows, return_exceptions)

    def _collect(self) -> tuple[list[Outcome], array[int]]:
        """Parse every job's result files into one row list; the latest job holding a row
        answers it. A row its job ended without answering becomes an error (never None)."""
        count, prefix = self.handle.count, self.handle.prefix
        rows: list[Any] = [None] * count
        owner = array("i", [-1]) * count
        for number, job in enumerate(self.handle.jobs):
            for path in job.get("results") or ():
                for line in iter_lines(path):
                    cid, outcome = self.api.parse_row(line)
                    index = index_of(prefix, cid, count)
                    if index is None:
                        raise BatchFormatError(f"{path}: custom_id {cid!r} is not from this batch")
                    rows[index], owner[index] = outcome, number
            counts = dict.fromkeys(_KINDS, 0)
            for start, stop in job["ranges"]:
                for index in range(start, stop):
                    if owner[index] != number:
                        rows[index], owner[index] = self._unanswered(job, index), number
                    counts[_kind(rows[index])] += 1
            job["counts"], job["collected"] = counts, True
        self.save()
        return rows, owner

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

    def _finish(self, rows: list[Outcome], return_exceptions: bool) -> list[Any]:
        replies = self._prepare_rows(rows)
        out: list[Any] = list(rows)
        if self.post is not None:
            for start in range(0, len(replies), _POST_CHUNK):
                part = replies[start : start + _POST_CHUNK]
                done = self.post.batch([rows[i] for i in part], self.config, return_exceptions=True)
                for index, value in zip(part, done, strict=True):
                    out[index] = value
        return _raise_first(out, return_exceptions)

    async def _afinish(self, rows: list[Outcome], return_exceptions: bool) -> list[Any]:
        replies = self._prepare_rows(rows)
        out: list[Any] = list(rows)
        if self.post is not None:
            for start in range(0, len(replies), _POST_CHUNK):
                part = replies[start : start + _POST_CHUNK]
                done = await self.post.abatch(
                    [rows[i] for i in part], self.config, return_exceptions=True
                )
                for index, value in zip(part, done, strict=True):
                    out[index] = value
        return _raise_first(out, return_exceptions)

    # ---- retrying --------------------------------------------------------------------

    def _plan_retry(self, collected: tuple[list[Outcome], array[int]]) -> int:
        """Spool the errored and expired rows into new job files; how many there are."""
        rows, owner = collected
        failed = bytearray(self.handle.count)
        for index, row in enumerate(rows):
            if isinstance(row, APIError) and _kind(row) in ("errored", "expired"):
                failed[index] = 1
        total = sum(failed)
        if not total:
            return 0
        round_ = 1 + max((job.get("round", 0) for job in self.handle.jobs), default=0)
        spooler = Spooler(
            self.handle.data_dir, f"retry{round_}", self.api.limits, self.api.framing()
        )
        new: list[dict[str, Any]] = []
        for number, job in enumerate(list(self.handle.jobs)):
            gone = dict.fromkeys(_KINDS, 0)
            for line in iter_lines(job["requests"]):
                at = _line_index(line, self.handle.prefix, self.handle.count)
                # Taken from the job that answered the row last: counted there as retried.
                if at is None or not failed[at] or owner[at] != number:
                    continue
                gone[_kind(rows[at])] += 1
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
        if self._plan_retry(self._collect()):
            self.submit_remaining()
        return self

    async def aretry_failed(self) -> BatchJob:
        await self.transport.arun(self._download_steps())
        collected = await asyncio.to_thread(self._collect)
        if self._plan_retry(collected):
            await self.asubmit_remaining()
        return self


def _fill(counts: Mapping[str, int], size: int, ended: bool) -> dict[str, int]:
    """Counts that add up to the job's size (a job still validating reports zeros)."""
    out = {kind: int(counts.get(kind, 0)) for kind in _KINDS}
    answered = sum(out[k] for k in _KINDS if k != "pending")
    out["pending"] = 0 if ended else max(out["pending"], size - answered)
    return out


def _kind(row: Any) -> str:
    if isinstance(row, AIMessage):
        return "succeeded"
    if isinstance(row, BatchExpiredError):
        return "expired"
    if type(row).__name__ == "BatchCanceledError":
        return "canceled"
    return "errored"


def _line_index(line: bytes, prefix: str, count: int) -> int | None:
    # Lines start with {"custom_id":"<id>" (chatplex writes them so): no JSON parse.
    start = line.find(b'"custom_id":"')
    if start < 0:
        return None
    start += len(b'"custom_id":"')
    end = line.find(b'"', start)
    return index_of(prefix, line[start:end].decode("ascii", "replace"), count)


def _raise_first(out: list[Any], return_exceptions: bool) -> list[Any]:
    if not return_exceptions:
        for index, value in enumerate(out):
            if isinstance(value, BaseException):
                note = getattr(value, "add_note", None)  # Python 3.11+
                if note is not None:
                    note(f"(batch row {index})")
                raise value
    return out
