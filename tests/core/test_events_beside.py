"""`astream_events(version="v2")` and `astream_log` over a nested chain, beside
langchain-core's: the events' order, names, tags and `parent_ids`, and the log's paths.

Run ids are replaced by their order of appearance, so the shape of `parent_ids` is
compared, not the random ids. Models are left out: each library's fake chunks its reply
its own way."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex
from tests.core._families import langchain
from tests.core._families import same

pytest.importorskip("langchain_core")

# langchain-core marks astream_log deprecated; what it yields is compared, not the warning.
pytestmark = pytest.mark.filterwarnings("ignore:astream_log is deprecated")


def _chars(m: Any) -> Any:
    def chars(pieces: Iterator[Any]) -> Iterator[str]:
        for _ in pieces:
            yield from "abc"

    async def achars(pieces: AsyncIterator[Any]) -> AsyncIterator[str]:
        async for _ in pieces:
            for c in "abc":
                yield c

    return m.RunnableGenerator(chars, achars, name="chars")


def _nested(m: Any) -> Any:
    inner = (
        m.RunnableLambda(lambda x: x, name="inner") | m.RunnableLambda(lambda d: d["q"], name="q")
    ).with_config(tags=["inner"], run_name="Inner")
    prompt = m.ChatPromptTemplate.from_messages([("human", "{q}")])
    parsed = m.RunnableLambda(lambda v: v.to_messages()[0].content, name="text")
    return ({"q": inner} | prompt | parsed | _chars(m)).with_config(tags=["top"], metadata={"k": 1})


def _events(m: Any, chain: Any, value: Any) -> list[Any]:
    async def run() -> list[Any]:
        order: dict[str, int] = {}
        seen = []
        async for e in chain.astream_events(value, version="v2"):
            parents = [order.setdefault(p, len(order)) for p in e["parent_ids"]]
            run_id = order.setdefault(e["run_id"], len(order))
            data = e["data"].get("chunk", e["data"].get("output"))
            seen.append(
                (e["event"], e["name"], sorted(e["tags"]), e["metadata"], run_id, parents, data)
            )
        return seen

    return asyncio.run(run())


def test_a_nested_chains_events_are_langchains() -> None:
    seen = same(lambda m: _events(m, _nested(m), {"q": "hi"}))
    assert seen[0][:2] == ("on_chain_start", "RunnableSequence")
    assert (
        "on_chain_start",
        "q",
        ["inner", "seq:step:2", "top"],
        {"k": 1},
        4,
        [0, 1, 2],
        None,
    ) in seen


@pytest.mark.parametrize(
    "build",
    [
        lambda m: m.RunnableLambda(lambda x: _chars(m), name="router"),
        lambda m: m.RunnablePassthrough.assign(s=_chars(m)),
        lambda m: m.RunnableBranch((lambda x: bool(x), _chars(m)), m.RunnableLambda(str)),
        lambda m: _chars(m).with_retry(),
        lambda m: _chars(m).with_config(run_name="X", tags=["t"]),
    ],
    ids=["lambda-returns-runnable", "assign", "branch", "retry", "with_config"],
)
def test_wrappers_events_are_langchains(build: Any) -> None:
    same(lambda m: _events(m, build(m), {"q": 1}))


def test_astream_log_paths_are_langchains() -> None:
    def scenario(m: Any) -> Any:
        async def run(**kw: Any) -> list[Any]:
            return [
                [(op["op"], op["path"]) for op in patch.ops]
                async for patch in _nested(m).astream_log({"q": "hi"}, **kw)
            ]

        return asyncio.run(run()), asyncio.run(run(include_names=["Inner"]))

    same(scenario)


def test_a_maps_events_are_streamed_where_langchain_raises() -> None:
    """Kept difference: langchain-core's `RunnableEach` raises NotImplementedError from
    `astream_events`; chatplex's reports each item's run under the map's."""
    mapped = lambda m: m.RunnableLambda(lambda x: x * 2).map()  # noqa: E731
    with pytest.raises(NotImplementedError):
        _events(langchain(), mapped(langchain()), [1, 2])
    seen = _events(chatplex, mapped(chatplex), [1, 2])
    assert [(e[0], e[4], e[5]) for e in seen] == [
        ("on_chain_start", 0, []),
        ("on_chain_start", 1, [0]),
        ("on_chain_end", 1, [0]),
        ("on_chain_start", 2, [0]),
        ("on_chain_end", 2, [0]),
        ("on_chain_end", 0, []),
    ]
    assert seen[-1][-1] == [2, 4]


@pytest.mark.parametrize(
    "chosen",
    [
        {"include_names": ["Inner"]},
        {"include_types": ["prompt"]},
        {"include_tags": ["inner"]},
        {"exclude_names": ["q"]},
        {"exclude_types": ["chain"]},
        {"exclude_tags": ["top"]},
        {"include_types": ["chain"], "exclude_names": ["inner"]},
        {"include_names": ["q"], "include_tags": ["seq:step:1"]},
    ],
)
def test_an_event_streams_filters_choose_langchains_events(chosen: dict[str, Any]) -> None:
    def scenario(m: Any) -> Any:
        async def run() -> list[Any]:
            stream = _nested(m).astream_events({"q": "hi"}, version="v2", **chosen)
            return [(e["event"], e["name"]) async for e in stream]

        return asyncio.run(run())

    same(scenario)
