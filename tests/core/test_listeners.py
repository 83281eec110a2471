from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any

import pytest

from chatplex.core import Run
from chatplex.core import RunnableLambda
from chatplex.core import RunnableListeners
from tests.core._twins import stream


def _chain() -> Any:
    return RunnableLambda(lambda x: 10 // x, name="divide")


@pytest.mark.parametrize("sync", [True, False])
def test_start_and_end_get_a_run(sync: bool) -> None:
    seen: list[tuple[str, Any]] = []
    chain = _chain().with_listeners(
        on_start=lambda run: seen.append(("start", (run.inputs, run.outputs, run.end_time))),
        on_end=lambda run: seen.append(("end", run)),
    )
    config: Any = {"tags": ["t"], "metadata": {"m": 1}}
    assert (chain.invoke(2, config) if sync else asyncio.run(chain.ainvoke(2, config))) == 5
    assert seen[0] == ("start", ({"input": 2}, None, None))
    run = seen[1][1]
    assert isinstance(run, Run)
    assert run.outputs == {"output": 5} and run.error is None
    assert (run.name, run.run_type, run.tags, run.metadata) == ("divide", "chain", ["t"], {"m": 1})
    assert isinstance(run.id, uuid.UUID)
    assert isinstance(run.start_time, datetime) and run.end_time is not None
    assert run.end_time >= run.start_time


@pytest.mark.parametrize("sync", [True, False])
def test_errors_reach_on_error_and_still_raise(sync: bool) -> None:
    seen: list[Run] = []
    chain = _chain().with_listeners(on_error=seen.append, on_end=lambda r: seen.append(r))
    with pytest.raises(ZeroDivisionError):
        chain.invoke(0) if sync else asyncio.run(chain.ainvoke(0))
    assert len(seen) == 1 and "ZeroDivisionError" in (seen[0].error or "")
    assert isinstance(seen[0].exception, ZeroDivisionError)


def test_listeners_taking_config_get_it() -> None:
    seen: list[Any] = []

    def on_end(run: Run, config: Any) -> None:
        seen.append(config["configurable"])

    _chain().with_listeners(on_end=on_end).invoke(5, {"configurable": {"s": "x"}})
    assert seen == [{"s": "x"}]


@pytest.mark.parametrize("sync", [True, False])
def test_async_listeners(sync: bool) -> None:
    seen: list[Any] = []

    async def on_end(run: Run) -> None:
        seen.append(run.outputs)

    chain = _chain().with_alisteners(on_end=on_end)
    chain.invoke(5) if sync else asyncio.run(chain.ainvoke(5))
    assert seen == [{"output": 2}]


@pytest.mark.parametrize("sync", [True, False])
def test_streams_end_with_the_merged_output(sync: bool) -> None:
    seen: list[Any] = []

    def words(x: str) -> Any:
        yield from x.split()

    chain = RunnableLambda(words).with_listeners(on_end=lambda r: seen.append(r.outputs))
    assert asyncio.run(stream(chain, sync, "a b")) == ["a", "b"]
    assert seen == [{"output": "ab"}]


def test_batch_runs_one_run_per_input_and_dict_io_is_kept() -> None:
    seen: list[Any] = []
    chain = RunnableLambda(lambda d: {"y": d["x"]}).with_listeners(
        on_end=lambda r: seen.append((r.inputs, r.outputs))
    )
    chain.batch([{"x": 1}, {"x": 2}])
    assert sorted(seen, key=str) == [({"x": 1}, {"y": 1}), ({"x": 2}, {"y": 2})]


def test_a_non_callable_listener_is_refused() -> None:
    with pytest.raises(TypeError, match="on_end"):
        RunnableListeners(_chain(), on_end="nope")  # type: ignore[arg-type]
