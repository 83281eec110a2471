"""Typed dicts for tool calls and usage; the role names messages are given by; the
fields of a message, as Protocols, for the readings the message classes call
(`_blocks.py`, `_merge.py`, `_pretty.py`), which therefore do not import those classes.

These are plain dicts (as in LangChain) so that `msg.tool_calls[0]["args"]` works in code
written for either library, and so that building one costs no more than a dict literal.
"""

from __future__ import annotations

import warnings
from typing import Any
from typing import Literal
from typing import NotRequired
from typing import Protocol
from typing import TypedDict

__all__ = [
    "ROLES",
    "Content",
    "InputTokenDetails",
    "InvalidToolCall",
    "MessageFields",
    "OutputTokenDetails",
    "PieceFields",
    "ReplyFields",
    "ToolCall",
    "TextAccessor",
    "ToolCallChunk",
    "UsageMetadata",
    "add_usage",
    "content_text",
]

#: Message content: plain text, or a list of provider-style content blocks
#: (`{"type": "text", "text": ...}`, `{"type": "image_url", ...}`, `{"type": "thinking", ...}`)
#: and, as in LangChain, str elements (a merged stream's text beside blocks).
Content = str | list[dict[str, Any]]


def content_text(content: Content) -> str:
    """The text of some content: the string itself, or its str elements and text blocks
    joined (a merged stream's list holds both, as in LangChain)."""
    if isinstance(content, str):
        return content
    return "".join(
        block
        if isinstance(block, str)
        else block.get("text", "")
        if isinstance(block, dict) and block.get("type") == "text"
        else ""
        for block in content
    )


class TextAccessor(str):
    """A message's `.text`: a str that can also be called, as LangChain's `TextAccessor`
    (`.text()` was a method before LangChain 1.0: calling it warns and gives the str)."""

    __slots__ = ()

    def __call__(self) -> str:
        warnings.warn(
            "Calling .text() as a method is deprecated. "
            "Use .text as a property instead (e.g., message.text).",
            DeprecationWarning,
            stacklevel=2,
        )
        return str(self)


#: Role names (of tuples, dicts, LangChain's ChatMessage) mapped to the message type
#: they build.
ROLES: dict[str, str] = {
    "human": "human",
    "user": "human",
    "ai": "ai",
    "assistant": "ai",
    "system": "system",
    "developer": "system",
    "tool": "tool",
}


class ToolCall(TypedDict):
    """A complete tool call requested by the model; `args` is already parsed."""

    name: str
    args: dict[str, Any]
    id: str | None
    type: NotRequired[Literal["tool_call"]]


class ToolCallChunk(TypedDict):
    """A fragment of a streamed tool call; fragments with the same `index` are joined."""

    name: str | None
    args: str | None
    id: str | None
    index: int | None
    type: NotRequired[Literal["tool_call_chunk"]]


class InvalidToolCall(TypedDict):
    """A tool call whose arguments were not valid JSON: kept raw, never dropped."""

    name: str | None
    args: str | None
    id: str | None
    error: str | None
    type: NotRequired[Literal["invalid_tool_call"]]


class InputTokenDetails(TypedDict, total=False):
    cache_read: int
    cache_creation: int
    audio: int


class OutputTokenDetails(TypedDict, total=False):
    reasoning: int
    audio: int


class UsageMetadata(TypedDict):
    """Token counts normalised across providers.

    `input_tokens` counts every prompt token, cached ones included (for Anthropic that is
    input_tokens + cache_read_input_tokens + cache_creation_input_tokens), so totals compare
    across providers; the cached share is in `input_token_details`.
    """

    input_tokens: int
    output_tokens: int
    total_tokens: int
    input_token_details: NotRequired[InputTokenDetails]
    output_token_details: NotRequired[OutputTokenDetails]


class MessageFields(Protocol):
    """The fields every message has (`_messages.BaseMessage`)."""

    @property
    def type(self) -> str: ...  # read only: a class variable of each message class

    content: Content
    id: str | None
    name: str | None
    additional_kwargs: dict[str, Any]
    response_metadata: dict[str, Any]


class ReplyFields(MessageFields, Protocol):
    """The fields of a model's reply (`_messages.AIMessage`)."""

    tool_calls: list[ToolCall]
    invalid_tool_calls: list[InvalidToolCall]
    usage_metadata: UsageMetadata | None


class PieceFields(ReplyFields, Protocol):
    """The fields of one piece of a streamed reply (`_messages.AIMessageChunk`)."""

    tool_call_chunks: list[ToolCallChunk]
    chunk_position: Literal["last"] | None


def _add_details(a: dict[str, int] | None, b: dict[str, int] | None) -> dict[str, int] | None:
    if not a:
        return dict(b) if b else None
    if not b:
        return dict(a)
    out = dict(a)
    for key, value in b.items():
        out[key] = out.get(key, 0) + value
    return out


def add_usage(a: UsageMetadata | None, b: UsageMetadata | None) -> UsageMetadata | None:
    """Sum two usage records field by field; `None` is the identity."""
    if a is None:
        return b
    if b is None:
        return a
    out: UsageMetadata = {
        "input_tokens": a["input_tokens"] + b["input_tokens"],
        "output_tokens": a["output_tokens"] + b["output_tokens"],
        "total_tokens": a["total_tokens"] + b["total_tokens"],
    }
    inp = _add_details(
        a.get("input_token_details"),  # type: ignore[arg-type]
        b.get("input_token_details"),  # type: ignore[arg-type]
    )
    if inp is not None:
        out["input_token_details"] = inp  # type: ignore[typeddict-item]
    outp = _add_details(
        a.get("output_token_details"),  # type: ignore[arg-type]
        b.get("output_token_details"),  # type: ignore[arg-type]
    )
    if outp is not None:
        out["output_token_details"] = outp  # type: ignore[typeddict-item]
    return out
