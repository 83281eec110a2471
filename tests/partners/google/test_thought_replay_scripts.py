"""A thinking Gemini's reply sent back, side by side on both backends: a reply whose thought
or answer Gemini signed (`thoughtSignature`), or whose function call it signed after a
signed thought, read with `output_version` "v0" and "v1" (`include_thoughts=True`, or a
thinking budget too), invoked and streamed, then appended to the history and sent again
(by hand, with the tool's result, and through `create_agent`'s tool loop, invoked and
streamed). Compared: each reply, its `content_blocks`, what is logged and every request
body (parts, `thought`, `thoughtSignature`), as the Gemini and Vertex AI suites compare
theirs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import RANDOM
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import add
from tests.partners._sidebyside import constructed
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import observe
from tests.partners.google._scripts import THINKING_USAGE
from tests.partners.google._suites import gemini_suite
from tests.partners.google.test_google_agent_scripts import tool_turns
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model as gemini_model
from tests.partners.vertex import test_vertex_sidebyside as vertex
from tests.partners.vertex.test_vertex_sidebyside import model as vertex_model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

lc = pytest.importorskip("langchain_core.messages")
vertex_partner = pytest.importorskip("langchain_google_vertexai")

from chatplex.langchain import ChatVertexAI  # noqa: E402

# (a signed part's text is short: the scripted stream sends it whole, its signature once)
#: A thought Gemini signed, before its answer.
SIGNED_THOUGHT = [
    {"text": "Hm.", "thought": True, "thoughtSignature": "c2lnMQ=="},
    {"text": "There are three."},
]
#: An unsigned thought, then an answer Gemini signed.
SIGNED_TEXT = [
    {"text": "Plan it.", "thought": True},
    {"text": "3.", "thoughtSignature": "c2lnMg=="},
]
#: A signed thought, then a function call Gemini signed.
SIGNED_CALL = [
    {"text": "Ok.", "thought": True, "thoughtSignature": "c2lnMw=="},
    {"functionCall": {"name": "add", "args": {"a": 1, "b": 2}}, "thoughtSignature": "c2lnNA=="},
]
FINAL = [{"text": "It is 3."}]
#: Where a reply keeps its function calls' signatures, by call id.
SIGNATURES = "__gemini_function_call_thought_signatures__"

#: The thinking settings a script gives, by name.
THINKING: dict[str, dict[str, Any]] = {
    "thoughts": {"include_thoughts": True},
    "budget": {"include_thoughts": True, "thinking_budget": 256},
}


def _read(reply: Any) -> Any:
    """A reply as compared, with its `content_blocks`: the call ids each package draws at
    random (in `tool_calls`, in v1's `tool_call` blocks, in a tool result) masked."""
    return _masked(observe({"reply": reply, "blocks": reply.content_blocks}))


def _masked(value: Any) -> Any:
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _masked(v) for k, v in value.items()}
    if out.get("type") == "tool_call" and out.get("id"):
        out["id"] = RANDOM
    if out.get("tool_call_id"):
        out["tool_call_id"] = RANDOM
    signatures = out.get(SIGNATURES)
    if isinstance(signatures, dict):  # (by call id)
        out[SIGNATURES] = {f"{RANDOM}{i}": v for i, v in enumerate(signatures.values())}
    return out


def replayed(make: Callable[..., Any], version: str, thinking: str) -> Callable[[Any, str], Any]:
    """A reply, invoked and streamed, each sent back after it with a new question."""

    def script(cls: Any, url: str) -> Any:
        chat = make(cls, url, output_version=version, **THINKING[thinking])
        firsts = [chat.invoke("How many r?"), merged(list(chat.stream("How many r?")))]

        def again() -> list[Any]:
            return [chat.invoke(["How many r?", first, "Sure?"]) for first in firsts]

        answers, said = constructed(again)
        return {"firsts": [_read(f) for f in firsts], "answers": answers, "logged": said["logged"]}

    return script


def tool_loop(make: Callable[..., Any], version: str, thinking: str) -> Callable[[Any, str], Any]:
    """A signed call, invoked and streamed, sent back with the tool's result."""

    def script(cls: Any, url: str) -> Any:
        chat = make(cls, url, output_version=version, **THINKING[thinking]).bind_tools([add])
        firsts = [chat.invoke("1+2?"), merged(list(chat.stream("1+2?")))]

        def again() -> list[Any]:
            return [
                chat.invoke(
                    ["1+2?", first, lc.ToolMessage("3", tool_call_id=first.tool_calls[0]["id"])]
                )
                for first in firsts
            ]

        answers, said = constructed(again)
        return {"firsts": [_read(f) for f in firsts], "answers": answers, "logged": said["logged"]}

    return script


def agent_loop(make: Callable[..., Any], version: str, thinking: str) -> Callable[[Any, str], Any]:
    """The same call through `create_agent`'s tool loop."""

    def script(cls: Any, url: str) -> Any:
        from langchain.agents import create_agent

        chat = make(cls, url, output_version=version, **THINKING[thinking])
        state = create_agent(chat, tools=[add]).invoke({"messages": [("user", "1+2?")]})
        return [
            _read(m) if isinstance(m, lc.AIMessage) else _masked(observe(m))
            for m in state["messages"]
        ]

    return script


