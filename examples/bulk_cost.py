"""The tutorials' cost monitor (tokens estimated from characters, prices typed in by
hand, a total printed at the end) as priced replies and a budget: each reply's cost from
the usage the provider reported and a maintained price table, the running total on the
progress line, and a run that stops taking rows when the budget is reached.

    python examples/bulk_cost.py

Same as `chatplex run rows.jsonl -o out.jsonl --max-cost 0.0002`.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from _demo import demo_config

from chatplex import bulk
from chatplex import init_chat_model
from chatplex import track_usage


def write_rows(path: Path, count: int) -> None:
    with path.open("w") as file:
        for index in range(count):
            file.write(json.dumps({"id": index, "text": f"review number {index}"}) + "\n")


def main() -> None:
    with demo_config(latency=0.005), tempfile.TemporaryDirectory() as tmp:
        rows, output = Path(tmp) / "reviews.jsonl", Path(tmp) / "labels.jsonl"
        write_rows(rows, 500)
        model = init_chat_model(temperature=0)

        # What does one row cost? Price a single call before spending on the file.
        with track_usage() as probe:
            model.invoke("Label the sentiment: review number 0")
        print(f"one row costs about ${probe.cost:.8f}")
        budget = probe.cost * 100  # about a hundred rows' worth

        summary = bulk.run(
            model, rows, output=output, prompt="Label the sentiment: {text}",
            concurrency=8, max_cost=budget, progress_interval_s=0.5,
        )  # fmt: skip
        print(f"stopped: {summary.stop_reason}; {summary.succeeded} rows for "
              f"${summary.cost or 0:.6f} of a ${budget:.6f} budget")  # fmt: skip

        # Raise the budget (or drop it) and run the same call again: it carries on.
        rest = bulk.run(
            model, rows, output=output, prompt="Label the sentiment: {text}",
            concurrency=8, progress=False,
        )  # fmt: skip
        total = (summary.cost or 0) + (rest.cost or 0)
        print(f"finished: {rest.skipped} already done, {rest.succeeded} sent now; "
              f"${total:.6f} for {rest.skipped + rest.succeeded} rows, "
              f"${total / (rest.skipped + rest.succeeded):.8f} a row")  # fmt: skip


if __name__ == "__main__":
    main()
