"""The tutorials' chunked batch (slices of 100, a progress print, a sleep between
slices) as one resumable bulk run: streamed input, a bounded window, a progress bar,
results on disk as they finish, and a rerun that carries on after a crash.

    python examples/bulk_chunked.py

The tutorial's loop kept every result in memory and lost them all when it crashed;
here a "crash" (Ctrl-C-like stop after 300 rows) and a rerun of the same call lose
nothing and send nothing twice. For plain `batch` calls the same bar is a callback.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from _demo import demo_config

from chatplex import bulk
from chatplex import init_chat_model


def write_rows(path: Path, count: int) -> None:
    with path.open("w") as file:
        for index in range(count):
            file.write(json.dumps({"id": f"q{index}", "question": f"What is {index} + 1?"}) + "\n")


def main() -> None:
    with demo_config(latency=0.005), tempfile.TemporaryDirectory() as tmp:
        model = init_chat_model(temperature=0)
        rows, output = Path(tmp) / "questions.jsonl", Path(tmp) / "answers.jsonl"
        write_rows(rows, 1000)

        # A first run stops early (as if killed after 300 rows): only the first 300 rows
        # are given to it, standing in for a crash at that point. (The same prompt: a
        # rerun with another would be refused, its rows mixing with these.)
        first_300 = Path(tmp) / "first_300.jsonl"
        write_rows(first_300, 300)
        prompt = "Answer briefly: {question}"
        bulk.run(model, first_300, output=output, prompt=prompt, concurrency=16, progress=False)
        print(f"before the rerun: {len(output.read_text().splitlines())} rows on disk")

        # The same run over the whole file: the 300 finished rows are skipped.
        summary = bulk.run(
            model,
            rows,
            output=output,
            prompt=prompt,
            concurrency=16,
            progress_interval_s=0.5,
        )
        lines = output.read_text().splitlines()
        print(f"after the rerun: {len(lines)} rows on disk, {summary.skipped} skipped, "
              f"{summary.succeeded} sent now")  # fmt: skip
        print("last row:", json.loads(lines[-1])["text"])

        # The same progress for a plain batch, through a callback handler.
        questions = [f"What is {i} * 2?" for i in range(50)]
        with bulk.ProgressCallback(total=len(questions), interval_s=0.5) as progress:
            model.batch(questions, config={"callbacks": [progress], "max_concurrency": 8})
        print(f"batch with a progress callback: {progress.stats.succeeded} replies")


if __name__ == "__main__":
    main()
