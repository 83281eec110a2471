"""chatplex's chat message histories beside langchain-core's: the same script on both
classes must leave the same messages, print the same text and raise the same errors."""

from __future__ import annotations

import asyncio
import doctest
import threading
from collections.abc import Callable
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pydantic
import pytest

from chatplex import messages as own_messages
from chatplex.core import chat_history
from chatplex.core.chat_history import BaseChatMessageHistory
from chatplex.core.chat_history import InMemoryChatMessageHistory

lc_history = pytest.importorskip("langchain_core.chat_history")
lc_messages = pytest.importorskip("langchain_core.messages")

# LangChain deprecates its history classes (1.6.4); the warning is not what is compared.
pytestmark = pytest.mark.filterwarnings(
    "ignore::langchain_core._api.deprecation.LangChainDeprecationWarning"
)

LANGCHAIN = SimpleNamespace(
    Base=lc_history.BaseChatMessageHistory,
    InMemory=lc_history.InMemoryChatMessageHistory,
    Human=lc_messages.HumanMessage,
    AI=lc_messages.AIMessage,
    System=lc_messages.SystemMessage,
)
CHATPLEX = SimpleNamespace(
    Base=BaseChatMessageHistory,
    InMemory=InMemoryChatMessageHistory,
    Human=own_messages.HumanMessage,
    AI=own_messages.AIMessage,
    System=own_messages.SystemMessage,
)


def seen(messages: Sequence[Any]) -> list[tuple[str, str, Any]]:
    """What a script sees of stored messages: class name, type and content."""
    return [(type(m).__name__, m.type, m.content) for m in messages]


def same(scenario: Callable[[Any], Any]) -> Any:
    theirs = scenario(LANGCHAIN)
    ours = scenario(CHATPLEX)
    assert ours == theirs
    return ours


def test_the_convenience_adders_store_messages_and_texts_alike() -> None:
    def scenario(kit: Any) -> Any:
        history = kit.InMemory()
        history.add_user_message("hi")
        history.add_ai_message("hello")
        history.add_user_message(kit.Human("again"))
        history.add_ai_message(kit.AI("sure"))
        history.add_message(kit.System("be brief"))
        history.add_messages([kit.Human("a"), kit.AI("b")])
        return seen(history.messages), str(history)

    stored, text = same(scenario)
    assert stored[0] == ("HumanMessage", "human", "hi")
    assert text.splitlines()[:2] == ["Human: hi", "AI: hello"]


def test_clear_empties_and_the_field_is_a_fresh_list() -> None:
    def scenario(kit: Any) -> Any:
        first, second = kit.InMemory(), kit.InMemory()
        first.add_user_message("x")
        before = seen(first.messages)
        first.clear()
        return before, first.messages, second.messages, str(first)

    assert same(scenario)[0] == [("HumanMessage", "human", "x")]


def test_the_async_twins_of_the_in_memory_store() -> None:
    def scenario(kit: Any) -> Any:
        async def run() -> Any:
            history = kit.InMemory()
            await history.aadd_messages([kit.Human("q"), kit.AI("a")])
            got = await history.aget_messages()
            same_list = got is history.messages
            await history.aclear()
            return seen(got), same_list, await history.aget_messages()

        return asyncio.run(run())

    assert same(scenario) == ([("HumanMessage", "human", "q"), ("AIMessage", "ai", "a")], True, [])


def test_a_pydantic_model_with_a_messages_field() -> None:
    def scenario(kit: Any) -> Any:
        history = kit.InMemory(messages=[kit.Human("q", id="1"), kit.AI("a")])
        with pytest.raises(pydantic.ValidationError):
            kit.InMemory(messages=["not a message"])
        return (
            isinstance(history, pydantic.BaseModel),
            list(type(history).model_fields),
            history.model_dump(),
            seen(history.model_copy().messages),
        )

    dumped = same(scenario)[2]
    assert dumped["messages"][0] == {
        "content": "q",
        "additional_kwargs": {},
        "response_metadata": {},
        "type": "human",
        "name": None,
        "id": "1",
    }


def test_the_base_class_is_abstract() -> None:
    def scenario(kit: Any) -> Any:
        with pytest.raises(TypeError, match="abstract"):
            kit.Base()
        return True

    same(scenario)


def _stores(kit: Any) -> SimpleNamespace:
    """Three stores a script might write: by `add_messages`, by `add_message`, by
    neither (only `clear`), each keeping a plain list and counting writes."""

    class Bulk(kit.Base):
        def __init__(self) -> None:
            self.messages: list[Any] = []
            self.writes = 0
            self.threads: set[str] = set()

        def add_messages(self, messages: Sequence[Any]) -> None:
            self.writes += 1
            self.threads.add(threading.current_thread().name)
            self.messages.extend(messages)

        def clear(self) -> None:
            self.threads.add(threading.current_thread().name)
            self.messages = []

    class One(kit.Base):
        def __init__(self) -> None:
            self.messages: list[Any] = []
            self.writes = 0

        def add_message(self, message: Any) -> None:
            self.writes += 1
            self.messages.append(message)

        def clear(self) -> None:
            self.messages = []

    class Neither(kit.Base):
        messages: list[Any] = []

        def clear(self) -> None:
            pass

    return SimpleNamespace(Bulk=Bulk, One=One, Neither=Neither)


def test_a_store_of_ones_own_writes_through_what_it_defines() -> None:
    def scenario(kit: Any) -> Any:
        stores = _stores(kit)
        bulk, one = stores.Bulk(), stores.One()
        for history in (bulk, one):
            history.add_user_message("u")
            history.add_messages([kit.AI("a"), kit.AI("b")])
        with pytest.raises(NotImplementedError) as info:
            stores.Neither().add_user_message("u")
        return seen(bulk.messages), bulk.writes, seen(one.messages), one.writes, str(info.value)

    assert same(scenario)[1:4:2] == (2, 3)


def test_a_store_of_ones_own_gets_async_twins_run_off_the_loop() -> None:
    def scenario(kit: Any) -> Any:
        async def run() -> Any:
            history = _stores(kit).Bulk()
            await history.aadd_messages([kit.Human("q")])
            got = seen(await history.aget_messages())
            await history.aclear()
            on_loop = threading.current_thread().name in history.threads
            return got, history.messages, on_loop

        return asyncio.run(run())

    assert same(scenario) == ([("HumanMessage", "human", "q")], [], False)


def test_the_docstring_examples_run() -> None:
    failures, tried = doctest.testmod(chat_history)
    assert tried > 0
    assert failures == 0
