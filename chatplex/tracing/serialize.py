"""Inputs and outputs as LangChain's tracer sends them to LangSmith, built from chatplex's
(or LangChain's) objects, without LangChain.

- a chat model's input messages and reply: LangChain's `dumpd` form (`{"lc": 1, "type":
  "constructor", "id": [...], "kwargs": {...}}`), built here (chatplex's own `to_json()`
  goes through langchain-core, which a LangSmith user need not have);
- the reply as an `LLMResult` dict (`generations`, `llm_output`, `run`, `type`);
- any other value (a chain's input, a prompt's output, a parser's input message) as the
  `langsmith` client would serialize LangChain's object: messages as their fields without
  the empty ones (`content`, `additional_kwargs`, `response_metadata`, `type`, ...),
  prompt values as `{"messages": [...]}` / `{"text": ...}`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ..messages import BaseMessage

__all__ = [
    "chain_inputs",
    "chain_outputs",
    "dumpd",
    "is_message",
    "jsonable",
    "llm_result",
    "llm_result_of",
    "nested_message",
    "plain_data",
    "usage_of",
    "with_gateway",
]


#: Fields LangChain's serializer keeps even when empty (set by its AIMessage validator).
_ALWAYS = frozenset({"content", "type", "tool_calls", "invalid_tool_calls"})


def dumpd(message: Any) -> Any:
    """LangChain's `dumpd(message)` (its serializer's constructor form), built without
    LangChain: the class name under `langchain.schema.messages`, and the fields LangChain
    keeps (the set ones: empty and None fields left out, as its `to_json` leaves out
    defaults). A LangChain message is asked for its own `to_json()`.

    A chatplex message's fields are read in place, not copied (`model_dump` deep-copies
    them: most of the cost of a traced call's serialization): this runs on the sender's
    thread right before the batch is written, and replies are not changed in use. A
    message nested in a field (the other candidates of an `n > 1` reply) is left as it
    is here and written as `model_dump` writes it (`nested_message`) by the JSON writer."""
    cls = type(message)
    order = getattr(cls, "_field_order", None)
    if order is None or not cls.__module__.startswith("chatplex."):
        return _dumpd_other(message)
    kwargs = {}
    for name in order:
        value = message.type if name == "type" else getattr(message, name)
        # Empty and None fields left out: `value in (None, {}, [], "")` without the
        # comparisons a rich value might redefine (inline: no call per field written).
        if (value is None or (type(value) in _EMPTIABLE and not value)) and name not in _ALWAYS:
            continue
        kwargs[name] = value
    if message.type not in ("ai", "AIMessageChunk"):
        kwargs.pop("tool_calls", None)
        kwargs.pop("invalid_tool_calls", None)
    return {
        "lc": 1,
        "type": "constructor",
        "id": ["langchain", "schema", "messages", _class_name(cls)],
        "kwargs": kwargs,
    }


#: The kinds whose empty values `dumpd` leaves out.
_EMPTIABLE = frozenset({str, dict, list})


#: Per message class: the chatplex class LangChain's id names (a subclass of
#: `HumanMessage` a user wrote is sent as `HumanMessage`).
_CLASS_NAMES: dict[type, str] = {}


def _class_name(cls: type) -> str:
    name = _CLASS_NAMES.get(cls)
    if name is None:
        name = next(
            (k.__name__ for k in cls.__mro__ if k.__module__.startswith("chatplex.")),
            cls.__name__,
        )
        _CLASS_NAMES[cls] = name
    return name


def _dumpd_other(message: Any) -> Any:
    """`dumpd` for what is not a chatplex message: LangChain's own, anything else."""
    if type(message).__module__.startswith("langchain_core"):
        return message.to_json()
    dump = getattr(message, "model_dump", None)
    if not callable(dump):
        return jsonable(message)
    fields = dump()
    kwargs = {k: v for k, v in fields.items() if k in _ALWAYS or v not in (None, {}, [], "")}
    if fields.get("type") not in ("ai", "AIMessageChunk"):
        kwargs.pop("tool_calls", None)
        kwargs.pop("invalid_tool_calls", None)
    return {
        "lc": 1,
        "type": "constructor",
        "id": ["langchain", "schema", "messages", _class_name(type(message))],
        "kwargs": kwargs,
    }


def is_message(value: Any) -> bool:
    """Whether `value` is a chatplex message (what `nested_message` turns into data)."""
    return getattr(type(value), "_field_order", None) is not None


def nested_message(value: Any) -> dict[str, Any]:
    """A message inside a message's field as `model_dump` writes it: `{"type", "data"}`
    (what `messages_to_dict` writes), its own fields copied the same way."""
    from ..messages import message_to_dict

    return message_to_dict(value)


def plain_data(value: Any) -> Any:
    """`value` with the messages nested in it written as `nested_message` (a deep copy):
    what `dumpd`'s output becomes for a JSON writer that does not call
    `nested_message` itself (the `langsmith` client's)."""
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    if is_message(value):
        return nested_message(value)
    return value


