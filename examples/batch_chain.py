"""A `prompt | model | parser` chain through the provider's Batch API.

The prompt runs now, on every row; the model's requests go into batch jobs (the same
bodies `invoke` sends); the parser runs on each reply when the results are collected.
Rows come back in input order, a failed row as its typed error. Then a second process
could collect the same batch: `chatplex.batches.load(job.path, then=parser)`.

    python examples/batch_chain.py
"""

from __future__ import annotations

import os
import tempfile

from _demo import demo_config

from chatplex import ChatPromptTemplate
from chatplex import StrOutputParser
from chatplex import init_chat_model
from chatplex.batches import load

REVIEWS = [
    "Battery lasts two days, screen is sharp.",
    "Arrived broken, support never answered.",
    "Fine for the price, a bit loud.",
    "Best headphones I have owned.",
]


def main() -> None:
    with demo_config() as model_name, tempfile.TemporaryDirectory() as handles:
        on_mock = "127.0.0.1" in os.environ.get("CHATPLEX_BASE_URL", "")
        if on_mock:
            os.environ["CHATPLEX_BATCH_DIR"] = handles
        parser = StrOutputParser()
        chain = (
            ChatPromptTemplate.from_template("One-word sentiment of this review: {review}")
            | init_chat_model(temperature=0)
            | parser
        )
        job = chain.submit_batch([{"review": r} for r in REVIEWS])
        print(f"submitted {job.count} rows to {job.provider} ({model_name}): {job.ids}")
        job.wait(poll_interval=0.2 if on_mock else 60, progress=False)
        for review, label in zip(REVIEWS, job.results(), strict=True):
            print(f"{label!s:>40}  <- {review}")
        again = load(job.path, then=parser).results()  # as a later process would
        print(f"collected again from the handle: {again == job.results()}")


if __name__ == "__main__":
    main()
