"""`with_retry` beside langchain-core's: the tags each attempt's run is told, and the runs
a streamed retry makes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.core._families import same

pytest.importorskip("langchain_core")


def _flaky(m: Any, failures: int) -> Any:
    calls: list[Any] = []

    def step(x: Any) -> Any:
        calls.append(x)
        if len(calls) <= failures:
            raise ValueError(f"attempt {len(calls)}")
        return x

    return m.RunnableLambda(step)


def _starts(m: Any) -> Any:
    class Starts(m.BaseCallbackHandler):
        def __init__(self) -> None:
            self.seen: list[Any] = []

        def on_chain_start(self, serialized: Any, inputs: Any, **kw: Any) -> None:
            self.seen.append((kw.get("name"), kw.get("tags")))

        def on_chain_error(self, error: BaseException, **kw: Any) -> None:
            self.seen.append(("error", str(error), kw.get("tags")))

    return Starts()


def test_each_attempt_is_tagged_once_and_its_steps_not() -> None:
    def scenario(m: Any) -> Any:
        handler = _starts(m)
        inner = _flaky(m, 1) | m.RunnableLambda(lambda x: x)
        retried = inner.with_retry(wait_exponential_jitter=False, stop_after_attempt=3)
        assert (retried | m.RunnableLambda(str)).invoke(1, {"callbacks": [handler]}) == "1"
        return handler.seen

    seen = same(scenario)
    assert ("RunnableSequence", ["retry:attempt:2"]) in seen


@pytest.mark.parametrize("nested", [False, True])
def test_a_streamed_retry_makes_no_run_of_its_own(nested: bool) -> None:
    """LangChain's retry is a binding when streamed: the runs and events are the bound
    runnable's alone."""

    def scenario(m: Any) -> Any:
        retried = m.RunnableLambda(lambda x: x + 1).with_retry()
        chain = (retried | m.RunnableLambda(str)) if nested else retried
        handler = _starts(m)
        pieces = list(chain.stream(1, {"callbacks": [handler]}))

        async def events() -> list[Any]:
            return [
                (e["event"], e["name"], e["tags"])
                async for e in chain.astream_events(1, version="v2")
            ]

        return pieces, handler.seen, asyncio.run(events())

    same(scenario)


def test_a_streamed_retry_still_retries_before_its_first_piece() -> None:
    """The kept difference (docs/porting.md): LangChain's streamed retry raises the first
    error, chatplex's tries again; the second attempt's run is tagged as on invoke."""
    import chatplex

    handler = _starts(chatplex)
    retried = _flaky(chatplex, 1).with_retry(wait_exponential_jitter=False)
    assert list(retried.stream(5, {"callbacks": [handler]})) == [5]
    assert handler.seen == [
        ("step", []),
        ("error", "attempt 1", []),
        ("step", ["retry:attempt:2"]),
    ]
    langchain = pytest.importorskip("langchain_core.runnables")
    with pytest.raises(ValueError, match="attempt 1"):
        list(_flaky(langchain, 1).with_retry(wait_exponential_jitter=False).stream(5))
