"""Tiered processing: urgent rows in real time, the rest through the provider's Batch API
at half the price, merged back in input order.

High-priority rows go through `chain.batch` now; low-priority ones through
`chain.submit_batch` (a handle on disk before it returns), then `job.wait()` and
`job.results()`. On the embedded mock server a batch job "takes" a second; on a real
provider it takes minutes to hours (poll every minute; collect later with
`chatplex.batches.load(path)` if this script stops).

    python examples/tiered_batch.py
"""

from __future__ import annotations

import os
import tempfile
import time

from _demo import demo_config

from chatplex import ChatPromptTemplate
from chatplex import StrOutputParser
from chatplex import init_chat_model

TICKETS = [
    ("high", "Payment failed twice at checkout"),
    ("low", "Suggest a dark mode for the dashboard"),
    ("low", "Typo on the pricing page"),
    ("high", "Cannot log in since the update"),
    ("low", "Export to CSV would be nice"),
    ("low", "The footer link to the blog is broken"),
]


def main() -> None:
    with demo_config() as model_name, tempfile.TemporaryDirectory() as handles:
        on_mock = (
            "CHATPLEX_BASE_URL" in os.environ and "127.0.0.1" in os.environ["CHATPLEX_BASE_URL"]
        )
        if on_mock:
            os.environ["CHATPLEX_BATCH_DIR"] = handles  # keep the demo's handle out of ~
        chain = (
            ChatPromptTemplate.from_template("Triage this ticket in five words: {ticket}")
            | init_chat_model(temperature=0)
            | StrOutputParser()
        )
        high = [{"ticket": t} for p, t in TICKETS if p == "high"]
        low = [{"ticket": t} for p, t in TICKETS if p == "low"]

        start = time.perf_counter()
        job = chain.submit_batch(low)  # first: the batch runs while we work on the rest
        print(f"low priority: {len(low)} rows submitted as {job.ids} ({model_name})")
        print(f"  handle: {job.path}")
        urgent = chain.batch(high, config={"max_concurrency": 20})
        print(
            f"high priority: {len(high)} rows answered in real time "
            f"({time.perf_counter() - start:.2f} s)"
        )

        job.wait(poll_interval=0.2 if on_mock else 60, progress=True)
        deferred = job.results()
        print(f"batch done after {time.perf_counter() - start:.2f} s: {job.status()}")

        answers = iter(urgent), iter(deferred)
        for priority, ticket in TICKETS:
            answer = next(answers[0] if priority == "high" else answers[1])
            print(f"[{priority:4}] {ticket!r} -> {answer}")


if __name__ == "__main__":
    main()
