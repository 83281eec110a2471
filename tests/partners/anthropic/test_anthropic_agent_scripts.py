"""ChatAnthropic side by side in scripts that combine features: an agent
(`create_agent`) whose model thinks and calls a tool, streamed as messages; a batch
capped at one request at a time whose middle call is overloaded (529), its errors
returned; a prompt cached on its system turn and tools, with its cache usage read,
invoked and streamed; the partner's own fields made configurable. Each runs with both
classes against one scripted Messages server; what it returns and sends is compared.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import add
from tests.partners._sidebyside import merged
from tests.partners.anthropic.test_anthropic_sidebyside import ADD_CALL
from tests.partners.anthropic.test_anthropic_sidebyside import ANSWER
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import THINKING
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed

anthropic = pytest.importorskip("anthropic")
lc = pytest.importorskip("langchain_core.messages")

FINAL = {"type": "text", "text": "It is 3."}


def tool_turns(first: Callable[[Seen], Reply], final: Callable[[Seen], Reply]) -> Any:
    """`first` until the conversation holds a tool's result, then `final`."""

    def answer(seen: Seen) -> Reply:
        turns = (seen.body or {}).get("messages", [])
        done = any(
            isinstance(turn.get("content"), list)
            and any(block.get("type") == "tool_result" for block in turn["content"])
            for turn in turns
        )
        return (final if done else first)(seen)

    return answer


def agent_thinking_streamed(cls: Any, url: str) -> Any:
    """An agent over a thinking model: its messages streamed (each piece's content,
    tool call chunks, usage and metadata keys, and the node it came from)."""
    from langchain.agents import create_agent

    thinking = {"type": "enabled", "budget_tokens": 1024}
    chat = cls(model=MODEL, api_key=KEY, base_url=url, thinking=thinking, max_tokens=2048)
    agent = create_agent(chat, tools=[add])
    return [
        [
            type(piece).__name__,
            piece.content,
            getattr(piece, "tool_call_chunks", None),
            getattr(piece, "usage_metadata", None),
            sorted(piece.response_metadata),
            meta.get("langgraph_node"),
        ]
        for piece, meta in agent.stream({"messages": [("user", "1+2?")]}, stream_mode="messages")
    ]


def overloaded_sometimes() -> Callable[[Seen], Reply]:
    """Overloaded (529) for a request asking about "boom", a text answer otherwise."""
    ok = streamed(ANSWER)
    error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}

    def answer(seen: Seen) -> Reply:
        if "boom" in json.dumps(seen.body):
            return Reply(529, [json.dumps(error).encode()], headers={"request-id": "req_x"})
        return ok(seen)

    return answer


def batch_overloaded(cls: Any, url: str) -> Any:
    """A batch, one request at a time, its overloaded call's error returned: the
    classes a script catches and what it reads of the error."""
    chat = cls(model=MODEL, api_key=KEY, base_url=url, max_retries=0)
    replies = chat.batch(["hi", "boom", "hey"], {"max_concurrency": 1}, return_exceptions=True)
    return [
        {
            "status": reply.status_code,
            "request_id": reply.request_id,
            "body": reply.body,
            "classes": [
                isinstance(reply, error)
                for error in (
                    anthropic.APIStatusError,
                    anthropic.InternalServerError,
                    getattr(anthropic, "OverloadedError", anthropic.InternalServerError),
                )
            ],
        }
        if isinstance(reply, Exception)
        else reply
        for reply in replies
    ]


CACHE_USAGE = {
    "input_tokens": 12,
    "output_tokens": 7,
    "cache_creation_input_tokens": 100,
    "cache_read_input_tokens": 50,
    "cache_creation": {"ephemeral_5m_input_tokens": 60, "ephemeral_1h_input_tokens": 40},
}


def prompt_cached(cls: Any, url: str) -> Any:
    """A system turn and a tool marked for caching (an hour, and the default), invoked
    and streamed: the usage details of the cache written and read."""
    marked = {"type": "text", "text": "A long document. " * 40}
    system = lc.SystemMessage([{**marked, "cache_control": {"type": "ephemeral", "ttl": "1h"}}])
    tool = {
        "name": "add",
        "description": "Add two integers.",
        "input_schema": {"type": "object", "properties": {"a": {"type": "integer"}}},
        "cache_control": {"type": "ephemeral"},
    }
    chat = cls(model=MODEL, api_key=KEY, base_url=url).bind_tools([tool])
    asked = [system, lc.HumanMessage("hi")]
    return [chat.invoke(asked), merged(list(chat.stream(asked)))]


def partner_fields_configured(cls: Any, url: str) -> Any:
    """The partner's own fields made configurable (thinking, top_k, stop_sequences)
    beside a LangChain one (max_tokens): a plain call, then one configuring them."""
    from langchain_core.runnables import ConfigurableField

    chat = cls(model=MODEL, api_key=KEY, base_url=url).configurable_fields(
        top_k=ConfigurableField(id="k"),
        thinking=ConfigurableField(id="thinking"),
        max_tokens=ConfigurableField(id="longest"),
        stop_sequences=ConfigurableField(id="stop"),
    )
    thinking = {"type": "enabled", "budget_tokens": 1024}
    given = {"k": 3, "thinking": thinking, "longest": 2048, "stop": ["END"]}
    return [chat.invoke("hi"), chat.invoke("hi", {"configurable": given})]


SCRIPTS = {
    "agent_thinking_streamed": (
        tool_turns(streamed(THINKING, ADD_CALL, stop="tool_use"), streamed(THINKING, FINAL)),
        agent_thinking_streamed,
    ),
    "batch_overloaded": (overloaded_sometimes(), batch_overloaded),
    "prompt_cached": (streamed(ANSWER, usage=CACHE_USAGE), prompt_cached),
    "partner_fields_configured": (streamed(ANSWER), partner_fields_configured),
}

SUITE = anthropic_suite(SCRIPTS)
test_agent_scripts_same_as_langchain_anthropic = SUITE.same_test()
