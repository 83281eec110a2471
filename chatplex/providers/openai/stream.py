"""OpenAI stream side: the events of one Chat Completions stream → `AIMessageChunk`s.

The chunks are those of choice 0. With `n > 1` the other choices are gathered as they
stream and handed over whole, as `response_metadata["other_candidates"]`, on the usage
chunk that closes the stream (or at `[DONE]`), so the merged stream equals the
non-stream reply there too.
"""

from __future__ import annotations

import json
from typing import Any

from ...adapters.bodies import StrayEvents
from ...adapters.bodies import is_chat_completions_chunk
from ...adapters.bodies import loads
from ...adapters.bodies import snippet
from ...adapters.candidates import CumulativeUsage
from ...adapters.candidates import OtherCandidates
from ...adapters.jsontext import event_object
from ...adapters.reading import MalformedReply
from ...adapters.reading import reply_field
from ...adapters.reading import reply_text
from ...adapters.sse_event import SSEEvent
from ...errors import StreamError
from ...messages import AIMessageChunk
from ...messages import ToolCallChunk
from ...messages import text_chunk
from .response import LEGACY_CALL
from .response import OTHER_CANDIDATES
from .response import PROVIDER
from .response import ThinkingParts
from .response import args_text
from .response import choice_metadata
from .response import head_metadata
from .response import legacy_call
from .response import payload_error
from .response import sdk_usage
from .response import usage_metadata

__all__ = ["REPLY_ONLY_KEYS", "OpenAIStreamParser"]

#: `response_metadata` keys of a non-stream reply that langchain-openai's stream chunks
#: lack (the id is each chunk's own `id`, the usage its `usage_metadata`).
REPLY_ONLY_KEYS = ("id", "token_usage")

_MAX_TEXT = 500
#: The `object` of a Chat Completions stream event.
_CHUNK_OBJECT = "chat.completion.chunk"


