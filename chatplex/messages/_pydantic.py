"""The pydantic methods LangChain's code calls on a message (`model_dump`, `model_copy`,
`model_validate`, `to_json`...), for chatplex's dataclass messages.

Generic over the message classes (it imports none of them, so `_messages.py` can call
it without an import cycle): a message class names its fields in LangChain's order in
`_field_order` (`type` included, where LangChain's `model_dump` puts it).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

__all__ = [
    "copy_message",
    "dump_message",
    "dump_message_json",
    "langchain_class_name",
    "langchain_fields",
    "langchain_json",
    "reduce_message",
    "validate_message",
]


def plain(value: Any) -> Any:
    """A deep copy for the dict forms; messages nested in metadata (the other candidates
    of an `n > 1` reply) become `{"type", "data"}` dicts, as `messages_to_dict` writes."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if getattr(type(value), "_field_order", None) is not None:
        return {"type": value.type, "data": message_data(value)}
    return value


def message_data(message: Any) -> dict[str, Any]:
    """The fields of a message in LangChain's `model_dump` order (a deep copy)."""
    return {
        name: message.type if name == "type" else plain(getattr(message, name))
        for name in type(message)._field_order
    }


def _slot_names(cls: type) -> tuple[str, ...]:
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        for name in klass.__dict__.get("__slots__", ()):
            if name not in names:
                names.append(name)
    return tuple(names)


def _state(message: Any) -> dict[str, Any]:
    # getattr, not the raw slot: a chunk's tool calls are derived on first read.
    return {name: getattr(message, name) for name in _slot_names(type(message))}


def _rebuild(cls: type, state: dict[str, Any]) -> Any:
    message: Any = object.__new__(cls)
    for name, value in state.items():
        setattr(message, name, value)
    return message


def reduce_message(message: Any) -> tuple[Any, ...]:
    """`__reduce__`: rebuilt from the real class and the slots' values (pickle checks
    the class against `__class__`, which may name LangChain's)."""
    return (_rebuild, (type(message), _state(message)))


def dump_message(
    message: Any,
    mode: str,
    include: Iterable[str] | None,
    exclude: Iterable[str] | None,
    exclude_none: bool,
) -> dict[str, Any]:
    """`model_dump`."""
    if mode not in ("python", "json"):
        raise ValueError(f"model_dump mode must be 'python' or 'json', not {mode!r}")
    data = message_data(message)
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
    message: Any,
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


def copy_message(message: Any, update: dict[str, Any] | None, deep: bool) -> Any:
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


def _classes(cls: type) -> list[type]:
    """`cls` and its subclasses, but the classes `@dataclass(slots=True)` replaced: the
    class statement's own stays among `__subclasses__()`, with the same `type`, until the
    garbage collector frees it (never, once `gc.freeze()` kept it, as a pre-forking
    server does)."""
    found = [cls]
    subclasses: list[type] = cls.__subclasses__()
    replacing = {(c.__module__, c.__qualname__) for c in subclasses if "__slots__" in vars(c)}
    for sub in subclasses:
        if "__slots__" in vars(sub) or (sub.__module__, sub.__qualname__) not in replacing:
            found += _classes(sub)
    return found


def validate_message(cls: type, obj: Any) -> Any:
    """`model_validate`: a message of `cls` (returned as it is), a dict of fields (its
    `type` key may name a subclass: `BaseMessage.model_validate({"type": "human", ...})`),
    or a LangChain message (read through its `model_dump`)."""
    if isinstance(obj, cls):  # a chatplex one: a LangChain message's class is its own
        return obj
    if not isinstance(obj, dict):
        dump = getattr(obj, "model_dump", None)
        if not callable(dump) or not isinstance(getattr(obj, "type", None), str):
            raise TypeError(f"cannot validate {type(obj).__name__} as {cls.__name__}")
        obj = dump()
    kind = obj.get("type", getattr(cls, "type", None))
    target = next((c for c in _classes(cls) if c.__dict__.get("type") == kind), None)
    if target is None:
        raise ValueError(f"{cls.__name__}.model_validate got a message of type {kind!r}")
    fields = {k: v for k, v in obj.items() if k != "type"}
    if fields.get("tool_call_chunks"):  # a chunk's calls are derived from its fragments
        fields.pop("tool_calls", None)
        fields.pop("invalid_tool_calls", None)
    try:
        return target(**fields)
    except TypeError as error:
        raise TypeError(f"{target.__name__}.model_validate: {error}") from None


def langchain_json(message: Any) -> Any:
    """`to_json`, as LangChain's serialiser (`dumpd`) calls it: LangChain's message of the
    same class and fields, serialised. Imports langchain-core, which only LangChain's own
    callers have loaded."""
    from langchain_core import messages as lc

    theirs = getattr(lc, langchain_class_name(message))
    data = {name: plain(value) for name, value in langchain_fields(message).items()}
    return theirs(**data).to_json()


def langchain_class_name(message: Any) -> str:
    """The name of LangChain's class for a message: the chatplex class it is or extends
    (chatplex's message classes are named as LangChain's)."""
    return next(k for k in type(message).__mro__ if k.__module__ == _MESSAGES_MODULE).__name__


def langchain_fields(message: Any) -> dict[str, Any]:
    """The fields LangChain's class of a message is built from, as the message holds them:
    every field except `type`, and a chunk's except its calls too (LangChain derives
    them from the fragments)."""
    order = type(message)._field_order
    derived = _FROM_FRAGMENTS if "tool_call_chunks" in order else ()
    return {
        name: getattr(message, name) for name in order if name != "type" and name not in derived
    }


_MESSAGES_MODULE = __name__.rpartition(".")[0] + "._messages"
_FROM_FRAGMENTS = ("tool_calls", "invalid_tool_calls")
