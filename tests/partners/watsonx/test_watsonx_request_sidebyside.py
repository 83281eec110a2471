"""ChatWatsonx side by side, the request side: langchain-ibm's `ChatWatsonx` and chatplex's
run one script against one scripted server (as in test_watsonx_sidebyside.py), and the
chat requests each sent (or what each raised) are compared: the project or space a call
is billed to, a history holding what a model's reply carries (invalid tool calls,
reasoning blocks), the content blocks sent as given, a call's own `tool_choice` and
`context`. Differences kept on purpose (`DIFFERENCES`, each with why) are checked by their
own scripts below.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.messages import AIMessage
from langchain_core.messages import ChatMessage
from langchain_core.messages import HumanMessage
from langchain_core.messages import ToolMessage

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners.watsonx import test_watsonx_gateway as gateway
from tests.partners.watsonx.test_watsonx_sidebyside import ADD_CHOICE
from tests.partners.watsonx.test_watsonx_sidebyside import MODEL
from tests.partners.watsonx.test_watsonx_sidebyside import _as_is
from tests.partners.watsonx.test_watsonx_sidebyside import _called
from tests.partners.watsonx.test_watsonx_sidebyside import _partner_installed  # noqa: F401
from tests.partners.watsonx.test_watsonx_sidebyside import _reply
from tests.partners.watsonx.test_watsonx_sidebyside import _service
from tests.partners.watsonx.test_watsonx_sidebyside import run
from tests.partners.watsonx.test_watsonx_sidebyside import run_sides

#: The two ways a call is made: each script runs with both.
CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "invoke": lambda m, given: m.invoke(given),
    "ainvoke": lambda m, given: asyncio.run(m.ainvoke(given)),
}


def _billed_service(seen: Seen) -> Reply:
    """`_service`, and the space ibm-watsonx-ai looks up when a model is built with one."""
    if seen.path.startswith("/v2/spaces/"):
        space = {"entity": {"compute": [{"type": "machine_learning", "guid": "g-1"}]}}
        return Reply(pieces=[json.dumps({**space, "metadata": {"id": "space"}}).encode()])
    return _service(seen)


#: Constructor keywords and variables -> the field billed (both a project and a space
#: known: the space, as ibm-watsonx-ai's `ModelInference` sets it).
SCOPES: dict[str, tuple[dict[str, str], dict[str, str], str]] = {
    "space_given_project_variable": (
        {"space_id": "s-1"},
        {"WATSONX_PROJECT_ID": "p-env"},
        "space_id",
    ),
    "both_given": ({"project_id": "p-1", "space_id": "s-1"}, {}, "space_id"),
    "project_given_space_variable": (
        {"project_id": "p-1"},
        {"WATSONX_SPACE_ID": "s-env"},
        "space_id",
    ),
    "space_given": ({"space_id": "s-1"}, {}, "space_id"),
    "project_variable": ({}, {"WATSONX_PROJECT_ID": "p-env"}, "project_id"),
}


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("scope", sorted(SCOPES))
def test_billed_as_langchain_ibm(
    scope: str, call: str, cloud: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    given, variables, billed = SCOPES[scope]
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    built = {"model_id": MODEL, "api_key": "ibm-key", **given}
    their, ours, their_sent, our_sent = run_sides(
        cloud,
        lambda m: CALLS[call](m, "hi"),
        lambda: _billed_service,
        lambda seen: seen.path.startswith("/ml/v1/text/"),
        built=built,
    )
    assert ours == their
    assert our_sent == their_sent
    assert {k for k in ("project_id", "space_id") if k in our_sent[0]["body"]} == {billed}


#: Histories holding what a model's reply may carry, sent back as the next call's input.
HISTORIES: dict[str, list[Any]] = {
    # a call whose arguments did not parse, then the result answering it
    "invalid_tool_call": [
        HumanMessage("2 + 3?"),
        AIMessage(
            "",
            invalid_tool_calls=[
                {"type": "invalid_tool_call", "name": "add", "args": "{a: 1", "id": "c-1"}
            ],
        ),
        ToolMessage("error: bad arguments", tool_call_id="c-1"),
    ],
    "invalid_beside_valid": [
        HumanMessage("2 + 3?"),
        AIMessage(
            "Adding.",
            tool_calls=[{"name": "add", "args": {"a": 2, "b": 3}, "id": "c-1"}],
            invalid_tool_calls=[
                {"type": "invalid_tool_call", "name": "add", "args": "{b:", "id": "c-2"}
            ],
        ),
        ToolMessage("5", tool_call_id="c-1"),
        ToolMessage("error", tool_call_id="c-2"),
    ],
    # a reasoning model's reply in LangChain's standard blocks, or another provider's
    "reasoning_block": [
        HumanMessage("3^3?"),
        AIMessage([{"type": "reasoning", "reasoning": "3*3*3"}, {"type": "text", "text": "27"}]),
        HumanMessage("and 2^3?"),
    ],
    "thinking_and_tool_use": [
        HumanMessage("2 + 3?"),
        AIMessage(
            [
                {"type": "thinking", "thinking": "add them", "signature": "sig"},
                {"type": "text", "text": "Adding."},
                {"type": "tool_use", "id": "c-1", "name": "add", "input": {"a": 2, "b": 3}},
            ],
            tool_calls=[{"name": "add", "args": {"a": 2, "b": 3}, "id": "c-1"}],
        ),
        ToolMessage("5", tool_call_id="c-1"),
    ],
    "reasoning_content_block": [
        HumanMessage("hi"),
        AIMessage(
            [
                {"type": "reasoning_content", "reasoning_content": {"text": "hm"}},
                {"type": "text", "text": "Hi"},
            ]
        ),
        HumanMessage("again"),
    ],
}


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("history", sorted(HISTORIES))
def test_history_sent_as_langchain_ibm(history: str, call: str, cloud: ScriptedServer) -> None:
    their, ours, their_sent, our_sent = run(cloud, lambda m: CALLS[call](m, HISTORIES[history]))
    assert ours == their
    assert our_sent == their_sent


REASONED = _reply({"role": "assistant", "content": "27", "reasoning_content": "3*3*3"})


@pytest.mark.parametrize("call", sorted(CALLS))
def test_a_v1_reply_sent_back_as_langchain_ibm(call: str, cloud: ScriptedServer) -> None:
    """A reply read with `output_version="v1"` (its reasoning a block) is the next call's
    history: sent with its text, as langchain-ibm sends it."""

    def script(model: Any) -> Any:
        first = model.invoke("3^3?")
        return CALLS[call](model, [HumanMessage("3^3?"), first, HumanMessage("and 2^3?")])

    their, ours, their_sent, our_sent = run(cloud, script, chat=REASONED, output_version="v1")
    assert ours == their
    assert our_sent == their_sent
    assert our_sent[1]["body"]["messages"][1]["content"] == [{"type": "text", "text": "27"}]


#: User turns holding content blocks the chat API takes, which langchain-ibm sends as given.
BLOCKS: dict[str, list[dict[str, Any]]] = {
    "input_video": [
        {"type": "text", "text": "Describe it."},
        {"type": "input_video", "input_video": {"data": "AAAA", "format": "mp4"}},
    ],
    "video_url": [{"type": "video_url", "video_url": {"url": "https://example.com/v.mp4"}}],
    "file": [
        {"type": "text", "text": "Summarize it."},
        {"type": "file", "base64": "AAAA", "mime_type": "application/pdf"},
    ],
}


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("blocks", sorted(BLOCKS))
def test_blocks_sent_as_langchain_ibm(blocks: str, call: str, cloud: ScriptedServer) -> None:
    question = [HumanMessage(BLOCKS[blocks])]
    their, ours, their_sent, our_sent = run(cloud, lambda m: CALLS[call](m, question))
    assert ours == their
    assert our_sent == their_sent
    assert our_sent[0]["body"]["messages"][0]["content"] == BLOCKS[blocks]


#: A call's own `context` (a chat prompt deployment's template variable) on each path.
WITH_CONTEXT: dict[str, Callable[[Any], Any]] = {
    "invoke": lambda m: m.invoke("hi", context="some context"),
    "ainvoke": lambda m: asyncio.run(m.ainvoke("hi", context="some context")),
    "stream": lambda m: list(m.stream("hi", context="some context")),
    "astream": lambda m: asyncio.run(_astreamed(m, context="some context")),
    "empty": lambda m: m.invoke("hi", context=""),
}


async def _astreamed(model: Any, **given: Any) -> list[Any]:
    return [piece async for piece in model.astream("hi", **given)]


@pytest.mark.parametrize("how", sorted(WITH_CONTEXT))
def test_context_refused_as_ibm_watsonx_ai_refuses_it(how: str, cloud: ScriptedServer) -> None:
    """ibm-watsonx-ai's `chat()` takes `context` for a chat prompt deployment only: for
    a model it raises its WMLClientError before any request (an empty one: not sent)."""
    their, ours, their_sent, our_sent = run(cloud, WITH_CONTEXT[how])
    assert ours == their
    assert our_sent == their_sent
    if how != "empty":
        assert ours["raised"]["WMLClientError"] and our_sent == []


#: A call's own tool choice on a model with bound tools: the tool choice fields each sends
#: on the chat API (langchain-ibm's, then chatplex's).
CALL_CHOICES: dict[str, tuple[Any, dict[str, Any], dict[str, Any]]] = {
    "required": (
        "required",
        {"tool_choice": "required", "tool_choice_option": "auto"},
        {"tool_choice_option": "required"},
    ),
    "none": (
        "none",
        {"tool_choice": "none", "tool_choice_option": "auto"},
        {"tool_choice_option": "none"},
    ),
    "name": (
        "add",
        {"tool_choice": "add", "tool_choice_option": "auto"},
        {"tool_choice": ADD_CHOICE},
    ),
    "object": (
        ADD_CHOICE,
        {"tool_choice": ADD_CHOICE, "tool_choice_option": "auto"},
        {"tool_choice": ADD_CHOICE},
    ),
}


def _choice_fields(sent: list[dict[str, Any]]) -> dict[str, Any]:
    """The tool choice fields the one chat request sent, taken out of its body."""
    (request,) = sent
    return {
        k: request["body"].pop(k)
        for k in ("tool_choice", "tool_choice_option")
        if k in request["body"]
    }


@pytest.mark.parametrize("call", ["invoke", "ainvoke"])
@pytest.mark.parametrize("choice", sorted(CALL_CHOICES))
def test_call_tool_choice(choice: str, call: str, cloud: ScriptedServer) -> None:
    given, their_fields, our_fields = CALL_CHOICES[choice]

    async def ainvoked(model: Any) -> Any:
        return await model.bind_tools([add]).ainvoke("2 + 3?", tool_choice=given)

    scripts = {
        "invoke": lambda m: m.bind_tools([add]).invoke("2 + 3?", tool_choice=given),
        "ainvoke": lambda m: asyncio.run(ainvoked(m)),
    }
    their, ours, their_sent, our_sent = run(cloud, scripts[call], chat=_called('{"a": 2, "b": 3}'))
    assert _choice_fields(their_sent) == their_fields
    assert _choice_fields(our_sent) == our_fields
    assert ours == their
    assert our_sent == their_sent


@pytest.mark.parametrize("choice", ["required", "none"])
def test_call_tool_choice_on_the_gateway_as_langchain_ibm(
    choice: str, cloud: ScriptedServer
) -> None:
    """The Model Gateway takes chat completions' `tool_choice` words: a call's own is sent
    there as langchain-ibm sends it, beside the bound `tool_choice_option`."""
    called = gateway._called("add", '{"a": 2, "b": 3}')
    their, ours, their_sent, our_sent = run_sides(
        cloud,
        lambda m: m.bind_tools([add]).invoke("2 + 3?", tool_choice=choice),
        lambda: lambda seen: gateway._gateway(seen, called),
        lambda seen: seen.path.startswith(gateway.GATEWAY),
        built=gateway.BUILT,
    )
    assert ours == their
    assert our_sent == their_sent
    assert our_sent[0]["body"]["tool_choice"] == choice


def test_developer_role(cloud: ScriptedServer) -> None:
    question = [ChatMessage(role="developer", content="Be brief."), HumanMessage("hi")]
    their, ours, their_sent, our_sent = run(cloud, lambda m: m.invoke(question))
    assert their_sent[0]["body"]["messages"][0]["role"] == "developer"
    assert our_sent[0]["body"]["messages"][0]["role"] == "system"
    their_sent[0]["body"]["messages"][0]["role"] = "system"
    assert ours == their
    assert our_sent == their_sent


def test_every_kept_difference_has_its_script() -> None:
    assert {f"test_{name}" for name in DIFFERENCES} <= set(globals())


# -- Kept differences: each script shows LangChain's outcome, then chatplex's. --


_CALL_TOOL_CHOICE = Difference(
    Reason.REJECTED,
    "sends a call's own tool choice on a model with bound tools "
    "(`bind_tools([add]).invoke(..., tool_choice='required')`) as `tool_choice` (a word or "
    "a tool's name as given) beside the bound `tool_choice_option: 'auto'`: the chat API's "
    "`tool_choice` is an object naming a function, and it takes only one of the two fields",
    "sends the call's choice alone, as `bind_tools` sends one: a word as "
    "`tool_choice_option`, a tool's name as the `tool_choice` object naming it",
)

_DEVELOPER_ROLE = Difference(
    Reason.REJECTED,
    "sends a `ChatMessage(role='developer')` with the role `developer`, which the chat "
    "API refuses (its roles: system, user, assistant, tool, control, document)",
    "sent as a system message, the role the chat API has for it",
)

#: Script -> (why it differs, how its outcome is read): each checked by its test below.
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "call_tool_choice": (_CALL_TOOL_CHOICE, _as_is),
    "developer_role": (_DEVELOPER_ROLE, _as_is),
}
