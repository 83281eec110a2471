"""Bedrock Converse's conversation: chatplex messages → the body's `system` blocks and
its alternating `messages` turns (`wire_messages`).

- System messages become `system` (`[{"text": ...}]`), wherever they are in the
  conversation (Converse has no mid-conversation system role), as langchain-aws
  gathers them.
- Runs of messages of one type are merged first (LangChain's `merge_message_runs`, as
  langchain-aws merges them); consecutive same-role turns are then merged (Converse
  wants alternating roles), and `ToolMessage`s become user `toolResult` blocks
  (`status: "error"` for failed tools). Blank user, assistant or tool-result text goes
  as ".".
- Converse's own blocks pass as they are (`{"cachePoint": {"type": "default"}}`,
  `{"guardContent": ...}`, `{"document": ...}`: a dict with one such key and no
  "type"), as langchain-aws passes them; `{"type": "guard_content", "text": ...}` is
  langchain-aws's typed guard block.
- Files: LangChain's base64 `file` blocks become `{"document": ...}` (`documents.py`).
- Images: data URLs (`image_url`), Anthropic-style `{"type": "image", "source":
  {"type": "base64", ...}}` and LangChain's `{"type": "image", "base64": ...,
  "mime_type": ...}` become `{"image": {"format", "source": {"bytes"}}}` (bytes are
  base64 in the JSON wire, as botocore sends a blob). Bedrock does not fetch URLs: an
  `http(s)` image URL is refused before any request.
- Assistant turns: text, `toolUse` for each tool call, and the signed reasoning blocks
  of a previous reply (`reasoningContent`: Claude needs them back with tool results;
  an Anthropic `thinking` block too, unless another provider's reply holds it; a v1
  reply's signature and redacted thought from its `extras`); reasoning without a
  signature is not sent, nor Anthropic's `redacted_thinking` (as langchain-aws leaves
  it out). A server-side tool's call and result
  (`server_tool_call` / `server_tool_result` blocks, as `response.py` reads
  them) go back in place as `toolUse` with `"type": "server_tool_use"` and `toolResult`
  with its own `type` and `status`, as Bedrock returned them (a recorded next turn shows
  Converse takes them so); a result that is not Converse's content (another provider's)
  is refused before any request.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ...messages import AIMessage
from ...messages import AIMessageChunk
from ...messages import BaseMessage
from ...messages import HumanMessage
from ...messages import SystemMessage
from ...messages import ToolMessage
from ...messages.utils import merge_message_runs
from .documents import document_block
from .documents import video_block

__all__ = [
    "EMPTY_TEXT",
    "NATIVE_BLOCK_KEYS",
    "SERVER_TOOL_BLOCK_TYPES",
    "answered_invalid_calls",
    "is_native",
    "wire_messages",
]


_Block = dict[str, Any]

#: Converse's own content blocks, which a message may carry as they are (no "type"), as
#: langchain-aws passes them: `{"cachePoint": {"type": "default"}}` (its
#: `create_cache_point()`), `{"guardContent": ...}`, `{"document": ...}`...
NATIVE_BLOCK_KEYS = frozenset(
    {"cachePoint", "guardContent", "document", "image", "video", "audio", "json", "searchResult"}
)
#: The standard blocks a reply's server-side tool use is kept as (sent back as they came).
SERVER_TOOL_BLOCK_TYPES = frozenset({"server_tool_call", "server_tool_result"})
#: What a Converse `toolResult.content` item may hold (botocore's `ToolResultContentBlock`).
_RESULT_CONTENT_KEYS = frozenset({"json", "text", "image", "document", "video", "searchResult"})
#: What langchain-aws sends for blank user or tool-result text (Converse refuses blanks).
EMPTY_TEXT = "."
_IMAGE_FORMATS = {"image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif"}
_IMAGE_FORMATS |= {"image/webp": "webp", "image/jpg": "jpeg"}


def wire_messages(messages: Sequence[BaseMessage]) -> tuple[list[_Block], list[_Block]]:
    """System messages → `system` blocks, wherever they are; the rest → alternating
    turns. Runs of messages of one type are merged first (LangChain's
    `merge_message_runs`: two user texts in a row become one, joined by a newline), as
    langchain-aws merges them."""
    system: list[_Block] = []
    turns: list[_Block] = []
    names: dict[str, int] = {}  # the documents' derived names so far (`document_block`)
    for i, message in enumerate(merge_message_runs(answered_invalid_calls(list(messages)))):
        if isinstance(message, SystemMessage):
            system.extend(_text_blocks(message.content, i))
            continue
        role, content = _turn(message, i, names)
        if not content:
            # An empty assistant turn (no text, no calls): Bedrock rejects blanks, so it
            # goes as ".", as langchain-aws sends it (left out, its neighbours would merge).
            content = [{"text": EMPTY_TEXT}]
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(content)
        else:
            turns.append({"role": role, "content": content})
    if not turns:
        # A system prompt alone goes with a "." user turn, as langchain-aws sends it (and
        # counts it: trim_messages(token_counter=model) counts the system message alone).
        turns.append({"role": "user", "content": [{"text": EMPTY_TEXT}]})
    if turns[0]["role"] != "user":
        raise ValueError("Bedrock Converse needs the conversation to start with a user message")
    return system, turns


def answered_invalid_calls(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """`messages` with each AI message's invalid tool calls cut to those a tool result
    answers before the next AI message. Those go as tool-use blocks (as
    langchain-anthropic sends them), so each result has the call the API requires in
    the turn before it; langchain-aws leaves every invalid call out, and Bedrock refuses
    the result that answers one. An unanswered one is left out, as langchain-aws leaves
    it (a tool use needs its result in the turn after)."""
    out = list(messages)
    for i, message in enumerate(messages):
        if not isinstance(message, AIMessage) or not message.invalid_tool_calls:
            continue
        answered: set[str] = set()
        for later in messages[i + 1 :]:
            if isinstance(later, AIMessage):
                break
            if isinstance(later, ToolMessage):
                answered.add(later.tool_call_id)
        kept = [c for c in message.invalid_tool_calls if c.get("id") in answered]
        if kept != message.invalid_tool_calls:
            out[i] = message.model_copy(update={"invalid_tool_calls": kept})
    return out


def _turn(msg: BaseMessage, i: int, names: dict[str, int]) -> tuple[str, list[_Block]]:
    if isinstance(msg, HumanMessage):
        return "user", _user_blocks(msg.content, i, names) or [{"text": EMPTY_TEXT}]
    if isinstance(msg, AIMessage):
        if isinstance(msg, AIMessageChunk):
            msg = msg.to_message()  # a merged stream: parse tool-call fragments
        return "assistant", _assistant_blocks(msg, i)
    if isinstance(msg, ToolMessage):
        result = _user_blocks(msg.content, i, names) or [{"text": EMPTY_TEXT}]
        tool_result: _Block = {"toolUseId": msg.tool_call_id, "content": result}
        tool_result["status"] = "error" if msg.status == "error" else "success"
        return "user", [{"toolResult": tool_result}]
    raise TypeError(f"message {i}: unsupported message type {type(msg).__name__}")


def _text_blocks(content: Any, i: int) -> list[_Block]:
    """A system message as Converse's system blocks; blank text (and no content at all)
    as `EMPTY_TEXT`, as langchain-aws sends it (an agent's empty system prompt, which a
    cache point then follows)."""
    if isinstance(content, str):
        return [{"text": content if content.strip() else EMPTY_TEXT}]
    if not content:
        return [{"text": EMPTY_TEXT}]
    out = []
    for block in content:
        if is_native(block):
            out.append(dict(block))  # a cachePoint after the system prompt
            continue
        if isinstance(block, str):
            if block:
                out.append({"text": block})
        elif block.get("type") == "text":
            text = block.get("text")
            out.append({"text": text if isinstance(text, str) and text.strip() else EMPTY_TEXT})
        else:
            raise ValueError(f"message {i}: a system message takes text only")
    return out


def is_native(block: Any) -> bool:
    """Whether `block` is one of Converse's own content blocks, passed as it is."""
    return (
        isinstance(block, dict)
        and "type" not in block
        and len(block) == 1
        and (next(iter(block)) in NATIVE_BLOCK_KEYS)
    )


