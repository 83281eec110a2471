"""ChatGoogleGenerativeAI side by side in scripts that combine features: an agent over a
thinking model (`thinking_budget`, `include_thoughts`) calling a tool; an agent asked
for a structured response (the provider's JSON schema, and a tool strategy); structured
output with its raw reply in a batch; a stream stopped for safety, piece by piece; a
callback handler logging a thinking model's streamed invoke. Compared as the suite of
`test_google_sidebyside.py` compares its scripts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import add
from tests.partners.google._scripts import ADD_CALL
from tests.partners.google._scripts import THINKING_USAGE
from tests.partners.google._scripts import THOUGHT
from tests.partners.google._suites import gemini_suite
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model

callbacks = pytest.importorskip("langchain_core.callbacks")


class Answer(BaseModel):
    """The answer, and why."""

    value: int
    reason: str


ANSWER_JSON = [{"text": '{"value": 3, "reason": "sum"}'}]


def tool_turns(first: Callable[[Seen], Reply], final: Callable[[Seen], Reply]) -> Any:
    """`first` until the conversation holds a function's response, then `final`."""

    def answer(seen: Seen) -> Reply:
        contents = (seen.body or {}).get("contents", [])
        done = any("functionResponse" in p for c in contents for p in c.get("parts", []))
        return (final if done else first)(seen)

    return answer


def thinking_agent(cls: Any, url: str) -> Any:
    from langchain.agents import create_agent

    chat = model(cls, url, thinking_budget=512, include_thoughts=True)
    return create_agent(chat, tools=[add]).invoke({"messages": [("user", "1+2?")]})


def agent_structured(cls: Any, url: str) -> Any:
    from langchain.agents import create_agent

    agent = create_agent(model(cls, url), tools=[add], response_format=Answer)
    return agent.invoke({"messages": [("user", "1+2?")]}, {"recursion_limit": 8})


def agent_tool_strategy(cls: Any, url: str) -> Any:
    from langchain.agents import create_agent
    from langchain.agents.structured_output import ToolStrategy

    agent = create_agent(model(cls, url), tools=[add], response_format=ToolStrategy(Answer))
    return agent.invoke({"messages": [("user", "1+2?")]}, {"recursion_limit": 8})


def structured_raw_batch(cls: Any, url: str) -> Any:
    chat = model(cls, url).with_structured_output(Answer, method="json_schema", include_raw=True)
    return chat.batch(["1+2?", "again"], return_exceptions=True)


def safety_stream_pieces(cls: Any, url: str) -> Any:
    pieces = list(model(cls, url).stream("risky"))
    return [[p.content, p.response_metadata, p.usage_metadata] for p in pieces]


class _Log(callbacks.BaseCallbackHandler):  # type: ignore[misc, name-defined]
    def __init__(self) -> None:
        self.events: list[Any] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        params = sorted(kwargs.get("invocation_params", {}))
        self.events.append(["start", serialized.get("id"), params, kwargs.get("metadata")])

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        chunk = kwargs.get("chunk")
        self.events.append(
            ["token", token, getattr(getattr(chunk, "message", None), "content", None)]
        )

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        infos = [g.generation_info for gs in response.generations for g in gs]
        self.events.append(["end", response.llm_output, infos])


def callbacks_streamed_thoughts(cls: Any, url: str) -> Any:
    log = _Log()
    chat = model(cls, url, include_thoughts=True, streaming=True, callbacks=[log])
    return [chat.invoke("How many r?"), log.events]


SCRIPTS = {
    "thinking_agent": (
        tool_turns(
            gemini_replies([{"text": "Plan", "thought": True}, *ADD_CALL], usage=THINKING_USAGE),
            gemini_replies(THOUGHT, usage=THINKING_USAGE),
        ),
        thinking_agent,
    ),
    "agent_structured": (
        tool_turns(gemini_replies(ADD_CALL), gemini_replies(ANSWER_JSON)),
        agent_structured,
    ),
    "agent_tool_strategy": (
        tool_turns(
            gemini_replies(ADD_CALL),
            gemini_replies(
                [{"functionCall": {"name": "Answer", "args": {"value": 3, "reason": "x"}}}]
            ),
        ),
        agent_tool_strategy,
    ),
    "structured_raw_batch": (gemini_replies(ANSWER_JSON), structured_raw_batch),
    "safety_stream_pieces": (
        gemini_replies([{"text": "Some risky te"}, {"text": "xt"}], finish="SAFETY"),
        safety_stream_pieces,
    ),
    "callbacks_streamed_thoughts": (
        gemini_replies(THOUGHT, usage=THINKING_USAGE),
        callbacks_streamed_thoughts,
    ),
}

SUITE = gemini_suite(SCRIPTS)
test_agent_scripts_same_as_langchain_google_genai = SUITE.same_test()
