"""`ChatModel`'s Runnable hooks (`chat/run_hooks.py`): per-call overrides checked before
anything runs and applied on a copy; listeners see the messages sent."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex import FakeChatModel
from tests.chat._model_wire import BAD_SETTINGS
from tests.chat._model_wire import Wire
from tests.chat._model_wire import invoke
from tests.chat._model_wire import model_over


@pytest.mark.parametrize(("settings", "exc", "name"), BAD_SETTINGS)
@pytest.mark.parametrize("sync", [True, False])
async def test_bad_call_overrides_raise_before_anything_runs(
    sync: bool, settings: dict[str, Any], exc: type[Exception], name: str
) -> None:
    model = FakeChatModel(responses=["ok"])
    with pytest.raises(exc, match=name):
        await invoke(model, "hi", sync, **settings)
    received: list[AIMessage] = []
    with pytest.raises(exc, match=name):
        if sync:
            for chunk in model.stream("hi", **settings):
                received.append(chunk)
        else:
            async for chunk in model.astream("hi", **settings):
                received.append(chunk)
    assert received == []
    assert model.calls == []  # nothing reached the "provider"


@pytest.mark.parametrize("sync", [True, False])
async def test_valid_call_overrides_do_not_change_the_model(sync: bool) -> None:
    model = FakeChatModel(responses=["ok"])
    reply = await invoke(model, "hi", sync, temperature=1.5, max_tokens=3, stop="x")
    assert reply.text == "ok"
    assert (model.temperature, model.max_tokens, model.stop) == (None, None, None)


@pytest.mark.parametrize("sync", [True, False])
async def test_per_call_settings_and_headers_go_on_top_without_changing_the_model(
    sync: bool,
) -> None:
    wire = Wire()
    model = model_over(wire, extra_headers={"x-app": "a"})
    await invoke(model, "hi", sync, max_tokens=5, extra_headers={"x-trace": "t"}, user="u1")
    [body] = wire.bodies
    assert body["max_tokens"] == 5 and body["user"] == "u1"
    assert wire.requests[0].headers["x-app"] == "a"
    assert wire.requests[0].headers["x-trace"] == "t"
    assert model.max_tokens is None and model.extra_headers == {"x-app": "a"}
    assert model.extra_body == {}


@pytest.mark.parametrize("sync", [True, False])
def test_listeners_see_the_messages_a_chat_model_sent(sync: bool) -> None:
    # As LangChain's chat-model run records them: RunnableWithMessageHistory saves these,
    # so (role, text) input must be stored as HumanMessages, not as the raw tuples.
    from chatplex.messages import HumanMessage
    from chatplex.messages import SystemMessage

    seen: list[Any] = []
    model = FakeChatModel(responses=["ok"]).bind(stop=["x"])
    chain = model.with_listeners(on_start=lambda run: seen.append(run.inputs))
    given = [("system", "be brief"), ("human", "hi")]
    chain.invoke(given) if sync else asyncio.run(chain.ainvoke(given))
    [messages] = seen[0]["messages"]
    assert [type(m) for m in messages] == [SystemMessage, HumanMessage]
    assert [m.content for m in messages] == ["be brief", "hi"]


async def test_an_unknown_keyword_refused_under_a_partner_name_names_the_calls_sdk_method() -> None:
    """A drop-in refuses a call keyword its partner's SDK does not take with the SDK's
    words, which name the sync client's method or the async one's (langchain-anthropic:
    `Messages.create()` / `AsyncMessages.create()`), before any request."""
    from chatplex.langchain import ChatAnthropic

    model = ChatAnthropic(model="claude-sonnet-4-5", api_key="k", base_url="http://127.0.0.1:9")
    words = "create() got an unexpected keyword argument 'seed'"
    with pytest.raises(TypeError) as sync_invoke:
        model.invoke("Hi", seed=3)
    with pytest.raises(TypeError) as sync_stream:
        list(model.stream("Hi", seed=3))
    with pytest.raises(TypeError) as async_invoke:
        await model.ainvoke("Hi", seed=3)
    with pytest.raises(TypeError) as async_stream:
        [chunk async for chunk in model.astream("Hi", seed=3)]
    assert [str(e.value) for e in (sync_invoke, sync_stream)] == [f"Messages.{words}"] * 2
    assert [str(e.value) for e in (async_invoke, async_stream)] == [f"AsyncMessages.{words}"] * 2
