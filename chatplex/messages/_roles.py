"""A message from a role and its fields, as LangChain's chat models make one.

`from_role` is LangChain's `_create_message_from_message_type` (what its
`convert_to_messages` does with a `(role, content)` pair or a role dict): the fields it
knows (`name`, `id`, `tool_call_id`, `tool_calls` in LangChain's or OpenAI's shape,
`response_metadata`, `additional_kwargs`) become the message's, the rest go to
`additional_kwargs`, a tool result's `status` and `artifact` are its own, and the
developer role is a system message marked as LangChain marks it. `unpacked_envelope`
reads LangChain's constructor envelope as the role dict it stands for. Both the chat
model's input (`_coerce.py`) and `convert_to_messages` (`_dicts.py`) build with them.
"""

from __future__ import annotations

import json
from typing import Any

from ._messages import AIMessage
from ._messages import BaseMessage
from ._messages import HumanMessage
from ._messages import SystemMessage
from ._messages import ToolMessage
from ._types import ToolCall

__all__ = ["from_role", "unpacked_envelope"]

#: LangChain's constructor envelope (`{"lc": 1, "type": "constructor", ...}`) class names.
_CONSTRUCTORS = {
    f"{kind}Message{chunk}": role
    for kind, role in (("Human", "human"), ("AI", "ai"), ("System", "system"), ("Tool", "tool"))
    for chunk in ("", "Chunk")
}
#: The developer role, as LangChain marks it on a SystemMessage.
_LC_DEVELOPER_KEY = "__openai_role__"


def unpacked_envelope(item: dict[str, Any]) -> dict[str, Any]:
    """A message dict as LangChain reads its constructor envelope (`{"lc": 1, "type":
    "constructor", "id": [..., "HumanMessage"], "kwargs": {...}}`): `{"type": "human",
    **kwargs}`; any other dict as it is."""
    if item.get("lc") != 1 or item.get("type") != "constructor":
        return item
    path, kwargs = item.get("id"), item.get("kwargs")
    name = path[-1] if isinstance(path, list) and path else None
    if isinstance(name, str) and name in _CONSTRUCTORS and isinstance(kwargs, dict):
        return {"type": _CONSTRUCTORS[name], **kwargs}
    return item


def from_role(role: str, content: Any, **fields: Any) -> BaseMessage:
    """LangChain's `_create_message_from_message_type`: keys it knows become fields,
    the rest `additional_kwargs`."""
    kwargs: dict[str, Any] = {}
    additional = dict(fields.pop("additional_kwargs", None) or {})
    meta = fields.pop("response_metadata", None)
    for key in ("name", "id", "tool_call_id"):
        if fields.get(key) is not None:
            kwargs[key] = fields.pop(key)
        else:
            fields.pop(key, None)
    tool_calls = fields.pop("tool_calls", None)
    additional.update(fields)
    if meta:
        kwargs["response_metadata"] = meta
    if role in ("human", "user"):
        return HumanMessage(content, additional_kwargs=additional, **kwargs)
    if role in ("ai", "assistant"):
        if tool_calls is not None:
            kwargs["tool_calls"] = [_tool_call(tc) for tc in tool_calls]
        return AIMessage(content=content, additional_kwargs=additional, **kwargs)
    if role in ("system", "developer"):
        if role == "developer":
            additional[_LC_DEVELOPER_KEY] = "developer"
        return SystemMessage(content, additional_kwargs=additional, **kwargs)
    if role == "tool":
        artifact = additional.pop("artifact", None)
        status = additional.pop("status", None)
        if status is not None:
            kwargs["status"] = status
        if not kwargs.get("tool_call_id"):
            raise ValueError("a tool message needs a tool_call_id")
        return ToolMessage(
            content=content, artifact=artifact, additional_kwargs=additional, **kwargs
        )
    raise ValueError(
        f"unexpected message type {role!r}; use one of 'human', 'user', 'ai', 'assistant', "
        "'tool', 'system' or 'developer'"
    )


def _tool_call(tc: dict[str, Any]) -> ToolCall:
    if "function" in tc:  # OpenAI's wire shape
        args = tc["function"]["arguments"]
        if isinstance(args, str):
            args = json.loads(args, strict=False)
        return {"name": tc["function"]["name"], "args": args, "id": tc["id"], "type": "tool_call"}
    return tc  # type: ignore[return-value]
