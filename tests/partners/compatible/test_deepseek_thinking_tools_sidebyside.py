"""ChatDeepSeek side by side in a thinking model's tool loop: the model thinks
(`reasoning_content`) and calls a tool, the script (or an agent) answers with the tool's
result, and the call's turn goes back to DeepSeek. DeepSeek's thinking mode requires
that turn's `reasoning_content` back; langchain-deepseek drops it, and DeepSeek refuses
the request (400 "Missing `reasoning_content` field in the assistant message"), so
chatplex sends it: a kept difference. A turn without tool calls goes as
langchain-deepseek sends it, its thinking left out (the compatible suite's
`reasoning_history_replayed`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import kept_out
from tests.partners._sidebyside import merged
from tests.partners.compatible import test_compatible_sidebyside as suite

DEEPSEEK = suite.PACKAGES["deepseek"]
Outcome = suite.Outcome

THOUGHT = "The user wants a sum: call add."
CALLING = suite.Script(reasoning=THOUGHT, tool_args={"a": 1, "b": 2})
ANSWERING = suite.Script("1 + 2 = 3.", reasoning="The tool said 3.")


def tool_loop(seen: Seen) -> Reply:
    """A thinking model calling `add` until the conversation holds its result, then
    answering; its thinking beside the call, as DeepSeek sends it (the suite's whole
    reply of a call has none)."""
    messages = (seen.body or {}).get("messages", [])
    answered = any(m.get("role") == "tool" for m in messages)
    reply = suite.answer(ANSWERING if answered else CALLING, DEEPSEEK)(seen)
    if answered or (seen.body or {}).get("stream"):
        return reply
    whole = json.loads(b"".join(reply.pieces))
    whole["choices"][0]["message"]["reasoning_content"] = THOUGHT
    return Reply(reply.status, [json.dumps(whole).encode()], reply.content_type)


def _reasoner(cls: Any, url: str) -> Any:
    return cls(model=DEEPSEEK.reasoning_model, api_key=suite.KEY, base_url=DEEPSEEK.base(url))


def hand_written_loop(cls: Any, url: str) -> Any:
    """The call invoked, and streamed and merged, each answered with the tool's result."""
    chat = _reasoner(cls, url).bind_tools([add])
    said = []
    for first in (chat.invoke("1+2?"), merged(list(chat.stream("1+2?")))):
        results = [
            suite.lc.ToolMessage(str(add(**c["args"])), tool_call_id=c["id"])
            for c in first.tool_calls
        ]
        said += [first, chat.invoke([suite.lc.HumanMessage("1+2?"), first, *results])]
    return said


def agent_loop(cls: Any, url: str) -> Any:
    """create_agent over the thinking model and the tool."""
    from langchain.agents import create_agent

    return create_agent(_reasoner(cls, url), tools=[add]).invoke({"messages": [("user", "1+2?")]})


SCRIPTS: dict[str, Callable[[Any, str], Any]] = {
    "hand_written_loop": hand_written_loop,
    "agent_loop": agent_loop,
}


def _thinking_sent_back(outcome: Outcome) -> Outcome:
    """Each of our tool-call turns with the thinking the model sent beside the call,
    theirs without it (the rest the same): read as theirs once seen."""
    theirs, ours, their_requests, our_requests = outcome
    sent = 0
    for request in our_requests:
        for turn in request["body"]["messages"]:
            if turn["role"] == "assistant" and turn.get("tool_calls"):
                assert turn.pop("reasoning_content") == THOUGHT, turn
                sent += 1
    assert sent and all(
        "reasoning_content" not in turn
        for request in their_requests
        for turn in request["body"]["messages"]
    )
    return theirs, ours, their_requests, our_requests


_SENT_BACK = Difference(
    Reason.REJECTED,
    "drops a thinking model's `reasoning_content` from the assistant turn that called a "
    "tool when the loop sends it back: DeepSeek refuses the request (400: Missing "
    "`reasoning_content` field in the assistant message), so a tool loop on a thinking "
    "model fails at its second call",
    "an assistant turn that called a tool carries its `reasoning_content` back, as "
    "DeepSeek's thinking mode requires; a turn without tool calls goes without it, as "
    "langchain-deepseek sends it",
)

#: (package, script) -> (why it differs, how the outcome is read before comparing).
DIFFERENCES: dict[tuple[str, str], tuple[Why, Callable[[Outcome], Outcome]]] = {
    ("deepseek", name): (_SENT_BACK, _thinking_sent_back) for name in SCRIPTS
}


def _run(name: str, server: ScriptedServer) -> Outcome:
    script = SCRIPTS[name]
    server.handler = tool_loop
    outcome = suite.run_with(DEEPSEEK, script, server)
    return kept_out(outcome, DIFFERENCES, ("deepseek", name))


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_as_langchain_deepseek(name: str, server: ScriptedServer) -> None:
    assert_same(_run(name, server))


def test_plain_turn_goes_without_thinking(server: ScriptedServer) -> None:
    """The loop's answer, sent back in the next turn, carries no thinking (as
    langchain-deepseek sends it); the call's turn before it does."""
    server.handler = tool_loop
    chat = _reasoner(DEEPSEEK.ours(), server.url).bind_tools([add])
    first = chat.invoke("1+2?")
    result = suite.lc.ToolMessage("3", tool_call_id=first.tool_calls[0]["id"])
    answer = chat.invoke([suite.lc.HumanMessage("1+2?"), first, result])
    server.seen.clear()
    chat.invoke([suite.lc.HumanMessage("1+2?"), first, result, answer, "And 2+2?"])
    (request,) = server.seen
    turns = [m for m in request.body["messages"] if m["role"] == "assistant"]
    assert [t.get("reasoning_content") for t in turns] == [THOUGHT, None]
