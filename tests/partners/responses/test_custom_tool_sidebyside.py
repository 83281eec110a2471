"""A custom tool (langchain-openai's `custom_tool`: a free-form text input, GPT-5's
custom tools) on the Responses API, side by side: langchain-openai's ChatOpenAI and the
drop-in against one local server, what the script reads and the requests compared.

langchain-openai reads a `custom_tool_call` item as a tool call whose one argument is
`__arg1`, the input (what a `custom_tool` takes, so an agent's ToolNode runs it), from a
whole reply as from a stream; given back, the turn's item stands for that call (no
`function_call` item is added for it); the tool's result, a `custom_tool_call_output`
block, goes as that item."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.messages import ToolMessage

import chatplex.langchain
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import each_side

langchain_openai = pytest.importorskip("langchain_openai")

_ITEM = {
    "id": "ctc_1",
    "type": "custom_tool_call",
    "status": "completed",
    "call_id": "call_9",
    "name": "run_sql",
    "input": "SELECT name FROM users",
}
_ANSWER = {
    "id": "msg_1",
    "type": "message",
    "status": "completed",
    "role": "assistant",
    "content": [{"type": "output_text", "text": "Alice.", "annotations": []}],
}
_RESPONSE = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1,
    "status": "completed",
    "model": "gpt-5",
    "output": [_ITEM],
    "usage": {"input_tokens": 9, "output_tokens": 3, "total_tokens": 12},
}


def _events() -> list[bytes]:
    """The reply as the Responses API streams it."""
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": {**_RESPONSE, "status": "in_progress"}},
        {"type": "response.output_item.added", "output_index": 0, "item": _ITEM},
        {"type": "response.output_item.done", "output_index": 0, "item": _ITEM},
        {"type": "response.completed", "response": _RESPONSE},
    ]
    return [
        f"event: {e['type']}\ndata: {json.dumps({**e, 'sequence_number': n})}\n\n".encode()
        for n, e in enumerate(events)
    ]


def _answer(seen: Any) -> Reply:
    if seen.body.get("stream"):
        return Reply(200, _events(), "text/event-stream")
    return Reply(200, [json.dumps(_RESPONSE).encode()])


def run_sql_tool() -> Any:
    """The custom tool the scripts bind (a new one per side): SQL in, the users out."""

    @langchain_openai.custom_tool
    def run_sql(code: str) -> str:
        """Run a SQL query."""
        return "alice"

    return run_sql


#: The partner's class, then the drop-in.
_CLASSES = (langchain_openai.ChatOpenAI, chatplex.langchain.ChatOpenAI)


def _model(cls: Any, server: ScriptedServer) -> Any:
    return cls(model="gpt-5", api_key="sk-k", base_url=server.url + "/v1", max_retries=0)


def _asked(model: Any, stream: bool) -> Any:
    if not stream:
        return model.invoke("Who are the users?")
    merged = None
    for chunk in model.stream("Who are the users?"):
        merged = chunk if merged is None else merged + chunk
    return merged


def _run(server: ScriptedServer, script: Callable[[Any], Any]) -> list[tuple[Any, list[Any]]]:
    """Per class (the partner's, the drop-in): what `script` returned, and the bodies it
    sent."""
    server.handler = _answer
    return each_side(
        server, _CLASSES, lambda cls: script(_model(cls, server).bind_tools([run_sql_tool()]))
    )


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
def test_a_custom_tools_call_is_a_tool_call_of_its_input(
    server: ScriptedServer, stream: bool
) -> None:
    theirs, ours = _run(server, lambda model: _asked(model, stream))
    assert ours == theirs
    (call,) = ours[0]["tool_calls"]
    assert (call["name"], call["args"]) == ("run_sql", {"__arg1": "SELECT name FROM users"})


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
def test_a_custom_tools_call_given_back_is_its_item_alone(
    server: ScriptedServer, stream: bool
) -> None:
    def round_trip(model: Any) -> Any:
        turn = _asked(model, stream)
        result = ToolMessage("alice", tool_call_id=turn.tool_calls[0]["id"])
        return model.invoke([HumanMessage("Who are the users?"), turn, result])

    theirs, ours = _run(server, round_trip)
    assert ours == theirs
    sent_back = ours[1][-1]["input"]
    assert [item["type"] for item in sent_back] == [
        "message",
        "custom_tool_call",
        "function_call_output",
    ]


def test_an_agent_runs_a_custom_tool_and_sends_its_output_item(server: ScriptedServer) -> None:
    """langchain's `create_agent` runs the call; the tool's result (a
    `custom_tool_call_output` block) goes back as that item, as langchain-openai sends it."""
    agents = pytest.importorskip("langchain.agents")
    answered = {**_RESPONSE, "id": "resp_2", "output": [_ANSWER]}

    def answer(seen: Any) -> Reply:
        reply = answered if len(seen.body["input"]) > 1 else _RESPONSE
        return Reply(200, [json.dumps(reply).encode()])

    server.handler = answer

    def run(cls: Any) -> Any:
        agent = agents.create_agent(_model(cls, server), tools=[run_sql_tool()])
        return agent.invoke({"messages": [HumanMessage("Who are the users?")]})["messages"]

    theirs, ours = each_side(server, _CLASSES, run)
    assert ours == theirs
    assert ours[1][-1]["input"][-1] == {
        "type": "custom_tool_call_output",
        "call_id": "call_9",
        "output": "alice",
    }
