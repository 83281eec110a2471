"""One load-generating worker for the shared-budget runs (tests and bench/bench_scale.py):
a chatplex model sending fixed-size prompts through its rate limit for a while, from a
plain process or a Ray actor. Imported by bare name (tests/ray is on the path)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from types import TracebackType
from typing import Any

#: 100 tokens a request as the server counts them (ceil(185 / 4) + 3 + 50): at
#: 600 requests/min and 60,000 tokens/min both limits bind at once.
PROMPT_CHARS = 184
MAX_TOKENS = 50
REQUEST_TOKENS = 100


def prompt(worker: int, n: int) -> str:
    text = f"w{worker} n{n} "
    return text + "x" * (PROMPT_CHARS - len(text))


def drive(*args: Any, **kwargs: Any) -> dict[str, int]:
    """`adrive(base_url, limit, start_at, seconds, concurrency, worker, warm_url, ready)`
    run to its end: from `start_at` (wall clock, so workers start together) send requests
    for `seconds` with `concurrency` at once; counts of the outcomes.

    A worker's first call pays for its cold start (imports, the async pool: seconds on a
    loaded machine), which would eat a short window unevenly. `warm_url`: a server to
    make that first call to, outside the measured one; `ready`: a barrier (a
    multiprocessing Manager's, or a `StartLine`'s waiter) every worker waits at once
    warm, so all start together whatever their cold start cost."""
    return asyncio.run(adrive(*args, **kwargs))


async def adrive(
    base_url: str,
    limit: dict[str, Any] | None,
    start_at: float,
    seconds: float,
    concurrency: int,
    worker: int,
    warm_url: str | None = None,
    ready: Any = None,
) -> dict[str, int]:
    from chatplex import init_chat_model  # chatplex's own: no LangChain in each worker

    if warm_url is not None:
        warm = init_chat_model("openai:warm", base_url=warm_url, api_key="sk-scale-warm")
        await warm.ainvoke("warm")
    if ready is not None:
        ready.wait(60)  # blocks this worker's loop on purpose: nothing else runs yet
    model = init_chat_model(
        "openai:limited",
        base_url=base_url,
        api_key="sk-scale-test",
        max_tokens=MAX_TOKENS,
        rate_limit=limit,
        max_retries=6,
    )
    await asyncio.sleep(max(0.0, start_at - time.time()))
    end = time.monotonic() + seconds
    counts = {"ok": 0, "failed": 0}
    sent = iter(range(10**9))

    async def loop() -> None:
        while time.monotonic() < end:
            try:
                await model.ainvoke(prompt(worker, next(sent)))
                counts["ok"] += 1
            except Exception:
                counts["failed"] += 1

    await asyncio.gather(*(loop() for _ in range(concurrency)))
    return counts


class StartLine:
    """A barrier for processes that share no parent, such as Ray's workers: each
    `waiter().wait(timeout)` returns once `parties` of them are waiting. The process that
    holds it answers on 127.0.0.1 from a thread; a waiter pickles as that address. With
    it the workers start as soon as the last is up, where a start time fixed in advance
    had to guess how long their cold starts take (too long idle, too short loaded)."""

    def __init__(self, parties: int) -> None:
        self.parties = parties
        self._server = socket.create_server(("127.0.0.1", 0))
        self._thread = threading.Thread(target=self._gather, name="start-line", daemon=True)

    def __enter__(self) -> StartLine:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # A gather still waiting for a party ends: shutdown wakes its accept() (close
        # alone leaves it blocked).
        with contextlib.suppress(OSError):  # some systems refuse it on a listening socket
            self._server.shutdown(socket.SHUT_RDWR)
        self._server.close()
        self._thread.join(10)

    def waiter(self) -> StartWaiter:
        host, port = self._server.getsockname()[:2]
        return StartWaiter(host, port)

    def _gather(self) -> None:
        waiting: list[socket.socket] = []
        try:
            while len(waiting) < self.parties:
                waiting.append(self._server.accept()[0])
            for conn in waiting:
                conn.sendall(b"go")
        except OSError:
            pass  # closed before every party came: their waits fail
        finally:
            for conn in waiting:
                conn.close()


class StartWaiter:
    """One party's side of a `StartLine` (picklable: an address)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    def wait(self, timeout: float) -> None:
        with socket.create_connection((self.host, self.port), timeout=timeout) as conn:
            if conn.recv(2) != b"go":
                raise RuntimeError("the start line closed before every party came")
