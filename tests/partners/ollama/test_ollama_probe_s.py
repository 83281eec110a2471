"""ChatOllama side by side with langchain-ollama in scripts that bind a tool whose
argument is a nested pydantic model (an object with its own fields, one of them
Optional) and run the call they get; that send back a hand-written AIMessage holding a
tool call and invalid tool calls, each answered by a ToolMessage; and that call the
model with no messages (`invoke([])`, which Ollama answers by loading the model). The
replies, the tools' results and the requests are compared."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.tools import tool
from pydantic import BaseModel

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners.ollama import test_ollama_sidebyside as ollama_suite
from tests.partners.ollama.test_ollama_sidebyside import DIFFERENCES as SUITE_DIFFERENCES
from tests.partners.ollama.test_ollama_sidebyside import MODEL
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies

PLACE_CALL = [
    {"function": {"name": "forecast", "arguments": {"where": {"city": "Oslo"}, "days": 2}}}
]


class Place(BaseModel):
    city: str
    country: str | None = None


@tool
def forecast(where: Place, days: int) -> str:
    """The forecast for a place."""
    return f"sunny in {where.city} for {days} days"


def nested_tool_arguments(cls: Any, url: str) -> Any:
    reply = cls(model=MODEL, base_url=url).bind_tools([forecast]).invoke("Oslo, 2 days?")
    return [reply, [forecast.invoke(call) for call in reply.tool_calls]]


def invalid_calls_answered(cls: Any, url: str) -> Any:
    """The invalid calls stay out of the assistant turn; their answers go."""
    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import ToolMessage

    good = {"name": "add", "args": {"a": 1, "b": 2}, "id": "c0"}
    bad = [
        {"name": "add", "args": "{1,", "id": "c1", "error": "bad"},
        {"name": "add", "args": '{"a": 2}', "id": "c2", "error": "bad"},
    ]
    history = [
        HumanMessage("1+2?"),
        AIMessage("", tool_calls=[good], invalid_tool_calls=bad),
        *(
            ToolMessage("sunny" if i == "c0" else "error", tool_call_id=i)
            for i in ("c0", "c1", "c2")
        ),
        HumanMessage("And now?"),
    ]
    only_bad = [HumanMessage("1+2?"), AIMessage("", invalid_tool_calls=bad[:1])]
    chat = cls(model=MODEL, base_url=url).bind_tools([add])
    return [chat.invoke(history), chat.invoke([*only_bad, ToolMessage("error", tool_call_id="c1")])]


def loaded(seen: Seen) -> Reply:
    """Ollama's answer to a chat of no messages: the model loaded, an empty message and
    no counts (its API's documented reply; one NDJSON line when streamed)."""
    line = {
        "model": MODEL,
        "created_at": "2026-11-25T10:00:00Z",
        "message": {"role": "assistant", "content": ""},
        "done_reason": "load",
        "done": True,
    }
    return Reply(200, [json.dumps(line).encode() + b"\n"], "application/x-ndjson")


def no_messages(cls: Any, url: str) -> Any:
    """`invoke([])`, as a script loads the model: invoked, awaited, streamed, batched."""
    import asyncio

    chat = cls(model=MODEL, base_url=url)
    return [
        attempted(lambda: chat.invoke([])),
        attempted(lambda: asyncio.run(chat.ainvoke([]))),
        attempted(lambda: list(chat.stream([]))),
        attempted(lambda: chat.batch([[]])),
    ]


SCRIPTS = {
    "nested_tool_arguments": (ollama_replies("", tool_calls=PLACE_CALL), nested_tool_arguments),
    "invalid_calls_answered": (ollama_replies(), invalid_calls_answered),
    "no_messages": (loaded, no_messages),
    "no_messages_answered": (ollama_replies(), no_messages),
}


def _nested_fields_kept(outcome: Outcome) -> Outcome:
    """Their tool's nested object went as a bare `{"type": "object"}` and its Optional
    field without a type; ours with both as the schema says: read as theirs once both
    are checked."""
    theirs, ours, their_requests, our_requests = outcome
    (their_request,) = their_requests
    (our_request,) = our_requests
    their_where = their_request["body"]["tools"][0]["function"]["parameters"]["properties"]
    our_where = our_request["body"]["tools"][0]["function"]["parameters"]["properties"]
    assert "properties" not in their_where["where"], their_where
    assert set(our_where["where"]["properties"]) == {"city", "country"}, our_where
    assert our_where["where"]["properties"]["country"]["anyOf"][0] == {"type": "string"}
    return theirs, ours, their_requests, their_requests


def _load_reply_kept(outcome: Outcome) -> Outcome:
    """Their calls raised after the same requests (`messages: []`, answered by loading
    the model) read as ours, once ours are seen to give that answer: an empty message
    whose `done_reason` is "load" (a stream's first chunk, a batch's one reply)."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == [{"refused": "ValueError"}] * 4, theirs
    assert their_requests == our_requests and len(our_requests) == 4, our_requests
    assert all(r["body"]["messages"] == [] for r in our_requests), our_requests
    invoked, awaited, streamed, [batched] = ours
    replies = [invoked, awaited, batched]
    assert all(r["content"] == "" for r in replies + streamed), ours
    assert {r["response_metadata"]["done_reason"] for r in replies} == {"load"}, ours
    assert [c["response_metadata"].get("done_reason") for c in streamed][0] == "load"
    return theirs, theirs, their_requests, our_requests


DIFFERENCES: dict[str, tuple[Why, Any]] = {
    "no_messages": (
        Difference(
            Reason.RAISES,
            "sends a call of no messages (`invoke([])`, `messages: []`), which Ollama "
            "answers by loading the model, then raises a ValueError (`No data received "
            "from Ollama stream.`; a stream `No generation chunks were returned`): the "
            "reply it skips is the answer",
            "the answer is returned: an empty message whose `done_reason` is `load`",
        ),
        _load_reply_kept,
    ),
    "nested_tool_arguments": (
        Difference(
            Reason.LOSES_DATA,
            "sends a tool's nested object argument as a bare object, its fields dropped "
            "on the way through the ollama SDK's Tool model (an Optional field's type "
            "too): the model is never told what the object holds",
            "the tool's parameters go as their JSON Schema, nested fields included",
        ),
        _nested_fields_kept,
    ),
    # (the valid call's result names its tool, as the suite's round trip keeps it)
    "invalid_calls_answered": SUITE_DIFFERENCES["tool_round_trip"],
}

SUITE = ollama_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_s_same_as_langchain_ollama = SUITE.same_test()
