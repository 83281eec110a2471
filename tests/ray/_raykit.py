"""Helpers of the Ray tests (imported by bare name: tests/ray is on the path, also in the
cluster's workers)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Hashable
from collections.abc import Sequence
from pathlib import Path
from typing import Any

FAIL = "PERMANENT-FAIL"  # LimitedServer answers 400 to a prompt containing it


def rows(n: int, fail_every: int | None = 20) -> list[dict[str, Any]]:
    """`n` rows; every `fail_every`-th prompt (none if None) always fails."""
    return [
        {"id": i, "prompt": f"q{i} {FAIL}" if fail_every and i % fail_every == 0 else f"q{i}"}
        for i in range(n)
    ]


def make_model(
    base_url: str, scope: str = "cluster", rpm: float = 600_000, dropin: bool = False
) -> Any:
    """What each worker builds (the key is a test string, not a secret to keep): chatplex's
    own model, as the docs' Ray block builds it, or with `dropin` the LangChain family's
    `ChatOpenAI`, which loads LangChain in its actor (~2 s of CPU a process): one test
    runs it, the rest check nothing LangChain does."""
    settings: dict[str, Any] = {
        "base_url": base_url,
        "api_key": "sk-ray-test",
        "max_retries": 2,
        "rate_limit": {"requests_per_minute": rpm, "scope": scope},
    }
    if dropin:
        from tests._dropins import engine

        return engine("ChatOpenAI")(model="limited", **settings)
    from chatplex import init_chat_model

    return init_chat_model("openai:limited", **settings)


class DiesOnce:
    """A runnable whose worker process dies, once per `marker` file, at `prompt`: a worker
    lost mid-batch (Ray Data restarts the actor and runs the batch again)."""

    def __init__(self, inner: Any, prompt: str, marker: str) -> None:
        self.inner, self.prompt, self.marker = inner, prompt, marker

    async def ainvoke(self, value: Any, config: Any = None) -> Any:
        if value == self.prompt and not Path(self.marker).exists():
            Path(self.marker).touch()
            os._exit(1)
        return await self.inner.ainvoke(value, config)


def dies_once(base_url: str, prompt: str, marker: str) -> DiesOnce:
    return DiesOnce(make_model(base_url), prompt, marker)


class FakeTally:
    """A `RowTally` behind an actor-like handle: `tally.sent.remote(keys)` is awaitable
    and takes a moment, as an actor call does."""

    def __init__(self) -> None:
        from chatplex.ray._tally import RowTally

        self.tally = RowTally()
        self.calls = 0
        self.sent = self
        self.finish = _Finish(self.tally)
        self.broken = False

    async def remote(self, keys: Sequence[Hashable]) -> None:
        self.calls += 1
        await asyncio.sleep(0.01)
        if self.broken:
            raise RuntimeError("the tally actor died")
        self.tally.sent(keys)


class _Finish:
    def __init__(self, tally: Any) -> None:
        self.tally = tally

    async def remote(self, keys: Sequence[Hashable], errors: Sequence[bool]) -> None:
        self.tally.finish(keys, errors)