class OpenAIStreamParser:
    """Turns the events of one Chat Completions stream into `AIMessageChunk`s.

    Reasoning deltas become one-block list chunks `{"type": "reasoning", "reasoning": ...,
    "index": 0}`, which merge into one block before the answer text. With
    `thinking_parts=True` (a profile's declared feature), a `delta.content` list is read by
    `ThinkingParts`: its thinking pieces become reasoning blocks the same way (one per run
    of thinking), its text a text delta; without it such a list passes through unread.
    Tool calls are numbered 0, 1, 2... whatever the server sends (see `_ToolCallIndexes`);
    their ids and names are sent once per call. Usage is emitted as the increase over
    the usage seen before, so servers that report cumulative usage on many chunks still sum
    right; the raw usage dict goes in `response_metadata["token_usage"]` (later values
    win when merging: the last, cumulative one); a usage chunk naming the `priority` or
    `flex` tier counts its tokens apart, as a reply's usage does (unless `tiers_apart=False`:
    a partner that reads replies itself counts no tier). `headers`: the response's, kept
    on the first chunk (`response_metadata["headers"]`). A refusal's pieces are each chunk's
    `additional_kwargs["refusal"]` (merging joins them, as LangChain's does), and the
    whole-so-far refusal is `response_metadata["refusal"]` (the last one wins).
    With `raw_keys=False` the chunks carry none of `REPLY_ONLY_KEYS` in
    `response_metadata`, as langchain-openai's do not (a compatible style reads them,
    then drops what its partner does not stream).

    With `sdk_events=True` (a call langchain-openai streams through the openai SDK's
    parsing helper, `beta.chat.completions.stream`: `PartnerTraits.sdk_helper_adapter`) the
    events are read as that helper reads them: one that is not a
    `chat.completion.chunk` (Azure's filter verdicts) is skipped, a chunk with usage
    keeps it raw, as the SDK shows it, in `token_usage` (the helper's final completion
    has it, `langchain/helper_stream.py`), and an empty refusal delta is kept (`""`: the
    helper fires its refusal delta event too).
    """

    __slots__ = (
        "_choice_type",
        "_choices",
        "_done",
        "_headers",
        "_first",
        "_head",
        "_id",
        "_others",
        "_raw_keys",
        "_req_id",
        "_sdk_events",
        "_stray",
        "_tiers",
        "_usage",
    )

    def __init__(
        self,
        request_id: str | None = None,
        *,
        thinking_parts: bool = False,
        raw_keys: bool = True,
        sdk_events: bool = False,
        tiers_apart: bool = True,
        headers: dict[str, str] | None = None,
    ) -> None:
        self._req_id = request_id
        self._tiers = tiers_apart
        self._headers = headers
        self._raw_keys = raw_keys
        self._sdk_events = sdk_events
        self._done = False
        self._first = True
        self._id: str | None = None
        self._head: dict[str, Any] = {}
        # Chosen once per stream, so a delta of any other provider pays nothing for it.
        self._choice_type = _ThinkingChoice if thinking_parts else _Choice
        self._choices: dict[int, _Choice] = {0: self._choice_type()}
        self._others = OtherCandidates()  # n > 1: choices 1..n-1
        self._usage = CumulativeUsage()
        self._stray = StrayEvents()

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        """The chunk one event contributes, or None; raises `StreamError` on error events."""
        if self._done:
            return None
        data = event.data
        if event.event == "error":
            payload = loads(data.encode())
            if not isinstance(payload, dict):
                payload = {"error": data[:_MAX_TEXT] or "error event without data"}
            raise payload_error(payload, StreamError, self._req_id)
        if data.startswith("[DONE]"):
            self._done = True
            if self._others:
                return AIMessageChunk(content="", response_metadata=self._take_others())
            return None
        if not data:
            return None
        obj = event_object(data, PROVIDER, self._req_id)
        if obj.get("error"):
            raise payload_error(obj, StreamError, self._req_id)
        if not self._stray.known:
            self._stray.seen(is_chat_completions_chunk(obj), data)
        if self._sdk_events and obj.get("object") != _CHUNK_OBJECT:
            return None  # the SDK's helper skips it (its `_is_valid_chat_completion_chunk_weak`)
        return self._chunk(obj)

    def finish(self) -> None:
        """Raise `StreamError` if the body ended with neither `[DONE]` nor a finish_reason;
        `MalformedReply` if none of its events was a Chat Completions chunk."""
        self._stray.refuse("Chat Completions")
        if not (self._done or self._choices[0].finished):
            raise StreamError(
                "stream ended before completion", provider=PROVIDER, request_id=self._req_id
            )

    def _chunk(self, obj: dict[str, Any]) -> AIMessageChunk | None:
        if not self._first:
            text = _plain_text(obj)
            if text is not None and self._choice_type is _Choice:
                # What the general path below makes of a plain text delta, minus its
                # dozen lookups and three temporary containers: most events are these.
                return text_chunk(text, self._id)
        if self._first:
            _refuse_whole_reply(obj)
            self._id = obj.get("id")
            self._head = head_metadata(obj, None, self._req_id)
        content: Any = ""
        tool_chunks: list[ToolCallChunk] = []
        additional: dict[str, Any] = {}
        meta: dict[str, Any] = {}
        choices = obj.get("choices")
        for choice in choices or ():
            index = choice.get("index") or 0
            state = self._choices.get(index)
            if state is None:
                state = self._choices[index] = self._choice_type()
            parts = state.parts(choice)
            if index == 0:
                content, tool_chunks, additional, meta = parts
                if self._sdk_events and (choice.get("delta") or {}).get("refusal") == "":
                    additional["refusal"] = ""  # (the helper fires a refusal.delta for it)
            else:
                self._others.add(index, _as_chunk(*parts))
        usage = None
        raw_usage = reply_field(obj.get("usage"), dict, "usage")
        if raw_usage:
            tier = obj.get("service_tier") if self._tiers else None
            usage = self._usage.increase(usage_metadata(raw_usage, tier))
            if self._sdk_events:  # (before raw keys: a preset's helper reads both)
                meta["token_usage"] = sdk_usage(raw_usage)
            elif self._raw_keys:
                meta["token_usage"] = raw_usage
        if not choices and self._others:
            meta.update(self._take_others())  # the usage chunk closes every choice
        if self._first:
            self._first = False
            meta = {**self._head, **meta}
            kept = self.first_headers()
            if kept:  # (first, as langchain-openai's first chunk has them)
                meta = {"headers": kept, **meta}
            if not self._raw_keys:
                del meta["id"]  # (kept in the head: other candidates carry it)
        elif not (content or tool_chunks or usage or meta or _has_delta(choices)):
            return None  # no delta of choice 0: a keep-alive, another candidate's piece
        return AIMessageChunk(
            content=content,
            id=self._id,
            additional_kwargs=additional,
            response_metadata=meta,
            tool_call_chunks=tool_chunks,
            usage_metadata=usage,
        )

    def first_headers(self) -> dict[str, Any]:
        """The response's headers kept (`headers`), the first time asked: the stream's
        first chunk's `response_metadata["headers"]`; after that, and without, {}."""
        kept, self._headers = self._headers, None
        return kept or {}

    def _take_others(self) -> dict[str, Any]:
        """The other candidates, whole, as the non-stream reply has them."""
        return {OTHER_CANDIDATES: self._others.take(self._head, self._id)}


