"""providers/anthropic/root_composition.py: ChatAnthropic's `bind_tools` drops a tool
whose schema has a top-level oneOf/anyOf, warning, and refuses as langchain-anthropic does
(checked against langchain-anthropic's own outcome)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from chatplex.langchain import ChatAnthropic as DropIn
from chatplex.providers.anthropic.root_composition import drop_root_composition_tools
from tests._dropins import engine
from tests._recorded import sent_bodies
from tests.chat.test_dropin_models import _chatplex_body
from tests.chat.test_dropin_models import _langchain_body

ChatAnthropic = engine("ChatAnthropic")  # (built from its record: no engine class)

_UNION = {
    "name": "pick",
    "description": "Pick one.",
    "input_schema": {
        "type": "object",
        "anyOf": [
            {"properties": {"a": {"type": "string"}}},
            {"properties": {"b": {"type": "string"}}},
        ],
    },
}
_ONE_OF = {
    "type": "function",
    "function": {"name": "either", "parameters": {"type": "object", "oneOf": []}},
}
_PLAIN = {
    "name": "weather",
    "description": "Weather.",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
}


def _partner() -> Any:
    import langchain_anthropic

    return langchain_anthropic.ChatAnthropic(model="claude-sonnet-4-5", api_key="sk-test")


def _warned(bind: Any) -> tuple[Any, list[str], list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bound = bind()
    return bound, [str(w.message) for w in caught], [w.filename for w in caught]


def test_the_dropped_tools_and_warnings_are_langchain_anthropics() -> None:
    theirs, ours = _partner(), ChatAnthropic(model="claude-sonnet-4-5", api_key="sk-test")
    tools = [_UNION, _ONE_OF, _PLAIN]
    their_bound, their_words, _ = _warned(lambda: theirs.bind_tools(tools))
    our_bound, our_words, files = _warned(lambda: ours.bind_tools(tools))
    assert len(our_words) == 2 and our_words == their_words
    assert files == [__file__, __file__]  # pointing at the caller, as theirs
    expected = _langchain_body(their_bound, theirs)
    assert _chatplex_body(our_bound) == expected
    assert [t["name"] for t in expected["tools"]] == ["weather"]


@pytest.mark.parametrize(
    ("tools", "tool_choice"),
    [
        ([_UNION], None),
        ([_UNION, _PLAIN], "pick"),
        ([_UNION, _PLAIN], {"type": "tool", "name": "pick"}),
        ([_UNION, _PLAIN], "any"),
    ],
    ids=["none-left", "forced-dropped", "forced-dropped-dict", "any"],
)
def test_a_binding_langchain_anthropic_refuses_is_refused_in_its_words(
    tools: list[Any], tool_choice: Any
) -> None:
    with pytest.raises(ValueError) as theirs, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _partner().bind_tools(tools, tool_choice=tool_choice)
    for model in (
        ChatAnthropic(model="claude-sonnet-4-5", api_key="sk-test"),
        DropIn(model="claude-sonnet-4-5", api_key="sk-test"),
    ):
        with pytest.raises(ValueError) as ours, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.bind_tools(tools, tool_choice=tool_choice)
        assert str(ours.value) == str(theirs.value)


def test_thinking_lets_a_forced_choice_stand_and_auto_is_kept() -> None:
    thinking = {"type": "enabled", "budget_tokens": 1024}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for choice in ("pick", "any"):
            assert drop_root_composition_tools([_UNION, _PLAIN], choice, thinking) == [_PLAIN]
        assert drop_root_composition_tools([_UNION, _PLAIN], "auto", None) == [_PLAIN]
        with pytest.raises(ValueError, match="forces 'pick'"):
            drop_root_composition_tools([_UNION, _PLAIN], "pick", {"type": "disabled"})


def test_a_bare_schema_and_a_tool_without_a_name_are_read_too() -> None:
    bare = {"title": "Choice", "anyOf": [{"type": "string"}]}
    unnamed = {"input_schema": {"oneOf": []}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert drop_root_composition_tools([bare, unnamed, _PLAIN], None, None) == [_PLAIN]
    assert "Dropping tool 'Choice'" in str(caught[0].message)
    assert "Dropping tool with no name" in str(caught[1].message)


@pytest.mark.parametrize("sync", [True, False])
async def test_the_langchain_drop_in_sends_only_the_tools_kept(sync: bool) -> None:
    with sent_bodies() as (server, bodies):
        model = DropIn(
            model="claude-sonnet-4-5", base_url=server.anthropic_base_url, api_key="sk-test"
        )
        bound, words, files = _warned(lambda: model.bind_tools([_UNION, _PLAIN]))
        ask = "use the tool"
        reply = bound.invoke(ask) if sync else await bound.ainvoke(ask)
    assert len(words) == 1 and "Dropping tool 'pick'" in words[0] and files == [__file__]
    assert reply.tool_calls[0]["name"] == "weather"
    assert [t["name"] for t in bodies[0]["tools"]] == ["weather"]
