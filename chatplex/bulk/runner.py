"""The bulk runner: rows through a runnable, a bounded window in flight, each result
appended to the journal as it finishes.

Memory is bounded by `concurrency`, not by the number of rows: `concurrency` worker
tasks on one event loop pull rows one at a time from a shared (streamed) source, so no
coroutine exists for a row before a worker takes it, and nothing of a finished row is
kept but counters. (LangChain's `abatch` creates every coroutine up front and holds
every result; chatplex's `abatch` holds every result.)

Stopping: the first Ctrl-C (SIGINT) or SIGTERM stops taking rows and lets the rows in
flight finish and be written; a second one cancels them (they are not written: the next
run sends them again). A reached cost budget stops the same way as the first Ctrl-C.
Either way the summary is printed and returned. A SIGKILL loses the rows in flight and
nothing else (see `journal`).

Two faults of the run's setup, not of its rows, stop it the same way and say so in the
summary's `fault`: "setup" when its first SETUP_STOP_AFTER rows all failed to connect or
were refused with 401/403/404 (a wrong --base-url, key or model: thousands of error rows
would say nothing more; a plain rerun sends them again, see `records`), and "output"
when a row cannot be written (a full disk: the file keeps its whole rows). So that a
wrong setup costs exactly those rows, however wide the window, no more than
SETUP_STOP_AFTER rows start until one row is answered; the window then opens whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import sys
import threading
import time
from collections.abc import AsyncIterable
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Coroutine
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from collections.abc import Sized
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import IO
from typing import Any
from typing import ParamSpec
from typing import TypeVar

from ..chat.accounting.usage import UsageTracker
from ..chat.accounting.usage import track_usage
from ..core import Runnable
from ..core import RunnableConfig
from ..core import collector
from ..errors import APIConnectionError
from ..errors import APITimeoutError
from ..secret.urls import redact_urls_in
from .asked import check_asked
from .asked import request_digest
from .idset import IdSet
from .idset import id_key
from .inputs import InputError
from .inputs import Row
from .inputs import check_input
from .inputs import iter_rows
from .journal import Journal
from .journal import OutputWriteError
from .pricing import is_budget_stop
from .pricing import pricing
from .pricing import unpriced_under_budget
from .progress import ProgressDisplay
from .progress import make_display
from .records import ASKED
from .records import error_record
from .records import success_record
from .report import write_report
from .stats import RunStats
from .summary import RunSummary

__all__ = ["DEFAULT_CONCURRENCY", "SETUP_STOP_AFTER", "arun", "check_run_files", "run"]

DEFAULT_CONCURRENCY = 64

#: What `rows` may be: a file (JSONL, CSV, Parquet), or inputs / `Row`s in an iterable.
RowSource = str | Path | Iterable[Any] | AsyncIterable[Any]


#: A run whose first this-many rows all fail to reach the provider stops (see above).
SETUP_STOP_AFTER = 8

_Params = ParamSpec("_Params")
_Result = TypeVar("_Result")


@dataclass(slots=True)
class _Control:
    """Shared by the workers and the signal handler: whether to take more rows, and
    whether the run's setup (not its rows) stopped it."""

    stop_reason: str | None = None
    fault: str | None = None
    interrupts: int = 0
    unreached: int = 0  # failed rows, while no row got an answer of its own
    answered: bool = False  # some row got an answer: the setup works
    probes: int = 0  # rows started while no row was answered (at most SETUP_STOP_AFTER)
    drained: bool = False  # the source has no row left
    settled: asyncio.Event = field(default_factory=asyncio.Event)  # answered, stopping, drained

    @property
    def stopping(self) -> bool:
        return self.stop_reason is not None

    def drain(self) -> None:
        """The source is exhausted: waiting workers find no row and end."""
        self.drained = True
        self.settled.set()

    def stop(self, reason: str, fault: str | None = None) -> None:
        if self.stop_reason is None:
            self.stop_reason, self.fault = reason, fault
        self.settled.set()

    async def admit(self) -> bool:
        """Whether a worker may start another row. Until a row is answered only the
        first SETUP_STOP_AFTER rows start (a wrong URL or key then costs that many error
        rows, not a window of them); the other workers wait for an answer or the stop."""
        while not (self.answered or self.stopping or self.drained) and (
            self.probes >= SETUP_STOP_AFTER
        ):
            await self.settled.wait()
        if not self.answered:
            self.probes += 1
        return not self.stopping

    def finished(self, error: BaseException | None) -> None:
        """Count one row's outcome toward the setup check."""
        if self.answered:
            return
        if error is None or not _unreachable(error):
            self.answered = True
            self.settled.set()
            return
        self.unreached += 1
        if self.unreached >= SETUP_STOP_AFTER:
            self.stop(
                f"the first {self.unreached} rows all failed ({type(error).__name__}: "
                f"{redact_urls_in(str(error))[:300]}); check the base URL, the model and "
                "the key, then run the same command again",
                fault="setup",
            )