def _refuse_whole_reply(obj: dict[str, Any]) -> None:
    """`MalformedReply` for a first event that is a whole reply (its choice a `message`,
    no `delta`: a server that answers a stream request so), never read as an empty
    stream."""
    choices = obj.get("choices")
    first = choices[0] if isinstance(choices, list) and choices else None
    if isinstance(first, dict) and "message" in first and "delta" not in first:
        shown = snippet(json.dumps(obj).encode())
        raise MalformedReply(f"the stream's event has a message, no delta: not a chunk: {shown}")


def _has_delta(choices: Any) -> bool:
    """Whether choice 0 of an event has a delta, empty or not: langchain-openai (and the
    packages reading the wire as it does) yields a chunk for it, "" included."""
    for choice in choices or ():
        if isinstance(choice, dict) and not choice.get("index"):
            return choice.get("delta") is not None
    return False


def _plain_text(obj: dict[str, Any]) -> str | None:
    """The text of an event that is only a text delta of choice 0 -- no usage, finish
    reason, logprobs, role or any other delta field -- else None."""
    choices = obj.get("choices")
    if not choices or len(choices) != 1 or obj.get("usage"):
        return None
    choice = choices[0]
    delta = choice.get("delta")
    if not delta or len(delta) != 1 or choice.get("index"):
        return None
    if choice.get("finish_reason") is not None or choice.get("logprobs") is not None:
        return None
    text = delta.get("content")
    return text if text and type(text) is str else None


def _as_chunk(
    content: Any, tool_chunks: list[ToolCallChunk], additional: dict[str, Any], meta: dict[str, Any]
) -> AIMessageChunk:
    return AIMessageChunk(
        content=content,
        additional_kwargs=additional,
        response_metadata=meta,
        tool_call_chunks=tool_chunks,
    )


class _Choice:
    """The state of one choice's stream: its tool-call numbering, refusal so far, end."""

    __slots__ = ("finished", "refusal", "tools")

    def __init__(self) -> None:
        self.finished = False
        self.refusal = ""
        self.tools = _ToolCallIndexes()

    def parts(
        self, choice: dict[str, Any]
    ) -> tuple[Any, list[ToolCallChunk], dict[str, Any], dict[str, Any]]:
        """(content, tool-call fragments, additional_kwargs, metadata) of one delta."""
        content: Any = ""
        tool_chunks: list[ToolCallChunk] = []
        additional: dict[str, Any] = {}
        delta = choice.get("delta")
        if delta:
            text = delta.get("content")
            if text:
                content = text
            reasoning = delta.get("reasoning") or delta.get("reasoning_content")
            if reasoning and isinstance(reasoning, str):
                content = [{"type": "reasoning", "reasoning": reasoning, "index": 0}]
                if isinstance(text, list):  # a provider's parts, beside its reasoning
                    content.extend(text)
                elif text:
                    content.append({"type": "text", "text": text})
            calls = delta.get("tool_calls")
            if calls:
                tool_chunks = self._tool_chunks(calls)
            refusal = delta.get("refusal")
            if refusal:
                self.refusal += refusal
                additional["refusal"] = refusal  # this delta's piece, as langchain-openai
            call = delta.get("function_call")
            if call:
                additional[LEGACY_CALL] = legacy_call(call, delta=True)
        # Most deltas carry neither a finish reason nor logprobs: no call for those.
        if choice.get("finish_reason") is None and choice.get("logprobs") is None:
            meta: dict[str, Any] = {}
        else:
            meta = choice_metadata(choice)
        if "refusal" in additional:
            meta["refusal"] = self.refusal
        if "finish_reason" in meta:
            self.finished = True
        return content, tool_chunks, additional, meta

    def _tool_chunks(self, calls: list[dict[str, Any]]) -> list[ToolCallChunk]:
        out: list[ToolCallChunk] = []
        for call in calls:
            function = call.get("function") or {}
            call_id = call.get("id") or None
            name = reply_text(function.get("name"), "tool call's name") or None
            index = self.tools.index_of(call.get("index"), call_id)
            # Ids and names go once per call: some servers repeat them on every fragment,
            # which joining would double.
            call_id, name = self.tools.first_time(index, call_id, name)
            out.append(
                {
                    "name": name,
                    "args": args_text(function.get("arguments")),
                    "id": call_id,
                    "index": index,
                    "type": "tool_call_chunk",
                }
            )
        return out