def _typed_blocks(
    content: Sequence[Any], out: list[_Block], has_text: Callable[[str], Any]
) -> Iterator[tuple[int, _Block]]:
    """The pieces of list content that go as they are, appended to `out` -- a str as a
    text block (when `has_text` says it holds text), a Converse-native block unchanged --
    and the others yielded, with their index, for the turn to translate."""
    for j, block in enumerate(content):
        if isinstance(block, str):
            if has_text(block):
                out.append({"text": block})
        elif is_native(block):
            out.append(dict(block))
        else:
            yield j, block


def _user_blocks(content: Any, i: int, names: dict[str, int]) -> list[_Block]:
    """User or tool-result content as Converse's blocks; blank text (and no content at
    all) as `EMPTY_TEXT`, as langchain-aws sends it."""
    if isinstance(content, str):
        return [{"text": content if content.strip() else EMPTY_TEXT}]
    if not content:
        return [{"text": EMPTY_TEXT}]
    out: list[_Block] = []
    for j, block in _typed_blocks(content, out, bool):
        kind = block.get("type")
        if kind == "guard_content":  # langchain-aws's typed form of guardContent
            out.append({"guardContent": {"text": {"text": block.get("text") or ""}}})
        elif kind == "text":
            text = block.get("text")
            out.append({"text": text if isinstance(text, str) and text.strip() else EMPTY_TEXT})
        elif kind in ("image_url", "image"):
            out.append({"image": _image(block, i, j)})
        elif kind == "file":
            out.append(document_block(block, f"message {i}: content block {j}", names))
        elif kind == "video":
            out.append(video_block(block, f"message {i}: content block {j}"))
        elif kind in ("reasoning", "reasoning_content"):
            continue  # not user content
        else:
            raise ValueError(f"message {i}: content block {j} of type {kind!r} is not sent")
    return out


