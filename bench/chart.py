"""The bench's chart: client CPU per request and peak RSS against requests in flight.

    bench/.peers-venv/bin/python bench/chart.py bench/results.json bench/results.png

Reads the sweep `bench/run.py` measured (keys `sweep/<client>/<in flight>` of the
summary) and draws one PNG with two panels side by side, both with a log scale for the
number of requests in flight. Run by `bench/run.py` after it writes its JSON, with the
peers venv's python: matplotlib lives there, never in chatplex's environment.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

#: Drawing order and style: chatplex first and boldest, the raw floor dashed.
STYLE = {
    "chatplex-openai": {"color": "#d62728", "linewidth": 2.6, "marker": "o"},
    "aiohttp": {"color": "#555555", "linewidth": 1.6, "marker": "s", "linestyle": "--"},
    "openai-sdk": {"color": "#1f77b4", "linewidth": 1.6, "marker": "^"},
    "langchain-openai": {"color": "#2ca02c", "linewidth": 1.6, "marker": "D"},
    "litellm": {"color": "#9467bd", "linewidth": 1.6, "marker": "v"},
}
LABEL = {
    "chatplex-openai": "chatplex (abatch)",
    "aiohttp": "raw aiohttp (the floor)",
    "openai-sdk": "openai SDK (AsyncOpenAI)",
    "langchain-openai": "langchain-openai (abatch)",
    "litellm": "LiteLLM (acompletion)",
}


def series(summary: dict[str, Any], metric: str) -> dict[str, list[tuple[int, float]]]:
    """Per client, (in flight, value) points in increasing order."""
    out: dict[str, list[tuple[int, float]]] = {}
    for key, values in summary.items():
        parts = key.split("/")
        if len(parts) == 3 and parts[0] == "sweep" and metric in values:
            out.setdefault(parts[1], []).append((int(parts[2]), values[metric]))
    return {client: sorted(points) for client, points in out.items()}


def draw(report: dict[str, Any], png: Path) -> None:
    summary, plan = report["summary"], report["plan"]
    cpu = series(summary, "cpu_us_per_request")
    rss = series(summary, "peak_rss_mb")
    if not cpu:
        raise SystemExit("no sweep in the results: run bench/run.py without --no-sweep")
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    panels = (
        (left, cpu, "client CPU per request (µs, log scale)", True),
        (right, rss, "peak RSS of the client process (MB)", False),
    )
    for axes, data, ylabel, log_y in panels:
        for client in [c for c in STYLE if c in data] + [c for c in data if c not in STYLE]:
            xs, ys = zip(*data[client], strict=True)
            axes.plot(xs, ys, label=LABEL.get(client, client), **STYLE.get(client, {}))
        axes.set_xscale("log", base=2)
        if log_y:
            axes.set_yscale("log")
        levels = plan.get("sweep_levels") or sorted({x for pts in data.values() for x, _ in pts})
        axes.set_xticks(levels, [str(level) for level in levels])
        axes.set_xlabel("requests in flight")
        axes.set_ylabel(ylabel)
        axes.grid(True, which="both", alpha=0.3)
    left.set_title("CPU per request: lower is better")
    right.set_title("memory: lower is better")
    left.legend(fontsize=8, loc="best")
    fig.suptitle(
        f"abatch of {plan['sweep_n']} requests to one local mock server "
        f"({plan['latency'] * 1000:g} ms latency), one fresh process per point — "
        f"{report.get('date', '')}",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(png, dpi=110)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        raise SystemExit("usage: chart.py RESULTS.json OUT.png")
    draw(json.loads(Path(argv[0]).read_text()), Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
