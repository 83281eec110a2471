"""A stream of many tool calls costs each chunk the same work, however many came before
it (issue 65), in both families, sync and async: no chunk carries the calls before it,
and what chatplex merges while the stream runs (the partial reply a deadline or a
failure keeps: the engine's compaction, `Runnable.stream`'s `YieldedSoFar`) walks the
calls merged before again no more often than chunks come. Work is counted, not timed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import init_chat_model
from chatplex.core import partial_results
from chatplex.http import _engine
from chatplex.testing import MockScript
from chatplex.testing import MockServer
from chatplex.testing import ScriptRule
from tests._merges import MergeWalks

#: Calls in the stream: merged every 512 chunks, they were walked again more often than
#: chunks came, and more the longer the stream. On the code before the fix (8abe4d73~1)
#: every case fails with 1,600 (walks 1.3-2.8 times the chunks), as with 2,400; with
#: 1,200 some failed by 2 walks only.
CALLS = 1600


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    rest = [{"call": "add", "args": {"a": k, "b": 1}} for k in range(1, CALLS)]
    rule = ScriptRule(user_text="calls", call="add", args={"a": 0, "b": 1}, also=rest)
    with MockServer(script=MockScript(rules=[rule])) as mock:
        yield mock


def _model(family: str, wire: str, server: MockServer) -> Any:
    url = server.openai_base_url if wire == "openai" else server.anthropic_base_url
    name = "gpt-4o-mini" if wire == "openai" else "claude-sonnet-4-5"
    if family == "chatplex":
        return init_chat_model(f"{wire}:{name}", base_url=url, api_key="k").bind_tools([add])
    from chatplex.langchain import ChatAnthropic
    from chatplex.langchain import ChatOpenAI

    cls = ChatOpenAI if wire == "openai" else ChatAnthropic
    return cls(model=name, base_url=url, api_key="k").bind_tools([add])


def _streamed(family: str, model: Any, sync: bool) -> list[Any]:
    """The chunks of a stream. A drop-in's are its `_stream`'s, chatplex's whole part:
    LangChain's `stream()` merges them once more at the end with langchain-core's own
    merge, which walks every fragment before each (its own O(N²), seconds here)."""
    if family == "chatplex":
        stream, astream = model.stream, model.astream
        prompt: Any = "Many calls, please"
    else:
        from langchain_core.messages import HumanMessage

        inner, kwargs = model.bound, model.kwargs
        prompt = [HumanMessage("Many calls, please")]
        stream = lambda p: (piece.message for piece in inner._stream(p, **kwargs))  # noqa: E731
        astream = lambda p: (piece.message async for piece in inner._astream(p, **kwargs))  # noqa: E731
    if sync:
        return list(stream(prompt))

    async def collect() -> list[Any]:
        return [chunk async for chunk in astream(prompt)]

    return asyncio.run(collect())


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("wire", ["openai", "anthropic"])
@pytest.mark.parametrize("family", ["chatplex", "langchain"])
def test_a_stream_of_many_tool_calls_costs_each_chunk_the_same_work(
    server: MockServer, monkeypatch: pytest.MonkeyPatch, family: str, wire: str, sync: bool
) -> None:
    engine = MergeWalks(monkeypatch, _engine)
    yielded = MergeWalks(monkeypatch, partial_results)
    chunks = _streamed(family, _model(family, wire, server), sync)
    # Each chunk carries its own piece: one call's fragment, one block at most.
    assert max(len(c.tool_call_chunks) for c in chunks) == 1
    assert all(isinstance(c.content, str) or len(c.content) <= 1 for c in chunks)
    assert len({f["index"] for c in chunks for f in c.tool_call_chunks}) == CALLS
    for walks in (yielded, engine):
        assert walks.merges > 1
        assert walks.rewalked <= walks.chunks