#: langchain-aws's words for an image sent otherwise than as base64 data: an `image_url`
#: that is no base64 data URL, an `image` block without base64 data (by URL, by id).
_NOT_BASE64_URL = (
    "The image URL provided is not supported. Expected image URL format is "
    "base64-encoded images. Example: data:image/png;base64,'/9j/4AAQSk'..."
)
_NOT_INLINE_IMAGE = "Image data only supported through in-line base64 format."


def _image(block: _Block, i: int, j: int) -> _Block:
    """One image block as Converse's `{"format", "source": {"bytes": base64}}`."""
    mime: Any = None
    data: Any = None
    if block.get("type") == "image_url":
        url = block.get("image_url")
        url = url.get("url") if isinstance(url, dict) else url
        if isinstance(url, str) and url.startswith("data:") and ";base64," in url:
            head, _, data = url.partition(";base64,")
            mime = head[len("data:") :]
        else:  # Bedrock fetches no URL: refused in langchain-aws's words
            raise ValueError(_NOT_BASE64_URL)
    else:
        source = block.get("source")
        if isinstance(source, dict) and source.get("type") == "base64":
            mime, data = source.get("media_type"), source.get("data")
        elif not {"base64", "data", "source"} & set(block):  # (by URL, or by file id)
            raise ValueError(_NOT_INLINE_IMAGE)
        else:
            mime, data = block.get("mime_type"), block.get("base64") or block.get("data")
    fmt = _IMAGE_FORMATS.get(str(mime).lower())
    if fmt is None:
        raise ValueError(
            f"message {i}: content block {j}: image type {mime!r} is not one Bedrock takes "
            f"({', '.join(sorted(_IMAGE_FORMATS))})"
        )
    if not isinstance(data, str) or not data:
        raise ValueError(f"message {i}: content block {j}: the image has no base64 data")
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"message {i}: content block {j}: the image data is not base64") from None
    return {"format": fmt, "source": {"bytes": data}}


def _assistant_blocks(msg: AIMessage, i: int) -> list[_Block]:
    """A previous reply's turn: its content in order, a `tool_use` block (langchain-aws's
    reply content) standing for the tool call of its id, and the calls no block stands
    for after them, as langchain-aws sends them."""
    out: list[_Block] = []
    calls = {call["id"]: call for call in msg.tool_calls}
    content = msg.content
    if isinstance(content, str):
        if content.strip():
            out.append({"text": content})
    else:
        for j, block in _typed_blocks(content or (), out, str.strip):
            kind = block.get("type")
            if kind == "text" and str(block.get("text") or "").strip():
                out.append({"text": block["text"]})
            elif kind == "reasoning":  # a v1 reply's keeps its signature in `extras`
                extras = block.get("extras")
                signed = {**extras, **block} if isinstance(extras, dict) else block
                _add_reasoning(out, signed, block.get("reasoning"))
            elif kind == "reasoning_content":  # langchain-aws's
                said = block.get("reasoning_content")
                if isinstance(said, dict):
                    _add_reasoning(out, said, said.get("text"))
            elif kind == "thinking" and not _foreign(msg):
                # Anthropic's form of a signed thought, as langchain-aws takes it back;
                # another provider's reply's (a ChatAnthropic one) is left out, as it is.
                _add_reasoning(out, {"signature": block.get("signature")}, block.get("thinking"))
            elif kind == "tool_use":
                call = calls.pop(block.get("id"), None)
                if call is not None:
                    out.append(_tool_use(call))
            elif kind == "server_tool_call":
                out.append({"toolUse": _server_call_back(block, i, j)})
            elif kind == "server_tool_result":
                out.append({"toolResult": _server_result_back(block, i, j)})
    out.extend(_tool_use(call) for call in msg.tool_calls if call["id"] in calls)
    out.extend(_invalid_tool_use(call) for call in msg.invalid_tool_calls)
    return out


