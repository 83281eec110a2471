"""What event and log streams share (`core/_watch.py`): the filters (include by name, type
or tag; exclude wins; decided per event), the listener added to a config, the channel
the watched call pushes into."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex import ChatPromptTemplate, FakeChatModel, RunnableLambda, StrOutputParser
from chatplex.core.events import dispatch_custom_event
from chatplex.runnables import Runnable


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