def jsonable(value: Any) -> Any:
    """`value` as JSON data (what LangSmith shows for a LangChain object), for the
    sender's writer: a chatplex message's fields are left as they are (`_message_json`);
    `plain_data` makes it plain data for another writer."""
    # The common kinds by exact type first (an ABC's isinstance is slow), each as the
    # general case below writes it; the rest, subclasses included, go there.
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is dict:
        return {str(k): jsonable(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [jsonable(v) for v in value]
    if getattr(kind, "model_dump", None) is _MESSAGE_DUMP:  # a chatplex message
        return _message_json(value)
    if getattr(kind, "to_messages", None) is not None:  # a prompt value, asked of its type:
        # (chatplex's name LangChain's class in `__class__`, which every isinstance reads)
        messages = getattr(value, "messages", None)
        if type(messages) is list or type(messages) is tuple:
            return {"messages": [jsonable(m) for m in messages]}
    return _jsonable(value)


def _message_json(message: Any) -> dict[str, Any]:
    """`jsonable(message)` of a chatplex message: its `model_dump()` without the None
    fields, the fields read in place, not copied: the JSON writer (`writer.dumps`) writes
    what they hold as `model_dump` would have (a message nested in them as `{"type",
    "data"}`, through its `default`); this runs on the batcher's thread, right before
    the run is written, and messages are not changed in use."""
    out = {}
    for name in type(message)._field_order:
        value = message.type if name == "type" else getattr(message, name)
        if value is not None:
            out[name] = value
    return out


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    messages = getattr(value, "messages", None)
    if isinstance(messages, list) and hasattr(value, "to_messages"):  # ChatPromptValue
        return {"messages": [jsonable(m) for m in messages]}
    text = getattr(value, "text", None)
    if isinstance(text, str) and hasattr(value, "to_messages"):  # StringPromptValue
        return {"text": text}
    dump = getattr(value, "model_dump", None)
    if callable(dump):  # messages (chatplex's and LangChain's), pydantic models
        try:
            fields = dump()
        except TypeError:
            fields = None
        if isinstance(fields, dict):
            return {k: jsonable(v) for k, v in fields.items() if v is not None}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, BaseException):
        return repr(value)
    return repr(value)


#: The messages' own `model_dump` (a subclass that writes its own goes the general way).
_MESSAGE_DUMP = BaseMessage.model_dump


def chain_inputs(inputs: Any) -> dict[str, Any]:
    """A chain run's `inputs` as LangChain records them: a dict as it is, anything else
    under `input`."""
    if _is_mapping(inputs):
        return {str(k): jsonable(v) for k, v in inputs.items()}
    return {"input": jsonable(inputs)}


def chain_outputs(outputs: Any) -> dict[str, Any]:
    """A chain run's `outputs`: a dict as it is, anything else under `output`."""
    if _is_mapping(outputs):
        return {str(k): jsonable(v) for k, v in outputs.items()}
    return {"output": jsonable(outputs)}


#: Per type, whether its values are mappings: asked once (messages and prompt values
#: name LangChain's classes in `__class__`, which every isinstance reads).
_MAPPING_TYPES: dict[type, bool] = {dict: True, str: False}


def _is_mapping(value: Any) -> bool:
    kind = type(value)
    known = _MAPPING_TYPES.get(kind)
    if known is None:
        known = isinstance(value, Mapping)
        if len(_MAPPING_TYPES) < 1_000:  # (types made on the fly: asked every time)
            _MAPPING_TYPES[kind] = known
    return known


def llm_result(result: Any) -> dict[str, Any]:
    """`on_llm_end`'s `LLMResult` as LangChain's tracer records it."""
    rows = []
    for row in getattr(result, "generations", None) or ():
        out = []
        for generation in row:
            message = getattr(generation, "message", None)
            item: dict[str, Any] = {
                "text": getattr(generation, "text", ""),
                # Plain data already (the client's serializer takes it as it is).
                "generation_info": getattr(generation, "generation_info", None),
                "type": getattr(generation, "type", "ChatGeneration"),
            }
            if message is not None:
                item["message"] = dumpd(message)
            out.append(item)
        rows.append(out)
    return llm_result_of(rows, getattr(result, "llm_output", None))


def llm_result_of(generations: list[list[dict[str, Any]]], llm_output: Any) -> dict[str, Any]:
    """`llm_result`'s dict, of its generations as written and its `llm_output`."""
    return {"generations": generations, "llm_output": llm_output, "run": None, "type": "LLMResult"}


def usage_of(result: Any) -> dict[str, Any] | None:
    """The reply's `usage_metadata` (summed over generations), as LangChain's tracer
    adds it to the run's metadata."""
    total: dict[str, Any] | None = None
    for row in getattr(result, "generations", None) or ():
        for generation in row:
            usage = getattr(getattr(generation, "message", None), "usage_metadata", None)
            if not usage:
                continue
            usage = dict(usage)
            total = usage if total is None else _add(total, usage)
    return total


def with_gateway(metadata: dict[str, Any], reply: Any) -> None:
    """A run's `metadata` given what LangChain's tracer takes of LangSmith's gateway
    metadata on a reply (a message, or the first of a result's generations that has
    it: the engine's `response_metadata["gateway_metadata"]`): all of it as
    `ls_gateway_info`, the model and provider it resolved as `ls_model_name` and
    `ls_provider`, over the call's own."""
    messages = [g.message for row in getattr(reply, "generations", ()) for g in row]
    for message in messages or [reply]:
        gateway = (getattr(message, "response_metadata", None) or {}).get("gateway_metadata")
        if isinstance(gateway, dict):
            break
    else:
        return
    metadata["ls_gateway_info"] = gateway
    for source, target in (("model", "ls_model_name"), ("provider", "ls_provider")):
        value = gateway.get(source)
        if isinstance(value, str) and value.strip():
            metadata[target] = value.strip()


def _add(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    out = dict(left)
    for key, value in right.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = _add(old, value)
        elif isinstance(old, (int, float)) and isinstance(value, (int, float)):
            out[key] = old + value
        else:
            out[key] = value
    return out
