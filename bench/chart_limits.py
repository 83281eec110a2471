"""The chart of bench/bench_limits.py: accepted and 429 answers per bin (10 s in the
full run; each case's `bin_seconds`), one panel per case.

    /tmp/venv-with-matplotlib/bin/python bench/chart_limits.py bench/results_limits.json \\
        bench/results_limits.png

Reads the JSON bench_limits.py wrote and draws one PNG: for each case, bars of the
requests the server accepted (green) and answered 429 (red) in each bin, the limit's
share of a bin dashed, the first window (the learning minute) shaded. Run with a python
that has matplotlib (the peers venv's, `bench/requirements-peers.txt`): never chatplex's.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

RATE = 10.0  # requests/s the bench's server allows
ACCEPTED, REFUSED = "#2ca02c", "#d62728"


def draw(results: dict[str, Any], out: Path) -> None:
    cases = results["cases"]
    columns = 2
    rows = math.ceil(len(cases) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(12, 3.0 * rows), squeeze=False)
    for ax, case in zip(axes.flat, cases, strict=False):
        step = case["bin_seconds"]
        starts = [i * step for i in range(len(case["accepted_per_bin"]))]
        ax.bar(starts, case["accepted_per_bin"], width=step, align="edge", color=ACCEPTED)
        ax.bar(
            starts,
            case["refused_per_bin"],
            width=step,
            align="edge",
            bottom=case["accepted_per_bin"],
            color=REFUSED,
        )
        ax.axhline(RATE * step, color="black", linestyle="--", linewidth=1)
        window = case.get("window_seconds", 10 * step)  # (older files: ten bins a window)
        ax.axvspan(0, window, color="#dddddd", zorder=0)  # the first window: learning
        ax.set_ylim(0, RATE * step * 3)  # a burst of 429s above that is cut: the shape shows
        ax.set_title(
            f"{case['case']}: {case['failed_share']:.1%} of calls failed, "
            f"{case['used_after_first_window']:.0%} of the limit used ({step:g} s bins)",
            fontsize=9,
        )
        ax.set_xlabel("seconds", fontsize=8)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(cases) :]:
        ax.axis("off")
    fig.suptitle(
        "4 processes x 16 callers, one hidden limit of 10 requests/s: "
        "accepted (green) and 429 (red) per bin; dashed: the limit; grey: the first minute",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main(argv: list[str]) -> int:
    source, out = Path(argv[1]), Path(argv[2])
    draw(json.loads(source.read_text()), out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
