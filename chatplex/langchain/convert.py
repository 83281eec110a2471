"""Messages both ways between LangChain and chatplex, faithfully.

Both libraries model a message the same way (content as a string or a list of
provider-style blocks, `tool_calls` as `{"name", "args", "id"}` dicts, the same usage
record), so translation is mostly a copy. What differs:

- On the way in (`to_chatplex_messages`, `from_langchain.py`'s): LangChain's v1
  standard blocks lose their stream bookkeeping and the tool calls repeated in
  `content`; standard blocks (images among them) go as given, for each wire's writer.
- Streams: `StreamTranslator` gives LangChain the chunks LangChain's own chat model for
  the wire streams (see its docstring), so LangChain's merging and `content_blocks` work
  on them as on ChatOpenAI's and ChatAnthropic's.
- chatplex's adapters set `response_metadata["model_provider"]` as ChatOpenAI and
  ChatAnthropic do, and their content has those models' shapes (Anthropic `tool_use`
  blocks kept in `content`, text and `reasoning`/`thinking` blocks), so LangChain's
  per-provider translators read it. Without a provider mark (a `FakeChatModel`),
  LangChain's generic reading fits chatplex's content as it is: text and `reasoning`
  blocks are LangChain's standard ones, calls come from `tool_calls`, and provider
  blocks such as Anthropic `thinking` show as `non_standard` (unwrapped again on the
  way back in).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from typing import cast

from langchain_core.messages import AIMessage as LCAIMessage
from langchain_core.messages import AIMessageChunk as LCAIMessageChunk
from langchain_core.messages import InvalidToolCall
from langchain_core.messages import ToolCall
from langchain_core.messages import ToolCallChunk
from langchain_core.messages.ai import UsageMetadata as LCUsageMetadata

from ..chat.llm_results import ENGINE_KEYS
from ..messages import AIMessage
from ..messages import AIMessageChunk
from ..messages import Content
from ..specs import KeyOrder
from ..specs import ProviderSpec
from ..specs import spec
from .constructed import ai_message
from .text_pieces import text_message_chunk

__all__ = [
    "StreamTranslator",
    "mark_last_attempt",
    "partner_id",
    "partner_metadata",
    "to_langchain_message",
]

#: The keys of the piece chatplex's Anthropic parser sends at the end of a block with an
#: `input` (tool_use, server_tool_use): the input parsed from the block's fragments.
_END_KEYS = frozenset({"type", "input", "index"})
_FRAGMENT = frozenset({"type", "partial_json", "index"})  # (a server call's, streamed)
#: What chatplex's stream of an `indexed_stream` provider (Anthropic's) reports in
#: response_metadata (as its non-stream reply does) and langchain-anthropic's stream does
#: not: its message_start gives `model_name` alone, its message_delta the stop reason, and
#: usage only as `usage_metadata`.
_INDEXED_UNSTREAMED = ("id", "model", "usage")
#: botocore's record of an AWS reply, which langchain-aws keeps in response_metadata
#: (chatplex's adapters for AWS's wires write it too). Its `RetryAttempts` counts the retries
#: botocore made; chatplex's own retries take their place, counted as `attempts`.
_BOTOCORE_METADATA = "ResponseMetadata"
#: What chatplex's engine adds to a reply's response_metadata on every wire and no
#: partner package writes (`ENGINE_KEYS`; a partner's gateway metadata goes in
#: `generation_info` alone), and a refusal (a partner keeps it in `additional_kwargs`
#: alone). The drop-ins leave them out (`partner_metadata`); chatplex's own models keep
#: them.
_CHATPLEX_METADATA = ENGINE_KEYS | {"refusal"}


# ---- chatplex -> LangChain ------------------------------------------------------------


def to_langchain_message(message: AIMessage, model_name: str | None = None) -> LCAIMessage:
    """A chatplex reply as a LangChain `AIMessage`; `model_name` (the model called) is
    its `response_metadata["model_name"]` when the reply names none (LangChain's
    standard key: some wires do not say which model answered)."""
    metadata = dict(message.response_metadata)
    if model_name and "model_name" not in metadata:
        metadata["model_name"] = model_name
    if _BOTOCORE_METADATA in metadata:
        metadata = _with_retries(metadata, metadata.get("attempts"))
    fields: dict[str, Any] = {
        "content": _lc_content(message.content),
        "additional_kwargs": dict(message.additional_kwargs),
        "response_metadata": metadata,
        "name": message.name,
        "id": message.id,
        # (Most replies call no tool: no comprehension run for an empty list, a call each.)
        "tool_calls": [_lc_call(c) for c in message.tool_calls] if message.tool_calls else [],
        "invalid_tool_calls": [_lc_invalid(c) for c in message.invalid_tool_calls or ()],
    }
    usage = _lc_usage(message.usage_metadata)
    if _as_validated(fields):
        # A text reply without calls: built as LangChain's validation would build it.
        return ai_message(fields, usage)
    reply = LCAIMessage(**fields)
    # Set after construction, as the partner packages set it: validation would put the
    # details' keys in the TypedDict's order, not the wire's (what print shows).
    reply.usage_metadata = usage
    return reply


def _as_validated(fields: dict[str, Any]) -> bool:
    """Whether LangChain's validation of an AIMessage of `fields` would only copy them:
    text content, no calls (its validator reads them, in `additional_kwargs` too) and a
    str id or none (a number is made a str)."""
    message_id = fields["id"]
    return (
        fields["content"].__class__ is str
        and not fields["tool_calls"]
        and not fields["invalid_tool_calls"]
        and (message_id is None or message_id.__class__ is str)
        and "tool_calls" not in fields["additional_kwargs"]
    )


def partner_metadata(
    metadata: dict[str, Any], wire: Any = None, *, stream: bool = False
) -> dict[str, Any]:
    """`metadata` as the partner package of the reply's wire writes it: without
    chatplex's own keys, nor chatplex's common `finish_reason` where the partner keeps the
    stop reason under its wire's own key (`ProviderSpec.finish_reason_written`), its keys
    in the partner's order (its `model_provider`'s `ProviderSpec.metadata_order`; a
    stream chunk's: `stream_metadata_order`, with `stream`). The wire
    is the reply's `provider` (else `wire`: a stream's first chunk's, else the
    `model_provider`, which a wire that writes no `provider` names itself by)."""
    wire = metadata.get("provider") or wire or metadata.get("model_provider")
    declared = spec(wire) if isinstance(wire, str) else None
    unwritten = declared is not None and not declared.finish_reason_written
    kept = {
        k: v
        for k, v in metadata.items()
        if k not in _CHATPLEX_METADATA and not (unwritten and k == "finish_reason")
    }
    order = _order_spec(declared, metadata.get("model_provider"))
    if order is None:
        return kept
    return (order.stream_metadata_order if stream else order.metadata_order).apply(kept)


def _is_plain(chunk: AIMessageChunk) -> bool:
    """A chunk of text alone: no metadata, extra kwargs, tool call (piece), usage or
    position -- a stream's middle chunk, which the translator makes the same of each time."""
    return (
        type(chunk.content) is str
        and not chunk.response_metadata
        and not chunk.additional_kwargs
        and not chunk.tool_call_chunks
        and not chunk.tool_calls
        and chunk.usage_metadata is None
        and chunk.chunk_position is None
    )


