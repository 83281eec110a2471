"""Ollama response side: an `/api/chat` reply, or its NDJSON stream, → `AIMessage` /
`AIMessageChunk`s; the merged stream equals the non-stream reply.

- `message.content` is the text (always a str); `message.thinking` goes to
  `additional_kwargs["reasoning_content"]`, as langchain-ollama keeps it (which does so
  only when `reasoning` is on and drops it otherwise; chatplex keeps whatever thinking
  the server sent).
- `message.tool_calls` carry arguments as objects and, from older servers, no id: each
  call gets a uuid4-shaped id, a digest of a draw per reply (or stream) and the call's
  position, name and arguments, so the same call in two replies of one history has two
  ids, as langchain-ollama's random uuid per call gives (a script keying results by id
  sees each call). An id the server sends is kept.
- `response_metadata` is langchain-ollama's: the ollama SDK's reply fields (`model`,
  `created_at`, `done`, `done_reason`, `total_duration`, `load_duration`,
  `prompt_eval_count`, `prompt_eval_duration`, `eval_count`, `eval_duration`,
  `logprobs`; None where the reply has none, a field the SDK does not know left out)
  plus `model_name` and `model_provider`; chatplex adds `provider`, `finish_reason`
  (`tool_calls` when the reply calls tools, else `stop` / `length`) and
  `raw_finish_reason` (the `done_reason`).
- usage: `prompt_eval_count` in, `eval_count` out (on the last line of a stream).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from ...adapters.bodies import StrayEvents
from ...adapters.bodies import reply_object
from ...adapters.bodies import require_reply_key
from ...adapters.jsontext import event_object
from ...adapters.reading import drawn_call_id
from ...adapters.reading import reply_count
from ...adapters.reading import reply_dict
from ...adapters.reading import reply_field
from ...adapters.reading import reply_list
from ...adapters.reading import reply_text
from ...errors import APIError
from ...errors import StreamError
from ...messages import AIMessage
from ...messages import AIMessageChunk
from ...messages import ToolCallChunk
from ...messages import UsageMetadata

__all__ = [
    "PROVIDER",
    "OllamaStreamParser",
    "error_message",
    "parse_reply",
    "payload_error",
    "tool_call_id",
    "usage_metadata",
]

PROVIDER = "ollama"
FINISH_REASONS = {"stop": "stop", "length": "length"}
#: Words in an error that say the server may do better on another attempt.
_RETRYABLE_MARKERS = ("overload", "unavailable", "busy", "timed out", "timeout", "try again")


def parse_reply(body: bytes) -> AIMessage:
    """The reply of a non-stream call; raises `APIError` for an error payload or a body
    that is not a JSON object."""
    data = reply_object(body, PROVIDER)
    if data.get("error"):
        raise payload_error(data, APIError)
    require_reply_key(data, "message", "Ollama chat", body)
    message = reply_dict(data.get("message"), "message")
    content, thinking, tool_chunks = _parts(message, start=0, draw=uuid.uuid4().hex)
    meta = {**_head(data), **final_metadata(data, called_tools=bool(tool_chunks))}
    # Built as one chunk, as a merged stream is: the two parse tool calls the same way.
    return AIMessageChunk(
        content=content,
        additional_kwargs=_reasoning(thinking),
        response_metadata=meta,
        tool_call_chunks=tool_chunks,
        usage_metadata=usage_metadata(data),
    ).to_message()


class OllamaStreamParser:
    """Turns the lines of one `/api/chat` NDJSON stream (`str`, from `NDJSONDecoder`)
    into `AIMessageChunk`s. The line with `"done": true` carries the metadata, the
    finish reason and the usage; a body that ends without it is a `StreamError`, and
    an `{"error": ...}` line is one too (Ollama's mid-stream error)."""

    __slots__ = ("_calls", "_done", "_draw", "_first", "_stray")

    def __init__(self) -> None:
        self._first = True
        self._done = False
        self._stray = StrayEvents()
        self._calls = 0  # tool calls so far: the next one's index
        self._draw = uuid.uuid4().hex  # the stream's part of its calls' ids

    def feed(self, line: str) -> AIMessageChunk | None:
        """The chunk one NDJSON line contributes, or None."""
        if self._done:
            return None
        obj = event_object(line, PROVIDER, what="stream line")
        if obj.get("error"):
            raise payload_error(obj, StreamError)
        if not self._stray.known:
            self._stray.seen("message" in obj or "done" in obj, line)
        message = reply_dict(obj.get("message"), "message")
        # As langchain-ollama's stream: whole tool calls, chunks without an index.
        content, thinking, tool_chunks = _parts(
            message, start=self._calls, indexed=False, draw=self._draw
        )
        self._calls += len(tool_chunks)
        meta: dict[str, Any] = {}
        if self._first:
            self._first = False
            meta.update(_head(obj))
        usage = None
        if obj.get("done"):
            self._done = True
            meta.update(final_metadata(obj, called_tools=self._calls > 0))
            usage = usage_metadata(obj)
        elif obj.get("logprobs") is not None:
            meta["logprobs"] = obj["logprobs"]  # lists: merging concatenates them
        # A line of nothing (an empty piece) is a chunk still, as langchain-ollama
        # yields one per line.
        return AIMessageChunk(
            content=content,
            additional_kwargs=_reasoning(thinking),
            response_metadata=meta,
            tool_call_chunks=tool_chunks,
            usage_metadata=usage,
        )

    def finish(self) -> None:
        """Raise `StreamError` if the body ended before the `done` line; `MalformedReply`
        if none of its lines was an Ollama chat line."""
        self._stray.refuse("Ollama chat")
        if not self._done:
            raise StreamError("stream ended before completion", provider=PROVIDER)


def _head(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {"provider": PROVIDER, "model_provider": PROVIDER, "model_name": obj.get("model")}


#: The fields of the ollama SDK's `ChatResponse` (but `message`), in its order: what
#: langchain-ollama's metadata shows of a reply -- each of them, None where the reply
#: has none, and no other field a server adds.
REPLY_FIELDS = (
    "model",
    "created_at",
    "done",
    "done_reason",
    "total_duration",
    "load_duration",
    "prompt_eval_count",
    "prompt_eval_duration",
    "eval_count",
    "eval_duration",
    "logprobs",
)


def final_metadata(obj: Mapping[str, Any], *, called_tools: bool) -> dict[str, Any]:
    """The metadata of a reply's last (or only) object: the SDK model's fields."""
    meta = {k: obj.get(k) for k in REPLY_FIELDS}
    raw = obj.get("done_reason")
    finish = FINISH_REASONS.get(raw, raw) if isinstance(raw, str) else raw
    meta["finish_reason"] = "tool_calls" if called_tools else finish
    meta["raw_finish_reason"] = raw
    return meta


def _reasoning(thinking: str) -> dict[str, Any]:
    return {"reasoning_content": thinking} if thinking else {}


def _parts(
    message: Mapping[str, Any], *, start: int, draw: str, indexed: bool = True
) -> tuple[str, str, list[ToolCallChunk]]:
    """(text, thinking, tool-call chunks) of one message object; tool calls numbered
    from `start` (their ids, with the reply's `draw`, and their chunks' `index` unless
    `indexed` is False: each streamed call comes whole, and langchain-ollama's chunks
    carry index None)."""
    content = reply_text(message.get("content"), "message's content") or ""
    thinking = reply_text(message.get("thinking"), "message's thinking") or ""
    tool_chunks: list[ToolCallChunk] = []
    for offset, call in enumerate(reply_list(message.get("tool_calls"), "tool_calls")):
        function = reply_dict(reply_dict(call, "tool call").get("function"), "function")
        name = reply_text(function.get("name"), "tool call's name") or ""
        arguments = reply_field(function.get("arguments"), (dict, str), "tool call's arguments")
        args = arguments if isinstance(arguments, str) else json.dumps(arguments or {})
        index = start + offset
        tool_chunks.append(
            {
                "name": name,
                "args": args,
                "id": call.get("id") or tool_call_id(index, name, args, draw),
                "index": index if indexed else None,
                "type": "tool_call_chunk",
            }
        )
    return content, thinking, tool_chunks


def tool_call_id(index: int, name: str, args: str, draw: str = "") -> str:
    """The id of a tool call the server sent without one, shaped as langchain-ollama's
    random uuid4: the same for the same `draw` (the reply's), call and position.

    >>> tool_call_id(0, "get_weather", '{"city": "Paris"}', "a") == tool_call_id(
    ...     0, "get_weather", '{"city": "Paris"}', "a") != tool_call_id(
    ...     0, "get_weather", '{"city": "Paris"}', "b")
    True
    """
    return drawn_call_id(f"{draw}\0{index}\0{name}\0{args}")


def usage_metadata(obj: Mapping[str, Any]) -> UsageMetadata | None:
    """Usage from `prompt_eval_count` / `eval_count` (None if neither is there: Ollama
    omits `prompt_eval_count` when the whole prompt came from its cache, so a missing
    one counts 0 when the other is present)."""
    prompt = reply_count(obj.get("prompt_eval_count"), "prompt_eval_count")
    output = reply_count(obj.get("eval_count"), "eval_count")
    if prompt is None and output is None:
        return None
    prompt, output = prompt or 0, output or 0
    return {"input_tokens": prompt, "output_tokens": output, "total_tokens": prompt + output}


def error_message(data: Any) -> str | None:
    """The message of Ollama's `{"error": "..."}` (or a nested `{"error": {"message"}}`
    from a proxy in front of it)."""
    if not isinstance(data, dict):
        return None
    error = data.get("error")
    if isinstance(error, dict):
        error = error.get("message")
    return error if isinstance(error, str) and error else None


def payload_error(data: dict[str, Any], cls: type[APIError]) -> APIError:
    """An error payload after HTTP 200: a 200 error body, or an error line mid-stream."""
    message = error_message(data) or "the server reported an error"
    retryable = any(m in message.lower() for m in _RETRYABLE_MARKERS)
    return cls(message, provider=PROVIDER, body=data, retryable=retryable)
