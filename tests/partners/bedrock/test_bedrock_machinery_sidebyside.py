"""LangChain's machinery around ChatBedrockConverse and ChatBedrock, side by side with
langchain-aws: create_agent with human-in-the-loop (an edited call resumed from a
checkpoint), a fallback middleware past an unavailable model, a response format, a
summarization middleware, fallbacks and retries past throttling, and an agent's event
stream. Each script runs with both classes against one scripted Converse server; what
it returns and what it sent are compared (a reply's `date` header aside).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._machinery import Weather
from tests.partners._machinery import get_weather
from tests.partners._machinery import shown
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import run_row
from tests.partners.bedrock._scripts import KEYS
from tests.partners.bedrock.test_bedrock_sidebyside import _comparable_request
from tests.partners.bedrock.test_bedrock_sidebyside import _comparable_result
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - the autouse fixture: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_bedrock_sidebyside import text
from tests.partners.bedrock.test_bedrock_sidebyside import tool_use

langchain_aws = pytest.importorskip("langchain_aws")
pytest.importorskip("langchain.agents")

from chatplex.langchain import ChatBedrock as OurChatBedrock  # noqa: E402
from chatplex.langchain import ChatBedrockConverse as OurChatBedrockConverse  # noqa: E402

HAIKU = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
NOVA = "us.amazon.nova-lite-v1:0"


def _make(cls: Any, url: str, model: str = HAIKU, **settings: Any) -> Any:
    return cls(model=model, endpoint_url=url, region_name="us-east-1", **KEYS, **settings)


def _turns(*answers: Callable[[Seen], Reply]) -> Callable[[Seen], Reply]:
    """The n-th answer for a conversation of n user-or-tool turns (the last repeated)."""

    def answer(seen: Seen) -> Reply:
        turns = [m for m in (seen.body or {}).get("messages", []) if m.get("role") == "user"]
        return answers[min(len(turns), len(answers)) - 1](seen)

    return answer


WEATHER_CALL = converse(tool_use("get_weather", {"city": "Rome"}), stop="tool_use")
SUNNY = converse(text("It is sunny."))
THROTTLED = converse(status=429, error=("ThrottlingException", "Too many requests."))


def _unless_haiku(answer: Callable[[Seen], Reply], failed: Callable[[Seen], Reply]) -> Any:
    return lambda seen: failed(seen) if "haiku" in seen.path else answer(seen)


def hitl_edit_resumed(cls: Any, url: str) -> Any:
    from langchain.agents import create_agent
    from langchain.agents.middleware import HumanInTheLoopMiddleware
    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.types import Command

    agent = create_agent(
        _make(cls, url),
        tools=[get_weather],
        middleware=[HumanInTheLoopMiddleware(interrupt_on={"get_weather": True})],
        checkpointer=InMemorySaver(),
    )
    config = {"configurable": {"thread_id": "t"}}
    first = agent.invoke({"messages": [{"role": "user", "content": "Weather in Rome"}]}, config)
    asked = [i.value for i in first["__interrupt__"]]
    for request in asked:
        for action in request["action_requests"]:
            action.pop("description", None)
    edit = {"type": "edit", "edited_action": {"name": "get_weather", "args": {"city": "Bern"}}}
    done = agent.invoke(Command(resume={"decisions": [edit]}), config)
    return {"asked": asked, "messages": shown(done["messages"])}


def fallback_middleware(cls: Any, url: str) -> Any:
    from langchain.agents import create_agent
    from langchain.agents.middleware import ModelFallbackMiddleware

    backup = _make(cls, url, model=NOVA, max_retries=0)
    agent = create_agent(
        _make(cls, url, max_retries=0),
        tools=[get_weather],
        middleware=[ModelFallbackMiddleware(backup)],
    )
    result = agent.invoke({"messages": [{"role": "user", "content": "Weather?"}]})
    return shown(result["messages"])


def response_format(cls: Any, url: str) -> Any:
    from langchain.agents import create_agent

    agent = create_agent(_make(cls, url), tools=[get_weather], response_format=Weather)
    result = agent.invoke({"messages": [{"role": "user", "content": "Weather?"}]})
    return {"messages": shown(result["messages"]), "out": result["structured_response"]}


def summarized(cls: Any, url: str) -> Any:
    from langchain.agents import create_agent
    from langchain.agents.middleware import SummarizationMiddleware

    model = _make(cls, url)
    summary = SummarizationMiddleware(model=model, trigger=("messages", 3), keep=("messages", 1))
    agent = create_agent(model, tools=[], middleware=[summary])
    said = ["a", "b", "c", "d", "e"]
    history = [{"role": ("user", "assistant")[n % 2], "content": w} for n, w in enumerate(said)]
    return shown(agent.invoke({"messages": history})["messages"])


def fallbacks_past_throttling(cls: Any, url: str) -> Any:
    from langchain_core.runnables import RunnableLambda

    seen = RunnableLambda(lambda x: x["error"].response["Error"]["Code"])
    primary = _make(cls, url, max_retries=0)
    asked = RunnableLambda(lambda x: x["q"]) | primary
    with_key = asked.with_fallbacks([seen], exception_key="error")
    plain = primary.with_fallbacks([_make(cls, url, model=NOVA, max_retries=0)])
    return {"key": with_key.invoke({"q": "hi"}), "reply": plain.invoke("hi")}


def retried_then_raised(cls: Any, url: str) -> Any:
    model = _make(cls, url, max_retries=0).with_retry(
        stop_after_attempt=3, wait_exponential_jitter=False
    )
    try:
        model.invoke("hi")
    except Exception as err:  # noqa: BLE001 - the error is what is observed
        return {"error": err}
    raise AssertionError("expected a throttling error")


def nova_agent_events(cls: Any, url: str) -> Any:
    from langchain.agents import create_agent

    agent = create_agent(_make(cls, url, model=NOVA), tools=[get_weather])

    async def run() -> list[Any]:
        given = {"messages": [{"role": "user", "content": "Weather?"}]}
        return [
            (e["event"], e["name"], sorted(e["metadata"]))
            async for e in agent.astream_events(given, version="v2")
            if "chat_model" in e["event"] or "tool" in e["event"]
        ]

    return asyncio.run(run())


STRUCTURED = converse(tool_use("Weather", {"city": "Rome", "sunny": True}), stop="tool_use")

#: Script -> (the server's answer, the script, the classes it runs with).
SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any], str]] = {
    "hitl_edit_resumed": (_turns(WEATHER_CALL, SUNNY), hitl_edit_resumed, "converse"),
    "fallback_middleware": (
        _unless_haiku(_turns(WEATHER_CALL, SUNNY), THROTTLED),
        fallback_middleware,
        "converse",
    ),
    "response_format": (_turns(WEATHER_CALL, STRUCTURED), response_format, "converse"),
    "summarized": (SUNNY, summarized, "converse"),
    "fallbacks_past_throttling": (
        _unless_haiku(SUNNY, THROTTLED),
        fallbacks_past_throttling,
        "converse",
    ),
    "retried_then_raised": (THROTTLED, retried_then_raised, "converse"),
    "chatbedrock_nova_agent_events": (
        _turns(WEATHER_CALL, SUNNY),
        nova_agent_events,
        "invoke",
    ),
}
CLASSES = {
    "converse": (langchain_aws.ChatBedrockConverse, OurChatBedrockConverse),
    "invoke": (langchain_aws.ChatBedrock, OurChatBedrock),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_as_langchain_aws(name: str, server: ScriptedServer) -> None:
    answer, script, kind = SCRIPTS[name]
    theirs, ours = CLASSES[kind]
    reading = {"result": _comparable_result, "request": _comparable_request}
    assert_same(run_row(server, (answer, script), theirs, ours, **reading))