def _usage_only(chunk: AIMessageChunk) -> bool:
    """A stream's chunk of its usage record alone (no text, tool call or finish reason)."""
    return (
        chunk.usage_metadata is not None
        and not chunk.content
        and not chunk.tool_call_chunks
        and chunk.response_metadata.get("finish_reason") is None
    )


def _order_spec(wire: ProviderSpec | None, named: Any) -> ProviderSpec | None:
    """The spec declaring the order of a reply's metadata keys: its wire's where the
    reply names no other provider or another API of the same LangChain class (the
    Responses API's replies name the Chat Completions provider); else the named
    provider's (a preset over a shared wire: its own package's order)."""
    other = spec(named) if isinstance(named, str) else None
    if wire is None or (other is not None and other.langchain_class != wire.langchain_class):
        return other
    return wire


def partner_id(message_id: str | None, wire: Any) -> str | None:
    """A reply's id as the partner package of its wire leaves it on the message: the
    reply's own where its spec says so (`ProviderSpec.reply_id_as_message_id`), else
    None, which LangChain fills in with the run's id (one for every chunk of a stream,
    where the reply's own would change at the last chunk LangChain adds)."""
    declared = spec(wire) if isinstance(wire, str) else None
    return message_id if declared is None or declared.reply_id_as_message_id else None