def _unreachable(error: BaseException) -> bool:
    """No connection, or refused for the key, a permission, the URL or the model."""
    if isinstance(error, APIConnectionError) and not isinstance(
        error, APITimeoutError | TimeoutError
    ):
        return True
    return getattr(error, "status_code", getattr(error, "status", None)) in (401, 403, 404)


def _write(journal: Journal, record: dict[str, Any], control: _Control) -> bool:
    """Append a row; on a write that fails (a full disk) stop the run, keeping the file
    whole. Whether the row was written."""
    try:
        journal.write(record)
    except OutputWriteError as exc:
        control.stop(f"the output cannot be written: {exc}", fault="output")
        return False
    return True


def _asked(record: dict[str, Any], row: Row) -> dict[str, Any]:
    """The row with what it asked (`asked`), so that a resume notices an edited input."""
    digest = request_digest(row.input)
    if digest is not None:
        record[ASKED] = digest
    return record


def _as_row(item: Any, index: int) -> Row:
    return item if isinstance(item, Row) else Row(index, item, index)


def _check_unique(rows: Iterable[Row]) -> Iterator[Row]:
    """Rows from an iterable: a duplicate id stops the run, named by its position."""
    seen = IdSet()
    for position, row in enumerate(rows):
        key = id_key(row.id)
        if key in seen:
            raise InputError(f"rows[{position}]: duplicate id {row.id!r}")
        seen.add(key)
        yield row


#: Rows already done the feed skips before it lets the event loop run others.
_SKIPS_BETWEEN_YIELDS = 1024


class _Feed:
    """The next row not yet in the journal; sync sources need no lock (each `next` runs
    without awaiting), async ones are read by one worker at a time."""

    def __init__(
        self, source: Iterator[Row] | AsyncIterator[Any], journal: Journal, stats: RunStats
    ):
        self._source = source
        self._journal = journal
        self._stats = stats
        self._lock = asyncio.Lock()
        self._index = 0
        self._seen = IdSet()  # async sources only (sync ones are checked as they stream)

    async def _next_raw(self) -> Row | None:
        if isinstance(self._source, Iterator):
            return next(self._source, None)
        async with self._lock:
            try:
                item = await anext(self._source)
            except StopAsyncIteration:
                return None
            row = _as_row(item, self._index)
            self._index += 1
            key = id_key(row.id)
            if key in self._seen:
                raise InputError(f"row {row.line}: duplicate id {row.id!r}")
            self._seen.add(key)
            return row

    async def next(self) -> Row | None:
        skipped = 0
        while True:
            row = await self._next_raw()
            if row is None or not self._journal.is_done(row.id):
                return row
            self._stats.skipped += 1
            skipped += 1
            if skipped % _SKIPS_BETWEEN_YIELDS == 0:
                # A resume skips its done rows without awaiting (a sync source): let
                # Ctrl-C, SIGTERM and the progress bar in meanwhile.
                await asyncio.sleep(0)


def _open_source(
    rows: RowSource, prompt: str | None
) -> tuple[Iterator[Row] | AsyncIterator[Any], int | None]:
    """The rows to run and how many there are (None if unknown). A file is checked
    whole first, so bad input fails before any request."""
    if isinstance(rows, (str, Path)):
        return iter_rows(rows, prompt=prompt), check_input(rows, prompt=prompt).rows
    if prompt is not None:
        raise TypeError("prompt= applies to a file of rows; format your inputs before passing them")
    if isinstance(rows, AsyncIterable):
        return aiter(rows), None
    count = len(rows) if isinstance(rows, Sized) else None
    if isinstance(rows, Sequence):  # held whole already: its ids checked before any call
        for _ in _check_unique(_as_row(item, i) for i, item in enumerate(rows)):
            pass
        return (_as_row(item, i) for i, item in enumerate(rows)), count
    return _check_unique(_as_row(item, i) for i, item in enumerate(rows)), count


def _reread(rows: RowSource, prompt: str | None) -> Callable[[], Iterable[Row]] | None:
    """The rows again, from the start, for the resume's check of what each asked; None
    for a source read once (an iterator, an async iterable)."""
    if isinstance(rows, (str, Path)):
        return functools.partial(iter_rows, rows, prompt=prompt)
    if isinstance(rows, Sequence):
        return lambda: (_as_row(item, i) for i, item in enumerate(rows))
    return None


def _same_file(one: Path, other: Path) -> bool:
    try:
        if one.exists() and other.exists() and one.samefile(other):
            return True  # (a hard link, a symlink)
    except OSError:
        pass
    return one.resolve() == other.resolve()


