"""chatplex's `RunnableWithMessageHistory` beside langchain-core's: the same script, on
models scripted with the same replies, must return the same outputs, leave the same
messages in each session and raise the same errors, sync and async."""

from __future__ import annotations

import asyncio
import doctest
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

import chatplex
from chatplex.core import history as history_module

pytest.importorskip("langchain_core")

from langchain_core import chat_history as lc_history  # noqa: E402
from langchain_core import messages as lc_messages  # noqa: E402
from langchain_core import output_parsers as lc_parsers  # noqa: E402
from langchain_core import prompts as lc_prompts  # noqa: E402
from langchain_core import runnables as lc_runnables  # noqa: E402
from langchain_core.language_models.fake_chat_models import FakeListChatModel  # noqa: E402

# LangChain deprecates both classes; the warning is not what is compared.
pytestmark = pytest.mark.filterwarnings(
    "ignore::langchain_core._api.deprecation.LangChainDeprecationWarning"
)

LANGCHAIN = SimpleNamespace(
    name="langchain",
    History=lc_runnables.RunnableWithMessageHistory,
    InMemory=lc_history.InMemoryChatMessageHistory,
    Base=lc_history.BaseChatMessageHistory,
    Spec=lc_runnables.ConfigurableFieldSpec,
    Lambda=lc_runnables.RunnableLambda,
    Prompt=lc_prompts.ChatPromptTemplate,
    Placeholder=lc_prompts.MessagesPlaceholder,
    Str=lc_parsers.StrOutputParser,
    Human=lc_messages.HumanMessage,
    AI=lc_messages.AIMessage,
    System=lc_messages.SystemMessage,
    model=lambda replies: FakeListChatModel(responses=replies),
)
CHATPLEX = SimpleNamespace(
    name="chatplex",
    History=chatplex.RunnableWithMessageHistory,
    InMemory=chatplex.InMemoryChatMessageHistory,
    Base=chatplex.BaseChatMessageHistory,
    Spec=chatplex.ConfigurableFieldSpec,
    Lambda=chatplex.RunnableLambda,
    Prompt=chatplex.ChatPromptTemplate,
    Placeholder=chatplex.MessagesPlaceholder,
    Str=chatplex.StrOutputParser,
    Human=chatplex.HumanMessage,
    AI=chatplex.AIMessage,
    System=chatplex.SystemMessage,
    model=lambda replies: chatplex.FakeChatModel(responses=replies),
)


def seen(value: Any) -> Any:
    """What a script sees of a value: a message as (class, type, text); lists, tuples and
    dicts of them likewise; anything else as is."""
    if isinstance(value, (lc_messages.BaseMessage, chatplex.BaseMessage)):
        return (type(value).__name__, value.type, value.content)
    if isinstance(value, (list, tuple)):
        return [seen(v) for v in value]
    if isinstance(value, dict):
        return {k: seen(v) for k, v in value.items()}
    return value


def same(scenario: Callable[[Any], Any]) -> Any:
    """Run `scenario` on both kits; they must agree. Returns chatplex's result."""
    theirs = scenario(LANGCHAIN)
    ours = scenario(CHATPLEX)
    assert ours == theirs
    return ours


def both_ways(scenario: Callable[[Any, bool], Any]) -> tuple[Any, Any]:
    """`scenario` sync and async, each on both kits: (sync result, async result)."""
    return same(lambda kit: scenario(kit, True)), same(lambda kit: scenario(kit, False))


def sessions(kit: Any) -> tuple[dict[str, Any], Callable[[str], Any]]:
    store: dict[str, Any] = {}

    def get(session_id: str) -> Any:
        return store.setdefault(session_id, kit.InMemory())

    return store, get


def cfg(session_id: str) -> dict[str, Any]:
    return {"configurable": {"session_id": session_id}}


async def _call(r: Any, sync: bool, value: Any, config: Any) -> Any:
    return r.invoke(value, config) if sync else await r.ainvoke(value, config)


async def _stream(r: Any, sync: bool, value: Any, config: Any) -> list[Any]:
    if sync:
        return list(r.stream(value, config))
    return [piece async for piece in r.astream(value, config)]


def test_a_chat_model_remembers_the_conversation() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        model = kit.model(["hello", "I remember"])
        chat = kit.History(model, get)

        async def run() -> Any:
            first = await _call(chat, sync, "hi", cfg("a"))
            second = await _call(chat, sync, [kit.Human("do you remember?")], cfg("a"))
            return seen([first, second]), seen(store["a"].messages), str(store["a"])

        return asyncio.run(run())

    on_sync, on_async = both_ways(scenario)
    assert on_sync == on_async
    assert on_sync[1] == [
        ("HumanMessage", "human", "hi"),
        ("AIMessage", "ai", "hello"),
        ("HumanMessage", "human", "do you remember?"),
        ("AIMessage", "ai", "I remember"),
    ]


def test_the_docstring_examples_run() -> None:
    failures, tried = doctest.testmod(history_module)
    assert tried > 0
    assert failures == 0
