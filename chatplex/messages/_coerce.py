"""Turn what users pass to a chat model into a list of messages (no I/O).

Accepted: a str; a message; a prompt value (anything with `to_messages()`, LangChain's
included); or a sequence of messages, `(role, content)` pairs (a tuple, or a list as JSON
writes one), OpenAI-style dicts, LangChain's constructor envelopes, strs and LangChain
message objects. A pair or dict becomes the message LangChain's chat models make of it
(`convert_to_messages`): an `id`, `response_metadata`, `additional_kwargs`, a tool
result's `status` and `artifact` are kept, other keys go to `additional_kwargs`, and the
developer role stays marked. Anything else is a `TypeError` naming the item and index.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from typing import TypeVar

from ._messages import AIMessage
from ._messages import BaseMessage
from ._messages import HumanMessage
from ._roles import from_role
from ._roles import unpacked_envelope
from ._types import ROLES
from ._types import ToolCall

__all__ = ["ROLE_ALIASES", "coerce_messages", "message_from_role", "message_list", "normalise_role"]

#: What tuples and dicts may name: a role, or a LangChain message `type` value.
ROLE_ALIASES: dict[str, str] = {
    **ROLES,
    "AIMessageChunk": "ai",
    "HumanMessageChunk": "human",
    "SystemMessageChunk": "system",
    "ToolMessageChunk": "tool",
}


def coerce_messages(value: object, empty: bool = False) -> list[BaseMessage]:
    """Normalise chat-model input into a non-empty list of messages (`empty`: an empty
    list is taken too, for a drop-in whose partner sends one, `PartnerCalls`).

    >>> coerce_messages([("system", "Be brief."), ("user", "Hi")])[1].text
    'Hi'
    """
    if isinstance(value, str):
        return [HumanMessage(value)]
    if isinstance(value, BaseMessage):
        return [value]
    to_messages = getattr(value, "to_messages", None)
    if callable(to_messages):
        return coerce_messages(list(to_messages()))
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        if len(value) == 0 and not empty:
            raise ValueError("expected at least one message, got an empty list")
        return [_coerce_item(item, i) for i, item in enumerate(value)]
    raise TypeError(
        "chat model input must be a str, a message, a prompt value or a list of messages; "
        f"got {type(value).__name__}"
    )


def _coerce_item(item: object, index: int) -> BaseMessage:
    if isinstance(item, BaseMessage):
        return item
    if isinstance(item, str):
        return HumanMessage(item)
    if isinstance(item, (tuple, list)):  # a (role, content) pair, as LangChain takes one
        if len(item) != 2 or not isinstance(item[0], str):
            raise TypeError(
                f"message {index}: a {type(item).__name__} must be a (role, content) pair, "
                f"got {_short(item)}"
            )
        return message_from_role(item[0], item[1], index=index)
    if isinstance(item, dict):
        return _from_dict(unpacked_envelope(item), index)
    lc_type = getattr(item, "type", None)
    if isinstance(lc_type, str) and hasattr(item, "content"):
        return _from_langchain(item, lc_type, index)
    raise TypeError(
        f"message {index}: cannot use {type(item).__name__} {_short(item)} as a message; "
        "pass a message, a (role, content) tuple or a {'role': ..., 'content': ...} dict"
    )


def message_from_role(
    role: str, content: Any, *, index: int | None = None, **fields: Any
) -> BaseMessage:
    """Build a message from a role name such as "user", "assistant", "system" or "tool",
    and its `fields` as LangChain's `_create_message_from_message_type` takes them."""
    where = f"message {index}: " if index is not None else ""
    kind = normalise_role(role, index=index)
    if content is None:
        # Missing content is an error, not an empty message sent in silence; except an
        # assistant turn that makes tool calls (OpenAI's wire shape has content: null).
        if kind != "ai" or not fields.get("tool_calls"):
            raise ValueError(
                f"{where}content is missing or None; give the {role} message's text "
                "(a str, '' for an empty one) or a list of content blocks"
            )
        content = ""
    if not isinstance(content, (str, list)) and kind != "tool":  # (a tool's result: its str)
        raise TypeError(
            f"{where}content must be a str or a list of content blocks, "
            f"got {type(content).__name__}"
        )
    if kind == "tool" and not fields.get("tool_call_id"):
        raise ValueError(f"{where}a tool message needs a tool_call_id")
    return from_role("developer" if role == "developer" else kind, content, **fields)


