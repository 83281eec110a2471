"""Progress of long work: a bar on a terminal, plain periodic lines elsewhere.

The bar is tqdm's (a small, dependency-free, widely used library made for exactly this:
it sizes itself to the terminal, redraws in place, and smooths its rate and ETA). The
fields are chatplex's own: done/total, failed, cached, in flight, requests/s, tokens/s,
cost so far, and the ETA. When the stream is not a terminal (CI logs, `nohup`, a pipe)
a bar's carriage returns would fill the log, so one plain line is written every
`interval_s` seconds instead.

`ProgressCallback` shows the same bar for any `batch` / `abatch` (or anything calling
chat models) through `config={"callbacks": [progress]}`:

>>> with ProgressCallback(total=len(inputs)) as progress:    # doctest: +SKIP
...     model.batch(inputs, config={"callbacks": [progress]})
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from typing import IO
from typing import Any
from typing import Protocol

from ..messages import AIMessage
from .records import success_record
from .stats import RunStats

__all__ = ["LogLines", "ProgressBar", "ProgressCallback", "ProgressDisplay", "make_display"]


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def _count(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:.1f}M"
    if value >= 1e4:
        return f"{value / 1e3:.1f}k"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _cost(stats: RunStats) -> str:
    return "$?" if stats.cost is None else f"${stats.cost:.4f}"


def _parts(stats: RunStats) -> list[str]:
    return [
        f"failed={stats.failed}",
        f"cached={stats.cached}",
        f"in_flight={stats.in_flight}",
        f"req/s={_count(stats.requests_per_s())}",
        f"tok/s={_count(stats.tokens_per_s())}",
        f"cost={_cost(stats)}",
    ]


#: Which counters a narrow bar keeps first (indexes into `_parts`): failed and cost
#: matter most to whoever watches a long run; then speed, then the rest.
_KEEP_ORDER = (0, 5, 3, 2, 1, 4)


def fields(stats: RunStats, width: int | None = None) -> str:
    """The counters after done/total, as both displays show them; at most `width`
    characters (a narrow terminal), keeping the most useful ones, in their usual order."""
    parts = _parts(stats)
    if width is None:
        return " ".join(parts)
    kept: set[int] = set()
    used = -1  # no space before the first
    for index in _KEEP_ORDER:
        if used + 1 + len(parts[index]) <= width:
            kept.add(index)
            used += 1 + len(parts[index])
    return " ".join(part for index, part in enumerate(parts) if index in kept)


class ProgressDisplay(Protocol):
    """Shows a `RunStats`: `refresh()` when it may have changed (cheap when called
    often), `close()` once at the end."""

    def refresh(self, *, force: bool = False) -> None: ...

    def close(self) -> None: ...


def _terminal_width(file: IO[str]) -> int:
    try:
        return os.get_terminal_size(file.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


#: Columns the bar's other parts take, besides the counters: "100%|", a bar of at least
#: ten, "| 123456/123456 [1:02:03<4:05:06] ".
_BAR_FIXED = 48


class ProgressBar:
    """A tqdm bar over a `RunStats` (for terminals). tqdm cuts a line longer than the
    terminal at its end, so the counters are fitted to the width first: at 80 columns
    the bar keeps done/total, failed and cost."""

    def __init__(self, stats: RunStats, file: IO[str], *, min_interval_s: float = 0.1) -> None:
        from tqdm import tqdm  # loaded only when a bar is shown (import time of chatplex)

        self.stats = stats
        self._file = file
        known_width = _terminal_width(file) > 0
        self._bar = tqdm(
            total=stats.total,
            initial=stats.skipped,
            file=file,
            unit="row",
            # A terminal that reports no size (some CI ptys, a fresh `pty.openpty`) makes
            # tqdm draw nothing at all: assume 120 columns and 24 lines there.
            dynamic_ncols=known_width,
            ncols=None if known_width else 120,
            nrows=None if known_width else 24,
            mininterval=min_interval_s,
            smoothing=0.1,
            bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}]{postfix}",
        )
        self._min_interval_s = min_interval_s
        self._next = 0.0

    def refresh(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now < self._next:
            return
        self._next = now + self._min_interval_s
        self._bar.n = self.stats.skipped + self.stats.finished_rows
        columns = _terminal_width(self._file) or 120
        counters = fields(self.stats, max(columns - _BAR_FIXED, 0))
        self._bar.set_postfix_str(counters, refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        self.refresh(force=True)
        self._bar.close()


class LogLines:
    """One plain line every `interval_s` seconds (for logs and pipes)."""

    def __init__(
        self,
        stats: RunStats,
        file: IO[str],
        *,
        interval_s: float = 10.0,
        label: str = "chatplex run",
    ) -> None:
        self.stats = stats
        self.label = label
        self._file = file
        self._interval_s = interval_s
        self._next = time.monotonic() + interval_s

    def line(self) -> str:
        stats = self.stats
        done = stats.skipped + stats.finished_rows
        if stats.total:
            progress = f"{done}/{stats.total} ({100 * done / stats.total:.1f}%)"
        else:
            progress = f"{done}/?"
        stamp = time.strftime("%H:%M:%S")
        return f"[{stamp}] {self.label}: {progress} {fields(stats)} eta={_duration(stats.eta_s())}"

    def refresh(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now < self._next:
            return
        self._next = now + self._interval_s
        print(self.line(), file=self._file, flush=True)

    def close(self) -> None:
        self.refresh(force=True)


def make_display(
    stats: RunStats,
    file: IO[str] | None = None,
    *,
    interval_s: float = 10.0,
    label: str = "chatplex run",
) -> ProgressDisplay:
    """A bar when `file` (stderr by default) is a terminal, else periodic lines."""
    stream = file if file is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    if callable(isatty) and isatty():
        return ProgressBar(stats, stream)
    return LogLines(stats, stream, interval_s=interval_s, label=label)


class ProgressCallback:
    """A callback handler showing progress of the chat-model calls it hears about.

    Counts each chat-model call's start (in flight), reply (done, tokens, cost, cached)
    and error (failed). Thread-safe: a sync `batch` of a runnable without a native async
    path reports from worker threads. Use it as a context manager (or call `close()`)
    so the bar's last state is drawn.
    """

    def __init__(
        self,
        total: int | None = None,
        *,
        file: IO[str] | None = None,
        interval_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stats = RunStats(total=total, clock=clock)
        self._display = make_display(self.stats, file, interval_s=interval_s, label="progress")
        self._lock = threading.Lock()
        self._starts: dict[Any, float] = {}

    def on_chat_model_start(self, serialized: Any, messages: Any, *, run_id: Any = None) -> None:
        with self._lock:
            self.stats.in_flight += 1
            self._starts[run_id] = self.stats.clock()

    def _latency(self, run_id: Any) -> float:
        started = self._starts.pop(run_id, None)
        return 0.0 if started is None else self.stats.clock() - started

    def on_llm_end(self, response: Any, *, run_id: Any = None) -> None:
        try:
            message = response.generations[0][0].message
        except (AttributeError, IndexError):
            message = None
        with self._lock:
            self.stats.in_flight = max(self.stats.in_flight - 1, 0)
            latency = self._latency(run_id)
            if isinstance(message, AIMessage):
                self.stats.record_success(success_record("", message, latency))
            else:
                self.stats.record_success({"latency_s": latency})
            self._display.refresh()

    def on_llm_error(self, error: BaseException, *, run_id: Any = None) -> None:
        with self._lock:
            self.stats.in_flight = max(self.stats.in_flight - 1, 0)
            self.stats.record_failure(getattr(error, "attempts", 1), self._latency(run_id))
            self._display.refresh()

    def close(self) -> None:
        with self._lock:
            self.stats.finish()
            self._display.close()

    def __enter__(self) -> ProgressCallback:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
