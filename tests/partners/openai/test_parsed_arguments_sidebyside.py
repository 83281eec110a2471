"""On the Responses API, a call with a pydantic class as its format goes through the
openai SDK's `parse()` in langchain-openai, whose function-call items carry the
arguments of a strict tool read as JSON (`parsed_arguments`); langchain-openai's raw
reply's function-call blocks are those items. The drop-in's blocks carry the key
where the partner's do (a strict tool), not otherwise, and the reply sent back in a
conversation makes the same request."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.messages import ToolMessage
from langchain_core.tools import tool
from pydantic import BaseModel

import chatplex.langchain
from tests.adapters._responses_fixtures import call_item
from tests.adapters._responses_fixtures import message_item
from tests.adapters._responses_fixtures import response
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners.openai._both import at_server

langchain_openai = pytest.importorskip("langchain_openai")


class Answer(BaseModel):
    count: int


@tool
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def _reply(seen: Seen) -> Reply:
    body = seen.body or {}
    if any(item.get("type") == "function_call_output" for item in body.get("input", ())):
        output = [message_item('{"count": 3}')]
    else:
        output = [call_item("add", json.dumps({"a": 1, "b": 2}))]
    echoed = {"text": body["text"]} if isinstance(body.get("text"), dict) else {}
    return Reply(200, [json.dumps(response(output, model="gpt-4.1", **echoed)).encode()])


def _model(cls: Any, url: str, strict: bool | None, how: str) -> Any:
    model = at_server(cls, url, model="gpt-4.1", use_responses_api=True)
    if how == "structured":
        return model.with_structured_output(
            Answer, method="json_schema", include_raw=True, tools=[add], strict=strict
        )
    return model.bind_tools([add], strict=strict).bind(response_format=Answer)


@pytest.mark.parametrize("how", ["structured", "bound"])
@pytest.mark.parametrize("strict", [True, None])
def test_a_strict_tools_call_carries_its_parsed_arguments(
    server: ScriptedServer, strict: bool | None, how: str
) -> None:
    server.handler = _reply
    seen = []
    for cls in (langchain_openai.ChatOpenAI, chatplex.langchain.ChatOpenAI):
        server.seen.clear()
        model = _model(cls, server.url, strict, how)
        first = model.invoke("add 1 and 2")
        raw = first["raw"] if how == "structured" else first
        (call,) = raw.tool_calls
        history = [HumanMessage("add 1 and 2"), raw, ToolMessage("3", tool_call_id=call["id"])]
        model.invoke(history)
        seen.append((raw.content, server.seen[1].body))
    (theirs, their_request), (ours, our_request) = seen
    assert ours == theirs
    assert our_request == their_request
    (block,) = ours
    assert ("parsed_arguments" in block) is bool(strict)