def _with_retries(metadata: dict[str, Any], attempts: Any) -> dict[str, Any]:
    """`metadata` with botocore's `RetryAttempts` in its `ResponseMetadata`: the retries
    chatplex made (`attempts` - 1; 0 for a cached reply, which made no attempt)."""
    record = metadata.get(_BOTOCORE_METADATA)
    if not isinstance(record, dict) or "RetryAttempts" in record:
        return metadata
    retries = max(0, attempts - 1) if isinstance(attempts, int) else 0
    return {**metadata, _BOTOCORE_METADATA: {**record, "RetryAttempts": retries}}


def mark_last_attempt(metadata: dict[str, Any], allowed: int | None) -> dict[str, Any]:
    """`metadata` whose botocore `ResponseMetadata` says `MaxAttemptsReached` when the
    reply came on the last of the `allowed` attempts, as botocore's standard retry mode
    marks every such reply, a success included (with max_retries=0, every reply)."""
    record = metadata.get(_BOTOCORE_METADATA)
    if not isinstance(record, dict) or allowed is None or "MaxAttemptsReached" in record:
        return metadata
    retries = record.get("RetryAttempts")
    if not isinstance(retries, int) or retries + 1 < allowed:
        return metadata
    # botocore writes it before it counts the retries: before RetryAttempts.
    marked = {k: v for k, v in record.items() if k != "RetryAttempts"}
    marked |= {"MaxAttemptsReached": True, "RetryAttempts": retries}
    return {**metadata, _BOTOCORE_METADATA: marked}


