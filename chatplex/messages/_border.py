"""chatplex messages where LangChain's code expects LangChain's messages.

LangChain's functions and runnables check `isinstance(x, BaseMessage)` (their own
`BaseMessage`, a pydantic model) and then call pydantic's methods on the message. Pydantic
ignores `ABCMeta.register` (its metaclass checks the real class only), but Python's
`isinstance` also consults an object's `__class__`: so once LangChain's message modules
are imported, each chatplex message reports LangChain's matching class as its `__class__`
(`AS_LANGCHAIN`, filled here through `chatplex.postimport`, whatever the import order),
and offers the pydantic methods LangChain calls: `model_dump`, `model_dump_json`,
`model_copy`, `model_validate`, `to_json`. `type(message)` is always the chatplex class.

Nothing here imports LangChain; `to_json` does, and only LangChain's own code calls it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from types import ModuleType
from typing import Any

from ..postimport import when_imported
from ._messages import (
    AS_LANGCHAIN,
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

__all__ = [
    "copy_message",
    "dump_message",
    "dump_message_json",
    "install_langchain_view",
    "reduce_message",
    "validate_message",
]

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


def _slot_names(cls: type) -> tuple[str, ...]:
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        for name in klass.__dict__.get("__slots__", ()):
            if name not in names:
                names.append(name)
    return tuple(names)


def _state(message: BaseMessage) -> dict[str, Any]:
    # getattr, not the raw slot: a chunk's tool calls are derived on first read.
    return {name: getattr(message, name) for name in _slot_names(type(message))}


def _rebuild(cls: type[BaseMessage], state: dict[str, Any]) -> BaseMessage:
    message = object.__new__(cls)
    for name, value in state.items():
        setattr(message, name, value)
    return message


def reduce_message(message: BaseMessage) -> tuple[Any, ...]:
    """`__reduce__`: rebuilt from the real class and the slots' values."""
    return (_rebuild, (type(message), _state(message)))


def dump_message(
    message: BaseMessage,
    mode: str,
    include: Iterable[str] | None,
    exclude: Iterable[str] | None,
    exclude_none: bool,
) -> dict[str, Any]:
    """`model_dump`: LangChain's field order (the data of `message_to_dict`)."""
    from ._dicts import message_to_dict

    if mode not in ("python", "json"):
        raise ValueError(f"model_dump mode must be 'python' or 'json', not {mode!r}")
    data: dict[str, Any] = message_to_dict(message)["data"]
    if include is not None:
        keep = set(include)
        data = {k: v for k, v in data.items() if k in keep}
    if exclude is not None:
        drop = set(exclude)
        data = {k: v for k, v in data.items() if k not in drop}
    if exclude_none:
        data = {k: v for k, v in data.items() if v is not None}
    if mode == "json":
        data = json.loads(json.dumps(data, default=_json_default))
    return data


def dump_message_json(
    message: BaseMessage,
    indent: int | None,
    include: Iterable[str] | None,
    exclude: Iterable[str] | None,
    exclude_none: bool,
) -> str:
    """`model_dump_json`: compact like pydantic's unless `indent` is given."""
    data = dump_message(message, "python", include, exclude, exclude_none)
    separators = (",", ":") if indent is None else None
    return json.dumps(
        data, indent=indent, separators=separators, ensure_ascii=False, default=_json_default
    )


def _json_default(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if callable(dump):  # a pydantic model (an artifact, a parsed reply)
        return dump(mode="json")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def copy_message(message: BaseMessage, update: dict[str, Any] | None, deep: bool) -> BaseMessage:
    """`model_copy`: the same class; `update`'s fields set without validation."""
    cls = type(message)
    state = _state(message)
    if deep:
        state = copy.deepcopy(state)
    new = _rebuild(cls, state)
    for name, value in (update or {}).items():
        if name.startswith("_") or name not in state:
            raise TypeError(f"{cls.__name__} has no field {name!r}")
        setattr(new, name, value)
    return new


def validate_message(cls: type[BaseMessage], obj: Any) -> BaseMessage:
    """`model_validate`: a dict of fields (LangChain's `model_dump` shape; its `type` key
    may name a subclass), a LangChain message, or a chatplex message of `cls`."""
    from ._dicts import convert_to_messages, message_from_dict

    if isinstance(obj, BaseMessage):  # chatplex's (a LangChain message is not one)
        message: BaseMessage = obj
    elif isinstance(obj, dict):
        message = message_from_dict({"type": obj.get("type", cls.type), "data": obj})
    elif callable(getattr(obj, "model_dump", None)) and isinstance(getattr(obj, "type", None), str):
        message = convert_to_messages([obj])[0]  # a LangChain message
    else:
        raise TypeError(f"cannot validate {type(obj).__name__} as {cls.__name__}")
    if not isinstance(message, cls):
        raise ValueError(
            f"{cls.__name__}.model_validate got a {type(message).__name__} (type {message.type!r})"
        )
    return message
