"""Anthropic request side: chatplex messages → the Messages API's `system` and `messages`
(the fields a call's settings give: `body_fields.py`).

Leading system messages become `system`; consecutive user turns are merged (assistant
turns in a row go apart, as both partners send them); an
empty AI message before the last message is left out, a final one is sent empty and
without trailing whitespace (the API's rules for a prefill);
`ToolMessage`s become user `tool_result` blocks (first in their turn, as the API requires);
OpenAI-style `image_url` blocks become Anthropic `image` blocks, LangChain's standard
`file` blocks `document` blocks. Assistant content goes
as it is (thinking blocks, cited text blocks with their `citations`), except the
`reasoning` blocks of OpenAI-compatible replies, which Anthropic does not take, and
LangChain's `refusal` blocks, which the API has no input block for: without them the
message goes with its other blocks (a turn of nothing else is an empty one); and the
server's own calls (`server_tool_use`, `mcp_tool_use`) go with the keys the API takes,
as langchain-anthropic sends them.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

from ...adapters.validate import base64_data_url
from ...adapters.validate import inline_image
from ...messages import AIMessage
from ...messages import AIMessageChunk
from ...messages import BaseMessage
from ...messages import HumanMessage
from ...messages import SystemMessage
from ...messages import ToolMessage
from .later_systems import TOOL_CHANGES
from .later_systems import Later
from .later_systems import dropped_system_block
from .later_systems import unwrapped
from .response import _PROVIDER
from .tool_results import tool_result
from .v1_citations import cited_text_block
from .v1_citations import server_block

__all__ = ["plain_text", "to_wire_messages"]

_Block = dict[str, Any]


def to_wire_messages(
    messages: Sequence[BaseMessage],
    *,
    error_flags: bool = True,
    empty_reply: str | None = None,
    later: Later | None = None,
    invalid_calls: bool = True,
    result_marks_up: bool = True,
) -> tuple[str | list[_Block] | None, list[_Block]]:
    """Leading system messages → `system`; the rest → alternating user/assistant turns.
    `error_flags`: each tool_result block says `is_error` (false too, as
    langchain-anthropic writes it); off, none does (a ToolMessage's status is not sent).
    `empty_reply`: the text an empty AI message before the last goes as (a partner on
    InvokeModel: "."); None: it is left out. `later`: how a later system message is
    read (`later_systems`); None: refused. `invalid_calls`: an AI message's invalid
    tool calls go as tool_use blocks (`_sendable_invalid`); off, they are left out, as
    a partner on InvokeModel may leave them out. `result_marks_up`: `tool_result`'s
    `marks_up` (off: a tool result's cache breakpoint stays on its block, as that
    partner keeps it)."""
    if not messages:
        raise ValueError("Anthropic needs at least one message; got an empty list")
    start = 0
    while start < len(messages) and isinstance(messages[start], SystemMessage):
        start += 1
    if start == len(messages):
        raise ValueError("Anthropic needs a user or assistant message; got only system messages")
    system = _system(messages[:start], None if later is None else True)
    turns: list[_Block] = []
    joined = True
    last = len(messages) - 1
    if later is not None:  # the rules for the last turn are the last non-system one's
        last = max(i for i, m in enumerate(messages) if not isinstance(m, SystemMessage))
    i = start - 1
    while i + 1 < len(messages):
        i += 1
        content: str | list[_Block]
        if later is not None and isinstance(messages[i], SystemMessage):
            end = i
            while end + 1 < len(messages) and isinstance(messages[end + 1], SystemMessage):
                end += 1
            system = later.take(messages[i : end + 1], turns, system, _system)
            i, joined = end, False  # the turns around it stay apart
            continue
        if _empty_reply(messages[i], invalid_calls):
            if i < last and empty_reply is None:
                # The API refuses empty content but in a final assistant turn: an empty
                # reply before it is left out, and the turns around it stay apart (the
                # API takes two user turns in a row), as langchain-anthropic sends them.
                joined = False
                continue
            content = empty_reply if i < last and empty_reply else ""  # the final: empty
            if empty_reply is None and isinstance(messages[i].content, list):
                content = []  # (as langchain-anthropic sends a list it left every block of)
            role = "assistant"
        else:
            role, content = _turn(messages[i], i, error_flags, invalid_calls, result_marks_up)
        if i == last and role == "assistant":
            content = _without_trailing_space(content)
        if later is not None and later.pending:
            system = later.before(role, turns, system, _system)
        if joined and turns and turns[-1]["role"] == role == "user":
            # Consecutive user turns (tool results among them) become one, as
            # langchain-anthropic's and langchain-aws' _merge_messages merge them; assistant
            # turns in a row go apart, as theirs (the API combines them).
            turns[-1]["content"] = _join(turns[-1]["content"], content, role)
        else:
            turns.append({"role": role, "content": content})
        joined = True
    if later is not None:
        later.end(turns, _system)
    return system, turns


def _without_trailing_space(content: str | list[_Block]) -> str | list[_Block]:
    """A final assistant turn (a prefill) without trailing whitespace, which the API
    refuses there: the text, or its last text block, right-stripped as
    langchain-anthropic sends it."""
    if isinstance(content, str):
        return content.rstrip()
    if content and content[-1].get("type") == "text" and isinstance(content[-1].get("text"), str):
        return [*content[:-1], {**content[-1], "text": content[-1]["text"].rstrip()}]
    return content


def _empty_reply(msg: BaseMessage, invalid_calls: bool) -> bool:
    """An AI message with no content (or refusals alone, which are not sent) and no tool
    calls (a stream's last chunk kept alone, a reply of nothing, a refused one)."""
    return (
        isinstance(msg, AIMessage)
        and (not msg.content or (isinstance(msg.content, list) and all(map(_refusal, msg.content))))
        and not msg.tool_calls
        and not (invalid_calls and _sendable_invalid(msg))
    )


def _refusal(block: Any) -> bool:
    """LangChain's refusal block, which `_blocks` leaves out: the API has no such input."""
    return isinstance(block, dict) and block.get("type") == "refusal"


def _turn(
    msg: BaseMessage, i: int, error_flags: bool, invalid_calls: bool, marks_up: bool
) -> tuple[str, str | list[_Block]]:
    if isinstance(msg, HumanMessage):
        user = msg.content if isinstance(msg.content, str) else _blocks(msg.content, i)
        if not user:
            raise ValueError(f"message {i}: empty user message; Anthropic rejects empty content")
        return "user", user
    if isinstance(msg, AIMessage):
        if isinstance(msg, AIMessageChunk):
            msg = msg.to_message()  # a merged stream: parse tool-call fragments, drop indexes
        return "assistant", _assistant_content(msg, i, invalid_calls)
    if isinstance(msg, ToolMessage):
        parts = msg.content if isinstance(msg.content, str) else _blocks(msg.content, i)
        error = msg.status == "error" if error_flags else None
        return "user", [tool_result(msg.tool_call_id, parts, error, marks_up)]
    if isinstance(msg, SystemMessage):
        raise ValueError(
            f"message {i}: a system message after the conversation started. Anthropic has no "
            "mid-conversation system role (system messages become the top-level `system` "
            "prompt): put them first, or send this one as a user message"
        )
    raise TypeError(f"message {i}: unsupported message type {type(msg).__name__}")


def _is_reasoning(block: Any) -> bool:
    return isinstance(block, dict) and block.get("type") == "reasoning"


def _thinking(block: dict[str, Any]) -> dict[str, Any]:
    """A v1 reasoning block of Anthropic's as its thinking block, with its signature
    (langchain-anthropic's `_convert_from_v1_to_anthropic`)."""
    thinking: dict[str, Any] = {}
    if "reasoning" in block:
        thinking["thinking"] = block["reasoning"]
    thinking["type"] = "thinking"
    extras = block.get("extras")
    if isinstance(extras, dict) and extras.get("signature"):
        thinking["signature"] = extras["signature"]
    return thinking


def _assistant_content(msg: AIMessage, i: int, invalid_calls: bool) -> str | list[_Block]:
    content = msg.content
    own = msg.response_metadata.get("model_provider") == _PROVIDER
    if own and not isinstance(content, str):
        # Its cited text read as v1 blocks goes back cited, its server tools' calls and
        # results as their blocks (`v1_citations.py`).
        content = [server_block(cited_text_block(b)) if isinstance(b, dict) else b for b in content]
    if not isinstance(content, str) and any(_is_reasoning(b) for b in content):
        # The other blocks go as a list, as langchain-anthropic sends them. An Anthropic
        # reply's own thinking, written as LangChain's v1 reasoning block, goes back as
        # the thinking block it was (the API refuses a tool call's turn without it).
        kept = [(_thinking(b) if own else None) if _is_reasoning(b) else b for b in content]
        content = [b for b in kept if b is not None] or ""
    if isinstance(content, str):
        if not (msg.tool_calls or (invalid_calls and msg.invalid_tool_calls)):
            if not content:
                raise ValueError(f"message {i}: empty assistant message (no text, no tool calls)")
            return content
        blocks: list[_Block] = [{"type": "text", "text": content}] if content else []
    else:
        blocks = _blocks(content, i)
    if any(b.get("type") == "tool_use" for b in blocks):
        blocks = _tool_use_blocks(blocks, msg)
    blocks = [_server_call(b) if b.get("type") in _SERVER_CALLS else b for b in blocks]
    if msg.tool_calls:
        # Content may already hold Anthropic-native tool_use blocks; do not send them twice.
        present = {b.get("id") for b in blocks if b.get("type") == "tool_use"}
        for call in msg.tool_calls:
            call_id = call.get("id")
            if not call_id:
                raise ValueError(
                    f"message {i}: tool call {call.get('name')!r} has no id; Anthropic matches "
                    "tool results to tool calls by id"
                )
            if call_id not in present:
                blocks.append(
                    {"type": "tool_use", "id": call_id, "name": call["name"], "input": call["args"]}
                )
    present = {b.get("id") for b in blocks if b.get("type") == "tool_use"}
    for bad in _sendable_invalid(msg) if invalid_calls else ():
        if bad["id"] not in present:
            blocks.append(_invalid_call_block(bad))
    if not blocks:
        raise ValueError(f"message {i}: empty assistant message (no text, no tool calls)")
    return blocks


def _sendable_invalid(msg: AIMessage) -> list[Any]:
    """The invalid tool calls with an id and a name: langchain-anthropic sends each as a
    tool_use block, so a tool result answering one (its error, say) has the call the
    API requires in the turn before it."""
    return [c for c in msg.invalid_tool_calls if c.get("id") and c.get("name")]


def _invalid_call_block(call: Any) -> _Block:
    """An invalid tool call as langchain-anthropic's tool_use block: its arguments where
    they parse as a JSON object, else empty."""
    try:
        args = json.loads(call.get("args") or "{}")
    except ValueError:
        args = {}
    return {
        "type": "tool_use",
        "id": call["id"],
        "name": call["name"],
        "input": args if isinstance(args, dict) else {},
    }


def _tool_use_blocks(blocks: list[_Block], msg: AIMessage) -> list[_Block]:
    """tool_use blocks as the API takes them back: the input is the matching tool call's
    arguments (the calls are what a program reads and may have edited), and stream-only
    keys (`index`, LangChain's `partial_json`) and an empty `toolset_name` are dropped
    (langchain-anthropic sends a toolset name only when there is one)."""
    args = {c.get("id"): c["args"] for c in msg.tool_calls if c.get("id")}
    out = []
    for block in blocks:
        if block.get("type") == "tool_use":
            block = {
                k: v
                for k, v in block.items()
                if k not in ("index", "partial_json") and (v is not None or k != "toolset_name")
            }
            if block.get("id") in args:
                block["input"] = args[block["id"]]
        out.append(block)
    return out


#: Calls the server made itself (its web search, an MCP server's tool), and the keys the
#: API takes back of them (langchain-anthropic's: a stream's `index` and `partial_json`,
#: which the API refuses, are left out).
_SERVER_CALLS = frozenset({"server_tool_use", "mcp_tool_use"})
_SERVER_CALL_KEYS = ("type", "id", "input", "name", "server_name", "cache_control")


def _server_call(block: _Block) -> _Block:
    """A server call as langchain-anthropic sends it back: its input as given, or, left
    empty by a stream, its streamed JSON when that parses to something."""
    out = {k: v for k, v in block.items() if k in _SERVER_CALL_KEYS}
    if block.get("input") == {} and "partial_json" in block:
        try:
            streamed = json.loads(block["partial_json"])
        except (TypeError, ValueError):
            streamed = None
        if streamed:
            out["input"] = streamed
    return out


#: The fields of a text block Anthropic takes (others, such as LangChain's `id` or
#: OpenAI's `prompt_cache_breakpoint`, it rejects as extra inputs).
_ANTHROPIC_TEXT_KEYS = frozenset({"type", "text", "cache_control", "citations"})


#: A reply's blocks sent back, and the keys the API takes of each (langchain-anthropic's):
#: a stream's `index`, which the API refuses as an extra input, is left out.
_RESULT_KEYS = ("type", "content", "tool_use_id", "is_error", "cache_control", "retrieved_at")
_REPLY_BLOCK_KEYS: dict[str, tuple[str, ...]] = {
    "thinking": ("type", "thinking", "cache_control", "signature"),
    "redacted_thinking": ("type", "cache_control", "data"),
    "tool_search_tool_result": ("type", "content", "tool_use_id", "cache_control"),
    **dict.fromkeys(
        (
            "code_execution_tool_result",
            "bash_code_execution_tool_result",
            "text_editor_code_execution_tool_result",
            "mcp_tool_result",
            "web_search_tool_result",
            "web_fetch_tool_result",
        ),
        _RESULT_KEYS,
    ),
}


#: A reply's blocks sent back whole but for a stream's `index`, which the API refuses.
_UNINDEXED = frozenset({"advisor_tool_result", "compaction"})


def _reply_block(block: _Block, keys: tuple[str, ...]) -> _Block:
    out = {k: v for k, v in block.items() if k in keys}
    if out.get("type") == "thinking" and "signature" in out:
        out.setdefault("thinking", "")  # a signature alone streamed (an empty thought)
    return out


def _blocks(content: list[Any], i: int) -> list[_Block]:
    """Content blocks for the wire; empty text blocks and thoughts without a signature
    (another provider's), which Anthropic rejects, and refusals dropped."""
    out: list[_Block] = []
    for block in content:
        if isinstance(block, str):
            block = {"type": "text", "text": block}
        elif not isinstance(block, dict):
            raise TypeError(
                f"message {i}: a content block must be a dict, got {type(block).__name__}"
            )
        kind = block.get("type")
        if (kind == "text" and not block.get("text")) or _refusal(block):
            continue
        if kind == "thinking" and not block.get("signature"):
            continue  # another provider's thought: Anthropic refuses it unsigned
        if kind in _REPLY_BLOCK_KEYS:
            block = _reply_block(block, _REPLY_BLOCK_KEYS[kind])
        elif kind in _UNINDEXED:
            block = {k: v for k, v in block.items() if k != "index"}
        elif kind == "text":  # what Anthropic takes of it, as langchain-anthropic narrows it
            block = {k: v for k, v in block.items() if k in _ANTHROPIC_TEXT_KEYS}
            if block.get("citations"):
                block["citations"] = [_sent_citation(c) for c in block["citations"]]
        elif kind == "image_url":
            block = _image(block, i)
        elif kind == "image" and "source" not in block:
            block = _with_document_keys(_standard_image(block, i), block)
        elif kind in ("file", "text-plain"):
            block = _with_document_keys(_standard_file(block, i), block)
        out.append(block)
    return out


def _sent_citation(citation: Any) -> Any:
    """A reply's citation as sent back: without the null `file_id` the SDK's model dumps
    (langchain-anthropic drops it too)."""
    if isinstance(citation, dict) and "file_id" in citation and citation["file_id"] is None:
        return {k: v for k, v in citation.items() if k != "file_id"}
    return citation


def _standard_file(block: _Block, i: int) -> _Block:
    """LangChain's standard file block (`url`, `base64` + `mime_type`, a file id, or the
    0.x `source_type` forms; `text-plain`'s text) as Anthropic's `document`, as
    langchain-anthropic converts it (a PDF unless the block names its type), but plain
    text given as base64, which goes decoded."""
    source: _Block
    if "url" in block:
        source = {"type": "url", "url": block["url"]}
    elif (text := _plain_text_of(block)) is not None:
        # Anthropic's base64 source is a PDF's alone: plain text goes as its text source.
        source = {"type": "text", "media_type": "text/plain", "data": text}
    elif "base64" in block or block.get("source_type") == "base64":
        data = block.get("base64") or block.get("data", "")
        source = {"type": "base64", "media_type": block.get("mime_type") or "application/pdf"}
        source["data"] = data
    elif block.get("type") == "text-plain" or block.get("source_type") == "text":
        media_type = block.get("mime_type") or "text/plain"
        source = {"type": "text", "media_type": media_type, "data": block["text"]}
    elif "file_id" in block or block.get("source_type") == "id":
        source = {"type": "file", "file_id": block.get("file_id") or block["id"]}
    else:
        raise ValueError(f"message {i}: a file block needs a url, base64 data, text or a file id")
    return {"type": "document", "source": source}


def _plain_text_of(block: _Block) -> str | None:
    """The text of a `text-plain` block given as base64 (no `text`), or of a file block of
    base64 plain text; None for any other block, or data that is no UTF-8 text (sent as
    given: the wire's own check, or the API, refuses it)."""
    if "base64" not in block and block.get("source_type") != "base64":
        return None
    if block.get("type") != "text-plain" and block.get("mime_type") != "text/plain":
        return None
    return plain_text(block.get("base64") or block.get("data", ""))


def plain_text(data: Any) -> str | None:
    """`data`, base64 of UTF-8 text, decoded; None where it is no such thing."""
    try:
        return base64.b64decode(data, validate=True).decode("utf-8")
    except (ValueError, TypeError):  # (binascii.Error and UnicodeDecodeError are ValueErrors)
        return None


#: What a standard image or file block may carry on to Anthropic's block (itself, or in
#: its `extras` or older `metadata`), as langchain-anthropic carries it.
_DOCUMENT_KEYS = ("cache_control", "citations", "title", "context")


def _with_document_keys(converted: _Block, block: _Block) -> _Block:
    for key in _DOCUMENT_KEYS:
        for holder in (block, block.get("extras"), block.get("metadata")):
            if isinstance(holder, dict) and key in holder:
                converted[key] = holder[key]
                break
    return converted


def _standard_image(block: _Block, i: int) -> _Block:
    """LangChain's standard image block (`url`, `base64` + `mime_type`, or the 0.x
    `source_type` form) as Anthropic's `image` with its `source`, as langchain-anthropic
    converts it; an `id` (a file id) as Anthropic's `file` source."""
    inline = inline_image(block, f"message {i}")
    if inline is not None:
        media_type, data = inline
        return {
            "type": "image",
            "source": {"type": "base64", "media_type": media_type, "data": data},
        }
    url = block.get("url")
    if isinstance(url, str) and url.startswith("data:"):
        return _image({"image_url": {"url": url}}, i)
    if isinstance(url, str) and url:
        return {"type": "image", "source": {"type": "url", "url": url}}
    file_id = block.get("file_id") or (
        block.get("id") if block.get("source_type") == "id" else None
    )
    if isinstance(file_id, str) and file_id:
        return {"type": "image", "source": {"type": "file", "file_id": file_id}}
    raise ValueError(f"message {i}: an image block needs a url, base64 data or a file id")


def _image(block: _Block, i: int) -> _Block:
    """OpenAI-style `image_url` → Anthropic `image` (base64 from data URLs, else by URL)."""
    ref = block.get("image_url")
    url = ref.get("url") if isinstance(ref, dict) else ref
    if not isinstance(url, str):
        raise ValueError(f"message {i}: image_url block without a url")
    if url.startswith("data:"):
        media_type, data = base64_data_url(url, f"message {i}", "to Anthropic")
        source = {"type": "base64", "media_type": media_type, "data": data}
        return {"type": "image", "source": source}
    if url.startswith(("https://", "http://")):
        return {"type": "image", "source": {"type": "url", "url": url}}
    raise ValueError(f"message {i}: unsupported image URL scheme in {url[:40]!r}")


def _join(a: str | list[_Block], b: str | list[_Block], role: str) -> list[_Block]:
    left = [{"type": "text", "text": a}] if isinstance(a, str) else a
    right = [{"type": "text", "text": b}] if isinstance(b, str) else b
    out = left + right
    if role == "user" and any(x.get("type") == "tool_result" for x in right):
        # Anthropic wants tool_result blocks first in a user turn; the sort is stable.
        out.sort(key=lambda x: x.get("type") != "tool_result")
    return out


def _system(
    messages: Sequence[BaseMessage], tool_changes: bool | None = None
) -> str | list[_Block] | None:
    """One text system message is sent as its string; more are a list of text blocks, one
    per message, as langchain-anthropic merges them (empty texts left out: Anthropic
    rejects an empty text block; each narrowed to the fields Anthropic takes).
    `tool_changes`: None, a block of another type is a ValueError; else it is dropped
    with langchain-anthropic's warning, save a tool change (`tool_addition`,
    `tool_removal`) where `tool_changes` is true (a system message sent where it stands)."""
    contents = [m.content for m in messages]
    if len(contents) == 1 and isinstance(contents[0], str):
        return contents[0] or None
    blocks: list[_Block] = []
    for i, content in enumerate(contents):
        for block in [content] if isinstance(content, str) else content:
            if isinstance(block, str):
                block = {"type": "text", "text": block}
            if tool_changes is not None:
                block = unwrapped(block)
                if block.get("type") in TOOL_CHANGES and tool_changes:
                    blocks.append(block)
                    continue
                if block.get("type") != "text":
                    dropped_system_block(block.get("type"))
                    continue
            if block.get("type") != "text":
                raise ValueError(f"message {i}: Anthropic system prompts take text blocks only")
            if block.get("text"):  # narrowed as its turns' text blocks are
                blocks.append({k: v for k, v in block.items() if k in _ANTHROPIC_TEXT_KEYS})
    return blocks or None