def normalise_role(role: str, *, index: int | None = None) -> str:
    """The message type ("human", "ai", "system", "tool") for a role name, or ValueError."""
    kind = ROLE_ALIASES.get(role)
    if kind is None:
        where = f"message {index}: " if index is not None else ""
        known = ", ".join(sorted(ROLES))
        raise ValueError(f"{where}unknown role {role!r}; known roles: {known}")
    return kind


def _from_dict(item: dict[str, Any], index: int) -> BaseMessage:
    fields = dict(item)
    role = fields.pop("role", None) or fields.pop("type", None)  # (as LangChain reads it)
    if not isinstance(role, str):
        raise TypeError(f"message {index}: a message dict needs a 'role', got {_short(item)}")
    content = fields.pop("content", None)
    if ROLE_ALIASES.get(role) == "ai" and fields.get("tool_calls"):
        fields["tool_calls"] = [_openai_tool_call(tc, index) for tc in fields["tool_calls"]]
    return message_from_role(role, content, index=index, **fields)


def _openai_tool_call(tc: dict[str, Any], index: int) -> ToolCall:
    """Accept both OpenAI's wire shape and our own ToolCall dicts in an assistant dict."""
    if "function" in tc:
        fn = tc["function"]
        raw = fn.get("arguments") or "{}"
        try:
            args = json.loads(raw, strict=False) if isinstance(raw, str) else dict(raw)
        except ValueError as exc:
            raise ValueError(f"message {index}: tool call arguments are not JSON: {exc}") from exc
        return {"name": fn["name"], "args": args, "id": tc.get("id"), "type": "tool_call"}
    return {
        "name": tc["name"],
        "args": dict(tc.get("args") or {}),
        "id": tc.get("id"),
        "type": "tool_call",
    }


def _from_langchain(item: Any, lc_type: str, index: int) -> BaseMessage:
    """A LangChain message: every field, through its dict form (`model_dump()`, the
    shape `messages_from_dict` reads); objects without one by `type` and `content`."""
    dump = getattr(item, "model_dump", None)
    if callable(dump):
        from ._dicts import message_from_dict

        try:
            return message_from_dict({"type": lc_type, "data": dump()})
        except (TypeError, ValueError) as exc:
            raise TypeError(f"message {index}: {exc}") from exc
    if lc_type == "chat":  # LangChain's ChatMessage carries its role separately
        lc_type = str(getattr(item, "role", ""))
    kind = ROLE_ALIASES.get(lc_type, lc_type)
    content = item.content
    name = getattr(item, "name", None)
    if kind == "ai":
        tool_calls = [
            {
                "name": tc["name"],
                "args": dict(tc.get("args") or {}),
                "id": tc.get("id"),
                "type": "tool_call",
            }
            for tc in getattr(item, "tool_calls", None) or []
        ]
        return AIMessage(
            content=content,
            name=name,
            id=getattr(item, "id", None),
            tool_calls=tool_calls,  # type: ignore[arg-type]
            usage_metadata=getattr(item, "usage_metadata", None),
        )
    if kind == "tool":
        return message_from_role(
            "tool",
            content,
            index=index,
            tool_call_id=getattr(item, "tool_call_id", None),
            status=getattr(item, "status", "success"),
        )
    if kind in ("human", "system"):
        return message_from_role(kind, content, index=index, name=name)
    raise TypeError(f"message {index}: unsupported message type {lc_type!r}")


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


M = TypeVar("M")


def message_list(messages: object, kind: type[M], owner: str) -> list[M]:
    """`messages` as a list of `kind` (chatplex's or LangChain's messages), taken as
    given, not coerced (a token count counts what it is handed): a TypeError naming the
    first item that is not one, before any request is built."""
    if not isinstance(messages, Sequence) or isinstance(messages, (str, bytes)):
        raise TypeError(f"{owner} takes a list of messages, got {type(messages).__name__}")
    for i, item in enumerate(messages):
        if not isinstance(item, kind):
            raise TypeError(
                f"{owner} takes a list of messages; item {i} is a {type(item).__name__}"
            )
    return list(messages)
