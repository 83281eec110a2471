"""ChatGroq side by side on a compound model's replies (`groq/compound`), whose message
carries `executed_tools`: the searches, page visits and code runs Groq made on its side.
Each reply invoked, streamed and awaited, with langchain-groq's class and chatplex's
against one scripted server, and what an agent built on it returns.

langchain-groq keeps them in `additional_kwargs["executed_tools"]` as the groq SDK dumps
them (every declared field, nested ones too, null where unsent); a stream's first delta
names the call, a later one repeats it with its output, which langchain-groq trims to its
index and output, so the merged stream holds the call once. LangChain reads them into
`content_blocks` as server tool calls and results.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.partners._openai_scripts import chunks_streamed
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import merged
from tests.partners.compatible import test_compatible_sidebyside as suite

GROQ = suite.PACKAGES["groq"]
COMPOUND = "groq/compound"

SEARCHED = {
    "index": 0,
    "type": "search",
    "arguments": '{"query": "weather in Paris"}',
    "output": "Sunny, 21 C.",
    "search_results": {
        "results": [{"title": "Paris", "url": "https://w.example/paris", "content": "Sunny"}]
    },
}
#: Code run by the model, its result text (no output of its own yet: Groq's first delta).
RAN_CODE = {"index": 1, "type": "python", "arguments": '{"code": "print(2 + 2)"}'}
USAGE = {"prompt_tokens": 20, "completion_tokens": 9, "total_tokens": 29}


def compound(ran: list[dict[str, Any]]) -> Any:
    """A scripted Groq whose message carries the executed tools `ran` beside its text; a
    stream's first delta names each call, the next repeats the ones with an output."""

    def answer(seen: Seen) -> Reply:
        body = seen.body or {}
        head = {"id": "c1", "created": 1, "model": body.get("model"), "system_fingerprint": "f"}
        text = "It is sunny."
        if not body.get("stream"):
            message = {"role": "assistant", "content": text, "executed_tools": ran}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            whole = {**head, "object": "chat.completion", "choices": [choice], "usage": USAGE}
            return Reply(200, [json.dumps(whole).encode()])
        named = [{k: t[k] for k in ("index", "type", "arguments")} for t in ran]
        finished = [t for t in ran if t.get("output")]
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        deltas.append({"executed_tools": named})
        if finished:
            deltas.append({"executed_tools": finished})
        deltas += [{"content": text[:5]}, {"content": text[5:]}]
        choices = [{"index": 0, "delta": d, "finish_reason": None} for d in deltas]
        choices.append({"index": 0, "delta": {}, "finish_reason": "stop"})
        chunks = [{**head, "object": "chat.completion.chunk", "choices": [c]} for c in choices]
        chunks[-1]["x_groq"] = {"id": "req_1", "usage": USAGE}
        return chunks_streamed(body, chunks, head, USAGE)

    return answer


def _chat(cls: Any, url: str) -> Any:
    return cls(model=COMPOUND, api_key=suite.KEY, base_url=GROQ.base(url))


def read_three_ways(cls: Any, url: str) -> Any:
    """The reply invoked (and its content blocks), its stream's chunks and their merge,
    and the reply awaited."""
    chat = _chat(cls, url)
    invoked = chat.invoke("Weather in Paris?")
    chunks = list(chat.stream("Weather in Paris?"))
    return {
        "invoked": invoked,
        "blocks": invoked.content_blocks,
        "chunks": chunks,
        "streamed": merged(chunks),
        "streamed_blocks": merged(chunks).content_blocks,
        "awaited": asyncio.run(chat.ainvoke("Weather in Paris?")),
    }


def agent_answer(cls: Any, url: str) -> Any:
    """An agent over the compound model (no tools of its own): its answer's messages."""
    from langchain.agents import create_agent

    return create_agent(_chat(cls, url), tools=[]).invoke({"messages": [("user", "Paris?")]})


def conversation_continued(cls: Any, url: str) -> Any:
    """The compound reply (as it comes, and in LangChain's v1 blocks; invoked, and its
    stream merged) sent back in the next turn of the conversation."""
    from langchain_core.messages import HumanMessage

    said = []
    for version in ("v0", "v1"):
        chat = cls(
            model=COMPOUND, api_key=suite.KEY, base_url=GROQ.base(url), output_version=version
        )
        for first in (chat.invoke("Paris?"), merged(list(chat.stream("Paris?")))):
            history = [HumanMessage("Paris?"), first, HumanMessage("And tomorrow?")]
            said += [first, chat.invoke(history)]
    return said


SCRIPTS = {
    "conversation_continued": (compound([SEARCHED]), conversation_continued),
    "search_ran": (compound([SEARCHED]), read_three_ways),
    "search_and_code_ran": (compound([SEARCHED, RAN_CODE]), read_three_ways),
    "agent_over_compound": (compound([SEARCHED]), agent_answer),
}

SUITE = suite.package_suite(GROQ, SCRIPTS, {})
test_same_as_langchain_groq = SUITE.same_test()


def test_executed_tools_kept(server: ScriptedServer) -> None:
    """Where the compared value is: the search in `additional_kwargs` with the SDK's
    nulls, and read as a server tool call and its result."""
    _, ours, _, _ = SUITE.run("search_ran", server)
    (kept,) = ours["invoked"]["additional_kwargs"]["executed_tools"]
    assert kept["output"] == "Sunny, 21 C." and kept["code_results"] is None
    assert kept["search_results"]["images"] is None
    assert [b["type"] for b in ours["blocks"]][:2] == ["server_tool_call", "server_tool_result"]
    (streamed,) = ours["streamed"]["additional_kwargs"]["executed_tools"]
    assert streamed["output"] == "Sunny, 21 C." and streamed["arguments"] == SEARCHED["arguments"]


@pytest.fixture(autouse=True)
def _langchain_groq() -> None:
    pytest.importorskip("langchain_groq")
