"""Inputs and outputs as LangChain's tracer sends them to LangSmith, built from chatplex's
(or LangChain's) objects, without LangChain.

- a chat model's input messages and reply: LangChain's `dumpd` form (`{"lc": 1, "type":
  "constructor", "id": [...], "kwargs": {...}}`), which chatplex messages give through
  `to_json()` as LangChain's do;
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

__all__ = ["chain_inputs", "chain_outputs", "dumpd", "jsonable", "llm_result", "usage_of"]


def dumpd(message: Any) -> Any:
    """LangChain's `dumpd(message)`: its serializer's constructor form."""
    to_json = getattr(message, "to_json", None)
    if callable(to_json):
        return jsonable(to_json())
    return jsonable(message)


def jsonable(value: Any) -> Any:
    """`value` as plain JSON data (what LangSmith shows for a LangChain object)."""
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


def chain_inputs(inputs: Any) -> dict[str, Any]:
    """A chain run's `inputs` as LangChain records them: a dict as it is, anything else
    under `input`."""
    if isinstance(inputs, Mapping):
        return {str(k): jsonable(v) for k, v in inputs.items()}
    return {"input": jsonable(inputs)}


def chain_outputs(outputs: Any) -> dict[str, Any]:
    """A chain run's `outputs`: a dict as it is, anything else under `output`."""
    if isinstance(outputs, Mapping):
        return {str(k): jsonable(v) for k, v in outputs.items()}
    return {"output": jsonable(outputs)}


def llm_result(result: Any) -> dict[str, Any]:
    """`on_llm_end`'s `LLMResult` as LangChain's tracer records it."""
    rows = []
    for row in getattr(result, "generations", None) or ():
        out = []
        for generation in row:
            message = getattr(generation, "message", None)
            item: dict[str, Any] = {
                "text": getattr(generation, "text", ""),
                "generation_info": jsonable(getattr(generation, "generation_info", None)),
                "type": getattr(generation, "type", "ChatGeneration"),
            }
            if message is not None:
                item["message"] = dumpd(message)
            out.append(item)
        rows.append(out)
    return {
        "generations": rows,
        "llm_output": jsonable(getattr(result, "llm_output", None)),
        "run": None,
        "type": "LLMResult",
    }


def usage_of(result: Any) -> dict[str, Any] | None:
    """The reply's `usage_metadata` (summed over generations), as LangChain's tracer
    adds it to the run's metadata."""
    total: dict[str, Any] | None = None
    for row in getattr(result, "generations", None) or ():
        for generation in row:
            usage = getattr(getattr(generation, "message", None), "usage_metadata", None)
            if not usage:
                continue
            usage = jsonable(usage)
            total = usage if total is None else _add(total, usage)
    return total


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