def check_run_files(
    rows: RowSource, output: str | Path, written: Mapping[str, str | Path | None]
) -> None:
    """Refuse, before anything is read or sent, a run whose files overlap: an output that
    is the input file (its rows would be read as the output's, every row "already done",
    and its torn last line cut), or a file it writes besides (`written`, by the name the
    caller knows it by: "--report") that is the input, the output or another of them (the
    replies paid for, or the input, overwritten at the end of the run). Such a file that
    cannot be made where it is named (a folder, in a folder that does not exist or is not
    writable) is refused too: found at the end, it was found after every row was paid."""
    source = Path(rows) if isinstance(rows, (str, Path)) else None
    if source is not None and _same_file(source, Path(output)):
        raise InputError(f"{output}: the output is the input file; name another output")
    kept = [("the input file", source), ("the output", Path(output))]
    for name, path in written.items():
        if path is None:
            continue
        for what, other in kept:
            if other is not None and _same_file(Path(path), other):
                raise InputError(f"{name} {path}: it is {what}; name another file")
        _refuse_unwritable(name, Path(path))
        kept.append((name, Path(path)))


def _refuse_unwritable(name: str, path: Path) -> None:
    if path.is_dir():
        raise InputError(f"{name} {path}: it is a folder; name a file")
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"{name} {path}: the folder {folder} does not exist")
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise InputError(f"{name} {path}: not writable here")


async def _work(
    runnable: Runnable[Any, Any],
    config: RunnableConfig | None,
    feed: _Feed,
    journal: Journal,
    stats: RunStats,
    control: _Control,
    display: ProgressDisplay | None,
    budget: UsageTracker,
) -> None:
    while await control.admit():
        row = await feed.next()
        if row is None:
            control.drain()
            return
        if control.stopping:  # stopped while the feed skipped done rows: not started
            return
        stats.in_flight += 1
        started = time.perf_counter()
        spent = track_usage()  # this row's replies (a parsed output drops their usage)
        try:
            with spent:
                output = await runnable.ainvoke(row.input, config)
        except asyncio.CancelledError:  # a second Ctrl-C: its request may have been sent
            stats.cancelled += 1
            raise
        except Exception as exc:  # noqa: BLE001 - a failed row is a row of the output
            if is_budget_stop(exc):
                control.stop("cost budget reached")  # not sent: the next run sends it
                continue
            control.finished(exc)
            record = _asked(error_record(row.id, exc, spent), row)
            if _write(journal, record, control):
                latency = time.perf_counter() - started
                stats.record_failure(getattr(exc, "attempts", 1), latency, record)
        else:
            control.finished(None)
            record = _asked(
                success_record(row.id, output, time.perf_counter() - started, spent), row
            )
            if _write(journal, record, control):
                stats.record_success(record)
            unpriced = unpriced_under_budget(budget)
            if unpriced:
                control.stop(
                    f"--max-cost cannot be kept: the price table has no price for "
                    f"{', '.join(unpriced)} (its replies cost an unknown amount); run "
                    "without --max-cost, or with a model the table prices",
                    fault="setup",
                )
        finally:
            stats.in_flight -= 1
        if display is not None:
            display.refresh()


async def _tick(display: ProgressDisplay, every_s: float) -> None:
    # Redraws while rows are slow (a 30-second call would freeze the bar otherwise).
    while True:
        await asyncio.sleep(every_s)
        display.refresh()


#: The signals that stop a run gracefully, the stop reason each gives, and how the
#: notice names a second one. SIGTERM is how `kill`, systemd, Docker and Kubernetes stop
#: a process: as the first Ctrl-C, the rows in flight (paid for) are finished and
#: written, rather than lost with the lock left behind.
_STOP_SIGNALS = {
    signal.SIGINT: ("interrupted", "Ctrl-C"),
    signal.SIGTERM: ("terminated", "SIGTERM"),
}


def _on_stop_signal(
    signum: signal.Signals,
    control: _Control,
    workers: list[asyncio.Task[None]],
    notice: IO[str],
) -> None:
    control.interrupts += 1
    reason, name = _STOP_SIGNALS[signum]
    if control.interrupts == 1:
        control.stop(reason)
        print(
            f"\nchatplex run: stopping: finishing the rows in flight ({name} again to cancel them)",
            file=notice,
            flush=True,
        )
    else:
        # The last signal names the stop, as a shell's exit status does (143: SIGTERM).
        control.stop_reason = "terminated" if signum == signal.SIGTERM else "cancelled"
        for worker in workers:
            worker.cancel()


@contextlib.contextmanager
def _stop_signal_handlers(
    enabled: bool, control: _Control, workers: list[asyncio.Task[None]], notice: IO[str]
) -> Iterator[None]:
    """Ctrl-C and SIGTERM stop the run gracefully while it runs (main thread only)."""
    loop = asyncio.get_running_loop()
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return
    for signum in _STOP_SIGNALS:
        loop.add_signal_handler(signum, _on_stop_signal, signum, control, workers, notice)
    try:
        yield
    finally:
        for signum in _STOP_SIGNALS:
            loop.remove_signal_handler(signum)


