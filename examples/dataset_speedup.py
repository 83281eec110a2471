"""A 20-row dataset through two chains, sequentially and with `abatch`.

Chain 1 writes a summary and a sentiment label side by side (`RunnableParallel`); chain 2
lists the product features named in that summary. Each row needs two rounds of model
calls; `abatch` runs the 20 rows concurrently, so the wall time is about that of one row.

    python examples/dataset_speedup.py
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from _demo import demo_config

from chatplex import ChatPromptTemplate
from chatplex import Runnable
from chatplex import RunnableParallel
from chatplex import RunnablePassthrough
from chatplex import StrOutputParser
from chatplex import init_chat_model

PRODUCTS = ["kettle", "headphones", "backpack", "desk lamp", "keyboard"]
MOODS = ["Love the", "Disappointed by the", "Mixed feelings about the", "Five stars for the"]
ROWS = [
    {"review": f"{MOODS[i % 4]} {PRODUCTS[i % 5]}: battery, build and price noted (#{i})."}
    for i in range(20)
]


def build_pipeline() -> Runnable[dict[str, str], dict[str, Any]]:
    model = init_chat_model(temperature=0)
    text = StrOutputParser()
    summary = ChatPromptTemplate.from_template("Summarize in one sentence: {review}")
    sentiment = ChatPromptTemplate.from_template(
        "Answer positive, negative or mixed. Review: {review}"
    )
    features = ChatPromptTemplate.from_template("List the product features in: {summary}")
    first = RunnableParallel(summary=summary | model | text, sentiment=sentiment | model | text)
    return first | RunnablePassthrough.assign(features=features | model | text)


async def run() -> None:
    pipeline = build_pipeline()
    start = time.perf_counter()
    sequential = [await pipeline.ainvoke(row) for row in ROWS]
    seq_time = time.perf_counter() - start

    start = time.perf_counter()
    batched = await pipeline.abatch(ROWS, config={"max_concurrency": 20})
    batch_time = time.perf_counter() - start

    assert len(batched) == len(sequential) == len(ROWS)
    print(f"rows: {len(ROWS)}, keys per row: {sorted(batched[0])}")
    print(f"row 0 summary:   {batched[0]['summary']}")
    print(f"row 0 sentiment: {batched[0]['sentiment']}")
    print(f"row 0 features:  {batched[0]['features']}")
    print(
        f"sequential: {seq_time:.2f}s  abatch: {batch_time:.2f}s  "
        f"speedup: {seq_time / batch_time:.1f}x"
    )


def main() -> None:
    with demo_config(latency=0.05):
        asyncio.run(run())


if __name__ == "__main__":
    main()
