"""chatplex messages where LangChain's code expects LangChain's messages.

LangChain's functions and runnables check `isinstance(x, BaseMessage)` (their own
`BaseMessage`, a pydantic model) and then call pydantic's methods on the message. Pydantic
ignores `ABCMeta.register` (its metaclass checks the real class only), but Python's
`isinstance` also consults an object's `__class__`: so once LangChain's message modules
are imported, each chatplex message reports LangChain's matching class as its `__class__`
(`AS_LANGCHAIN`, filled here through `chatplex.postimport`, whatever the import order),
and offers the pydantic methods LangChain calls (`_pydantic.py`: `model_dump`,
`model_dump_json`, `model_copy`, `model_validate`, `to_json`). `type(message)` is always
the chatplex class. Nothing here imports LangChain.
"""

from __future__ import annotations

from types import ModuleType

from ..postimport import when_imported
from ._messages import AS_LANGCHAIN
from ._messages import AIMessage
from ._messages import AIMessageChunk
from ._messages import BaseMessage
from ._messages import HumanMessage
from ._messages import PydanticMarks
from ._messages import SystemMessage
from ._messages import ToolMessage

__all__ = ["answer_older_pydantic", "install_langchain_view"]

#: LangChain module -> (chatplex class, LangChain class name) pairs it defines. The base
#: module's classes stand in until the specific modules are loaded (which always follows).
_LANGCHAIN_CLASSES: dict[str, tuple[tuple[type[BaseMessage], str], ...]] = {
    "langchain_core.messages.base": (
        (BaseMessage, "BaseMessage"),
        (SystemMessage, "BaseMessage"),
        (HumanMessage, "BaseMessage"),
        (AIMessage, "BaseMessage"),
        (ToolMessage, "BaseMessage"),
        (AIMessageChunk, "BaseMessageChunk"),
    ),
    "langchain_core.messages.system": ((SystemMessage, "SystemMessage"),),
    "langchain_core.messages.human": ((HumanMessage, "HumanMessage"),),
    "langchain_core.messages.ai": ((AIMessage, "AIMessage"), (AIMessageChunk, "AIMessageChunk")),
    "langchain_core.messages.tool": ((ToolMessage, "ToolMessage"),),
}


def install_langchain_view() -> None:
    """Fill `AS_LANGCHAIN` as LangChain's message modules load (now, for loaded ones)."""
    for module_name in _LANGCHAIN_CLASSES:
        when_imported(module_name, _learn_classes)


def _learn_classes(module: ModuleType) -> None:
    for ours, name in _LANGCHAIN_CLASSES[module.__name__]:
        theirs = getattr(module, name, None)
        if isinstance(theirs, type):
            AS_LANGCHAIN[ours] = theirs
            answer_older_pydantic(ours, theirs)


def answer_older_pydantic(ours: type[PydanticMarks], theirs: type) -> None:
    """pydantic before 2.12 asks `__class__` only of an object that has an attribute of
    its models (2.10 `__pydantic_validator__`, 2.11 `__pydantic_decorators__`). Where an
    object of `ours`, standing in for LangChain's `theirs`, fails its `isinstance`, every
    `PydanticMarks` gets both: on that base, which is no dataclass (pydantic reads a
    dataclass's own `__pydantic_validator__` as the mark of one of its dataclasses)."""
    if not isinstance(ours.__new__(ours), theirs):
        for mark in ("__pydantic_validator__", "__pydantic_decorators__"):
            setattr(PydanticMarks, mark, None)