def _unsent(metadata: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
    """`metadata` without the strings an earlier chunk of the stream already carried with
    the same value (at any depth), and `sent` updated. chatplex's chunks may repeat a
    reply's constant strings (Azure's content-filter severities, an `object` name), which
    its own merging keeps once; LangChain's merging concatenates strings, and a partner
    package sends each once."""
    out: dict[str, Any] = {}
    for key, value in metadata.items():
        before = sent.get(key)
        if isinstance(value, str):
            if before == value and key != "model_provider":
                continue
            sent[key] = value
        elif isinstance(value, dict) and value:
            inner = before if isinstance(before, dict) else {}
            value = _unsent(value, inner)
            sent[key] = inner
            if not value:
                continue
        out[key] = value
    return out


class StreamTranslator:
    """Turns one chatplex stream's chunks into LangChain chunks (one instance per stream).

    The chunks are the ones LangChain's own chat model for the wire streams, so that
    LangChain's merging and its per-provider `content_blocks` (which `output_version="v1"`
    applies to every chunk) read them as they read ChatOpenAI's and ChatAnthropic's:

    - every chunk carries the stream's `response_metadata["model_provider"]` (chatplex's
      adapters set it on the first chunk only); the chunk marked last carries
      `model_name` (the model called) when no chunk named the model;
    - a chunk's `additional_kwargs["tool_calls"]` (a wire's summary of the calls, as
      a partner package's last chunk may have it) is not read again as tool-call pieces, which
      LangChain does for a chunk without any: the calls come in `tool_call_chunks`, and
      merged with such a copy each would be counted twice;
    - botocore's `ResponseMetadata` (on a Converse stream's usage chunk) gets its
      `RetryAttempts`: the retries chatplex made (the first chunk's `attempts` - 1), and
      `MaxAttemptsReached` on the last of the `allowed` attempts (`mark_last_attempt`);
    - with `partner` (a drop-in's stream), `response_metadata` has only the keys the
      wire's partner package writes (`partner_metadata`): chatplex's own ones are left
      out, once what the partner derives from them is written; and each chunk has them
      where and in the order its partner's has (`_held_back`: the keys it gives on the
      finishing chunk alone held until then, no finish reason before it);
    - refusals: chatplex's OpenAI stream parser carries a refusal whole-so-far on every
      chunk, while LangChain's merging concatenates strings: the new part is sent;
    - a provider whose spec says its LangChain class streams indexed blocks
      (`ProviderSpec.indexed_stream`: Anthropic's), as `langchain_anthropic.ChatAnthropic`:
      a `tool_use` block's argument fragments go in `content` too, as `input_json_delta`
      blocks of the block's index; the `tool_use` piece chatplex sends at the block's end
      (its parsed `input`, which chatplex's own merging needs) is left out, since
      LangChain merges the fragments. Text is a string unless the request offers tools
      or turns thinking on (`blocks=True`, ChatAnthropic's rule) or a block has already
      come: then it goes in text blocks carrying their Anthropic block index (blocks are
      streamed one after another, so a `str` piece belongs to the block after the last
      indexed one; the parser indexes the pieces of a text block right after a `str`
      one), an empty text piece as an empty text block, other chunks without content
      as `[]`; outside blocks an indexed text piece is its text. An un-indexed text block
      would get LangChain's own index under v1 and be merged into the block that has
      that index on the wire.
    """

    __slots__ = (
        "_allowed",
        "_attempts",
        "_blocks",
        "_empty_lists",
        "_finish_keys",
        "_held",
        "_indexed",
        "_finish_unmarked",
        "_usage_unmarked",
        "_input_blocks",
        "_label",
        "_last_index",
        "_model_name",
        "_order",
        "_partner",
        "_plain",
        "_provider",
        "_refusal",
        "_sent",
        "_tool_blocks",
        "_wire",
    )

    def __init__(
        self,
        *,
        blocks: bool = False,
        model_name: str | None = None,
        partner: bool = False,
        label: str | None = None,
        allowed: int | None = None,
    ) -> None:
        self._partner = partner  # a drop-in's stream: the partner's metadata keys only
        self._allowed = allowed  # the attempts the model's retry policy allows
        # The provider the model is named by (a preset over a shared wire): its spec
        # orders a stream whose chunks name no model_provider (langchain-perplexity's).
        self._label = label
        self._wire: Any = None  # the wire's name (the first chunk's `provider`)
        self._model_name = model_name  # None once a chunk named the model
        self._attempts: Any = None  # the HTTP attempts made (the first chunk says)
        self._refusal = ""
        self._provider: str | None = None
        self._indexed = False  # the provider's LangChain class streams indexed blocks
        self._blocks = blocks  # Anthropic: text as indexed blocks
        self._last_index: int | None = None  # of the last indexed Anthropic block
        self._tool_blocks: set[Any] = set()  # indexes of blocks whose input streams
        self._input_blocks: set[Any] = set()  # ... and of all blocks with an `input`
        self._sent: dict[str, Any] = {}  # the metadata strings sent so far, by key
        self._finish_keys: tuple[str, ...] | None = None  # None: not looked up yet
        self._empty_lists: tuple[str, ...] = ()  # keys on every chunk, [] by default
        self._order: KeyOrder | None = None  # the partner's chunk key order
        self._held: dict[str, Any] = {}  # finishing-chunk keys held back
        self._finish_unmarked = False  # the finishing chunk names no model_provider
        self._usage_unmarked = False  # ... nor the usage record's chunk
        # What the metadata pipeline below made of a plain chunk's (`_is_plain`): once the
        # stream's provider is known it makes the same of every one (see `_plain_kept`).
        self._plain: dict[str, str] | None = None

    def _held_back(self, metadata: dict[str, Any], chunk: AIMessageChunk) -> dict[str, Any]:
        """A drop-in chunk's `metadata` without the keys its partner streams on the
        finishing chunk alone (`ProviderSpec.stream_finish_keys`), held until that chunk
        (the one with a finish reason, else the last), which gets them in the partner's
        order; with the keys its partner gives on every chunk, `[]` where the wire sent
        none (`ProviderSpec.stream_empty_lists`); without `model_provider` on a chunk
        with a finish reason or log probabilities where the partner's has none there
        (`ProviderSpec.stream_finish_unmarked`)."""
        if self._finish_keys is None:
            if not (self._wire or self._provider):
                return metadata  # (a chunk before the one naming the wire)
            named = self._provider or self._label
            declared = _order_spec(spec(self._wire) if self._wire else None, named)
            self._finish_keys = declared.stream_finish_keys if declared is not None else ()
            self._empty_lists = declared.stream_empty_lists if declared is not None else ()
            self._order = declared.stream_metadata_order if declared is not None else None
            self._finish_unmarked = declared is not None and declared.stream_finish_unmarked
            self._usage_unmarked = declared is not None and declared.stream_usage_unmarked
        if self._finish_unmarked and (
            metadata.get("finish_reason") is not None or metadata.get("logprobs")
        ):
            metadata = {k: v for k, v in metadata.items() if k != "model_provider"}
        if self._usage_unmarked and _usage_only(chunk):
            metadata = {k: v for k, v in metadata.items() if k != "model_provider"}
        if "finish_reason" in metadata and metadata["finish_reason"] is None:
            # A partner's chunk names no finish reason before its finishing one.
            metadata = {k: v for k, v in metadata.items() if k != "finish_reason"}
        if self._empty_lists:
            metadata = {**{k: [] for k in self._empty_lists}, **metadata}
        if not self._finish_keys:
            return metadata
        if not metadata.keys().isdisjoint(self._finish_keys):
            self._held.update((k, metadata[k]) for k in self._finish_keys if k in metadata)
            metadata = {k: v for k, v in metadata.items() if k not in self._finish_keys}
        finish = chunk.response_metadata.get("finish_reason")  # (a partner may not write it)
        finishing = finish is not None or chunk.chunk_position == "last"
        if not (finishing and self._held) or self._order is None:
            return metadata
        metadata = self._order.apply({**metadata, **self._held})
        self._held = {}
        return metadata

    def chunk(self, chunk: AIMessageChunk) -> LCAIMessageChunk | None:
        """`chunk` as LangChain's chat model for the wire streams it, or None where that
        model streams nothing (the end of an Anthropic tool_use block)."""
        if self._plain is not None and _is_plain(chunk):
            # Most chunks: a text delta alone, whose metadata is known already.
            wire = self._wire or self._provider
            return text_message_chunk(
                chunk.content,  # type: ignore[arg-type]  # a str (`_is_plain`)
                partner_id(chunk.id, wire) if self._partner else chunk.id,
                chunk.name,
                dict(self._plain),
            )
        additional = chunk.additional_kwargs
        metadata = chunk.response_metadata
        if "refusal" in additional or "refusal" in metadata:
            additional, metadata = self._refusal_delta(additional, metadata)
        if self._provider is None and isinstance(metadata.get("model_provider"), str):
            self._provider = metadata["model_provider"]
            declared = spec(self._provider)
            self._indexed = declared is not None and declared.indexed_stream
        elif self._provider is not None and "model_provider" not in metadata:
            metadata = {**metadata, "model_provider": self._provider}
        if self._indexed and any(k in metadata for k in _INDEXED_UNSTREAMED):
            metadata = {k: v for k, v in metadata.items() if k not in _INDEXED_UNSTREAMED}
        if metadata:
            if "attempts" in metadata:
                self._attempts = metadata["attempts"]
            if _BOTOCORE_METADATA in metadata:
                metadata = _with_retries(metadata, self._attempts)
                metadata = mark_last_attempt(metadata, self._allowed)
            if self._partner:  # the first chunk names the wire, later ones may not
                self._wire = metadata.get("provider") or self._wire
                metadata = self._held_back(
                    partner_metadata(metadata, self._wire, stream=True), chunk
                )
            metadata = _unsent(metadata, self._sent)
        if "model_name" in metadata:
            self._model_name = None
        elif self._model_name and chunk.chunk_position == "last":
            metadata = {**metadata, "model_name": self._model_name}
        if self._plain_kept(metadata) and _is_plain(chunk):
            self._plain = metadata
        fragments = chunk.tool_call_chunks
        calls: list[ToolCallChunk] = [
            {
                "name": c.get("name"),
                "args": c.get("args"),
                "id": c.get("id"),
                "index": c.get("index"),
                "type": "tool_call_chunk",
            }
            for c in fragments
        ]
        # Whole calls on a chunk that has no fragments (e.g. a scripted model's reply):
        # fragments without an index. A chunk with fragments derives its `tool_calls`
        # from them, so sending both would count each call twice.
        if not calls:
            calls = [
                {
                    "name": c["name"],
                    "args": json.dumps(c["args"]),
                    "id": c.get("id"),
                    "index": None,
                    "type": "tool_call_chunk",
                }
                for c in chunk.tool_calls
            ]
        if self._indexed:
            content = self._indexed_content(chunk, fragments)
            if content is None:
                return None
        else:
            content = _lc_content(chunk.content)
        additional = dict(additional)
        summary = None if calls else additional.pop("tool_calls", None)
        translated = LCAIMessageChunk(
            content=content,
            id=partner_id(chunk.id, self._wire or self._provider) if self._partner else chunk.id,
            name=chunk.name,
            additional_kwargs=additional,
            response_metadata=dict(metadata),
            tool_call_chunks=calls,
            usage_metadata=_lc_usage(chunk.usage_metadata),
            chunk_position=chunk.chunk_position,
        )
        if summary is not None:  # set after validation: not parsed into pieces again
            translated.additional_kwargs["tool_calls"] = summary
        return translated

    def _plain_kept(self, metadata: dict[str, Any]) -> bool:
        """Whether the general path's `metadata` of a plain chunk is what it makes of
        every later one: once the provider is known (and, for a drop-in, its spec's keys
        looked up), a plain chunk's metadata is its `model_provider`, which no later
        chunk changes. Not where the partner holds that key for the finishing chunk or
        adds keys of its own to every chunk (`_held_back` then has work to do), nor on an
        indexed stream (whose content has rules of its own); kept as strings alone, so
        that a copy of it is a fresh value."""
        return (
            self._plain is None
            and self._provider is not None
            and not self._indexed
            and (self._finish_keys is not None or not self._partner)
            and "model_provider" not in (self._finish_keys or ())
            and not self._empty_lists
            and all(type(v) is str for v in metadata.values())
        )

    def _indexed_content(
        self, chunk: AIMessageChunk, fragments: Sequence[Any]
    ) -> str | list[str | dict[str, Any]] | None:
        """The chunk's content as ChatAnthropic streams it; None for a chunk that only
        ends tool_use blocks (langchain-anthropic yields nothing at content_block_stop)."""
        content = chunk.content
        out: list[str | dict[str, Any]] = []
        ended = False
        started: set[Any] = set()
        if isinstance(content, str):
            if not self._blocks:
                return content
            # A text piece, an empty one included (a chunk of "" alone: other chunks
            # without text, message_start's and message_delta's, carry metadata).
            if content or _is_plain(chunk):
                at = 0 if self._last_index is None else self._last_index + 1
                # langchain-anthropic's key order (a printed or dumped block shows it)
                out.append({"text": content, "type": "text", "index": at})
        elif not self._blocks and _is_text_piece(content):
            # A text block's piece that the parser indexed (a block right after another
            # text block): its text, as ChatAnthropic streams text outside blocks.
            return cast("str", content[0]["text"])
        else:
            for block in content:
                index = block.get("index")
                if isinstance(index, int):
                    self._blocks = True
                    if self._last_index is None or index > self._last_index:
                        self._last_index = index
                if index in self._input_blocks and set(block) == _FRAGMENT:
                    self._tool_blocks.add(index)  # (a server call's input, in fragments)
                    out.append(_input_piece(block["partial_json"], index))
                    continue
                if index is not None and index in self._input_blocks and set(block) == _END_KEYS:
                    # The block's parsed `input`, which chatplex sends at its end. A
                    # tool_use block's fragments, or a server call's, went as input_json_delta
                    # blocks already; a whole input (a proxy's) goes as one fragment.
                    if index not in self._tool_blocks:
                        out.append(_input_piece(json.dumps(block["input"]), index))
                    ended = True
                    continue
                if index is not None and "input" in block:
                    self._input_blocks.add(index)
                    if block.get("type") == "tool_use":
                        self._tool_blocks.add(index)
                        started.add(index)
                out.append(dict(block))
        for fragment in fragments:
            index = fragment.get("index")
            if index in self._tool_blocks and index not in started:
                out.append(_input_piece(fragment.get("args") or "", index))
        return None if ended and not out and not fragments else out

    def _refusal_delta(
        self, additional: dict[str, Any], metadata: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        whole = additional.get("refusal") or metadata.get("refusal")
        if not isinstance(whole, str):
            return additional, metadata
        new = whole[len(self._refusal) :] if whole.startswith(self._refusal) else whole
        self._refusal = whole
        return (
            {**additional, "refusal": new} if "refusal" in additional else additional,
            {**metadata, "refusal": new} if "refusal" in metadata else metadata,
        )


def _input_piece(partial: str, index: Any) -> dict[str, Any]:
    """A fragment of a block's input as langchain-anthropic streams it (its key order)."""
    return {"partial_json": partial, "type": "input_json_delta", "index": index}


#: The keys of a piece of an uncited text block (chatplex's and ChatAnthropic's).
_TEXT_PIECE_KEYS = frozenset({"text", "type", "index"})


def _is_text_piece(content: Content) -> bool:
    """Whether `content` is one piece of an uncited text block, with its block index."""
    if len(content) != 1:
        return False
    block = content[0]
    return (
        isinstance(block, dict) and block.get("type") == "text" and block.keys() == _TEXT_PIECE_KEYS
    )


def _lc_content(content: Content) -> str | list[str | dict[str, Any]]:
    # A list may hold bare strings beside blocks (LangChain's content type allows both).
    if isinstance(content, str):
        return content
    return [b if isinstance(b, str) else dict(b) for b in content]


def _lc_call(call: Any) -> ToolCall:
    return {"name": call["name"], "args": call["args"], "id": call.get("id"), "type": "tool_call"}


def _lc_invalid(call: Any) -> InvalidToolCall:
    return {
        "name": call.get("name"),
        "args": call.get("args"),
        "id": call.get("id"),
        "error": call.get("error"),
        "type": "invalid_tool_call",
    }


def _lc_usage(usage: Any) -> LCUsageMetadata | None:
    # The same TypedDict shape on both sides (input/output/total, *_token_details).
    return cast("LCUsageMetadata | None", usage)
