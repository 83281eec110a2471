"""Messages as plain dicts and back, in LangChain's shapes.

`messages_to_dict` gives what LangChain's gives: `{"type": "human", "data": {"content":
..., "additional_kwargs": ..., "response_metadata": ..., "type": ..., "name": ...,
"id": ...}}`, with `tool_calls`, `invalid_tool_calls`, `usage_metadata` for AI messages,
`tool_call_chunks` and `chunk_position` for chunks, `tool_call_id`, `artifact`, `status`
for tool messages. `messages_from_dict` reads those (LangChain's included) and round-trips
them; `convert_to_messages` accepts everything LangChain's does (messages, strs,
`(role, content)` pairs, role dicts with their extra keys, LangChain's constructor
envelopes, prompt values). The dicts are JSON-ready: the other candidates of an `n > 1`
reply (messages inside `response_metadata`) are written as message dicts and read back.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

from ._chunk_builders import OTHER_CANDIDATES
from ._messages import AIMessage
from ._messages import AIMessageChunk
from ._messages import BaseMessage
from ._messages import HumanMessage
from ._messages import SystemMessage
from ._messages import ToolMessage
from ._pydantic import message_data
from ._roles import from_role
from ._roles import unpacked_envelope
from ._types import ROLES

__all__ = [
    "convert_to_messages",
    "message_from_dict",
    "message_to_dict",
    "messages_from_dict",
    "messages_to_dict",
]

#: The `response_metadata` key holding other candidates (messages) of an `n > 1` reply.
#: The fields each class reads from a dict (LangChain's `model_dump` keys, `type` aside).
_FIELDS: dict[type[BaseMessage], tuple[str, ...]] = {
    cls: tuple(name for name in cls._field_order if name != "type")
    for cls in (HumanMessage, SystemMessage, AIMessage, AIMessageChunk, ToolMessage)
}
#: LangChain `type` values → chatplex class ("chat" is resolved by its role).
_BY_TYPE: dict[str, type[BaseMessage]] = {
    "human": HumanMessage,
    "HumanMessageChunk": HumanMessage,
    "system": SystemMessage,
    "SystemMessageChunk": SystemMessage,
    "ai": AIMessage,
    "AIMessageChunk": AIMessageChunk,
    "tool": ToolMessage,
    "ToolMessageChunk": ToolMessage,
}


def message_to_dict(message: BaseMessage) -> dict[str, Any]:
    """`{"type": ..., "data": {...}}`, LangChain's shape (a deep copy, JSON-ready).

    A LangChain message (what the drop-ins return with langchain-core installed) is
    written as LangChain writes it: its `model_dump()`."""
    if not hasattr(type(message), "_field_order"):
        dump = getattr(message, "model_dump", None)
        if callable(dump):
            return {"type": message.type, "data": dump()}
    return {"type": message.type, "data": message_data(message)}


def messages_to_dict(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """LangChain's `messages_to_dict`: one `{"type", "data"}` dict per message."""
    return [message_to_dict(m) for m in messages]


def message_from_dict(message: dict[str, Any]) -> BaseMessage:
    """A message from `{"type": ..., "data": {...}}` (LangChain's or chatplex's)."""
    kind = message.get("type")
    data = dict(message.get("data") or {})
    data.pop("type", None)
    if kind in ("chat", "ChatMessageChunk"):
        role = data.pop("role", None)
        kind = ROLES.get(str(role))
        if kind is None:
            raise ValueError(
                f"cannot read a chat message with role {role!r}: chatplex has the roles "
                + ", ".join(sorted(ROLES))
            )
    cls = _BY_TYPE.get(str(kind))
    if cls is None:
        raise ValueError(
            f"cannot read a message of type {kind!r}: chatplex has human, ai, system and "
            "tool messages (and LangChain's chat messages with one of those roles)"
        )
    if not data.get("example", True):
        data.pop("example")  # LangChain 0.x's default, which means nothing
    fields = _FIELDS[cls]
    extra = {k: data.pop(k) for k in list(data) if k not in fields}
    if extra:  # kept, not dropped: LangChain keeps unknown fields on the message too
        data["additional_kwargs"] = {**(data.get("additional_kwargs") or {}), **extra}
    data["content"] = data.get("content") or ""
    meta = data.get("response_metadata")
    if isinstance(meta, dict) and isinstance(meta.get(OTHER_CANDIDATES), list):
        data["response_metadata"] = {
            **meta,
            OTHER_CANDIDATES: [
                message_from_dict(c) if _is_message_dict(c) else c for c in meta[OTHER_CANDIDATES]
            ],
        }
    data = {k: v for k, v in data.items() if v is not None or k in ("name", "id")}
    if cls is AIMessageChunk:
        data.pop("tool_calls", None)  # derived from the fragments, as LangChain does
        data.pop("invalid_tool_calls", None)
    return cls(**data)


def messages_from_dict(messages: Sequence[dict[str, Any]]) -> list[BaseMessage]:
    """LangChain's `messages_from_dict`: the messages `messages_to_dict` wrote."""
    return [message_from_dict(m) for m in messages]


def convert_to_messages(messages: Iterable[Any] | Any) -> list[BaseMessage]:
    """LangChain's `convert_to_messages`: messages (LangChain's too), strs (human),
    `(role, content)` pairs, role dicts (extra keys go to `additional_kwargs`, as in
    LangChain), constructor envelopes, or a prompt value. An empty list stays empty.

    Examples:
        >>> types = [m.type for m in convert_to_messages([("system", "Be brief."), "hi"])]
        >>> types
        ['system', 'human']
    """
    to_messages = getattr(messages, "to_messages", None)
    if callable(to_messages):
        return convert_to_messages(list(to_messages()))
    return [_convert(m) for m in messages]


def _convert(item: Any) -> BaseMessage:
    if isinstance(item, BaseMessage):
        return item
    if isinstance(item, str):
        return HumanMessage(item)
    if isinstance(item, dict):
        fields = dict(unpacked_envelope(item))
        role = fields.pop("role", None) or fields.pop("type", None)
        if not isinstance(role, str) or "content" not in fields:
            raise ValueError(f"a message dict needs 'role' and 'content' keys, got {item!r:.200}")
        return from_role(role, fields.pop("content") or "", **fields)
    if isinstance(item, (tuple, list)) and not isinstance(item, str):
        if len(item) != 2 or not isinstance(item[0], str):
            raise ValueError(f"a message as a sequence must be (role, content), got {item!r:.200}")
        return from_role(item[0], item[1])
    dump = getattr(item, "model_dump", None)
    if callable(dump) and isinstance(getattr(item, "type", None), str):
        return message_from_dict({"type": item.type, "data": dump()})  # a LangChain message
    raise TypeError(f"cannot convert {type(item).__name__} to a message")


def _is_message_dict(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"type", "data"}
