"""langchain-openai's stream of a call with a `response_format`: the openai SDK's parsing
helper's events, as LangChain hears them.

langchain-openai streams such a call through `beta.chat.completions.stream` (its `_stream`
with `response_format` in the payload) and makes a piece of each of the helper's events
(`_convert_chunk_to_generation_chunk`), the text deltas' `content.delta` aside:

- a `chunk` event: the wire chunk's piece, read from the event rather than the chunk, so
  that neither the model's fields (`model_name`, `system_fingerprint`, `service_tier`)
  nor any usage ride on a piece, and a chunk without choices (the usage) is an empty
  piece; a refusal's delta is not read into it;
- every other event (a refusal's or a tool call's delta, logprobs, each `.done`): an
  empty piece whose `generation_info` is `{}`, as the usage chunk's;
- after the last event, a piece of the final completion
  (`_get_generation_chunk_from_completion`): no content, `additional_kwargs` `parsed` and
  `refusal`, the usage, and the reply's `llm_output` as its `generation_info`.

`HelperPieces` gives a drop-in's stream of such a call the same pieces, from chatplex's
chunks of a wire whose adapter reads them as the helper does (`helper_target`:
`PartnerTraits.sdk_helper_adapter`, which skips the events the helper skips and keeps the raw
usage the final completion has).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from langchain_core.messages import AIMessageChunk as LCAIMessageChunk
from langchain_core.outputs import ChatGenerationChunk

from ..adapters.base import HELPER_PIECE_PROVIDER
from ..chat import ChatModel
from ..chat.llm_results import result_of
from ..messages import AIMessageChunk
from ..messages import merge_chunks
from .parsed_key import ClassFormat
from .parsed_key import MakeCut
from .parsed_key import parsed_value
from .traits import partner_traits

__all__ = ["HelperPieces", "helper_target"]

#: What a `chunk` event's piece keeps of its `generation_info` (the event names no model:
#: `chunk.get("model")` reads the event, not the chunk).
_EVENT_INFO = ("finish_reason", "logprobs")
#: ... and of its `response_metadata`.
_EVENT_METADATA = (*_EVENT_INFO, "model_provider", "output_version")


def helper_target(target: Any, settings: Mapping[str, Any]) -> ChatModel | None:
    """`target` (the chatplex model a drop-in calls) reading its stream as its partner's
    SDK helper does, for a call with a `response_format` (among the call's `settings` or
    the model's own body) on a wire whose partner streams such a call through that helper
    (`PartnerTraits.sdk_helper_adapter`); None for any other call or model."""
    if not isinstance(target, ChatModel) or target.adapter is None:
        return None
    if "response_format" not in settings and "response_format" not in target.extra_body:
        return None
    make = partner_traits(target.adapter).sdk_helper_adapter
    helper = None if make is None else make(target.adapter)
    if helper is None:
        return None
    clone = copy.copy(target)  # as ChatModel.bind copies: the same pools, another reading
    clone.adapter = helper
    return clone


class HelperPieces:
    """The pieces langchain-openai yields for one stream read through the openai SDK's
    helper (see the module's doc): `pieces` for each chatplex chunk and its translated
    piece, `final` once the stream ended. The events a chunk fires are counted as the
    helper's `ChoiceEventState` fires them: the deltas of the chunk, then the `.done` of
    what it ended (the content, refusal and logprobs on a finish reason or a tool call's
    start; a tool call on the next one's start or the finish)."""

    __slots__ = (
        "_chunks",
        "_cut",
        "_done",
        "_format",
        "_seen",
        "_stamp",
        "_tool",
        "_tools_done",
        "_v1",
    )

    def __init__(
        self, settings: Mapping[str, Any] | None = None, cut: MakeCut | None = None
    ) -> None:
        # The call's format, which the final completion's `parsed` is read with.
        self._format = (settings or {}).get("response_format")
        # How the helper's error for a reply cut short (at the token limit, by a content
        # filter) is made (None: it raises none): at the cut chunk for a class's format,
        # else reading the final completion; it carries the helper's snapshot of the
        # stream so far (`_snapshot`).
        self._cut = cut
        self._chunks: list[AIMessageChunk] = []  # chatplex's, merged for the final piece
        self._seen: set[str] = set()  # what has streamed: content, refusal, logprobs...
        self._done: set[str] = set()  # ... and whose `.done` event has fired
        self._tool: Any = None  # the index of the tool call streaming
        self._tools_done: set[Any] = set()
        self._v1 = False  # the pieces carry `output_version="v1"`
        # The provider the partner writes on every piece (`HELPER_PIECE_PROVIDER`), if any.
        self._stamp: Any = None

    def pieces(
        self, chunk: AIMessageChunk, piece: ChatGenerationChunk | None
    ) -> list[ChatGenerationChunk]:
        """The pieces of the events `chunk` fires (`piece`: its translation, None where
        LangChain's model streams nothing for it)."""
        before = self._chunks[-1] if self._chunks else None
        self._chunks.append(chunk)
        if isinstance(self._format, ClassFormat):
            # (the helper raises reading the chunk's choices, before it takes its usage)
            finish = {"finish_reason": chunk.response_metadata.get("finish_reason")}
            self._raise_if_cut(finish, before)
        if isinstance(self._format, ClassFormat) and chunk.content:
            _partial_read(self._chunks)
        self._stamp = self._stamp or chunk.response_metadata.get(HELPER_PIECE_PROVIDER)
        if piece is None:
            return []
        self._v1 = self._v1 or "output_version" in piece.message.response_metadata
        return [self._chunk_piece(chunk, piece), *(self._empty() for _ in self._events(chunk))]

    def final(self) -> list[ChatGenerationChunk]:
        """The final completion's piece (none for a stream that gave no chunk)."""
        if not self._chunks:
            return []
        reply = merge_chunks(self._chunks).to_message()
        self._raise_if_cut(reply.response_metadata, self._chunks[-1])
        reply.response_metadata.pop(HELPER_PIECE_PROVIDER, None)
        metadata = reply.response_metadata
        if reply.id and "id" not in metadata:
            reply.response_metadata = metadata = {**metadata, "id": reply.id}
        # The SDK's completion has every field, None where the wire sent none.
        metadata.setdefault("system_fingerprint", None)
        # The completion's llm_output, as langchain-openai's `_create_chat_result` writes it.
        output = result_of(reply).llm_output or {}
        if "token_usage" not in metadata:
            output["token_usage"] = None  # the SDK's completion had no usage
        kept = {k: v for k, v in reply.additional_kwargs.items() if k != "tool_calls"}
        refusal = kept.pop("refusal", None) or None
        # What the SDK's parse() adds to its message: the text read into the class of a
        # format given as one, else None.
        value = parsed_value(self._format, reply.text, refusal)
        message = LCAIMessageChunk(content="", additional_kwargs={**kept, "parsed": value})
        message.additional_kwargs["refusal"] = refusal
        message.usage_metadata = reply.usage_metadata
        return [ChatGenerationChunk(message=message, generation_info=output)]

    def _raise_if_cut(self, metadata: Mapping[str, Any], usage_of: AIMessageChunk | None) -> None:
        """Raise the helper's error where `metadata`'s finish reason is one it raises for,
        with its snapshot of the stream so far, the usage `usage_of`'s (`_snapshot`)."""
        if self._cut is None:
            return
        err = self._cut(None, metadata, lambda: self._snapshot(usage_of))
        if err is not None:
            raise err

    def _snapshot(self, usage_of: AIMessageChunk | None) -> Any:
        """The stream read so far as the helper's completion snapshot holds it: the chunks
        merged (id, model, text, finish reason), the raw usage the one it read last
        carried (`usage_of`: a chunk's usage is taken after its choices are read, so at a
        cut chunk the one before's), none where it carried none."""
        reply = merge_chunks(self._chunks).to_message()
        usage = None if usage_of is None else usage_of.response_metadata.get("token_usage")
        reply.response_metadata = {**reply.response_metadata, "token_usage": usage}
        return reply

    def _chunk_piece(
        self, chunk: AIMessageChunk, piece: ChatGenerationChunk
    ) -> ChatGenerationChunk:
        """A `chunk` event's piece: the wire chunk's without the model's fields, or an
        empty one for a chunk without choices (the usage: its metadata has the raw record,
        and no finish reason, text or tool call)."""
        meta = chunk.response_metadata
        choiceless = not (chunk.content or chunk.tool_call_chunks or meta.get("finish_reason"))
        if choiceless and "token_usage" in meta:
            return self._empty()
        message = piece.message
        if "refusal" in message.additional_kwargs:
            # langchain-openai reads no refusal from a delta: it comes whole on the final
            # piece alone (kept here too, a merged stream's refusal would be doubled).
            kwargs = message.additional_kwargs
            message.additional_kwargs = {k: v for k, v in kwargs.items() if k != "refusal"}
        kept = {k: v for k, v in message.response_metadata.items() if k in _EVENT_METADATA}
        if self._stamp:
            kept["model_provider"] = self._stamp
        message.response_metadata = kept
        if isinstance(message, LCAIMessageChunk):
            message.usage_metadata = None  # (the usage chunk is emptied above)
        info = {k: v for k, v in (piece.generation_info or {}).items() if k in _EVENT_INFO}
        return ChatGenerationChunk(message=message, generation_info=info or None)

    def _events(self, chunk: AIMessageChunk) -> range:
        """The helper's events after `chunk`'s own `chunk` event (each an empty piece)."""
        fired = 0
        if chunk.content:
            self._seen.add("content")
        if chunk.additional_kwargs.get("refusal") is not None:  # ("" fires one too)
            self._seen.add("refusal")
            fired += 1  # refusal.delta
        fired += len(chunk.tool_call_chunks)  # tool_calls.function.arguments.delta, each
        logprobs = chunk.response_metadata.get("logprobs")
        if isinstance(logprobs, Mapping):
            for kind in ("content", "refusal"):
                if logprobs.get(kind) is not None:
                    self._seen.add(f"logprobs.{kind}")
                fired += bool(logprobs.get(kind))  # logprobs.<kind>.delta
        if chunk.response_metadata.get("finish_reason") is not None:
            fired += self._content_done() + self._tool_done()
        for fragment in chunk.tool_call_chunks:
            if fragment.get("index") != self._tool:
                fired += self._content_done() + self._tool_done()
                self._tool = fragment.get("index")
        return range(fired)

    def _content_done(self) -> int:
        """The `.done` events of what streamed and has not had one."""
        ended = self._seen - self._done
        self._done |= ended
        return len(ended)

    def _tool_done(self) -> int:
        if self._tool is None or self._tool in self._tools_done:
            return 0
        self._tools_done.add(self._tool)
        return 1

    def _empty(self) -> ChatGenerationChunk:
        """The piece of an event without choices: no content, usage or provider."""
        message = LCAIMessageChunk(content="")
        if self._stamp:
            message.response_metadata["model_provider"] = self._stamp
        if self._v1:
            message.response_metadata["output_version"] = "v1"
        return ChatGenerationChunk(message=message, generation_info={})


def _partial_read(chunks: list[AIMessageChunk]) -> None:
    """The helper's partial read of a class's format as its text streams (jiter's
    `from_json` in partial mode, the openai SDK's dependency): text that cannot begin
    a JSON value raises jiter's ValueError there, as in the partner's stream."""
    try:
        from jiter import from_json
    except ImportError:  # (no openai SDK: nothing reads it so)
        return
    text = "".join(c.content for c in chunks if isinstance(c.content, str))
    if text.lstrip() and not any(c.additional_kwargs.get("refusal") for c in chunks):
        from_json(text.encode(), partial_mode=True)
