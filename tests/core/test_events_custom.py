"""Custom events (`core/events.py`): dispatch_custom_event / adispatch_custom_event,
on_custom_event from inside a runnable."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import RunnableLambda
from chatplex import core
from chatplex.core import Runnable
from chatplex.core import adispatch_custom_event
from chatplex.core import dispatch_custom_event


async def collect(runnable: Runnable[Any, Any], sync: bool, value: Any) -> list[Any]:
    if sync:
        return list(runnable.stream_events(value))
    return [e async for e in runnable.astream_events(value)]


def progress(x: int) -> int:
    dispatch_custom_event("progress", {"done": x, "of": 10})
    return x * 2


async def aprogress(x: int) -> int:
    await adispatch_custom_event("progress", {"done": x, "of": 10})
    return x * 2


@pytest.mark.parametrize("sync", [True, False])
async def test_custom_event_from_a_lambda(sync: bool) -> None:
    chain = RunnableLambda(lambda x: x + 1) | RunnableLambda(progress, aprogress)
    events = await collect(chain, sync, 2)
    [custom] = [e for e in events if e["event"] == "on_custom_event"]
    lam = next(e for e in events if e["name"] == "progress" and e["event"] == "on_chain_start")
    assert custom["name"] == "progress"
    assert custom["data"] == {"done": 3, "of": 10}
    assert custom["run_id"] == lam["run_id"]  # reported by the lambda's run
    assert custom["parent_ids"] == lam["parent_ids"] == [events[0]["run_id"]]
    assert custom["tags"] == []  # its own position is not passed on (LangChain)
    kinds = [e["event"] for e in events if e["run_id"] == lam["run_id"]]
    assert kinds == ["on_chain_start", "on_custom_event", "on_chain_stream", "on_chain_end"]


async def test_custom_event_from_an_async_generator_lambda() -> None:
    async def steps(x: int) -> AsyncIterator[int]:
        for i in range(x):
            await adispatch_custom_event("step", i)
            yield i

    events = [e async for e in RunnableLambda(steps).astream_events(3)]
    assert [e["data"] for e in events if e["event"] == "on_custom_event"] == [0, 1, 2]


def test_custom_event_from_a_sync_generator_lambda() -> None:
    def steps(x: int) -> Iterator[int]:
        for i in range(x):
            dispatch_custom_event("step", i)
            yield i

    events = list(RunnableLambda(steps).stream_events(2))
    assert [e["data"] for e in events if e["event"] == "on_custom_event"] == [0, 1]


@pytest.mark.parametrize("sync", [True, False])
async def test_custom_event_reaches_handlers(sync: bool) -> None:
    class Handler:
        def __init__(self) -> None:
            self.seen: list[tuple[str, Any, uuid.UUID]] = []

        def on_custom_event(self, name: str, data: Any, *, run_id: uuid.UUID, **kw: Any) -> None:
            self.seen.append((name, data, run_id))

    handler = Handler()
    runnable = RunnableLambda(progress, aprogress)
    config: Any = {"callbacks": [handler]}
    out = runnable.invoke(4, config) if sync else await runnable.ainvoke(4, config)
    assert out == 8
    [(name, data, run_id)] = handler.seen
    assert (name, data) == ("progress", {"done": 4, "of": 10})
    assert isinstance(run_id, uuid.UUID)


@pytest.mark.parametrize("sync", [True, False])
async def test_with_nobody_watching_it_is_a_no_op(sync: bool) -> None:
    runnable = RunnableLambda(progress, aprogress)
    assert (runnable.invoke(1) if sync else await runnable.ainvoke(1)) == 2


def test_outside_any_runnable_it_raises() -> None:
    with pytest.raises(RuntimeError, match="inside a runnable"):
        dispatch_custom_event("lost", 1)


async def test_async_outside_any_runnable_it_raises() -> None:
    with pytest.raises(RuntimeError, match="inside a runnable"):
        await adispatch_custom_event("lost", 1)


def test_the_config_may_be_passed_explicitly() -> None:
    def step(x: int, config: Any) -> int:
        dispatch_custom_event("explicit", x, config=config)
        return x

    events = list(RunnableLambda(step).stream_events(5))
    assert [(e["name"], e["data"]) for e in events if e["event"] == "on_custom_event"] == [
        ("explicit", 5)
    ]


def test_the_name_must_be_a_string() -> None:
    def step(x: int) -> int:
        dispatch_custom_event(42, x)  # type: ignore[arg-type]
        return x

    with pytest.raises(TypeError, match="name"):
        list(RunnableLambda(step).stream_events(1))


async def test_a_custom_event_has_the_tags_its_run_passes_on_as_in_langchain() -> None:
    # Not the dispatching run's own position (`seq:step:3`, `map:key:a`): LangChain's
    # event and handler get the tags of the run's child manager, which does not inherit
    # it; an include_tags filter on a position matched chatplex's event alone.
    runnables = pytest.importorskip("langchain_core.runnables")
    manager = pytest.importorskip("langchain_core.callbacks.manager")
    base = pytest.importorskip("langchain_core.callbacks")

    class Handler(base.BaseCallbackHandler):
        def __init__(self) -> None:
            self.tags: list[Any] = []

        def on_custom_event(self, name: str, data: Any, **kw: Any) -> None:
            self.tags.append(kw["tags"])

    async def seen(kit: Any, dispatch: Any) -> tuple[list[Any], list[Any]]:
        def step(x: Any, config: Any) -> Any:
            dispatch("e", x, config=config)
            return x

        own = kit.RunnableLambda(step).with_config(tags=["own"])
        chain = kit.RunnableLambda(lambda x: x) | {"a": own} | kit.RunnableLambda(step)
        config = {"tags": ["top"]}
        events = chain.astream_events(1, version="v2", config=config)
        tags = [e["tags"] async for e in events if e["event"] == "on_custom_event"]
        handler = Handler()
        chain.invoke(1, {**config, "callbacks": [handler]})
        return tags, handler.tags

    theirs = await seen(runnables, manager.dispatch_custom_event)
    ours = await seen(core, dispatch_custom_event)
    assert ours == theirs == ([["own", "top"], ["top"]], [["own", "top"], ["top"]])
