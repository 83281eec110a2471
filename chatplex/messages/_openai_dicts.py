"""Messages as OpenAI Chat Completions dicts, as LangChain's `convert_to_openai_messages`
writes them (exported from `messages.utils` with LangChain's other message utilities)."""

from __future__ import annotations

import json
from typing import Any
from typing import Literal

from ._dicts import convert_to_messages as _to_messages
from ._messages import AIMessage
from ._messages import BaseMessage
from ._messages import ToolMessage

__all__ = ["convert_to_openai_messages", "openai_role"]

_OPENAI_ROLES = {"human": "user", "ai": "assistant", "AIMessageChunk": "assistant", "tool": "tool"}


def openai_role(message: BaseMessage) -> str:
    """The OpenAI role of a message (a system message may be marked `developer`)."""
    if message.type == "system":
        return str(message.additional_kwargs.get("__openai_role__", "system"))
    return _OPENAI_ROLES.get(message.type, message.type)


#: Block types passed as they are whatever `pass_through_unknown_blocks` says.
_KEPT_BLOCKS = frozenset({"thinking", "reasoning"})
#: Block types LangChain translates from other providers' formats: not built here.
_TRANSLATED_BLOCKS = frozenset(
    {
        "image",
        "file",
        "audio",
        "video",
        "input_audio",
        "tool_use",
        "function_call",
        "tool_result",
        "json",
        "guard_content",
        "media",
        "text-plain",
    }
)


def convert_to_openai_messages(
    messages: Any,
    *,
    text_format: Literal["string", "block"] = "string",
    include_id: bool = False,
    pass_through_unknown_blocks: bool = True,
) -> Any:
    """Messages as OpenAI Chat Completions dicts (LangChain's `convert_to_openai_messages`):
    `role`, `content` (a str, or blocks with `text_format="block"`), `name`, `tool_calls`
    in OpenAI's shape, `tool_call_id`, `refusal`, `id` with `include_id`. One message in,
    one dict out. Text, `image_url`, reasoning and unknown blocks are handled as LangChain
    does; blocks LangChain translates from other providers' formats (Anthropic `image`,
    `tool_use`, `tool_result`, data blocks...) raise `NotImplementedError`."""
    if text_format not in ("string", "block"):
        raise ValueError(f"Unrecognized {text_format=}, expected one of 'string' or 'block'.")
    single = isinstance(messages, (BaseMessage, dict, str)) or hasattr(messages, "model_dump")
    out = [
        _openai_message(m, i, text_format, include_id, pass_through_unknown_blocks)
        for i, m in enumerate(_to_messages([messages] if single else messages))
    ]
    return out[0] if single else out


def _openai_message(
    message: BaseMessage, index: int, text_format: str, include_id: bool, pass_through: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {"role": openai_role(message)}
    if message.name:
        out["name"] = message.name
    if isinstance(message, AIMessage) and message.tool_calls:
        out["tool_calls"] = [
            {
                "type": "function",
                "id": call["id"],
                "function": {
                    "name": call["name"],
                    "arguments": json.dumps(call["args"], ensure_ascii=False),
                },
            }
            for call in message.tool_calls
        ]
    if message.additional_kwargs.get("refusal"):
        out["refusal"] = message.additional_kwargs["refusal"]
    if isinstance(message, ToolMessage):
        out["tool_call_id"] = message.tool_call_id
    if include_id and message.id:
        out["id"] = message.id
    content = message.content
    if not content:
        out["content"] = "" if text_format == "string" else []
    elif isinstance(content, str):
        out["content"] = content if text_format == "string" else [{"type": "text", "text": content}]
    elif text_format == "string" and all(
        isinstance(b, str) or b.get("type") == "text" for b in content
    ):
        out["content"] = "\n".join(b if isinstance(b, str) else b["text"] for b in content)
    else:
        blocks = [_openai_block(b, index, j, pass_through) for j, b in enumerate(content)]
        if text_format == "string" and all(b.get("type") == "text" for b in blocks):
            out["content"] = "\n".join(b["text"] for b in blocks)
        else:
            out["content"] = blocks
    return out


def _openai_block(block: Any, index: int, position: int, pass_through: bool) -> dict[str, Any]:
    where = f"messages[{index}].content[{position}]"
    if isinstance(block, str):
        return {"type": "text", "text": block}
    kind = block.get("type")
    if kind in ("text", "image_url"):
        key = "text" if kind == "text" else "image_url"
        if key not in block:
            raise ValueError(
                f"Unrecognized content block at {where} has 'type': '{kind}' but is missing "
                f"expected key(s) ['{key}']. Full content block:\n\n{block}"
            )
        return {"type": kind, key: block[key]}
    if kind in _TRANSLATED_BLOCKS or (kind is None and {"image", "json"} & set(block)):
        raise NotImplementedError(
            f"convert_to_openai_messages: the {kind or 'untyped'} block at {where} is another "
            "format LangChain translates; chatplex does not translate it (use "
            "langchain_core.messages.convert_to_openai_messages)"
        )
    if kind in _KEPT_BLOCKS or pass_through:
        return dict(block)
    raise ValueError(
        f"Unrecognized content block at {where} does not match OpenAI's format nor another "
        f"provider's that LangChain translates. Full content block:\n\n{block}"
    )
