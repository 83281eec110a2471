"""chatplex messages as LangChain's own message objects (the converse of reading
LangChain messages as input, which `coerce_messages` / `convert_to_messages` do).

For code that hands messages to LangChain: its callback handlers (`chat.callbacks` gives
LangChain's handlers LangChain's objects, since they check `isinstance`), its utilities.
langchain_core is imported here, on first use only; chatplex never depends on it.
"""

from __future__ import annotations

from typing import Any

from ._messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

__all__ = ["to_langchain"]


def to_langchain(message: BaseMessage) -> Any:
    """The `langchain_core.messages` message with the same fields (needs langchain-core).

    >>> to_langchain(HumanMessage("hi"))  # doctest: +SKIP
    HumanMessage(content='hi', additional_kwargs={}, response_metadata={})
    """
    from langchain_core import messages as lc

    common: dict[str, Any] = {
        "content": message.content,
        "id": message.id,
        "name": message.name,
        "additional_kwargs": message.additional_kwargs,
        "response_metadata": message.response_metadata,
    }
    if isinstance(message, AIMessageChunk):
        return lc.AIMessageChunk(
            **common,
            tool_call_chunks=message.tool_call_chunks,
            usage_metadata=message.usage_metadata,
            chunk_position=message.chunk_position,
        )
    if isinstance(message, AIMessage):
        return lc.AIMessage(
            **common,
            tool_calls=message.tool_calls,
            invalid_tool_calls=message.invalid_tool_calls,
            usage_metadata=message.usage_metadata,
        )
    if isinstance(message, ToolMessage):
        return lc.ToolMessage(
            **common,
            tool_call_id=message.tool_call_id,
            status=message.status,
            artifact=message.artifact,
        )
    if isinstance(message, SystemMessage):
        return lc.SystemMessage(**common)
    if isinstance(message, HumanMessage):
        return lc.HumanMessage(**common)
    raise TypeError(f"cannot convert {type(message).__name__} to a LangChain message")
