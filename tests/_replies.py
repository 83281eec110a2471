"""Replies of a provider's API as the tests script them (OpenAI's Chat Completions and
Responses, Anthropic's Messages, Ollama's chat), and as the tests comparing chatplex with
an SDK read them: with the number the mock server drew for a reply (its ids) masked
(`renumbered`)."""

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


def responses_reply(
    text: str, *, usage: dict[str, int], model: str = "gpt-4o-mini", **more: Any
) -> dict[str, Any]:
    """An OpenAI Responses reply, completed, whose one output message says `text` (`more`:
    its other fields)."""
    part = {"type": "output_text", "text": text, "annotations": []}
    message = {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed"}
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1,
        "status": "completed",
        "model": model,
        "output": [{**message, "content": [part]}],
        "usage": usage,
        **more,
    }


def detailed_usage(prompt: int, completion: int, cached: int, reasoning: int) -> dict[str, Any]:
    """An OpenAI Chat Completions usage with its cached and reasoning details."""
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached},
        "completion_tokens_details": {"reasoning_tokens": reasoning},
    }


def cached_usage(
    input_tokens: int, output_tokens: int, *, cache_read: int = 0, cache_creation: int = 0
) -> dict[str, Any]:
    """A message's `usage_metadata` with its cache counts, as langchain-aws and
    langchain-anthropic write it (`input_tokens` counts the cached tokens too)."""
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
        "input_token_details": {"cache_read": cache_read, "cache_creation": cache_creation},
    }


def tool_call_message(name: str, arguments: str, id: str = "call_1") -> dict[str, Any]:
    """An OpenAI assistant message that calls one tool, `arguments` as sent (JSON text)."""
    call = {"id": id, "type": "function", "function": {"name": name, "arguments": arguments}}
    return {"role": "assistant", "content": None, "tool_calls": [call]}


def tool_call(name: str, args: dict[str, Any], id: str) -> dict[str, Any]:
    """A tool call as a message carries it (`AIMessage.tool_calls`)."""
    return {"name": name, "args": args, "id": id, "type": "tool_call"}


def anthropic_message(
    text: str,
    *,
    usage: dict[str, int],
    model: str = "claude-sonnet-4-5",
    id: str = "msg_1",
    **more: Any,
) -> dict[str, Any]:
    """An Anthropic Messages reply of one text block that ended its turn (`more`: its
    other fields, such as stop_sequence)."""
    return {
        "id": id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "usage": usage,
        **more,
    }


def ollama_reply(
    content: str,
    *,
    model: str = "llama3.2",
    created_at: str = "2025-01-01T00:00:00Z",
    **more: Any,
) -> dict[str, Any]:
    """An Ollama `/api/chat` reply, done, whose message says `content` (`more`: its other
    fields, such as its counts)."""
    message = {"role": "assistant", "content": content}
    reply = {"model": model, "created_at": created_at, "message": message, "done": True}
    return {**reply, "done_reason": "stop", **more}


def renumbered(value: Any, number: str) -> Any:
    """`value` with every `number` in its strings read as "<n>"."""
    if isinstance(value, str):
        return value.replace(number, "<n>")
    if isinstance(value, dict):
        return {k: renumbered(v, number) for k, v in value.items()}
    if isinstance(value, list):
        return [renumbered(v, number) for v in value]
    return value
