"""Script bodies the wires' side-by-side suites share for scripts that combine
features (tests/partners/<wire>/test_*_probe_o.py): each takes a model the suite built
(or how to build one) and returns what the script looks at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.partners._sidebyside import add


def agent_streamed_messages(model: Any) -> list[Any]:
    """A tool-calling agent over `model` (the `add` tool) streamed as messages: each
    piece's kind, content, calls and node."""
    from langchain.agents import create_agent

    agent = create_agent(model, tools=[add])
    seen = []
    for chunk, meta in agent.stream(
        {"messages": [{"role": "user", "content": "add 1 and 2"}]}, stream_mode="messages"
    ):
        calls = [(c["name"], c["args"]) for c in getattr(chunk, "tool_calls", [])]
        seen.append([type(chunk).__name__, chunk.content, calls, meta["langgraph_node"]])
    return seen


def rate_limited_batch(build: Callable[..., Any]) -> list[Any]:
    """A batch of three through a model built with an InMemoryRateLimiter (`build`'s
    `rate_limiter=`): the replies, and whether the model holds that limiter."""
    from langchain_core.rate_limiters import InMemoryRateLimiter

    limiter = InMemoryRateLimiter(
        requests_per_second=1000, check_every_n_seconds=0.001, max_bucket_size=10
    )
    model = build(rate_limiter=limiter)
    return [[r.content for r in model.batch(["a", "b", "c"])], model.rate_limiter is limiter]


def copied(model: Any, update: dict[str, Any]) -> list[Any]:
    """`model.model_copy(update=update)`: the copy's and the model's values of the
    fields updated, and the copy's reply."""
    copy = model.model_copy(update=update)
    return [
        [getattr(copy, name) for name in update],
        [getattr(model, name) for name in update],
        copy.invoke("Hi").content,
    ]
