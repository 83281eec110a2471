"""What event and log streams share (`core/_watch.py`): the filters (include by name, type
or tag; exclude wins; decided per event), the listener added to a config, the channel
the watched call pushes into."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from chatplex import ChatPromptTemplate
from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex import StrOutputParser
from chatplex.core import Runnable
from chatplex.core._watch import DONE
from chatplex.core._watch import FILTER_NAMES
from chatplex.core._watch import AsyncChannel
from chatplex.core._watch import EventFilter
from chatplex.core._watch import Failed
from chatplex.core._watch import drain
from chatplex.core._watch import finished
from chatplex.core._watch import watch_config
from chatplex.core.events import dispatch_custom_event
from chatplex.core.run_config import RunnableConfig
from chatplex.core.run_config import current_config
from chatplex.core.runs import ChainRun
from chatplex.core.runs import RunListener
from chatplex.core.runs import RunNode


async def collect(
    runnable: Runnable[Any, Any], sync: bool, **filters: Any
) -> list[tuple[str, str]]:
    if sync:
        events = list(runnable.stream_events({"topic": "t"}, **filters))
    else:
        events = [e async for e in runnable.astream_events({"topic": "t"}, **filters)]
    return [(e["event"], e["name"]) for e in events]


def chain() -> Runnable[Any, str]:
    prompt = ChatPromptTemplate.from_template("Tell me about {topic}")
    model = FakeChatModel(responses=["a b"]).with_config(tags=["llm"])
    return prompt | model | StrOutputParser()


MODEL_EVENTS = [
    ("on_chat_model_start", "FakeChatModel"),
    ("on_chat_model_stream", "FakeChatModel"),
    ("on_chat_model_stream", "FakeChatModel"),
    ("on_chat_model_end", "FakeChatModel"),
]
PARSER_EVENTS = [
    ("on_parser_start", "StrOutputParser"),
    ("on_parser_stream", "StrOutputParser"),
    ("on_parser_stream", "StrOutputParser"),
    ("on_parser_end", "StrOutputParser"),
]


@pytest.mark.parametrize("sync", [True, False])
async def test_include_names_keeps_only_those_runs(sync: bool) -> None:
    # Per event: the root chain's own events are not kept because a child matched.
    assert await collect(chain(), sync, include_names=["StrOutputParser"]) == PARSER_EVENTS


@pytest.mark.parametrize("sync", [True, False])
async def test_include_types(sync: bool) -> None:
    assert await collect(chain(), sync, include_types=["chat_model"]) == MODEL_EVENTS
    kept = await collect(chain(), sync, include_types=["prompt", "parser"])
    assert {name for _, name in kept} == {"ChatPromptTemplate", "StrOutputParser"}


@pytest.mark.parametrize("sync", [True, False])
async def test_include_tags_from_config_positions_and_with_config(sync: bool) -> None:
    assert await collect(chain(), sync, include_tags=["llm"]) == MODEL_EVENTS
    assert await collect(chain(), sync, include_tags=["seq:step:3"]) == PARSER_EVENTS


@pytest.mark.parametrize("sync", [True, False])
async def test_includes_are_alternatives(sync: bool) -> None:
    kept = await collect(chain(), sync, include_names=["StrOutputParser"], include_tags=["llm"])
    assert sorted(kept) == sorted(MODEL_EVENTS + PARSER_EVENTS)


@pytest.mark.parametrize("sync", [True, False])
async def test_exclude_wins_over_include(sync: bool) -> None:
    kept = await collect(
        chain(), sync, include_types=["chat_model", "parser"], exclude_names=["FakeChatModel"]
    )
    assert kept == PARSER_EVENTS
    kept = await collect(chain(), sync, include_tags=["llm"], exclude_tags=["llm"])
    assert kept == []


@pytest.mark.parametrize("sync", [True, False])
async def test_exclude_alone_drops_matching_events(sync: bool) -> None:
    kept = await collect(chain(), sync, exclude_types=["chain", "prompt", "parser"])
    assert kept == MODEL_EVENTS


@pytest.mark.parametrize("sync", [True, False])
async def test_an_empty_include_list_keeps_nothing(sync: bool) -> None:
    # As in LangChain: an include filter that is given but empty matches no event.
    assert await collect(chain(), sync, include_names=[]) == []


@pytest.mark.parametrize("sync", [True, False])
async def test_custom_events_are_filtered_by_their_own_name(sync: bool) -> None:
    def step(x: Any) -> Any:
        dispatch_custom_event("progress", 1)
        dispatch_custom_event("debug", 2)
        return x

    runnable = RunnableLambda(step)
    kept = await collect(runnable, sync, include_names=["progress"])
    assert kept == [("on_custom_event", "progress")]
    kept = await collect(runnable, sync, exclude_names=["debug"])
    assert ("on_custom_event", "debug") not in kept
    assert ("on_custom_event", "progress") in kept


def test_a_bare_string_filter_is_rejected() -> None:
    with pytest.raises(TypeError, match="include_names"):
        chain().stream_events({"topic": "t"}, include_names="FakeChatModel")


# ---- the pieces themselves --------------------------------------------------------------


def _filter(**named: Sequence[str]) -> EventFilter:
    return EventFilter(tuple(named.get(name) for name in FILTER_NAMES))


def test_event_filter_rules() -> None:
    assert EventFilter().keep("any", "chain", [])
    names = _filter(include_names=["a"])
    assert names.keep("a", "chain", []) and not names.keep("b", "chain", [])
    either = _filter(include_types=["parser"], include_tags=["t"])
    assert either.keep("x", "parser", []) and either.keep("x", "chain", ["u", "t"])
    assert not either.keep("x", "chain", ["u"])
    exclude_wins = _filter(include_names=["a"], exclude_tags=["hidden"])
    assert not exclude_wins.keep("a", "chain", ["hidden"])
    assert not _filter(exclude_types=["prompt"]).keep("p", "prompt", [])
    assert not _filter(exclude_names=["p"]).keep("p", "chain", [])
    assert not _filter(exclude_tags=["h"]).keep("p", "chain", ["x", "h"])
    assert _filter(exclude_tags=["h"]).keep("p", "chain", ["x"])
    assert not _filter(include_names=[]).keep("a", "chain", [])  # empty: nothing


def test_a_short_filters_tuple_leaves_the_rest_unset() -> None:
    assert not EventFilter((["a"],)).keep("b", "chain", [])
    assert EventFilter((["a"],)).keep("a", "chain", ["any"])


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_every_filter_refuses_a_bare_string(name: str) -> None:
    with pytest.raises(TypeError, match=name):
        _filter(**{name: "abc"})


class Listener(RunListener):
    def __init__(self, parent: RunNode | None) -> None:
        self.parent = parent


def test_watch_config_adds_the_listener_and_leaves_the_config_alone() -> None:
    made: list[Listener] = []

    def make(parent: RunNode | None) -> Listener:
        made.append(Listener(parent))
        return made[-1]

    handler = object()
    assert watch_config(None, make) == ({"callbacks": [made[0]]}, made[0])
    given: RunnableConfig = {"callbacks": [handler], "timeout": 5}
    watched, listener = watch_config(given, make)
    assert watched == {"callbacks": [handler, made[1]], "timeout": 5}  # not prepared
    assert listener is made[1]
    assert given == {"callbacks": [handler], "timeout": 5}
    assert watch_config({"callbacks": handler}, make)[0]["callbacks"] == [handler, made[2]]
    assert all(listener.parent is None for listener in made)


def test_watch_config_nests_the_listener_under_the_ambient_run() -> None:
    outer = ChainRun({}, "outer", "chain", [], [])
    token = current_config().set({"_parent_run": outer})
    try:
        cfg, listener = watch_config({}, lambda parent: Listener(parent))
    finally:
        current_config().reset(token)
    assert listener.parent is outer and cfg["callbacks"] == [listener]


def test_finished_at_done_raises_a_failure_and_passes_anything_else() -> None:
    assert finished(DONE)
    assert not finished({"event": "on_chain_start"})
    assert not finished(None)
    with pytest.raises(KeyError, match="boom"):
        finished(Failed(KeyError("boom")))


async def test_drain_yields_what_the_producer_pushes_from_any_thread() -> None:
    channel = AsyncChannel()

    async def produce() -> None:
        channel.push(1)
        await asyncio.to_thread(channel.push, 2)  # another thread wakes the consumer
        await asyncio.sleep(0)
        channel.push(DONE)

    assert [item async for item in drain(channel, produce, Listener(None))] == [1, 2]


async def test_drain_raises_what_the_producer_failed_with() -> None:
    channel = AsyncChannel()

    async def produce() -> None:
        channel.push("first")
        channel.push(Failed(KeyError("boom")))

    got: list[Any] = []
    with pytest.raises(KeyError, match="boom"):
        async for item in drain(channel, produce, Listener(None)):
            got.append(item)
    assert got == ["first"]


async def test_leaving_drain_early_abandons_and_cancels_the_producer() -> None:
    channel = AsyncChannel()
    listener = Listener(None)
    cancelled = asyncio.Event()

    async def produce() -> None:
        channel.push("only")
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    items = drain(channel, produce, listener)
    assert await items.__anext__() == "only"
    await items.aclose()  # type: ignore[attr-defined]
    assert listener.abandoned and cancelled.is_set()
