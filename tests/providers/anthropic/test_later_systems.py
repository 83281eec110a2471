"""providers/anthropic/later_systems.py: a system message after the conversation started,
read as langchain-anthropic reads it by the drop-in (in place, or hoisted with a warning),
refused by chatplex's own family; the betas a system turn's tool changes need. The drop-in
beside langchain-anthropic: tests/partners/anthropic (`later_system_messages`)."""

from __future__ import annotations

import warnings

import pytest

from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.providers.anthropic.betas import INLINE_TOOLS_BETA
from chatplex.providers.anthropic.betas import TOOL_CHANGES_BETA
from chatplex.providers.anthropic.betas import with_request_betas
from chatplex.providers.anthropic.later_systems import PLACED_SYSTEM_MODELS
from chatplex.providers.anthropic.later_systems import Later
from chatplex.providers.anthropic.later_systems import later_mode
from chatplex.providers.anthropic.request import to_wire_messages

_REMOVAL = {"type": "tool_removal", "name": "add"}


def _sent(messages: list[object], mode: str) -> tuple[object, object]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return to_wire_messages(messages, later=Later(mode, "m"))  # type: ignore[arg-type]


def test_the_own_family_refuses_a_later_system_message() -> None:
    assert later_mode(False, "claude-opus-5") == "refused"
    with pytest.raises(ValueError, match="after the conversation started"):
        to_wire_messages([HumanMessage("hi"), SystemMessage("French.")])


def test_the_mode_follows_the_models_profile() -> None:
    assert "claude-opus-5" in PLACED_SYSTEM_MODELS
    assert later_mode(True, "claude-opus-5") == "placed"
    assert later_mode(True, "claude-opus-5-20270101") == "hoisted"  # profiles: exact names
    assert later_mode(True, "claude-haiku-4-5") == "hoisted"


def test_a_placed_one_stays_after_a_user_turn_last_or_before_a_reply() -> None:
    last = [HumanMessage("hi"), SystemMessage("A"), SystemMessage("B")]
    assert _sent(last, "placed") == (
        None,
        [
            {"role": "user", "content": "hi"},
            {
                "role": "system",
                "content": [{"type": "text", "text": "A"}, {"type": "text", "text": "B"}],
            },
        ],
    )
    before = [HumanMessage("hi"), SystemMessage([_REMOVAL]), AIMessage("ok "), HumanMessage("go")]
    assert _sent(before, "placed")[1] == [
        {"role": "user", "content": "hi"},
        {"role": "system", "content": [_REMOVAL]},
        {"role": "assistant", "content": "ok "},
        {"role": "user", "content": "go"},
    ]


def test_elsewhere_it_is_hoisted_with_a_warning_and_the_turns_stay_apart() -> None:
    conversation = [HumanMessage("hi"), SystemMessage("French."), HumanMessage("how?")]
    with pytest.warns(UserWarning, match="non-leading `SystemMessage` was moved"):
        system, turns = to_wire_messages(conversation, later=Later("placed", "claude-opus-5"))
    assert system == "French."
    assert turns == [{"role": "user", "content": "hi"}, {"role": "user", "content": "how?"}]
    after_reply = [HumanMessage("hi"), AIMessage("well "), SystemMessage("B")]
    assert _sent(after_reply, "placed") == (
        "B",
        [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "well"}],
    )


def test_a_second_system_prompt_is_refused() -> None:
    conversation = [SystemMessage("Terse."), HumanMessage("hi"), SystemMessage("French.")]
    with pytest.raises(ValueError, match="multiple non-consecutive system messages"):
        _sent(conversation, "hoisted")


def test_a_hoisted_tool_change_and_other_blocks_are_dropped_with_a_warning() -> None:
    blocks = [{"type": "text", "text": "T"}, _REMOVAL, {"type": "image", "url": "x"}]
    conversation = [HumanMessage("hi"), SystemMessage(blocks), HumanMessage("x")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        system, _ = to_wire_messages(conversation, later=Later("hoisted", "m"))
    assert system == [{"type": "text", "text": "T"}]
    said = [str(w.message) for w in caught]
    assert any("Tool-change block 'tool_removal' was dropped" in s for s in said)
    assert any("Unrecognized system content block 'image' was dropped" in s for s in said)


def test_a_system_turns_tool_changes_bring_their_beta() -> None:
    removal = {"messages": [{"role": "system", "content": [_REMOVAL]}]}
    assert with_request_betas(None, removal) == TOOL_CHANGES_BETA
    assert with_request_betas("b1", removal) == f"b1,{TOOL_CHANGES_BETA}"
    assert with_request_betas(INLINE_TOOLS_BETA, removal) == INLINE_TOOLS_BETA
    defined = {"type": "tool_addition", "tool": {"type": "tool_definition", "name": "f"}}
    inline = {"messages": [{"role": "system", "content": [defined]}]}
    assert with_request_betas(None, inline) == INLINE_TOOLS_BETA
    in_prompt = {"system": [_REMOVAL], "messages": [{"role": "user", "content": "x"}]}
    assert with_request_betas(None, in_prompt) is None  # (the prompt's need none)
