"""A history of LangChain v1 replies (`output_version="v1"`: text, reasoning and tool
calls as content blocks) sent on, side by side: ChatOpenAI and the OpenAI-compatible
partner packages, each script run with the partner's class and with chatplex's against
a scripted server.

langchain-groq's `_convert_from_v1_to_groq` sends a turn of one text block as its text,
counting the blocks before it keeps the text alone: a turn that also holds a tool call,
or another provider's reasoning, goes as a list of its text blocks. langchain-mistralai's
`_convert_from_v1_to_mistral` sends its own v1 reasoning back as Mistral thinking parts.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import add
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import problems
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_compatible_sidebyside import _model
from tests.partners.compatible.test_compatible_sidebyside import answer
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

lc = pytest.importorskip("langchain_core.messages")

#: The classes compared: ChatOpenAI's and every compatible partner package's.
CLASSES = {"openai": OPENAI, **PACKAGES}

CALL = {"name": "add", "args": {"a": 1, "b": 2}, "id": "call_1", "type": "tool_call"}


def _v1_reply(provider: str, *, reasoning: bool, call: bool) -> Any:
    blocks: list[Any] = [{"type": "reasoning", "reasoning": "Add them."}] if reasoning else []
    blocks.append({"type": "text", "text": "Adding."})
    if call:
        blocks.append({"type": "tool_call", "id": "call_1", "name": "add", "args": CALL["args"]})
    return lc.AIMessage(
        content=blocks,
        tool_calls=[CALL] if call else [],
        response_metadata={"output_version": "v1", "model_provider": provider},
    )


def _sent_on(cls: Any, p: Package, url: str, provider: str) -> Any:
    """Each kind of v1 turn (text beside a call; beside reasoning; both) sent on."""
    model = _model(cls, p, url).bind_tools([add])
    replies = []
    for reasoning, call in ((False, True), (True, False), (True, True)):
        history = [lc.HumanMessage("1+2?"), _v1_reply(provider, reasoning=reasoning, call=call)]
        if call:
            history.append(lc.ToolMessage("3", tool_call_id="call_1"))
        replies.append(model.invoke([*history, lc.HumanMessage("Thanks.")]))
    return replies


def own_v1_turns(cls: Any, p: Package, url: str) -> Any:
    return _sent_on(cls, p, url, p.name)


def openai_v1_turns(cls: Any, p: Package, url: str) -> Any:
    """Another provider's v1 turns (a switched model, a fallback)."""
    return _sent_on(cls, p, url, "openai")


def content_only_call(cls: Any, p: Package, url: str) -> Any:
    """A turn whose call is written only in its content (`AIMessage(content=[...])`
    with a `tool_call` block leaves `tool_calls` empty), answered and sent on."""
    turn = lc.AIMessage(content=[{"type": "text", "text": "Adding."}, {**CALL}])
    history = [lc.HumanMessage("1+2?"), turn, lc.ToolMessage("3", tool_call_id="call_1")]
    return _model(cls, p, url).bind_tools([add]).invoke(history)


def reasoning_block_replayed(cls: Any, p: Package, url: str) -> Any:
    """A turn holding a reasoning block in its content, not marked v1 (a Responses
    API reply of ChatOpenAI's, or written by hand), sent on after a switch of model."""
    turn = lc.AIMessage(
        content=[
            {"type": "reasoning", "id": "rs_1", "summary": [], "reasoning": "Add them."},
            {"type": "text", "text": "3."},
        ]
    )
    return _model(cls, p, url).invoke([lc.HumanMessage("1+2?"), turn, lc.HumanMessage("Sure?")])


SCRIPTS = {
    "reasoning_block_replayed": reasoning_block_replayed,
    "own_v1_turns": own_v1_turns,
    "openai_v1_turns": openai_v1_turns,
    "content_only_call": content_only_call,
}

#: The runs whose partner fails: not compared, `test_the_partner_fails` holds each to
#: its failure (as kept rows: (why, no normaliser), which the documentation lists).
KEPT: dict[tuple[str, str], Difference] = {
    ("perplexity", name): Difference(
        Reason.RAISES,
        "raises a ValidationError on a v1 turn: its SDK's request model refuses the "
        "turn's tool call blocks",
        "the turn goes as its text and tool calls",
    )
    for name in SCRIPTS
}
KEPT["mistralai", "openai_v1_turns"] = Difference(
    Reason.REJECTED,
    "sends another provider's v1 reasoning block as it is, a content part Mistral's API refuses",
    "another provider's reasoning is left out of the turn",
)
KEPT["mistralai", "reasoning_block_replayed"] = Difference(
    Reason.REJECTED,
    "sends a reasoning block of a turn's content as it is, a content part Mistral's API "
    "refuses (its parts are text, image, document, reference, file, thinking and audio)",
    "the reasoning block is left out of the turn, its text sent",
)
for package in CLASSES:
    KEPT[package, "content_only_call"] = Difference(
        Reason.REJECTED,
        "sends the turn without its call (the `tool_call` block left in the content, "
        "or dropped), so the tool result that follows answers no call, which the API "
        "refuses",
        "the call is sent as the turn's tool call, before the result that answers it",
    )
KEPT["perplexity", "content_only_call"] = KEPT["perplexity", "own_v1_turns"]
DIFFERENCES = {key: (why, None) for key, why in KEPT.items()}


@pytest.mark.parametrize(
    ("package", "name"),
    [(p, n) for p in sorted(CLASSES) for n in sorted(SCRIPTS) if (p, n) not in KEPT],
)
def test_same_as_the_partner_package(package: str, name: str, server: ScriptedServer) -> None:
    assert_same(suite.run_script(CLASSES[package], Script(), SCRIPTS[name], server))


@pytest.mark.parametrize(("package", "name"), sorted(KEPT))
def test_the_partner_fails(package: str, name: str, server: ScriptedServer) -> None:
    assert not problems(KEPT[package, name])
    p = CLASSES[package]
    server.handler = answer(Script(), p)
    if KEPT[package, name].reason is Reason.RAISES:
        with pytest.MonkeyPatch.context() as patch:
            if p.base_in_environment:
                patch.setenv(p.base_variable, p.base(server.url))
            with pytest.raises(ValueError):
                SCRIPTS[name](p.partner(), p, server.url)
            SCRIPTS[name](p.ours(), p, server.url)
        return
    server.seen.clear()
    SCRIPTS[name](p.partner(), p, server.url)
    theirs = [m for seen in server.seen for m in seen.body["messages"]]
    server.seen.clear()
    SCRIPTS[name](p.ours(), p, server.url)
    ours = [m for seen in server.seen for m in seen.body["messages"]]
    if name == "content_only_call":
        assert not theirs[1].get("tool_calls")  # the result that follows answers no call
        # (Mistral's ids are nine letters and digits: its turn and result carry the
        # same id, as langchain-mistralai rewrites it.)
        (call,) = ours[1]["tool_calls"]
        assert call["function"]["name"] == "add" and ours[2]["tool_call_id"] == call["id"]
        return
    assert "reasoning" in _part_types(theirs) and "reasoning" not in _part_types(ours)


def _part_types(messages: list[Any]) -> set[Any]:
    return {
        part.get("type")
        for message in messages
        if isinstance(message.get("content"), list)
        for part in message["content"]
        if isinstance(part, dict)
    }
