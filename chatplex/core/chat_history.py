"""Chat message histories, as langchain-core's `chat_history`: a store a chatbot keeps
its conversation in, read and written by `RunnableWithMessageHistory` (`history.py`).

>>> from chatplex import InMemoryChatMessageHistory
>>> history = InMemoryChatMessageHistory()
>>> history.add_user_message("hi")
>>> history.add_ai_message("hello")
>>> print(history)
Human: hi
AI: hello

A store of your own subclasses `BaseChatMessageHistory`: `messages` (a property or an
attribute), `add_messages` (or `add_message`) and `clear`; the async twins run the sync
ones in a thread unless overridden. This module imports pydantic (the in-memory store is
a pydantic model, as LangChain's): it is loaded on first use.
"""

from __future__ import annotations

import asyncio
from abc import ABC
from abc import abstractmethod
from collections.abc import Sequence
from typing import Annotated
from typing import Any

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import InstanceOf
from pydantic import PlainSerializer

from ..messages import AIMessage
from ..messages import BaseMessage
from ..messages import HumanMessage
from ..messages import get_buffer_string

__all__ = ["BaseChatMessageHistory", "InMemoryChatMessageHistory"]

#: The fields pydantic's `model_dump` gives a message held as LangChain's `BaseMessage`
#: field: the base class's, whatever the message's own class.
_BASE_FIELDS = ("content", "additional_kwargs", "response_metadata", "type", "name", "id")


def _dump(message: BaseMessage) -> dict[str, Any]:
    return message.model_dump(include=_BASE_FIELDS)


class BaseChatMessageHistory(ABC):
    """Where a conversation's messages are kept: `messages` to read them, `add_messages`
    to append (one round trip for many), `clear` to empty; async twins of each.

    A subclass defines `messages` and `clear`, and `add_messages` or `add_message`.
    """

    messages: list[BaseMessage]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # cooperative, for a pydantic or mixin subclass

    async def aget_messages(self) -> list[BaseMessage]:
        """The messages, read in a worker thread (a store's read may block)."""
        return await asyncio.to_thread(lambda: self.messages)

    def add_user_message(self, message: HumanMessage | str) -> None:
        """Add a `HumanMessage`, or a text as one."""
        self.add_message(message if isinstance(message, HumanMessage) else HumanMessage(message))

    def add_ai_message(self, message: AIMessage | str) -> None:
        """Add an `AIMessage`, or a text as one."""
        self.add_message(message if isinstance(message, AIMessage) else AIMessage(message))

    def add_message(self, message: BaseMessage) -> None:
        """Add one message, through `add_messages` where the subclass defines it.

        Raises:
            NotImplementedError: the subclass defines neither.
        """
        if type(self).add_messages is BaseChatMessageHistory.add_messages:
            raise NotImplementedError(
                "add_message is not implemented for this class. "
                "Please implement add_message or add_messages."
            )
        self.add_messages([message])

    def add_messages(self, messages: Sequence[BaseMessage]) -> None:
        """Add messages in order (default: `add_message` for each)."""
        for message in messages:
            self.add_message(message)

    async def aadd_messages(self, messages: Sequence[BaseMessage]) -> None:
        """`add_messages` in a worker thread."""
        await asyncio.to_thread(self.add_messages, messages)

    @abstractmethod
    def clear(self) -> None:
        """Remove every message."""

    async def aclear(self) -> None:
        """`clear` in a worker thread."""
        await asyncio.to_thread(self.clear)

    def __str__(self) -> str:
        """The conversation as text, one `Role: text` line per message."""
        return get_buffer_string(self.messages)


class InMemoryChatMessageHistory(BaseChatMessageHistory, BaseModel):
    """A history held in a list (`messages`), for one process's lifetime.

    A pydantic model, as LangChain's: `InMemoryChatMessageHistory(messages=[...])`;
    anything but a chatplex message in `messages` is a `ValidationError`.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    messages: list[Annotated[InstanceOf[BaseMessage], PlainSerializer(_dump)]] = Field(
        default_factory=list
    )

    async def aget_messages(self) -> list[BaseMessage]:
        return self.messages  # no I/O: no thread

    def add_message(self, message: BaseMessage) -> None:
        self.messages.append(message)

    async def aadd_messages(self, messages: Sequence[BaseMessage]) -> None:
        self.add_messages(messages)

    def clear(self) -> None:
        self.messages = []

    async def aclear(self) -> None:
        self.clear()
