"""The tutorials' cached batch processor (a dict of replies keyed by a hash of the input,
checked before each `batch`) as a reply cache on the model: repeated prompts inside a run
and every prompt of a rerun are answered from an SQLite file, sending nothing.

    python examples/bulk_cached.py

The tutorial's dict lived as long as the process and held every reply in memory; the
SQLite cache survives the process (a rerun tomorrow costs nothing) and holds its replies
on disk. Same as `chatplex run rows.jsonl -o out.jsonl --cache replies.db`.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from _demo import demo_config

from chatplex import SQLiteCache
from chatplex import bulk
from chatplex import init_chat_model


def write_rows(path: Path, count: int) -> None:
    """`count` rows asking 50 distinct questions: most prompts come back several times."""
    with path.open("w") as file:
        for index in range(count):
            file.write(json.dumps({"id": index, "topic": f"topic {index % 50}"}) + "\n")


def main() -> None:
    with demo_config(latency=0.005), tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = folder / "rows.jsonl"
        write_rows(rows, 200)
        model = init_chat_model(temperature=0, cache=SQLiteCache(folder / "replies.db"))

        first = bulk.run(
            model, rows, output=folder / "first.jsonl", prompt="One line on {topic}",
            concurrency=8, progress=False,
        )  # fmt: skip
        print(f"first run: {first.succeeded} rows, {first.requests} sent, "
              f"{first.cached} from the cache")  # fmt: skip

        # A new output file, so nothing is resumed: every row is asked again, and the
        # cache answers all of them.
        again = bulk.run(
            model, rows, output=folder / "again.jsonl", prompt="One line on {topic}",
            concurrency=8, progress=False,
        )  # fmt: skip
        print(f"rerun: {again.succeeded} rows, {again.requests} sent, "
              f"{again.cached} from the cache, cost ${again.cost or 0:.6f}")  # fmt: skip


if __name__ == "__main__":
    main()
