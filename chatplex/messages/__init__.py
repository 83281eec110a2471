"""Message values, stream-chunk merging, usage records and input coercion."""

from __future__ import annotations

from ._coerce import coerce_messages, message_from_role, normalise_role
from ._dicts import (
    convert_to_messages,
    message_from_dict,
    message_to_dict,
    messages_from_dict,
    messages_to_dict,
)
from ._merge import merge_content
from ._messages import (
    AIMessage,
    AIMessageChunk,
    AnyMessage,
    BaseMessage,
    Content,
    HumanMessage,
    SystemMessage,
    ToolMessage,
    content_text,
    merge_chunks,
)
from ._partial_json import parse_partial_json
from ._types import (
    InputTokenDetails,
    InvalidToolCall,
    OutputTokenDetails,
    ToolCall,
    ToolCallChunk,
    UsageMetadata,
    add_usage,
)

__all__ = [
    "AIMessage",
    "AIMessageChunk",
    "AnyMessage",
    "BaseMessage",
    "Content",
    "HumanMessage",
    "InputTokenDetails",
    "InvalidToolCall",
    "OutputTokenDetails",
    "SystemMessage",
    "ToolCall",
    "ToolCallChunk",
    "ToolMessage",
    "UsageMetadata",
    "add_usage",
    "coerce_messages",
    "content_text",
    "convert_to_messages",
    "merge_chunks",
    "merge_content",
    "message_from_dict",
    "message_from_role",
    "message_to_dict",
    "messages_from_dict",
    "messages_to_dict",
    "normalise_role",
    "parse_partial_json",
]
