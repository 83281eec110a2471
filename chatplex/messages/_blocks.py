"""`message.content_blocks`: LangChain 1.x's standard view of a message's content.

The same blocks LangChain derives (`BaseMessage.content_blocks` and the provider
translators in `langchain_core.messages.block_translators`): `text`, `reasoning`,
`tool_call` (and `tool_call_chunk` on stream pieces), `image` / `audio` / `file`,
`server_tool_call` / `server_tool_result`, `refusal` (`_blocks_refusal.py`), and
`non_standard` for what has no standard form. A reply's
`response_metadata["model_provider"]` chooses the translator, as in LangChain. A
provider folder adds its own with `register_blocks` when its module loads, as a partner
package calls langchain-core's `register_translator` on import, or, where langchain-core
ships the translator itself, declares it in its spec (`ProviderSpec.blocks`, loaded on
the first reply read); a reply of a provider with neither gets LangChain's best-effort
reading. This layer names no provider: it has the readings of the shapes wires
share, on which the folders' readings build (`chat_completions_blocks`: Chat Completions
replies; `messages_api_blocks`: Messages-API replies; `generate_content_blocks`:
generateContent replies, the best-effort reading with the refusal of a blocked reply;
`anthropic_style_blocks`: a wire whose replies keep those blocks, reading its own kinds
itself). One deliberate difference: a Chat Completions reply whose content is
a list (chatplex's reasoning blocks) keeps its tool calls, which LangChain's
Responses-API translator would leave out.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable
from typing import Any
from typing import cast

from ..postimport import when_imported
from ..specs import declared_object
from ..specs import spec
from ._blocks_input import from_input_block
from ._blocks_refusal import anthropic_refusal
from ._blocks_refusal import blocked_refusal
from ._blocks_refusal import kwargs_refusal
from ._blocks_refusal import stop_refusal
from ._types import MessageFields
from ._types import PieceFields
from ._types import ReplyFields

__all__ = [
    "anthropic_style_blocks",
    "chat_completions_blocks",
    "content_blocks",
    "generate_content_blocks",
    "keep_index_and_extras",
    "messages_api_blocks",
    "register_blocks",
]

_Block = dict[str, Any]

#: A provider's translator: the standard blocks of a reply (or of a stream piece).
Translate = Callable[[Any], list[_Block]]

#: model_provider -> (translator of replies, translator of stream pieces).
_REGISTERED: dict[str, tuple[Translate, Translate]] = {}


def register_blocks(
    provider: str, translate: Translate, translate_chunk: Translate | None = None
) -> None:
    """Read the content of replies whose `response_metadata["model_provider"]` is
    `provider` with `translate` (stream pieces with `translate_chunk`, by default the
    same), as langchain-core's `register_translator`. A translator may raise
    `NotImplementedError` to leave a message to the built-in reading. Registering a name
    again replaces its translators."""
    if not isinstance(provider, str) or not provider:
        raise ValueError(f"register_blocks: provider must be a non-empty str, got {provider!r}")
    for name, func in (("translate", translate), ("translate_chunk", translate_chunk)):
        if not callable(func) and (func is not None or name == "translate"):
            raise TypeError(f"register_blocks: {name} must be callable, got {type(func).__name__}")
    _REGISTERED[provider] = (translate, translate_chunk or translate)
    when_imported(_LANGCHAIN_TRANSLATORS, functools.partial(_share, provider))


#: Where langchain-core keeps the translators its messages' `content_blocks` read.
_LANGCHAIN_TRANSLATORS = "langchain_core.messages.block_translators"
#: model_provider -> the translator `_share` registered with langchain-core.
_SHARED: dict[str, Translate] = {}


def _share(provider: str, translators: Any) -> None:
    """`provider`'s translators read LangChain's messages too (once langchain-core is
    loaded; now if it is), where no one registered one with it: a partner package
    may register its own when imported, which a script on a drop-in or `ChatChatplex`
    may never import, and LangChain's best-effort reading of a v1 stream piece gives
    its tool calls empty `args`. A partner's, registered before or
    after, is kept; one registered here before is replaced, as `register_blocks` says."""
    current = translators.get_translator(provider)
    if current is None or current["translate_content"] is _SHARED.get(provider):
        translate, translate_chunk = _REGISTERED[provider]
        translators.register_translator(provider, translate, translate_chunk)
        _SHARED[provider] = translate


def content_blocks(message: MessageFields) -> list[_Block]:
    """The standard content blocks of `message` (a new list; the message is unchanged).

    Message kinds are told by their fields, not their classes: `_messages.py` calls this
    module, which must not import it back (the fields are `_types.py`'s Protocols)."""
    if not hasattr(message, "tool_calls"):
        return _base(message.content)
    message = cast("ReplyFields", message)
    meta = message.response_metadata
    if meta.get("output_version") == "v1" and isinstance(message.content, list):
        return list(message.content)
    provider = meta.get("model_provider")
    chunk = _stream_piece(message)
    registered = _translators(provider) if isinstance(provider, str) else None
    if registered is not None:
        translate, translate_chunk = registered
        try:
            return translate(message) if chunk is None else translate_chunk(chunk)
        except NotImplementedError:
            pass  # the built-in reading, as LangChain falls back
    return _best_effort(message, chunk)


def _best_effort(message: ReplyFields, chunk: PieceFields | None) -> list[_Block]:
    """LangChain's best-effort reading of a reply or stream piece."""
    blocks = _base(message.content)
    piece = chunk is not None and chunk.tool_call_chunks and not chunk.content
    if piece and chunk is not None and chunk.chunk_position != "last":
        # A stream piece with only tool-call fragments shows them as fragments.
        blocks = [b for b in blocks if b["type"] not in ("tool_call", "invalid_tool_call")]
        blocks += _tool_call_chunk_blocks(chunk)
        return _with_reasoning(blocks, message)
    return _with_reasoning(_with_tool_calls(blocks, message), message)


def generate_content_blocks(message: ReplyFields) -> list[_Block]:
    """The standard blocks of a generateContent reply or stream piece, where its folder
    reads no kinds of its own: LangChain's best-effort reading, and the refusal its
    translator adds where the reply was blocked (`blocked_refusal`)."""
    blocks = _best_effort(message, _stream_piece(message))
    return blocks + blocked_refusal(message.response_metadata)


def _translators(provider: str) -> tuple[Translate, Translate] | None:
    """The translators registered for `provider`, else the reading its spec declares
    (`ProviderSpec.blocks`: one langchain-core always has), registered on first use."""
    registered = _REGISTERED.get(provider)
    if registered is None and (declared := _declared_reading(provider)) is not None:
        register_blocks(provider, declared)
        registered = _REGISTERED[provider]
    return registered


@functools.lru_cache(maxsize=64)  # provider names come from replies: bounded
def _declared_reading(provider: str) -> Translate | None:
    declared = spec(provider)
    if declared is None or declared.blocks is None:
        return None
    return cast(Translate, declared_object(declared.blocks))


def _stream_piece(message: ReplyFields) -> PieceFields | None:
    return cast("PieceFields", message) if hasattr(message, "tool_call_chunks") else None


def _base(content: Any) -> list[_Block]:
    """LangChain's best-effort reading: strings are text, known blocks stay, provider
    input shapes become standard ones, the rest is non-standard."""
    items = [content] if isinstance(content, str) and content else content
    if isinstance(items, str):
        return []
    blocks: list[_Block] = []
    for item in items:
        if isinstance(item, str):
            blocks.append({"type": "text", "text": item})
        elif isinstance(item, dict):
            blocks.append(from_input_block(item))
    return blocks


def _with_tool_calls(blocks: list[_Block], message: ReplyFields) -> list[_Block]:
    present = {b.get("id") for b in blocks if b.get("type") == "tool_call"}
    for call in message.tool_calls:
        call_id = call.get("id")
        if call_id and call_id not in present:
            blocks.append(
                {"type": "tool_call", "id": call_id, "name": call["name"], "args": call["args"]}
            )
    return blocks


def _with_reasoning(blocks: list[_Block], message: ReplyFields) -> list[_Block]:
    reasoning = message.additional_kwargs.get("reasoning_content")
    if isinstance(reasoning, str) and not any(b.get("type") == "reasoning" for b in blocks):
        blocks.insert(0, {"type": "reasoning", "reasoning": reasoning})
    return blocks


def _tool_call_chunk_blocks(chunk: PieceFields) -> list[_Block]:
    out = []
    for tc in chunk.tool_call_chunks:
        block: _Block = {
            "type": "tool_call_chunk",
            "id": tc.get("id"),
            "name": tc.get("name"),
            "args": tc.get("args"),
        }
        if tc.get("index") is not None:
            block["index"] = tc["index"]
        out.append(block)
    return out


def chat_completions_blocks(message: ReplyFields) -> list[_Block]:
    """The standard blocks of a Chat Completions reply or stream piece, as LangChain's
    OpenAI translator reads it: its text and tool calls (tool-call chunks on a piece);
    content that is a list (reasoning blocks) keeps its blocks and its tool calls."""
    if isinstance(message.content, str):
        blocks = _chat_completions(message, _stream_piece(message))
        return blocks + kwargs_refusal(message.additional_kwargs)
    # (A list is read as Responses-API content, as LangChain reads it: no refusal added.)
    return _with_tool_calls(_base(message.content), message)


def messages_api_blocks(message: ReplyFields) -> list[_Block]:
    """The standard blocks of a Messages-API reply or stream piece, as LangChain's
    Anthropic translator reads it (`anthropic_style_blocks` with its own kinds: thinking,
    server tool calls and results, refusals; and the refusal its stop reason reports)."""
    blocks = anthropic_style_blocks(message, _anthropic_block)
    return stop_refusal(blocks, message.response_metadata)


def _chat_completions(message: ReplyFields, chunk: PieceFields | None) -> list[_Block]:
    blocks: list[_Block] = [{"type": "text", "text": message.content}] if message.content else []
    if chunk is not None and chunk.chunk_position != "last":
        return blocks + _tool_call_chunk_blocks(chunk)
    for call in message.tool_calls:
        blocks.append(
            {"type": "tool_call", "name": call["name"], "args": call["args"], "id": call.get("id")}
        )
    return blocks


# -- Anthropic ---------------------------------------------------------------------------------

#: Reads one block of a provider's own kinds, given the stream piece (None for a reply).
ReadBlock = Callable[[_Block, "PieceFields | None"], _Block]


def anthropic_style_blocks(message: ReplyFields, read_other: ReadBlock) -> list[_Block]:
    """The standard blocks of content in Anthropic's shape (Anthropic's replies, and a
    wire's that keeps its blocks): `text` (with citations) and `tool_use` blocks read as
    LangChain's Anthropic translator reads them, every other block by `read_other`. A str
    is one text block; what is not a dict is left out. A stream piece is read too."""
    chunk = _stream_piece(message)
    content = message.content
    items = [{"type": "text", "text": content}] if isinstance(content, str) else content
    blocks: list[_Block] = []
    for block in items:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "text":
            blocks.append(_text(block))
        elif kind == "tool_use":
            blocks.append(_tool_use(block, message, chunk))
        else:
            blocks.append(read_other(block, chunk))
    return blocks


def _anthropic_block(block: _Block, chunk: PieceFields | None) -> _Block:
    kind = block.get("type")
    if kind == "thinking":
        out: _Block = {"type": "reasoning", "reasoning": block.get("thinking", "")}
        keep_index_and_extras(out, block, {"type", "thinking", "index", "extras"})
        return out
    if kind == "server_tool_use":
        return _server_tool_use(block, chunk)
    if isinstance(kind, str) and kind.endswith("_tool_result"):
        return _server_tool_result(block)
    if kind == "refusal":
        return anthropic_refusal(block)
    wrapped: _Block = {"type": "non_standard", "value": dict(block)}
    if "index" in block:
        wrapped["index"] = wrapped["value"].pop("index")
    return wrapped


def _text(block: _Block) -> _Block:
    citations = block.get("citations")
    if citations:
        out: _Block = {
            "type": "text",
            "text": block.get("text", ""),
            "annotations": [_citation(c) for c in citations],
        }
    else:
        out = {"type": "text", "text": block["text"]}
    if "index" in block:
        out["index"] = block["index"]
    return out


def _citation(citation: _Block) -> _Block:
    kind = citation.get("type")
    if kind == "web_search_result_location" and "cited_text" in citation and "url" in citation:
        out: _Block = {
            "type": "citation",
            "cited_text": citation["cited_text"],
            "url": citation["url"],
        }
        if citation.get("title"):
            out["title"] = citation["title"]
        known = {"type", "cited_text", "url", "title", "index", "extras"}
    elif kind in _DOCUMENT_CITATIONS and "cited_text" in citation:
        out = {"type": "citation", "cited_text": citation["cited_text"]}
        if "document_title" in citation:
            out["title"] = citation["document_title"]
        elif citation.get("title"):
            out["title"] = citation["title"]
        known = {"type", "cited_text", "document_title", "title", "index", "extras"}
    else:
        return {"type": "non_standard_annotation", "value": citation}
    extras = {k: v for k, v in citation.items() if k not in known}
    if extras:
        out["extras"] = extras
    return out


_DOCUMENT_CITATIONS = frozenset(
    {"char_location", "content_block_location", "page_location", "search_result_location"}
)


def _tool_use(block: _Block, message: ReplyFields, chunk: PieceFields | None) -> _Block:
    if chunk is not None and len(chunk.tool_call_chunks) == 1 and chunk.chunk_position != "last":
        piece = chunk.tool_call_chunks[0]  # one piece of a stream
        out: _Block = {
            "type": "tool_call_chunk",
            "name": piece.get("name"),
            "id": piece.get("id"),
            "args": piece.get("args"),
        }
        _tool_extras(out, block)
        if piece.get("index") is not None:
            out["index"] = piece["index"]
        return out
    calls = message.tool_calls
    match = calls[0] if len(calls) == 1 else None
    if match is None and block.get("id"):
        match = next((c for c in calls if c.get("id") == block["id"]), None)
    if match is not None:
        out = {
            "type": "tool_call",
            "name": match["name"],
            "args": match["args"],
            "id": match.get("id"),
        }
    else:
        out = {
            "type": "tool_call",
            "name": block.get("name", ""),
            "args": block.get("input", {}),
            "id": block.get("id", ""),
        }
    if "index" in block:
        out["index"] = block["index"]
    _tool_extras(out, block)
    return out


def _tool_extras(out: _Block, block: _Block) -> None:
    for key in ("caller", "toolset_name"):
        if key in block:
            out.setdefault("extras", {})[key] = block[key]


def _server_tool_use(block: _Block, chunk: PieceFields | None) -> _Block:
    name = block.get("name", "")
    if name == "code_execution":
        name = "code_interpreter"
    streamed = "partial_json" in block  # its input's fragments, merged
    first = chunk is not None and chunk.chunk_position != "last" and not streamed
    if first and block.get("input") == {}:
        out: _Block = {
            "type": "server_tool_call_chunk",
            "name": name,
            "args": "",
            "id": block.get("id", ""),
        }
        keep_index_and_extras(out, block, {"type", "name", "input", "id", "index"})
        return out
    out = {"type": "server_tool_call", "name": name, "args": block.get("input", {})}
    out["id"] = block.get("id", "")
    if streamed and block.get("input") == {}:
        with contextlib.suppress(json.JSONDecodeError):
            parsed = json.loads(block["partial_json"])
            if isinstance(parsed, dict):
                out["args"] = parsed
    keep_index_and_extras(out, block, {"type", "name", "input", "partial_json", "id", "index"})
    return out


def _server_tool_result(block: _Block) -> _Block:
    out: _Block = {
        "type": "server_tool_result",
        "tool_call_id": block.get("tool_use_id", ""),
        "status": "success",
        "extras": {"block_type": block["type"]},
    }
    output = block.get("content", [])
    if output:
        out["output"] = output
        if isinstance(output, dict) and output.get("error_code"):
            out["status"] = "error"
    if block.get("is_error"):
        out["status"] = "error"
    keep_index_and_extras(out, block, {"type", "tool_use_id", "content", "is_error", "index"})
    return out


def keep_index_and_extras(out: _Block, block: _Block, known: set[str]) -> None:
    """Copy `block`'s `index` onto the standard block `out`, and its keys not in `known`
    into `out["extras"]`."""
    if "index" in block:
        out["index"] = block["index"]
    for key, value in block.items():
        if key not in known:
            out.setdefault("extras", {})[key] = value