class _ThinkingChoice(_Choice):
    """A choice whose `delta.content` may be a list with thinking parts."""

    __slots__ = ("thinking",)

    def __init__(self) -> None:
        super().__init__()
        self.thinking = ThinkingParts()

    def parts(
        self, choice: dict[str, Any]
    ) -> tuple[Any, list[ToolCallChunk], dict[str, Any], dict[str, Any]]:
        delta: Any = choice.get("delta")
        raw = delta.get("content") if delta else None
        if type(raw) is not list:
            if raw:
                self.thinking.text_seen()
            return super().parts(choice)
        # The rest of the delta (tool calls, refusal, finish) read as any other.
        content, tool_chunks, additional, meta = super().parts(
            {**choice, "delta": {**delta, "content": None}}
        )
        blocks = self.thinking.blocks(raw)
        if not content and all(isinstance(b, dict) and b.get("type") == "text" for b in blocks):
            content = "".join(b["text"] for b in blocks)  # a text delta, as a str one is
        elif blocks:
            # (a reasoning string beside the list: its block first, as for a str delta)
            content = [*content, *blocks] if content else blocks
        return content, tool_chunks, additional, meta


class _ToolCallIndexes:
    """The index of each streamed tool call: 0, 1, 2... in order of appearance.

    OpenAI numbers fragments by `index`. Compatible servers vary: some send no index
    and repeat the call's id (and name) in every fragment, so a fragment without an index
    belongs to the call with its id, or without an id to the call in progress; some send
    every call at index 0, so a new id at a used index is a new call. Mapping all of them
    to one numbering makes the merged stream's calls those of the non-stream reply.
    """

    __slots__ = ("by_id", "by_wire", "current", "ids", "named")

    def __init__(self) -> None:
        self.by_wire: dict[Any, int] = {}
        self.by_id: dict[str, int] = {}
        self.ids: list[str | None] = []  # per call: its id once known
        self.named: list[bool] = []  # per call: whether its name was sent
        self.current: int | None = None

    def index_of(self, wire: Any, call_id: str | None) -> int:
        index: int | None = None
        if wire is not None:
            index = self.by_wire.get(wire)
            if index is not None and call_id and self.ids[index] not in (None, call_id):
                index = None  # another call at the same wire index
        elif call_id is None:
            index = self.current
        if index is None and call_id is not None:
            index = self.by_id.get(call_id)
        if index is None:
            index = len(self.ids)
            self.ids.append(None)
            self.named.append(False)
        if wire is not None:
            self.by_wire[wire] = index
        self.current = index
        return index

    def first_time(
        self, index: int, call_id: str | None, name: str | None
    ) -> tuple[str | None, str | None]:
        """(id, name) to emit: each only the first time the call shows it."""
        if call_id is not None:
            if self.ids[index] is None:
                self.ids[index] = call_id
                self.by_id.setdefault(call_id, index)
            else:
                call_id = None
        if name is not None:
            if self.named[index]:
                name = None
            else:
                self.named[index] = True
        return call_id, name
