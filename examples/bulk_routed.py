"""The tutorials' model routing (a cheap model for simple inputs, a strong one for the
rest) as a `ModelRouter` inside a bulk run, with the cost of each model in the summary.

    python examples/bulk_routed.py

The tutorial looped over inputs calling one model or the other, one at a time; the
router is a runnable, so the run keeps its concurrency, resumability and progress, and
each output row names the model that answered.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path

from _demo import demo_config

from chatplex import bulk
from chatplex import init_chat_model
from chatplex.chat.configuration.router import ModelRouter

CHEAP, STRONG = "openai:gpt-4o-mini", "openai:gpt-4o"


def is_simple(text: str) -> bool:
    """The tutorial's rule: short inputs are simple."""
    return len(text) < 100


def connection() -> dict[str, str]:
    # On the mock server the examples' environment names its URL and key; with a real
    # provider the key comes from OPENAI_API_KEY as usual.
    names = {"base_url": "CHATPLEX_BASE_URL", "api_key": "CHATPLEX_API_KEY"}
    return {setting: os.environ[var] for setting, var in names.items() if var in os.environ}


def main() -> None:
    with demo_config(), tempfile.TemporaryDirectory() as tmp:
        router = ModelRouter(
            {
                "cheap": init_chat_model(CHEAP, **connection()),
                "strong": init_chat_model(STRONG, **connection()),
            },
            lambda text: "cheap" if is_simple(text) else "strong",
        )
        inputs = [
            f"Classify ticket {i}: " + ("printer jam" if i % 5 else "x" * 120) for i in range(40)
        ]
        output = Path(tmp) / "routed.jsonl"
        summary = bulk.run(router, inputs, output=output, concurrency=8, progress_interval_s=1)
        models = Counter(json.loads(line)["model"] for line in output.read_text().splitlines())
        print("rows per model:", dict(sorted(models.items())))
        print("per-model totals:", {name: t.rows for name, t in sorted(summary.by_model.items())})


if __name__ == "__main__":
    main()
