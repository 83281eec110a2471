"""Message content in the shapes of the GenAI semantic conventions, for the opt-in
attributes `gen_ai.system_instructions`, `gen_ai.input.messages` and
`gen_ai.output.messages` (`otel.OTelTracer` records them only when the user asks).

- a message is `{"role", "parts"}`; its parts are `{"type": "text", "content"}`, the
  model's tool calls `{"type": "tool_call", "id", "name", "arguments"}`, and a tool's
  result `{"type": "tool_call_response", "id", "response"}`;
- an output message also says why the model stopped (`finish_reason`, required there):
  the conventions' words (`stop`, `length`, `content_filter`, `tool_call`), else the
  provider's own;
- where the provider's API takes system instructions apart from the chat history (its
  spec's `separate_system`), the conventions want them in `gen_ai.system_instructions`
  (a list of parts), not among the messages.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from ..specs import spec
from ..specs import specs

__all__ = ["input_content", "output_message"]

_ROLES = {
    "human": "user",
    "ai": "assistant",
    "AIMessageChunk": "assistant",  # a stream's merged reply
    "system": "system",
    "tool": "tool",
}

#: chatplex's common finish words (`response_metadata["finish_reason"]`) → the
#: conventions' `FinishReason` values.
_FINISH_REASONS = {
    "stop": "stop",
    "length": "length",
    "content_filter": "content_filter",
    "tool_calls": "tool_call",
}


def input_content(messages: list[Any], provider: str) -> tuple[list[Any], list[Any]]:
    """The call's messages as (`gen_ai.system_instructions` parts, `gen_ai.input.messages`):
    system messages go to the first when `provider` takes them apart, else stay in order
    among the messages."""
    declared = spec(provider)
    separate = declared is not None and declared.separate_system
    system: list[Any] = []
    history: list[Any] = []
    for message in messages:
        if separate and getattr(message, "type", "") == "system":
            system.extend(_parts(message))
        else:
            history.append(_message(message))
    return system, history


def output_message(message: Any) -> dict[str, Any]:
    """The reply as an output message: its parts and why the model stopped."""
    out = _message(message)
    out["finish_reason"] = _finish_reason(message)
    return out


def _message(message: Any) -> dict[str, Any]:
    kind = getattr(message, "type", "")
    return {"role": _ROLES.get(kind, kind), "parts": _parts(message)}


def _parts(message: Any) -> list[dict[str, Any]]:
    if getattr(message, "type", "") == "tool":
        content = message.content
        return [
            {
                "type": "tool_call_response",
                "id": getattr(message, "tool_call_id", None),
                "response": content if isinstance(content, str) else message.text,
            }
        ]
    parts: list[dict[str, Any]] = []
    text = getattr(message, "text", "")
    if text:
        parts.append({"type": "text", "content": text})
    for call in getattr(message, "tool_calls", None) or ():
        parts.append(
            {
                "type": "tool_call",
                "id": call.get("id"),
                "name": call.get("name"),
                "arguments": call.get("args"),
            }
        )
    return parts


@functools.cache
def _own_stop_keys() -> tuple[str, ...]:
    """Where LangChain partner classes keep the provider's stop word instead of
    `finish_reason`, as each wire's spec declares it (`ProviderSpec.stop_word_key`): a
    drop-in's reply carries only the partner's keys."""
    return tuple(dict.fromkeys(s.stop_word_key for s in specs().values() if s.stop_word_key))


def own_stop_word(meta: Mapping[str, Any]) -> Any:
    """The provider's stop word under a partner class's own key (None if none)."""
    return next((meta[key] for key in _own_stop_keys() if meta.get(key)), None)


def _finish_reason(message: Any) -> str:
    # A reply that calls tools stopped for them, whatever word the provider used (some
    # say STOP / stop).
    if getattr(message, "tool_calls", None):
        return "tool_call"
    meta = getattr(message, "response_metadata", None) or {}
    common = meta.get("finish_reason")
    declared = spec(str(meta.get("provider") or meta.get("model_provider") or ""))
    if declared is not None and isinstance(common, str):
        common = dict(declared.finish_words).get(common, common)  # the provider's own word
    if common in _FINISH_REASONS:
        return _FINISH_REASONS[common]
    raw = meta.get("raw_finish_reason") or common or own_stop_word(meta)
    # The span ended without an error: the model stopped on its own.
    return str(raw) if raw else "stop"
