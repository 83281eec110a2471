"""Deadlines with `RunnableConfig(timeout=...)`, and cancelling a stream that is running.

1. `timeout` bounds a whole call (every step, retries included): too short a budget
   raises `DeadlineExceededError` (a `TimeoutError`) on time, a longer one succeeds.
2. The deadline also stops a stream in the middle.
3. Cancelling the task that consumes a stream stops it at once; the HTTP response is
   closed and its connection goes back to the pool.

    python examples/deadline_cancel.py
"""

from __future__ import annotations

import asyncio
import time

from _demo import demo_config

from chatplex import ChatPromptTemplate
from chatplex import RunnableConfig
from chatplex import StrOutputParser
from chatplex import init_chat_model
from chatplex.errors import DeadlineExceededError

PROMPT = ChatPromptTemplate.from_template("Count slowly from one to {n}.")


async def run() -> None:
    chain = PROMPT | init_chat_model() | StrOutputParser()
    # One call first, so the budgets below time the call and not the first connection's
    # setup (lazy imports, TLS handshake), which a cold start would charge to them.
    await chain.ainvoke({"n": 1})

    for budget in (0.2, 10.0):
        start = time.perf_counter()
        try:
            text = await chain.ainvoke({"n": 20}, config=RunnableConfig(timeout=budget))
            print(
                f"timeout={budget}s: finished in {time.perf_counter() - start:.2f}s "
                f"({len(text.split())} words)"
            )
        except DeadlineExceededError:
            print(
                f"timeout={budget}s: DeadlineExceededError after {time.perf_counter() - start:.2f}s"
            )

    pieces: list[str] = []
    try:
        async for piece in chain.astream({"n": 20}, config=RunnableConfig(timeout=1.0)):
            pieces.append(piece)
        print(f"stream with timeout=1.0s: complete, {len(pieces)} pieces")
    except DeadlineExceededError:
        print(f"stream with timeout=1.0s: stopped by the deadline after {len(pieces)} pieces")

    received: list[str] = []

    async def consume() -> None:
        async for piece in chain.astream({"n": 20}):
            received.append(piece)

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.8)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print(f"cancelled a running stream after {len(received)} pieces")
    else:
        print(f"the stream finished before the cancel ({len(received)} pieces)")


def main() -> None:
    # The mock waits 0.5 s before answering, then streams 20 pieces 0.1 s apart.
    with demo_config(latency=0.5, chunk_delay=0.1, chunks=20):
        asyncio.run(run())


if __name__ == "__main__":
    main()
