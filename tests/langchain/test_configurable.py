"""chatplex/langchain/configurable.py: LangChain's configurable model over the drop-ins,
built by `init_chat_model(configurable_fields=...)` or with no model: each call runs on
the drop-in its config names, as a LangChain Runnable (callbacks, events, chains)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda
from langchain_core.tools import tool

from chatplex.langchain import init_chat_model
from chatplex.langchain.configurable import ConfigurableModel
from chatplex.testing import MockScript
from chatplex.testing import MockServer
from chatplex.testing import ScriptRule

NAMED = {"configurable": {"model": "openai:gpt-4o-mini"}}


@tool
def get_weather(location: str) -> str:
    """The weather at a location."""
    return f"sunny in {location}"


@pytest.fixture
def server() -> Iterator[MockServer]:
    weather = ScriptRule(user_text="weather", call="get_weather", args={"location": "Paris"})
    with MockServer(script=MockScript(rules=[weather])) as running:
        yield running


def unnamed(server: MockServer) -> Any:
    return init_chat_model(api_key="sk-x", base_url=server.openai_base_url)


class Starts(BaseCallbackHandler):
    def __init__(self) -> None:
        self.names: list[Any] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.names.append(kwargs.get("name") or serialized.get("name"))


def test_each_call_runs_on_the_drop_in_its_config_names(server: MockServer) -> None:
    model = unnamed(server)
    assert isinstance(model, ConfigurableModel)
    reply = model.invoke("hi", NAMED)
    assert reply.text == "Echo: hi"
    assert reply.response_metadata["model_provider"] == "openai"  # the drop-in's reply
    assert "provider" not in reply.response_metadata  # not chatplex's own model's
    assert "".join(c.text for c in model.stream("hi", NAMED)) == "Echo: hi"
    assert [r.text for r in model.batch(["a", "b"], [NAMED, NAMED])] == ["Echo: a", "Echo: b"]
    with pytest.raises(ValueError, match="no model configured"):
        model.invoke("hi")


async def test_async_calls_and_langchains_event_stream(server: MockServer) -> None:
    model = unnamed(server)
    assert (await model.ainvoke("hi", NAMED)).text == "Echo: hi"
    assert [r.text for r in await model.abatch(["a"], NAMED)] == ["Echo: a"]
    events = [e async for e in model.astream_events("hi", NAMED, version="v2")]
    assert events[0]["event"] == "on_chat_model_start" and events[0]["name"] == "ChatOpenAI"
    assert events[-1]["event"] == "on_chat_model_end"


def test_in_a_chain_under_a_handler_and_with_config(server: MockServer) -> None:
    model = unnamed(server)
    chain = ChatPromptTemplate.from_messages([("user", "{q}")]) | model | StrOutputParser()
    handler = Starts()
    assert chain.invoke({"q": "hi"}, {**NAMED, "callbacks": [handler]}) == "Echo: hi"
    assert handler.names == ["ChatOpenAI"]
    # with_config(configurable=...) makes the named model the default (LangChain's).
    configured = model.with_config(configurable=NAMED["configurable"], tags=["t"])
    assert configured.invoke("hi").text == "Echo: hi"
    assert configured.get_name() == "_ConfigurableModel"


def test_a_call_without_config_reads_the_config_of_the_run_it_is_in(server: MockServer) -> None:
    # As LangChain's: a LangGraph node or a lambda calling the model without a config
    # hands it the graph's or chain's `configurable` (langchain-core's context variable).
    model = unnamed(server)
    inner = RunnableLambda(lambda text: model.invoke(text).response_metadata["model_name"])
    assert inner.invoke("hi", NAMED) == "gpt-4o-mini"

    async def call(text: str) -> str:
        return str((await model.ainvoke(text)).response_metadata["model_name"])

    assert asyncio.run(RunnableLambda(call).ainvoke("hi", NAMED)) == "gpt-4o-mini"


def test_tools_and_structured_output_wait_for_the_model(server: MockServer) -> None:
    model = init_chat_model(
        "openai:gpt-4o-mini",
        configurable_fields="any",
        config_prefix="foo",
        api_key="sk-x",
        base_url=server.openai_base_url,
    )
    called = model.bind_tools([get_weather]).invoke("What is the weather in Paris?")
    assert called.tool_calls[0]["name"] == "get_weather"
    structured = model.with_structured_output({"title": "Reply", "type": "object"})
    assert isinstance(structured, ConfigurableModel)
    reply = model.invoke("hi", {"configurable": {"foo_temperature": 0.2}})
    assert reply.text == "Echo: hi"
    # An attribute of the default model is read from the model it builds.
    assert model.model_name == "gpt-4o-mini"
    with pytest.raises(AttributeError, match="not a BaseChatModel attribute"):
        _ = model.no_such_attribute
