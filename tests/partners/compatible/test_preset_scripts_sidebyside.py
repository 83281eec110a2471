"""Scripts over the OpenAI-compatible presets' partner packages (langchain-groq,
-deepseek, -xai, -fireworks, -together, -mistralai, -perplexity, -sambanova's peers in
the compatible suite) that combine what users combine, side by side against one scripted
server: a reasoning reply streamed, then sent back in the history of the next turn; a
reasoning model inside a tool-calling agent; a 429 read as a script's retry loop reads it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import add
from tests.partners._sidebyside import instance_of
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import raised
from tests.partners.compatible.test_compatible_sidebyside import DETAILED_USAGE
from tests.partners.compatible.test_compatible_sidebyside import KEY
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_compatible_sidebyside import run_script

REASONING = Script("Two.", reasoning="b-e-r-r-y: two r.", usage=DETAILED_USAGE)
RATE_LIMITED = Script(
    status=429,
    error={"message": "Rate limit reached for requests", "type": "requests", "code": "rate_limit"},
)


def _reasoner(cls: Any, p: Package, url: str, **more: Any) -> Any:
    if p.base_in_environment:
        return cls(model=p.reasoning_model, api_key=KEY, **more)
    return cls(model=p.reasoning_model, api_key=KEY, base_url=p.base(url), **more)


def reasoning_history_replayed(cls: Any, p: Package, url: str) -> Any:
    """A reasoning reply streamed and merged, then sent back as the history of the next
    turn (what the second request carries of the reasoning), invoked."""
    model = _reasoner(cls, p, url)
    first = merged(list(model.stream("r in berry?")))
    second = model.invoke([("human", "r in berry?"), first, ("human", "And in cherry?")])
    return [first, second]


def reasoning_agent_streamed(cls: Any, p: Package, url: str) -> Any:
    """create_agent over the reasoning model, streamed in messages mode: each chunk's
    node and content, and what it holds of the reasoning."""
    from langchain.agents import create_agent

    agent = create_agent(_reasoner(cls, p, url), tools=[])
    pieces = []
    for chunk, meta in agent.stream(
        {"messages": [("user", "r in berry?")]}, stream_mode="messages"
    ):
        pieces.append([meta["langgraph_node"], chunk.content, sorted(chunk.additional_kwargs)])
    return pieces


def rate_limited_read(cls: Any, p: Package, url: str) -> Any:
    """A 429 under `max_retries=0`, as a script's own retry loop reads it: the classes
    it catches it by, the response's status and headers (the error's other fields are
    the compatible suite's `error_429`)."""
    import httpx
    from langchain_core.exceptions import ModelRateLimitError

    err = raised(lambda: _reasoner(cls, p, url, max_retries=0).invoke("Hi"))["error"]
    response = getattr(err, "response", None)
    return {
        "class": type(err).__name__,
        **instance_of(err, httpx.HTTPStatusError, ModelRateLimitError),
        "response_status": getattr(response, "status_code", None),
        "content_type": getattr(response, "headers", {}).get("content-type"),
    }


def groq_reasoning_parsed(cls: Any, p: Package, url: str) -> Any:
    """ChatGroq's `reasoning_format="parsed"` and `reasoning_effort`, streamed and
    invoked: the reasoning each reply holds, and the requests."""
    model = _reasoner(cls, p, url, reasoning_format="parsed", reasoning_effort="low")
    chunks = list(model.stream("r in berry?"))
    return {"chunks": chunks, "merged": merged(chunks), "invoked": model.invoke("r in berry?")}


def groq_call_service_tier(cls: Any, p: Package, url: str) -> Any:
    """A service tier bound and one given to a call, over the constructor's: the tier
    each reply reports (langchain-groq: the call's over the model's), streamed and
    invoked."""
    model = _reasoner(cls, p, url, service_tier="on_demand", reasoning_effort="low")
    bound = model.bind(service_tier="flex")
    return {
        "bound": bound.invoke("Hi"),
        "bound_streamed": merged(list(bound.stream("Hi"))),
        "call": model.invoke("Hi", service_tier="auto"),
        "call_streamed": merged(list(model.stream("Hi", service_tier="auto"))),
        "own": model.invoke("Hi"),
    }


def _init_chat_model(cls: Any) -> Any:
    """The `init_chat_model` of `cls`'s family: langchain's, or the drop-ins'."""
    if cls.__module__.startswith("chatplex"):
        from chatplex.langchain import init_chat_model
    else:
        from langchain.chat_models import init_chat_model
    return init_chat_model


def groq_init_configurable(cls: Any, p: Package, url: str) -> Any:
    """init_chat_model("groq:...") with configurable fields under a prefix: a call at
    the defaults, one with a temperature, one with another model and reasoning format
    bound by with_config, streamed; and what the model reports of its fields."""
    model = _init_chat_model(cls)(
        f"groq:{p.model}",
        configurable_fields=("model", "temperature", "reasoning_format"),
        config_prefix="llm",
        api_key=KEY,
        base_url=p.base(url),
        max_retries=0,
    )
    bound = model.with_config(
        configurable={"llm_model": f"groq:{p.reasoning_model}", "llm_reasoning_format": "parsed"}
    )
    return [
        model.invoke("Hi"),
        model.invoke("Hi", config={"configurable": {"llm_temperature": 0.2}}),
        merged(list(bound.stream("r in berry?"))),
        model.bind_tools([add]).invoke("Add 1 and 2"),
    ]


SCRIPTS = {
    "reasoning_history_replayed": (REASONING, reasoning_history_replayed),
    "reasoning_agent_streamed": (REASONING, reasoning_agent_streamed),
    "rate_limited_read": (RATE_LIMITED, rate_limited_read),
    "groq_reasoning_parsed": (REASONING, groq_reasoning_parsed),
    "groq_init_configurable": (REASONING, groq_init_configurable),
    "groq_call_service_tier": (REASONING, groq_call_service_tier),
}


#: The packages whose reasoning reply is a kept difference of the compatible suite
#: (langchain-mistralai and langchain-together drop the field chatplex keeps): their
#: reasoning scripts show it again, nothing more (their requests are the same); and
#: Perplexity, whose API sends no such field (its reasoning models think in <think> tags).
_REASONING_KEPT = ("mistralai", "together", "perplexity")


def _runs(package: str, name: str) -> bool:
    if name.startswith("groq_"):
        return package == "groq"
    return not (name.startswith("reasoning") and package in _REASONING_KEPT)


@pytest.mark.parametrize(
    ("package", "name"),
    [
        (package, name)
        for package in sorted(PACKAGES)
        for name in sorted(SCRIPTS)
        if _runs(package, name)
    ],
)
def test_same_as_the_partner_package(package: str, name: str, server: ScriptedServer) -> None:
    theirs, ours, their_requests, our_requests = run_script(
        PACKAGES[package], *SCRIPTS[name], server
    )
    assert ours == theirs
    assert our_requests == their_requests
