"""`--report FILE`: one self-contained HTML page charting a run over time.

Three charts drawn as inline SVG (no script, no dependency, opens anywhere): rows
finished per second, latency (mean and max per time bucket) and errors per second,
plus the summary. Built from the run's `Timeline` (at most 600 buckets however long
the run), so the page stays small.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from .stats import Timeline
from .summary import RunSummary

__all__ = ["render_report", "write_report"]

_WIDTH, _HEIGHT, _PAD = 720, 180, 44


def _polyline(values: Sequence[float], top: float, color: str) -> str:
    if not values:
        return ""
    step = (_WIDTH - 2 * _PAD) / max(len(values) - 1, 1)
    points = " ".join(
        f"{_PAD + i * step:.1f},{_HEIGHT - _PAD - (v / top) * (_HEIGHT - 2 * _PAD):.1f}"
        for i, v in enumerate(values)
    )
    return f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{points}"/>'


def _tick(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def _chart(
    title: str, unit: str, series: list[tuple[str, str, Sequence[float]]], span_s: float
) -> str:
    top = max((max(values, default=0.0) for _, _, values in series), default=0.0) or 1.0
    bottom = _HEIGHT - _PAD
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_HEIGHT}" '
        f'role="img" aria-label="{html.escape(title)}">',
        f'<text x="{_PAD}" y="18" font-size="13" font-weight="bold">{html.escape(title)}</text>',
        f'<line x1="{_PAD}" y1="{bottom}" x2="{_WIDTH - _PAD}" y2="{bottom}" stroke="#888"/>',
        f'<line x1="{_PAD}" y1="{_PAD}" x2="{_PAD}" y2="{bottom}" stroke="#888"/>',
        f'<text x="{_PAD - 4}" y="{_PAD + 4}" font-size="10" text-anchor="end">{_tick(top)}</text>',
        f'<text x="{_PAD - 4}" y="{bottom}" font-size="10" text-anchor="end">0</text>',
        f'<text x="{_PAD}" y="{bottom + 14}" font-size="10">0 s</text>',
        f'<text x="{_WIDTH - _PAD}" y="{bottom + 14}" font-size="10" text-anchor="end">'
        f"{span_s:.0f} s</text>",
        f'<text x="{_WIDTH / 2}" y="{bottom + 28}" font-size="10" text-anchor="middle">'
        f"time since start ({html.escape(unit)})</text>",
    ]
    for index, (label, color, values) in enumerate(series):
        parts.append(_polyline(values, top, color))
        parts.append(
            f'<text x="{_WIDTH - _PAD}" y="{18 + 13 * index}" font-size="11" '
            f'text-anchor="end" fill="{color}">{html.escape(label)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def render_report(summary: RunSummary, timeline: Timeline) -> str:
    """The report page as a string."""
    width = timeline.width_s
    buckets = timeline.buckets
    # The last bucket is cut short by the end of the run: its rate is over what it lasted.
    widths = [width] * len(buckets)
    if buckets:
        widths[-1] = min(width, max(summary.wall_s - width * (len(buckets) - 1), width / 10))
    span = sum(widths)
    throughput = [b.succeeded / w for b, w in zip(buckets, widths, strict=True)]
    errors = [b.failed / w for b, w in zip(buckets, widths, strict=True)]
    mean_latency = [
        b.latency_sum / (b.succeeded + b.failed) if b.succeeded + b.failed else 0.0 for b in buckets
    ]
    max_latency = [b.latency_max for b in buckets]
    charts = [
        _chart("Throughput", "rows finished per second", [("rows/s", "#1f6feb", throughput)], span),
        _chart(
            "Latency",
            "seconds per row",
            [("max", "#d29922", max_latency), ("mean", "#2da44e", mean_latency)],
            span,
        ),
        _chart("Errors", "failed rows per second", [("errors/s", "#cf222e", errors)], span),
    ]
    body = "\n".join(f"<figure>{chart}</figure>" for chart in charts)
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>chatplex run report</title>'
        "<style>body{font-family:sans-serif;margin:2em}figure{margin:1em 0}"
        "pre{background:#f6f8fa;padding:1em}</style></head><body>\n"
        f"<h1>chatplex run</h1>\n<pre>{html.escape(summary.format())}</pre>\n"
        f"<p>Buckets of {width:g} s.</p>\n{body}\n</body></html>\n"
    )


def write_report(path: str | Path, summary: RunSummary, timeline: Timeline) -> Path:
    """Write the report page to `path`."""
    target = Path(path)
    target.write_text(render_report(summary, timeline), encoding="utf-8")
    return target