#: The `model_provider`s of Bedrock's own replies (and a message that names none).
_OWN_REPLIES = frozenset({None, "bedrock_converse", "bedrock"})


def _foreign(msg: AIMessage) -> bool:
    """Whether `msg` is another provider's reply (its reasoning is not Bedrock's)."""
    return msg.response_metadata.get("model_provider") not in _OWN_REPLIES


def _tool_use(call: Any) -> _Block:
    return {"toolUse": {"toolUseId": call["id"], "name": call["name"], "input": call["args"]}}


def _invalid_tool_use(call: Any) -> _Block:
    """An invalid call a tool result answers (`answered_invalid_calls`): its arguments
    where they parse as a JSON object, else none."""
    try:
        args = json.loads(call.get("args") or "")
    except ValueError:
        args = None
    given = {"id": call.get("id"), "name": call.get("name") or "", "args": args}
    return _tool_use(given if isinstance(args, dict) else {**given, "args": {}})


def _add_reasoning(out: list[_Block], said: Mapping[str, Any], text: Any) -> None:
    """A previous reply's reasoning (`text`, its `signature` or `redacted_content` in
    `said`) as Converse takes it back: redacted, or signed; an unsigned one is left out."""
    redacted = said.get("redacted_content")
    signature = said.get("signature")
    if isinstance(redacted, bytes):  # langchain-aws's reply holds botocore's decoded blob
        redacted = base64.b64encode(redacted).decode("ascii")
    if isinstance(redacted, str) and redacted:
        out.append({"reasoningContent": {"redactedContent": redacted}})
    elif isinstance(signature, str) and signature:
        reasoning = {"text": text or "", "signature": signature}
        out.append({"reasoningContent": {"reasoningText": reasoning}})


def _server_call_back(block: _Block, i: int, j: int) -> _Block:
    """A server-side tool call of a previous reply, as the `toolUse` Bedrock sent."""
    where = f"message {i}: content block {j} (server_tool_call)"
    call_id, name, args = block.get("id"), block.get("name"), block.get("args")
    if not isinstance(call_id, str) or not call_id or not isinstance(name, str) or not name:
        raise ValueError(f"{where} needs its 'id' and 'name' to be sent back to Bedrock")
    extras = block.get("extras")
    if not isinstance(args, dict) or (isinstance(extras, dict) and "unparsed_args" in extras):
        raise ValueError(
            f"{where}: its 'args' is not a JSON object (the streamed input did not parse: "
            "see extras['unparsed_args']); Converse takes a tool input only as an object"
        )
    return {"toolUseId": call_id, "name": name, "input": args, "type": "server_tool_use"}


def _server_result_back(block: _Block, i: int, j: int) -> _Block:
    """A server-side tool result of a previous reply, as the `toolResult` Bedrock sent:
    its content as it came (`[{"json": ...}]`), its own `type` from `extras`."""
    where = f"message {i}: content block {j} (server_tool_result)"
    call_id, output = block.get("tool_call_id"), block.get("output")
    if not isinstance(call_id, str) or not call_id:
        raise ValueError(f"{where} needs its 'tool_call_id' to be sent back to Bedrock")
    fits = isinstance(output, list) and all(
        isinstance(item, dict) and len(item) == 1 and next(iter(item)) in _RESULT_CONTENT_KEYS
        for item in output
    )
    if not fits:
        raise ValueError(
            f"{where}: its 'output' is not Converse tool-result content (a list of "
            f"one-key blocks: {', '.join(sorted(_RESULT_CONTENT_KEYS))}); a server tool "
            "result from another provider cannot be sent to Bedrock: drop the block"
        )
    result: _Block = {"toolUseId": call_id, "content": output}
    extras = block.get("extras")
    if isinstance(extras, dict) and isinstance(extras.get("block_type"), str):
        result["type"] = extras["block_type"]
    result["status"] = "error" if block.get("status") == "error" else "success"
    return result
