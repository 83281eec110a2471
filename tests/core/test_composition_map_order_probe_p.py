"""A map's branch streamed async, beside langchain-core's: the branch is asked for its
next piece once the one before has gone on, so its run ends after the map (and an
`assign` around it) passed its last piece on, as in LangChain's event stream."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.core._families import same

pytest.importorskip("langchain_core")


def _events(chain: Any, value: Any) -> list[Any]:
    async def run() -> list[Any]:
        return [
            (e["event"], e["name"], e["tags"], "input" in e["data"])
            async for e in chain.astream_events(value, version="v2")
        ]

    return asyncio.run(run())


def test_an_assigns_branch_ends_after_its_piece_went_on() -> None:
    def scenario(m: Any) -> Any:
        chain = m.RunnablePassthrough.assign(n=lambda d: len(d["q"])) | m.RunnableLambda(
            lambda d: d["n"]
        )
        # (when the map starts beside the next step is LangChain's scheduler's choice)
        return [e for e in _events(chain, {"q": "hi"}) if e[0] != "on_chain_start"]

    seen = same(scenario)
    names = [(event, name) for event, name, _, _ in seen]
    assert names.index(("on_chain_end", "RunnableLambda")) > names.index(
        ("on_chain_stream", "RunnableAssign<n>")
    )


def test_a_one_branch_maps_events_are_langchains() -> None:
    def scenario(m: Any) -> Any:
        return _events(m.RunnableParallel(only=m.RunnablePassthrough()), "x")

    same(scenario)