def agent_streamed(
    make: Callable[..., Any], version: str, thinking: str
) -> Callable[[Any, str], Any]:
    """The same loop streamed as a chat app streams it (`stream_mode="messages"`: the
    model streams, and its merged reply is what the next turn sends back)."""

    def script(cls: Any, url: str) -> Any:
        from langchain.agents import create_agent

        chat = make(cls, url, output_version=version, **THINKING[thinking])
        agent = create_agent(chat, tools=[add])
        pieces = list(agent.stream({"messages": [("user", "1+2?")]}, stream_mode="messages"))
        return [_read(m) if isinstance(m, lc.AIMessage) else _masked(observe(m)) for m, _ in pieces]

    return script


def _scripts(
    make: Callable[..., Any],
    replies: Callable[..., Callable[[Seen], Reply]],
    usage: dict[str, Any] | None = None,
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for version in ("v0", "v1"):
        for thinking in THINKING:
            tag = f"{version}_{thinking}"
            for shape, parts in (("thought", SIGNED_THOUGHT), ("text", SIGNED_TEXT)):
                answer = replies(parts, usage=usage)
                found[f"signed_{shape}_{tag}"] = (answer, replayed(make, version, thinking))
            loop = tool_turns(replies(SIGNED_CALL), replies(FINAL))
            found[f"signed_call_{tag}"] = (loop, tool_loop(make, version, thinking))
            found[f"agent_{tag}"] = (loop, agent_loop(make, version, thinking))
            found[f"agent_streamed_{tag}"] = (loop, agent_streamed(make, version, thinking))
    return found


GEMINI = gemini_suite(_scripts(gemini_model, gemini_replies, THINKING_USAGE))
test_gemini_same_as_langchain_google_genai = GEMINI.same_test()


def _streamed_finish_words(outcome: Outcome) -> Outcome:
    """Their merged stream's finish reason (every chunk's words run together) read as
    ours, once seen; a call's arguments as `_float_arguments` reads them."""
    theirs, ours, their_requests, our_requests = _floats_read(outcome)
    meta = theirs["firsts"][1]["reply"]["response_metadata"]
    assert meta["finish_reason"].endswith("STOP") and meta["finish_reason"] != "STOP"
    meta["finish_reason"] = "STOP"
    return theirs, ours, their_requests, our_requests


def _pieces_finish_words(outcome: Outcome) -> Outcome:
    """Their streamed pieces' `FINISH_REASON_UNSPECIFIED` (on each but the last) left
    out, once seen; a call's arguments as `_float_arguments` reads them."""
    theirs, ours, their_requests, our_requests = _floats_read(outcome)
    unspecified = [
        piece["reply"]["response_metadata"]
        for piece in theirs
        if piece.get("reply", {}).get("response_metadata", {}).get("finish_reason")
        == "FINISH_REASON_UNSPECIFIED"
    ]
    assert unspecified
    for meta in unspecified:
        del meta["finish_reason"]
    return theirs, ours, their_requests, our_requests


def _floats_read(outcome: Outcome) -> Outcome:
    """Our calls' `additional_kwargs["function_call"]["arguments"]` read as their float
    JSON wherever a reply holds one, once seen to hold the same values."""
    theirs, ours, their_requests, our_requests = outcome
    _as_floats(theirs, ours)
    return theirs, ours, their_requests, our_requests


def _as_floats(theirs: Any, ours: Any) -> None:
    if isinstance(theirs, list) and isinstance(ours, list):
        for their_item, our_item in zip(theirs, ours, strict=False):
            _as_floats(their_item, our_item)
    elif isinstance(theirs, dict) and isinstance(ours, dict):
        vertex._as_floats({"type": "AI", **theirs}, {"type": "AI", **ours})
        for key in theirs.keys() & ours.keys():
            _as_floats(theirs[key], ours[key])


# (the thinking tokens langchain-google-vertexai leaves out of a reply's output tokens,
# the suite's other kept difference, are not scripted here: the replies count none)
_VERTEX_SCRIPTS = _scripts(vertex_model, vertex_replies)
VERTEX = Suite(
    _VERTEX_SCRIPTS,
    vertex_partner.ChatVertexAI,
    ChatVertexAI,
    {
        name: ((vertex._FINISH, vertex._FLOAT_ARGUMENTS), _pieces_finish_words)
        if name.startswith("agent_streamed")
        else (vertex._FLOAT_ARGUMENTS, _floats_read)
        if name.startswith("agent_")
        else ((vertex._FINISH, vertex._FLOAT_ARGUMENTS), _streamed_finish_words)
        for name in _VERTEX_SCRIPTS
    },
    result=vertex._comparable_result,
    request=vertex._comparable_request,
)
test_vertex_same_as_langchain_google_vertexai = VERTEX.same_test()
