"""chatplex messages as LangChain's own message objects (the converse of reading
LangChain messages as input, which `coerce_messages` / `convert_to_messages` do).

For code that hands messages to LangChain: its callback handlers (`chat.callbacks` gives
LangChain's handlers LangChain's objects, since they check `isinstance`), its utilities.
langchain_core is imported here, on first use only; chatplex never depends on it.
"""

from __future__ import annotations

from typing import Any

from ._messages import BaseMessage
from ._pydantic import langchain_class_name
from ._pydantic import langchain_fields

__all__ = ["to_langchain"]


def to_langchain(message: BaseMessage) -> Any:
    """The `langchain_core.messages` message with the same fields (needs langchain-core).

    >>> to_langchain(HumanMessage("hi"))  # doctest: +SKIP
    HumanMessage(content='hi', additional_kwargs={}, response_metadata={})
    """
    from langchain_core import messages as lc

    name = langchain_class_name(message) if isinstance(message, BaseMessage) else None
    if name is None or name == "BaseMessage":  # LangChain builds the concrete kinds only
        raise TypeError(f"cannot convert {type(message).__name__} to a LangChain message")
    return getattr(lc, name)(**langchain_fields(message))
