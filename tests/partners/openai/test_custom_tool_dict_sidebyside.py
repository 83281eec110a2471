"""A plain dict `{"type": "custom", ...}` given to ChatOpenAI's `bind_tools`, side by side
with langchain-openai's class against one scripted server, on Chat Completions and the
Responses API.

langchain-core's `convert_to_openai_tool` passes through only the tool types it knows
(function, web_search, mcp...; "custom" is not one), so langchain-openai binds the dict
as a function of its name and description, with no parameters (a `format` dropped), and
its model stays on the API it was given: the model is told a function. Only a LangChain
custom tool (langchain-openai's `custom_tool`) is bound as a custom tool."""

from __future__ import annotations

import json
from typing import Any

import pytest

import chatplex.langchain
from tests._replies import chat_completion
from tests._replies import tool_call_message
from tests.adapters._responses_fixtures import call_item
from tests.adapters._responses_fixtures import response
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import observe
from tests.partners.openai._both import at_server

langchain_openai = pytest.importorskip("langchain_openai")

TOOL = {
    "type": "custom",
    "name": "code_exec",
    "description": "Runs Python code.",
    "format": {"type": "text"},
}
_CALL = "{}"


def _reply(seen: Seen) -> Reply:
    """A call of the tool, whole (the stream asked of Chat Completions is answered by
    the test that streams; the Responses API's stream is not asked here)."""
    if seen.path.endswith("/responses"):
        body: dict[str, Any] = response([call_item("code_exec", _CALL)], model="gpt-4.1")
    else:
        message = tool_call_message("code_exec", _CALL)
        body = chat_completion("", created=1)
        body["choices"][0].update(message=message, finish_reason="tool_calls")
    return Reply(200, [json.dumps(body).encode()])


def _model(cls: Any, server: ScriptedServer, responses: bool) -> Any:
    return at_server(cls, server.url, model="gpt-4.1", use_responses_api=responses)


def _tools_sent(server: ScriptedServer) -> list[Any]:
    return [seen.body["tools"] for seen in server.seen]


@pytest.mark.parametrize("responses", [False, True], ids=["chat-completions", "responses"])
def test_bound_and_answered_as_a_function(server: ScriptedServer, responses: bool) -> None:
    """What the binding holds, where the request goes, and the call read back."""
    server.handler = _reply
    seen = []
    for cls in (langchain_openai.ChatOpenAI, chatplex.langchain.ChatOpenAI):
        server.seen.clear()
        bound = _model(cls, server, responses).bind_tools([TOOL], tool_choice="code_exec")
        reply = bound.invoke("Run print(1)")
        seen.append(
            {
                "bound": bound.kwargs["tools"],
                "choice": bound.kwargs["tool_choice"],
                "reply": observe(reply),
                "paths": [s.path for s in server.seen],
                "types": [[t["type"] for t in tools] for tools in _tools_sent(server)],
                "choice_sent": [s.body["tool_choice"] for s in server.seen],
            }
        )
    theirs, ours = seen
    assert ours == theirs
    function = {"name": "code_exec", "description": "Runs Python code."}
    assert theirs["bound"] == [{"type": "function", "function": function}]
    assert theirs["types"] == [["function"]]


def test_streamed_on_chat_completions(server: ScriptedServer) -> None:
    """Streamed: not switched to the Responses API (no custom tool in the request)."""

    def answer(seen: Seen) -> Reply:
        delta = {
            "role": "assistant",
            "tool_calls": [{"index": 0, **tool_call_message("code_exec", _CALL)["tool_calls"][0]}],
        }
        chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
        pieces = [
            {**chunk, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
            {**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
        ]
        lines = [b"data: " + json.dumps(p).encode() + b"\n\n" for p in pieces]
        return Reply(200, [*lines, b"data: [DONE]\n\n"], content_type="text/event-stream")

    server.handler = answer
    seen = []
    for cls in (langchain_openai.ChatOpenAI, chatplex.langchain.ChatOpenAI):
        server.seen.clear()
        bound = _model(cls, server, False).bind_tools([TOOL])
        got = observe(merged(list(bound.stream("Run print(1)"))))
        seen.append({"merged": got, "paths": [s.path for s in server.seen]})
    theirs, ours = seen
    assert ours == theirs
    assert theirs["paths"] == ["/v1/chat/completions"]


#: Function dicts without `parameters`, which langchain-openai sends without them: the
#: custom dict, an OpenAI tool's function (strict too: that form goes as given), an OpenAI
#: function (made strict, langchain-core's converter raises its KeyError).
_NO_PARAMETERS = {
    "custom": TOOL,
    "openai-tool": {"type": "function", "function": {"name": "code_exec"}},
    "openai-function": {"name": "code_exec", "description": "Runs Python code."},
}


@pytest.mark.parametrize(
    ("tool", "strict"),
    [(tool, None) for tool in _NO_PARAMETERS] + [("openai-tool", True)],
    ids=[*_NO_PARAMETERS, "openai-tool-strict"],
)
@pytest.mark.parametrize("responses", [False, True], ids=["chat-completions", "responses"])
def test_the_tool_sent_as_langchain_sends_it(
    server: ScriptedServer, responses: bool, tool: str, strict: bool | None
) -> None:
    server.handler = _reply
    sent = []
    for cls in (langchain_openai.ChatOpenAI, chatplex.langchain.ChatOpenAI):
        server.seen.clear()
        bound = _model(cls, server, responses).bind_tools([_NO_PARAMETERS[tool]], strict=strict)
        bound.invoke("Run print(1)")
        sent.append(_tools_sent(server))
    theirs, ours = sent
    assert ours == theirs
    assert all("parameters" not in str(tools) for tools in theirs)
