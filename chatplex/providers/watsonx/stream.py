"""watsonx.ai stream: the server-sent events of `/ml/v1/text/chat_stream` →
`AIMessageChunk`s, as langchain-ibm yields them (`_convert_chunk_to_generation_chunk`).

Each `message` event's data is a chunk object: `{"id", "model_id", "choices": [{"index",
"delta": {"role"?, "content"?, "tool_calls"?, "reasoning_content"?}, "finish_reason"}],
"usage"?}`. A text delta is a text chunk (with the reply's id), a tool-call delta a tool
call chunk (its `index` as sent, its name on the call's first delta, the raw deltas in
`additional_kwargs["tool_calls"]` as langchain-ibm keeps them), a reasoning delta and a
legacy `function_call` delta go in `additional_kwargs`. The chunk with the
`finish_reason` carries langchain-ibm's `finish_reason`, `model_name` (the chunk's
`model`) and `system_fingerprint` in `response_metadata`; a chunk with `usage` its
`usage_metadata` (the prompt counted once however many carry usage, in the total too,
where langchain-ibm's merged total counts it again), an event without choices an empty
chunk. An
`error` event (`{"errors": [...], "trace"}`) is a `StreamError` with the provider's
message, and so is a body that ends before any finish reason. Fields are read by the
kit's rule (`adapters/reading.py`): one of the wrong type is the stream's
malformed-event error.
"""

from __future__ import annotations

import json
from typing import Any

from ...adapters.bodies import StrayEvents
from ...adapters.bodies import is_chat_completions_chunk
from ...adapters.jsontext import event_object
from ...adapters.reading import reply_count
from ...adapters.reading import reply_dict
from ...adapters.reading import reply_field
from ...adapters.reading import reply_list
from ...adapters.reading import reply_text
from ...adapters.sse_event import SSEEvent
from ...errors import StreamError
from ...messages import AIMessageChunk
from ...messages import UsageMetadata
from ...messages import text_chunk
from .response import PROVIDER
from .response import REASONING_KEYS
from .response import error_fields
from .response import usage_metadata

__all__ = ["WatsonxStreamParser"]


class WatsonxStreamParser:
    """One stream's parser (stateful: whether it finished, whether usage came, whether
    a call's name was given)."""

    __slots__ = ("_done", "_named", "_stray", "_usage_seen")

    def __init__(self) -> None:
        self._done = False
        self._stray = StrayEvents()
        self._usage_seen = False
        self._named = False  # langchain-ibm: a name goes with a call's first chunk only

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        """The chunk one event contributes, or None."""
        data = event.data
        if event.event == "error":
            self._fail(data)
        if not data or data == "[DONE]":
            return None
        obj = event_object(data, PROVIDER)
        if not self._stray.known:
            self._stray.seen(is_chat_completions_chunk(obj), data)
        usage = reply_dict(obj.get("usage"), "usage")
        choices = reply_list(obj.get("choices"), "choices")
        reply_id = reply_text(obj.get("id"), "chunk's id")
        if not choices:  # an empty chunk, as langchain-ibm yields one, its usage where sent
            return self._choiceless(usage)
        choice = reply_dict(choices[0], "choice")
        delta = reply_field(choice.get("delta"), dict, "choice's delta")
        if delta is None:
            return None
        chunk = self._delta(delta, reply_id)
        finish = reply_text(choice.get("finish_reason"), "finish_reason")
        if finish:
            self._done = True
            chunk.response_metadata.update(_finish_metadata(obj, finish))
        if choice.get("logprobs"):
            chunk.response_metadata["logprobs"] = choice["logprobs"]
        if usage:
            chunk.usage_metadata = self._usage(usage)
        return chunk

    def finish(self) -> None:
        """Raise `StreamError` if the body ended before a finish reason; `MalformedReply`
        if none of its events was a watsonx.ai chat chunk."""
        self._stray.refuse("watsonx.ai chat")
        if not self._done:
            raise StreamError("stream ended before a finish_reason", provider=PROVIDER)

    def _delta(self, delta: dict[str, Any], reply_id: str | None) -> AIMessageChunk:
        text = reply_text(delta.get("content"), "delta's content") or ""
        calls = reply_list(delta.get("tool_calls"), "delta's tool_calls")
        extra = {k: delta[k] for k in REASONING_KEYS if delta.get(k)}
        if delta.get("function_call"):  # (first, as langchain-ibm keeps it; a null name "")
            function_call = dict(reply_dict(delta["function_call"], "delta's function_call"))
            if function_call.get("name", "") is None:
                function_call["name"] = ""
            extra = {"function_call": function_call, **extra}
        if not calls and not extra:
            return text_chunk(text, reply_id)
        chunks = [self._call_chunk(call) for call in calls]
        if calls:
            extra["tool_calls"] = calls
        return AIMessageChunk(
            content=text,
            id=reply_id,
            additional_kwargs=extra,
            tool_call_chunks=chunks,  # type: ignore[arg-type]
        )

    def _call_chunk(self, call: Any) -> dict[str, Any]:
        reply_field(call, dict, "tool call")
        function = reply_dict(call.get("function"), "tool call's function")
        call_id = reply_text(call.get("id"), "tool call's id")
        name = reply_text(function.get("name"), "tool call's name")
        arguments = function.get("arguments")
        if isinstance(arguments, dict):  # an argument object: its JSON text, streamed whole
            arguments = json.dumps(arguments, ensure_ascii=False)
        first = not self._named or call_id is not None
        if name:
            self._named = True
        return {
            "name": name if first else None,
            "args": reply_text(arguments, "tool call's arguments"),
            "id": call_id,
            "index": _index(call.get("index")),
            "type": "tool_call_chunk",
        }

    def _usage(self, usage: dict[str, Any]) -> UsageMetadata:
        counted = usage_metadata(usage)
        if self._usage_seen:
            # The prompt once, in the input and the total alike: the chunks' usage adds
            # up when merged. (langchain-ibm leaves a later chunk's total as sent, so its
            # merged total counts the prompt again: a kept difference.)
            counted["total_tokens"] -= counted["input_tokens"]
            counted["input_tokens"] = 0
        self._usage_seen = True
        return counted

    def _choiceless(self, usage: dict[str, Any]) -> AIMessageChunk:
        chunk = text_chunk("")
        if usage:
            chunk.usage_metadata = self._usage(usage)
        return chunk

    def _fail(self, data: str) -> None:
        obj = event_object(data, PROVIDER) if data else {}
        message, code, trace = error_fields(obj)
        raise StreamError(
            message or f"the stream sent an error event: {data[:200]}",
            provider=PROVIDER,
            code=code,
            request_id=trace,
            body=obj,
        )


def _finish_metadata(obj: dict[str, Any], finish: str) -> dict[str, Any]:
    """The finishing chunk's metadata, as langchain-ibm writes it: the finish reason,
    then the chunk's `model` (not its `model_id`) and `system_fingerprint` where given."""
    info: dict[str, Any] = {"finish_reason": finish}
    model = reply_text(obj.get("model"), "model")
    if model:
        info["model_name"] = model
    fingerprint = reply_text(obj.get("system_fingerprint"), "system_fingerprint")
    if fingerprint:
        info["system_fingerprint"] = fingerprint
    return info


def _index(value: Any) -> int | None:
    """A call's `index`: an int, or its digits as text (LangChain's chunk reads them so);
    anything else is the stream's malformed event, never a bare validation error."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return reply_count(value, "tool call's index")