async def _run_workers(workers: list[asyncio.Task[None]]) -> None:
    """Wait for every worker; on a worker's error cancel the others, then raise it."""
    try:
        done, pending = await asyncio.wait(workers, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        for worker in workers:
            if not worker.done():
                worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    for worker in done:
        if not worker.cancelled() and worker.exception() is not None:
            raise worker.exception()  # type: ignore[misc]


async def arun(
    runnable: Runnable[Any, Any],
    rows: RowSource,
    *,
    output: str | Path,
    prompt: str | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    config: RunnableConfig | None = None,
    retry_failed: bool = False,
    max_cost: float | None = None,
    progress: bool = True,
    progress_file: IO[str] | None = None,
    progress_interval_s: float = 10.0,
    handle_sigint: bool = True,
    report: str | Path | None = None,
    report_settings: Mapping[str, object] | None = None,
    made_with: Mapping[str, object] | None = None,
    redo_changed: bool = False,
) -> RunSummary:
    """Run every row through `runnable`, appending one output row each to `output`.

    `rows`: a JSONL / CSV / Parquet file (`prompt` a template over its fields), or an
    iterable or async iterable of inputs (ids: their position, from 0) or `Row`s. Rows
    whose id is already in `output` are skipped (`retry_failed`: except those that ended
    in an error). At most `concurrency` rows in flight. `max_cost` (USD) stops taking
    rows once the replies' cost reaches it. `progress`: a bar on a terminal, a line every
    `progress_interval_s` seconds otherwise (to `progress_file`, stderr by default), and
    the summary at the end. `handle_sigint`: Ctrl-C and SIGTERM stop gracefully (main
    thread only).
    `report`: write an HTML page charting the whole output there (every run that wrote
    to it; see `report`), listing `report_settings` (what the run was asked to do).
    `made_with` (the CLI: the models), with `prompt`, is kept beside the output, in
    OUT.run.json: a later run on the same output with others is refused
    (`SettingsChangedError`), as its rows would mix with these. A row done whose input
    asks something else now (an edited prompt; a line inserted above rows whose id is
    their line) is refused before any request (`InputChangedError`), or with
    `redo_changed` asked again, its row replaced (see `asked`; a file or a sequence is
    checked, an iterator cannot be read twice and is not).
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    if max_cost is not None and not max_cost > 0:  # (nan too)
        raise ValueError(f"max_cost must be positive, got {max_cost}")
    check_run_files(rows, output, {"report": report})
    source, total = _open_source(rows, prompt)
    notice = progress_file if progress_file is not None else sys.stderr
    control = _Control()
    with (
        pricing(max_cost) as budget,
        collector.batching(),
        Journal(
            output, retry_failed=retry_failed, made_with={**(made_with or {}), "prompt": prompt}
        ) as journal,
    ):
        check_asked(journal, _reread(rows, prompt), redo_changed=redo_changed)
        stats = RunStats(total=total)
        display = make_display(stats, notice, interval_s=progress_interval_s) if progress else None
        feed = _Feed(source, journal, stats)
        workers = [
            asyncio.create_task(
                _work(runnable, config, feed, journal, stats, control, display, budget)
            )
            for _ in range(concurrency)
        ]
        ticker = asyncio.create_task(_tick(display, 1.0)) if display is not None else None
        try:
            with _stop_signal_handlers(handle_sigint, control, workers, notice):
                await _run_workers(workers)
        finally:
            if ticker is not None:
                ticker.cancel()
                await asyncio.gather(ticker, return_exceptions=True)
            stats.finish()
            if display is not None:
                display.close()
    summary = RunSummary.from_stats(
        stats,
        output=Path(output),
        stop_reason=control.stop_reason,
        fault=control.fault,
        failed_before=journal.state.failed,
        redone=journal.state.redone,
    )
    if report is not None:
        write_report(report, summary, output, report_settings)
    if progress:
        print(summary.format(), file=notice, flush=True)
    return summary


def _sync_twin(
    arun: Callable[_Params, Coroutine[Any, Any, _Result]],
) -> Callable[_Params, _Result]:
    """`arun` for sync code: the same parameters (shown as its), on a new event loop."""

    @functools.wraps(arun)
    def run(*args: _Params.args, **kwargs: _Params.kwargs) -> _Result:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError("chatplex.bulk.run() inside a running event loop: await bulk.arun()")
        return asyncio.run(arun(*args, **kwargs))

    run.__name__ = run.__qualname__ = "run"
    run.__doc__ = (
        "`arun` on a new event loop (from sync code; inside a running loop, await `arun`)."
    )
    return run


run = _sync_twin(arun)
