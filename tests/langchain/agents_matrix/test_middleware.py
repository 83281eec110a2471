"""`create_agent` with LangChain's middleware over every wire: SummarizationMiddleware
(the wire's model as the summarizer), ModelRetryMiddleware (the first reply a 400),
ModelFallbackMiddleware (the primary's reply a 400), ToolCallLimitMiddleware and
ModelCallLimitMiddleware (ending, and raising): the partner package's class and
chatplex's, compared (`_kit.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ._cells import family_test
from ._kit import STEPS
from ._kit import THREAD
from ._kit import TURNS
from ._kit import Run
from ._kit import arun
from ._kit import get_weather

agents = pytest.importorskip("langchain.agents")
middleware = pytest.importorskip("langchain.agents.middleware")
memory = pytest.importorskip("langgraph.checkpoint.memory")


pytestmark = pytest.mark.xdist_group("agents_matrix_middleware")


@pytest.fixture(scope="module", autouse=True)
def vertex_retries_at_once() -> Iterator[None]:
    """langchain-google-vertexai's own retry of the scripted 400 (tenacity, waiting 4 s
    at the least: 12 s of the retry and fallback cells) without its wait. The retry
    predicate and the attempt count are untouched: the same requests, the same
    outcome, only at once."""
    try:
        import tenacity
        from langchain_google_vertexai import _retry
    except ImportError:  # without langchain-google-vertexai: its cells are not run
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_retry, "wait_exponential", lambda **_: tenacity.wait_none())
        yield


def _two_turns(agent: Any) -> Any:
    agent.invoke({"messages": [("user", TURNS[0])]}, THREAD)
    return agent.invoke({"messages": [("user", TURNS[1])]}, THREAD)["messages"]


def summarization(run: Run) -> Any:
    summarize = middleware.SummarizationMiddleware(
        model=run.make(), trigger=("messages", 4), keep=("messages", 2)
    )
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        middleware=[summarize],
        checkpointer=memory.InMemorySaver(),
    )
    return _two_turns(agent)


def _retry() -> Any:
    return middleware.ModelRetryMiddleware(max_retries=1, initial_delay=0, jitter=False)


def model_retry(run: Run) -> Any:
    agent = agents.create_agent(run.make(), tools=[get_weather], middleware=[_retry()])
    run.fail_first(1)
    return agent.invoke({"messages": [("user", TURNS[0])]}, STEPS)["messages"]


def model_retry_async(run: Run) -> Any:
    async def body() -> Any:
        agent = agents.create_agent(run.make(), tools=[get_weather], middleware=[_retry()])
        run.fail_first(1)
        return (await agent.ainvoke({"messages": [("user", TURNS[0])]}, STEPS))["messages"]

    return arun(body)


def model_fallback(run: Run) -> Any:
    fallback = middleware.ModelFallbackMiddleware(run.make())
    agent = agents.create_agent(run.make(), tools=[get_weather], middleware=[fallback])
    run.fail_first(1)
    return agent.invoke({"messages": [("user", TURNS[0])]}, STEPS)["messages"]


def tool_call_limit(run: Run) -> Any:
    limit = middleware.ToolCallLimitMiddleware(thread_limit=1)
    agent = agents.create_agent(
        run.make(), tools=[get_weather], middleware=[limit], checkpointer=memory.InMemorySaver()
    )
    return _two_turns(agent)


def _call_limit(exit_behavior: str) -> Any:
    def scenario(run: Run) -> Any:
        limit = middleware.ModelCallLimitMiddleware(run_limit=1, exit_behavior=exit_behavior)
        agent = agents.create_agent(run.make(), tools=[get_weather], middleware=[limit])
        return agent.invoke({"messages": [("user", TURNS[0])]}, STEPS)["messages"]

    return scenario


SCENARIOS = {
    "summarization": summarization,
    "model_retry": model_retry,
    "model_retry_async": model_retry_async,
    "model_fallback": model_fallback,
    "tool_call_limit": tool_call_limit,
    "model_call_limit_end": _call_limit("end"),
    "model_call_limit_error": _call_limit("error"),
}


test_middleware = family_test(SCENARIOS)
