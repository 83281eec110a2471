"""Tool call ids as a provider that refuses foreign ones takes them
(`Profile.tool_call_id_pattern`: Mistral's nine characters): each id it would refuse
replaced by `nine_char_id` of it, the same id langchain-mistralai derives."""

from __future__ import annotations

import hashlib
import re
from typing import Any

__all__ = ["nine_char_id", "with_call_ids"]


def with_call_ids(messages: list[Any], pattern: str) -> list[Any]:
    """`messages` with every tool call id the provider would refuse replaced by
    `nine_char_id` of it (in the assistant's calls and in the tool results alike)."""
    accepted = re.compile(pattern)

    def fixed(call_id: Any) -> Any:
        if not isinstance(call_id, str) or accepted.fullmatch(call_id):
            return call_id
        return nine_char_id(call_id)

    out = []
    for message in messages:
        if isinstance(message, dict) and message.get("tool_calls"):
            calls = [
                {**c, "id": fixed(c.get("id"))} if isinstance(c, dict) else c
                for c in message["tool_calls"]
            ]
            message = {**message, "tool_calls": calls}
        if isinstance(message, dict) and "tool_call_id" in message:
            message = {**message, "tool_call_id": fixed(message["tool_call_id"])}
        out.append(message)
    return out


_BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def nine_char_id(call_id: str) -> str:
    """A nine-character base-62 id derived from `call_id` (SHA-256, the first nine
    digits, zero-padded): the same id langchain-mistralai derives, so a history sent by
    either names its calls alike."""
    number = int.from_bytes(hashlib.sha256(call_id.encode()).digest(), "big")
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(_BASE62[rest])
    text = "".join(reversed(digits)) or "0"
    return text[:9].rjust(9, "0")
