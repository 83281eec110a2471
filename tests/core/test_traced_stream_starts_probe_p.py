"""Streamed chains beside langchain-core's: what a callback handler, a listener and an
event stream are told when a run starts.

LangChain's sequences, maps, lambdas, passthroughs, `assign`, `pick` and generators
stream as transforms (`stream(x)` is `transform(iter([x]))`): their run starts before
the input is read, so `on_chain_start` gets LangChain's placeholder `{"input": ""}` and
`on_chain_end` the whole input. A branch, fallbacks or a prompt streams its `invoke`: its
start has the input.
"""

from __future__ import annotations

import asyncio
from operator import itemgetter
from typing import Any

import pytest

from tests.core._families import same

pytest.importorskip("langchain_core")


def _runnables(m: Any) -> dict[str, Any]:
    same_input = m.RunnableLambda(lambda d: d)
    return {
        "lambda": same_input,
        "sequence": same_input | m.RunnableLambda(lambda d: d),
        "map": m.RunnableParallel(a=itemgetter("x"), b=m.RunnablePassthrough()),
        "passthrough": m.RunnablePassthrough(),
        "assign": m.RunnablePassthrough.assign(y=lambda d: 1),
        "pick": m.RunnablePassthrough().pick("x"),
        "branch": m.RunnableBranch((lambda d: True, same_input), same_input),
        "prompt": m.ChatPromptTemplate.from_template("{x}"),
        "fallbacks": same_input.with_fallbacks([same_input]),
        "named": same_input.with_config(run_name="named"),
    }


def _root_handler(m: Any) -> Any:
    class Roots(m.BaseCallbackHandler):
        """What the root run is told at its start."""

        def __init__(self) -> None:
            self.seen: list[Any] = []

        def on_chain_start(self, serialized: Any, inputs: Any, **kw: Any) -> None:
            if kw.get("parent_run_id") is None:
                self.seen.append(("start", kw.get("name"), inputs, kw.get("defers_inputs")))

    return Roots()


def test_a_streamed_runs_start_is_told_what_langchains_is() -> None:
    def scenario(m: Any) -> Any:
        out = []
        for name, runnable in _runnables(m).items():
            sync, asynchronous = _root_handler(m), _root_handler(m)
            list(runnable.stream({"x": "v"}, {"callbacks": [sync]}))

            async def consume(r: Any = runnable, h: Any = asynchronous) -> None:
                async for _ in r.astream({"x": "v"}, {"callbacks": [h]}):
                    pass

            asyncio.run(consume())
            out.append((name, sync.seen, asynchronous.seen))
        return out

    seen = dict((name, s) for name, s, _ in same(scenario))
    assert seen["sequence"][0] == ("start", "RunnableSequence", {"input": ""}, False)
    assert seen["branch"][0] == ("start", "RunnableBranch", {"x": "v"}, None)


def test_a_generators_stream_starts_as_langchains() -> None:
    def scenario(m: Any) -> Any:
        def words(chunks: Any) -> Any:
            yield from chunks

        handler = _root_handler(m)
        list(m.RunnableGenerator(words).stream("ab", {"callbacks": [handler]}))
        return handler.seen

    # ... and it says so (`defers_inputs`), as LangChain's generator alone does.
    assert same(scenario) == [("start", "words", {"input": ""}, True)]


def test_a_listener_of_a_streamed_chain_sees_langchains_inputs() -> None:
    def scenario(m: Any) -> Any:
        seen: list[Any] = []
        chain = (m.RunnableLambda(lambda d: d) | m.RunnableLambda(lambda d: d)).with_listeners(
            on_start=lambda run: seen.append(("start", dict(run.inputs))),
            on_end=lambda run: seen.append(("end", dict(run.inputs), dict(run.outputs))),
        )
        chain.invoke({"q": 1})
        list(chain.stream({"q": 2}))

        async def consume() -> None:
            async for _ in chain.astream({"q": 3}):
                pass

        asyncio.run(consume())
        return seen

    assert same(scenario)[2] == ("start", {"input": ""})


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # version="v1", on both sides
def test_an_event_streams_root_start_still_has_its_input() -> None:
    def scenario(m: Any) -> Any:
        chain = m.RunnableLambda(lambda d: d["q"]) | m.RunnablePassthrough() | m.RunnableLambda(len)

        async def events(version: str) -> list[Any]:
            return [
                (e["event"], e["name"], e["data"].get("input", "-"))
                async for e in chain.astream_events({"q": "hi"}, version=version)
                if e["event"].endswith(("_start", "_end"))
            ]

        return asyncio.run(events("v2")), asyncio.run(events("v1"))

    assert same(scenario)[0][0] == ("on_chain_start", "RunnableSequence", {"q": "hi"})
