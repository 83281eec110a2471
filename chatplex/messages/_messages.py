"""Message classes: small typed values with a `type` discriminator.

Dataclasses with slots rather than pydantic models: a streamed reply builds one chunk per
token, so construction cost matters, and `import chatplex` stays cheap.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass, field, replace
from typing import Any, ClassVar, Literal

from ._merge import Content, merged_fields
from ._types import InvalidToolCall, ToolCall, ToolCallChunk, UsageMetadata

__all__ = [
    "AIMessage",
    "AIMessageChunk",
    "AnyMessage",
    "BaseMessage",
    "Content",
    "HumanMessage",
    "SystemMessage",
    "ToolMessage",
    "content_text",
    "merge_chunks",
]


def content_text(content: Content) -> str:
    """The text of some content: the string itself, or its text blocks joined."""
    if isinstance(content, str):
        return content
    return "".join(
        block.get("text", "")
        for block in content
        if isinstance(block, dict) and block.get("type") == "text"
    )


@dataclass(slots=True)
class BaseMessage:
    """Common fields of every message. Use a concrete subclass."""

    content: Content
    _: KW_ONLY
    id: str | None = None
    name: str | None = None
    additional_kwargs: dict[str, Any] = field(default_factory=dict)
    response_metadata: dict[str, Any] = field(default_factory=dict)

    type: ClassVar[str] = "base"

    @property
    def text(self) -> str:
        """The message's text, whether `content` is a string or a list of blocks."""
        return content_text(self.content)

    def pretty_repr(self) -> str:
        return f"{self.type}: {self.text}"


@dataclass(slots=True)
class SystemMessage(BaseMessage):
    """Instructions for the model (OpenAI `system`/`developer`, Anthropic `system`)."""

    type: ClassVar[str] = "system"


@dataclass(slots=True)
class HumanMessage(BaseMessage):
    """A user turn. `HumanMessage("hi")`."""

    type: ClassVar[str] = "human"


@dataclass(slots=True, kw_only=True)
class AIMessage(BaseMessage):
    """A model reply: text and/or tool calls, with token usage when the provider reports it."""

    tool_calls: list[ToolCall] = field(default_factory=list)
    invalid_tool_calls: list[InvalidToolCall] = field(default_factory=list)
    usage_metadata: UsageMetadata | None = None

    type: ClassVar[str] = "ai"


@dataclass(slots=True, kw_only=True)
class AIMessageChunk(AIMessage):
    """One piece of a streamed reply. `chunk_a + chunk_b` merges two pieces.

    Tool calls arrive as `tool_call_chunks` (string fragments of arguments, joined by
    `index`); `to_message()` parses them into `tool_calls` once the stream is complete.
    """

    tool_call_chunks: list[ToolCallChunk] = field(default_factory=list)

    type: ClassVar[str] = "AIMessageChunk"

    def __add__(self, other: object) -> AIMessageChunk:
        if not isinstance(other, AIMessageChunk):
            return NotImplemented
        return merge_chunks([self, other])

    def to_message(self) -> AIMessage:
        """The complete `AIMessage`: tool-call fragments parsed into `tool_calls`.

        Arguments that are not a JSON object land in `invalid_tool_calls` with the raw
        string and the reason; this never raises.
        """
        tool_calls = list(self.tool_calls)
        invalid = list(self.invalid_tool_calls)
        for chunk in self.tool_call_chunks:
            raw = chunk.get("args") or ""
            parsed, error = _parse_args(raw)
            if error is None:
                tool_calls.append(
                    {
                        "name": chunk.get("name") or "",
                        "args": parsed,
                        "id": chunk.get("id"),
                        "type": "tool_call",
                    }
                )
            else:
                invalid.append(
                    {
                        "name": chunk.get("name"),
                        "args": raw,
                        "id": chunk.get("id"),
                        "error": error,
                        "type": "invalid_tool_call",
                    }
                )
        return AIMessage(
            content=_strip_block_indexes(self.content),
            id=self.id,
            name=self.name,
            additional_kwargs=dict(self.additional_kwargs),
            response_metadata=dict(self.response_metadata),
            tool_calls=tool_calls,
            invalid_tool_calls=invalid,
            usage_metadata=self.usage_metadata,
        )


def _parse_args(raw: str) -> tuple[dict[str, Any], str | None]:
    # Providers send "" for a tool without arguments (see the Anthropic corpus): that is {}.
    if raw.strip() == "":
        return {}, None
    try:
        value = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        return {}, f"arguments are not valid JSON: {exc}"
    if not isinstance(value, dict):
        return {}, f"arguments must be a JSON object, got {type(value).__name__}"
    return value, None


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN/Infinity; JSON (and every provider) does not.
    raise ValueError(f"{name} is not valid JSON")


def _strip_block_indexes(content: Content) -> Content:
    """Drop the stream-only `index` key that merging uses to line blocks up."""
    if isinstance(content, str):
        return content
    return [{k: v for k, v in block.items() if k != "index"} for block in content]


@dataclass(slots=True, kw_only=True)
class ToolMessage(BaseMessage):
    """The result of running a tool, answering the tool call with `tool_call_id`."""

    tool_call_id: str
    status: Literal["success", "error"] = "success"

    type: ClassVar[str] = "tool"

    def __post_init__(self) -> None:
        if not isinstance(self.tool_call_id, str) or not self.tool_call_id:
            raise ValueError("ToolMessage needs a non-empty tool_call_id")
        if self.status not in ("success", "error"):
            raise ValueError(
                f"ToolMessage status must be 'success' or 'error', not {self.status!r}"
            )


AnyMessage = SystemMessage | HumanMessage | AIMessage | AIMessageChunk | ToolMessage


def with_content(message: BaseMessage, content: Content) -> BaseMessage:
    """A copy of `message` with new content (used when templates fill placeholders)."""
    return replace(message, content=content)


def merge_chunks(chunks: Iterable[AIMessageChunk]) -> AIMessageChunk:
    """Merge stream pieces in order into one chunk (see `_merge.merged_fields`): linear
    in the number of pieces, so summing a stream of n tokens copies its text once."""
    return AIMessageChunk(**merged_fields(chunks))
