"""`--report FILE`: one self-contained HTML page charting the whole output over time.

The page is built from the output file, not from the last run's counters, so after a
resume it covers every run that wrote to it: each row carries the time it finished
(`at`, see `records`), and the rows are read once, streaming, into a `Timeline` of at
most 600 buckets (`stats`) however long the history. Gaps between runs show as zeros.

It shows the run's command and settings, the last run's summary, totals over the whole
output, three charts drawn as inline SVG (no script, no dependency, opens anywhere):
rows finished per second, latency (mean and max per bucket) and errors per second, each
with ticked axes and units, and a table of the errors by type, status and kind with one
example message each. Rows written before `at` existed are counted, not charted.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any

from .records import row_error_kind
from .stats import Timeline
from .stats import add_row_usage
from .summary import RunSummary

__all__ = ["OutputHistory", "read_history", "render_report", "write_report"]

_WIDTH, _HEIGHT = 760, 220
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 24, 30, 46  # room for the axes' labels
_EXAMPLE_CHARS = 200
#: Time ticks (seconds) an axis may step by: round numbers of seconds, minutes, hours.
_TIME_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600)


@dataclass(slots=True)
class OutputHistory:
    """What an output file holds, over every run that wrote to it."""

    timeline: Timeline = field(default_factory=Timeline)
    first_at: float | None = None  # unix time of the first timed row
    last_at: float | None = None
    succeeded: int = 0
    failed: int = 0
    untimed: int = 0  # rows without `at` (written by an older version): not charted
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = None
    #: (type, status, kind) -> [count, first message]
    errors: dict[tuple[str, int | None, str], list[Any]] = field(default_factory=dict)

    def add(self, row: Mapping[str, Any]) -> None:
        error = row.get("error")
        failed = isinstance(error, dict)
        if isinstance(error, dict):
            self.failed += 1
            status = error.get("status")
            key = (
                str(error.get("type")),
                status if isinstance(status, int) else None,
                row_error_kind(error),
            )
            seen = self.errors.setdefault(key, [0, str(error.get("message", ""))])
            seen[0] += 1
        else:
            self.succeeded += 1
        add_row_usage(self, row)  # (an error row's: a reply that came and did not parse)
        at = row.get("at")
        if not isinstance(at, (int, float)) or isinstance(at, bool):
            self.untimed += 1
            return
        if self.first_at is None:
            self.first_at = at
        self.last_at = at if self.last_at is None else max(self.last_at, at)
        latency = row.get("latency_s")
        latency = latency if isinstance(latency, (int, float)) else 0.0
        self.timeline.record(at - self.first_at, latency, failed=failed)

    @property
    def span_s(self) -> float:
        if self.first_at is None or self.last_at is None:
            return 0.0
        return self.last_at - self.first_at


def read_history(output: str | Path) -> OutputHistory:
    """Every row of `output`, read once, streaming (a line that is not a row is skipped:
    the journal refuses such files before a run, and a report never fails a run)."""
    history = OutputHistory()
    path = Path(output)
    if not path.exists():
        return history
    with path.open("rb") as file:
        for line in file:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict):
                history.add(row)
    return history


# ---- drawing --------------------------------------------------------------------------


def _nice(value: float) -> float:
    """The smallest of 1, 2, 5 x 10^k at least `value` (a y-axis step)."""
    if value <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1.0, 2.0, 5.0, 10.0) if m * magnitude >= value * (1 - 1e-9))


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


def _time_label(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:g} s"
    if seconds < 3600:
        return f"{seconds / 60:g} min"
    return f"{seconds / 3600:g} h"


def _time_step(span_s: float) -> float:
    wanted = span_s / 6
    return next((float(step) for step in _TIME_STEPS if step >= wanted), _nice(wanted))


def _ticks(top: float, step: float) -> list[float]:
    """0, step, 2 step, ... up to `top` (multiplied, not summed: no drift)."""
    return [i * step for i in range(int(top / step * (1 + 1e-9)) + 1)]


def _chart(
    title: str, unit: str, series: Sequence[tuple[str, str, Sequence[float]]], width_s: float
) -> str:
    """A line chart of per-bucket values: time on x (ticks in s / min / h since the first
    row), `unit` on y (ticks at 1-2-5 steps)."""
    count = max((len(values) for _, _, values in series), default=0)
    span = max(count * width_s, width_s)
    peak = max((max(values, default=0.0) for _, _, values in series), default=0.0)
    y_step = _nice(peak / 4) if peak > 0 else 1.0
    y_top = y_step * max(1, math.ceil(peak / y_step))
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM

    def x(seconds: float) -> float:
        return _LEFT + seconds / span * plot_w

    def y(value: float) -> float:
        return _TOP + plot_h - value / y_top * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_HEIGHT}" '
        f'role="img" aria-label="{html.escape(title)}" font-family="sans-serif">',
        f'<text x="{_LEFT}" y="18" font-size="13" font-weight="bold">{html.escape(title)}</text>',
    ]
    for tick in _ticks(y_top, y_step):  # grid lines across, labelled on the left
        out.append(
            f'<line x1="{_LEFT}" y1="{y(tick):.1f}" x2="{_WIDTH - _RIGHT}" y2="{y(tick):.1f}" '
            f'stroke="#e5e5e5"/><text x="{_LEFT - 6}" y="{y(tick) + 3:.1f}" font-size="10" '
            f'text-anchor="end">{_number(tick)}</text>'
        )
    for tick in _ticks(span, _time_step(span)):  # marks under the time axis
        out.append(
            f'<line x1="{x(tick):.1f}" y1="{_TOP + plot_h}" x2="{x(tick):.1f}" '
            f'y2="{_TOP + plot_h + 4}" stroke="#888"/><text x="{x(tick):.1f}" '
            f'y="{_TOP + plot_h + 15}" font-size="10" text-anchor="middle">'
            f"{_time_label(tick)}</text>"
        )
    out += [
        f'<line x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{_WIDTH - _RIGHT}" y2="{_TOP + plot_h}" '
        'stroke="#888"/>',
        f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{_TOP + plot_h}" stroke="#888"/>',
        f'<text x="{_LEFT + plot_w / 2:.1f}" y="{_HEIGHT - 6}" font-size="10" '
        'text-anchor="middle">time since the first row</text>',
        f'<text x="12" y="{_TOP + plot_h / 2:.1f}" font-size="10" text-anchor="middle" '
        f'transform="rotate(-90 12 {_TOP + plot_h / 2:.1f})">{html.escape(unit)}</text>',
    ]
    for index, (label, color, values) in enumerate(series):
        # Each bucket's value at the middle of its stretch of time.
        points = " ".join(f"{x((i + 0.5) * width_s):.1f},{y(v):.1f}" for i, v in enumerate(values))
        if points:
            out.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{points}"/>'
            )
        out.append(
            f'<text x="{_WIDTH - _RIGHT}" y="{18 + 13 * index}" font-size="11" '
            f'text-anchor="end" fill="{color}">{html.escape(label)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def _charts(history: OutputHistory) -> list[str]:
    timeline = history.timeline
    width, buckets = timeline.width_s, timeline.buckets
    # The last bucket is cut short by the last row: its rate is over what it lasted.
    widths = [width] * len(buckets)
    if buckets:
        widths[-1] = min(width, max(history.span_s - width * (len(buckets) - 1), width / 10))
    throughput = [b.succeeded / w for b, w in zip(buckets, widths, strict=True)]
    errors = [b.failed / w for b, w in zip(buckets, widths, strict=True)]
    finished = [b.succeeded + b.failed for b in buckets]
    mean = [b.latency_sum / n if n else 0.0 for b, n in zip(buckets, finished, strict=True)]
    return [
        _chart("Throughput", "rows finished / s", [("rows/s", "#1f6feb", throughput)], width),
        _chart(
            "Latency",
            "seconds per row",
            [("max", "#d29922", [b.latency_max for b in buckets]), ("mean", "#2da44e", mean)],
            width,
        ),
        _chart("Errors", "failed rows / s", [("errors/s", "#cf222e", errors)], width),
    ]


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{html.escape(name)}</th>" for name in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _when(at: float | None) -> str:
    if at is None:
        return "?"
    return datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def render_report(
    summary: RunSummary, history: OutputHistory, settings: Mapping[str, object] | None = None
) -> str:
    """The report page as a string."""
    cost = "unknown" if history.cost is None else f"${history.cost:.6f}"
    totals = [
        ("rows done", history.succeeded),
        ("rows failed", history.failed),
        ("tokens in / out", f"{history.input_tokens:,} / {history.output_tokens:,}"),
        ("cost", cost),
        ("first row", _when(history.first_at)),
        ("last row", _when(history.last_at)),
    ]
    if history.untimed:
        totals.append(("rows without a time (not charted)", history.untimed))
    errors = sorted(history.errors.items(), key=lambda item: -item[1][0])
    error_rows = [
        (kind_type, "-" if status is None else status, kind, count, message[:_EXAMPLE_CHARS])
        for (kind_type, status, kind), (count, message) in errors
    ]
    sections = [
        "<h1>chatplex run</h1>",
        "<h2>Settings</h2>",
        _table(("setting", "value"), list((settings or {}).items())),
        "<h2>The whole output</h2>",
        _table(("total", "value"), totals),
        "<h2>Over time</h2>",
        *(f"<figure>{chart}</figure>" for chart in _charts(history)),
        f"<p>Buckets of {history.timeline.width_s:g} s; gaps between runs show as zero.</p>",
        "<h2>Errors</h2>",
        _table(("type", "status", "kind", "rows", "example message"), error_rows)
        if error_rows
        else "<p>None.</p>",
        "<h2>The last run</h2>",
        f"<pre>{html.escape(summary.format())}</pre>",
    ]
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>chatplex run report</title>'
        "<style>body{font-family:sans-serif;margin:2em;max-width:60em}figure{margin:1em 0}"
        "pre{background:#f6f8fa;padding:1em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ddd;padding:.2em .6em;text-align:left;vertical-align:top}"
        "</style></head><body>\n" + "\n".join(sections) + "\n</body></html>\n"
    )


def write_report(
    path: str | Path,
    summary: RunSummary,
    output: str | Path,
    settings: Mapping[str, object] | None = None,
) -> Path:
    """Write the report of `output` (the whole file) to `path`. An OSError names `path`:
    a full disk fails in write() or close(), whose errors name no file."""
    target = Path(path)
    page = render_report(summary, read_history(output), settings)
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(target)
        raise
    return target
