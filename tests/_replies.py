"""Replies of a provider's API as the tests script them."""

from __future__ import annotations

from typing import Any


def chat_completion(
    content: str, *, id: str = "chatcmpl-1", model: str = "gpt-4o-mini", **more: Any
) -> dict[str, Any]:
    """An OpenAI Chat Completions reply whose one choice says `content` and stops (`more`:
    its other fields, such as usage)."""
    message = {"role": "assistant", "content": content}
    return {
        "id": id,
        "object": "chat.completion",
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        **more,
    }
