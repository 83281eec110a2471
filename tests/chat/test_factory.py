"""`init_chat_model` (`chat/factory.py`): a model named in code, from the configuration
(environment and profiles, with fallbacks), or configurable per call."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex import AIMessage, AIMessageChunk, ChatModel, FakeChatModel, init_chat_model
from chatplex.chat.configurable import ConfigurableChatModel


async def invoke(model: ChatModel, input: Any, sync: bool, **kwargs: Any) -> AIMessage:
    if sync:
        return model.invoke(input, **kwargs)
    return await model.ainvoke(input, **kwargs)


async def stream(model: ChatModel, input: Any, sync: bool, **kwargs: Any) -> list[AIMessageChunk]:
    chunks: list[Any]
    if sync:
        chunks = list(model.stream(input, **kwargs))
    else:
        chunks = [chunk async for chunk in model.astream(input, **kwargs)]
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    return chunks


@pytest.mark.parametrize("sync", [True, False])
async def test_init_chat_model_fake(sync: bool) -> None:
    model = init_chat_model("fake:any", responses=["pong", "pong again"], temperature=0.2)
    assert isinstance(model, FakeChatModel)
    assert isinstance(model, ChatModel)
    assert (model.provider, model.model, model.temperature) == ("fake", "any", 0.2)
    reply = await invoke(model, "ping", sync)
    assert reply.text == "pong"
    assert reply.response_metadata["model_name"] == "any"
    assert [c.text for c in await stream(model, "ping", sync)] == ["pong ", "again"]


def test_init_chat_model_validates_settings() -> None:
    with pytest.raises(ValueError, match="temperature"):
        init_chat_model("fake:any", temperature=5)


def test_configurable_checks_the_default_name_now_and_builds_later() -> None:
    with pytest.raises(ValueError, match="unknown provider 'nope'"):
        init_chat_model("nope:model", configurable=True)
    # No OpenAI key is needed until a call actually runs on the OpenAI model.
    switch = init_chat_model("openai:gpt-4o-mini", configurable=True, temperature=0)
    assert isinstance(switch, ConfigurableChatModel)
    assert switch.settings == {"temperature": 0}
