"""Gemini request side: a conversation → the `generateContent` body's `contents` and
`systemInstruction` parts (pure), as the REST reference (camelCase) and
langchain-google-genai's history conversion write them; the rest of the body is
`request.py`'s:

- `SystemMessage`s become `systemInstruction` (all of them, in order);
- `HumanMessage` → a `user` content; `AIMessage` → a `model` content whose thinking
  blocks go back as `thought` parts and whose tool calls go back as `functionCall` parts,
  each with the `thoughtSignature` the reply carried (kept in `additional_kwargs`
  under `__gemini_function_call_thought_signatures__`, by tool-call id, as LangChain
  keeps them), so multi-turn tool use with thinking models round-trips (another
  provider's reply goes without its thinking, as langchain-google-genai sends it);
- `ToolMessage`s → `functionResponse` parts of one `user` content (the name taken from
  the message or from the call it answers; one answering an invalid tool call, which
  goes unsent, left out as langchain-google-genai leaves it out; a str that is JSON is
  sent parsed, anything but an object wrapped as `{"output": ...}`, as LangChain does;
  Vertex AI's as langchain-google-vertexai writes them, with its turns and system
  role: `vertex_history.py`);
- legacy function calling: an assistant turn's `additional_kwargs["function_call"]` →
  a `functionCall` part, its answer by name (`messages.answers_by_name`) → a
  `functionResponse` part of a `user` content of its own (`_answer_by_name`);
- images: base64 data URLs / standard `image` blocks → `inlineData`, URLs → `fileData`;
- a user turn of no content at all is left out, with langchain-google-genai's warning
  (`without_empty_user_turns`).
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import re
import warnings
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ...adapters.validate import base64_data_url
from ...messages import AIMessage
from ...messages import BaseMessage
from ...messages import HumanMessage
from ...messages import SystemMessage
from ...messages import ToolMessage
from ...messages import answers_by_name
from .vertex_history import merged_turns
from .vertex_history import tool_response as vertex_tool_response
from .vertex_history import typed_files
from .vertex_history import unblank

__all__ = [
    "EMPTY_TURN_WARNING",
    "SYSTEM_AS_HUMAN_WARNING",
    "FUNCTION_SIGNATURES_KEY",
    "GEMINI_REPLIES",
    "PART_RESOLUTION_WARNING",
    "per_part_resolution",
    "video_metadata",
    "system_as_human",
    "wire_contents",
    "without_empty_user_turns",
]

#: Where a reply keeps its function calls' thought signatures (LangChain's key).
FUNCTION_SIGNATURES_KEY = "__gemini_function_call_thought_signatures__"

#: langchain-google-genai's words when it leaves an empty user turn out.
EMPTY_TURN_WARNING = "HumanMessage with empty content was removed to prevent API error"


#: langchain-google-genai's words for `convert_system_message_to_human=True`, at each call.
SYSTEM_AS_HUMAN_WARNING = (
    "The 'convert_system_message_to_human' parameter is deprecated and will be "
    "removed in a future version. Use system instructions instead."
)


def system_as_human(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """`messages` as langchain-google-genai's `convert_system_message_to_human=True`
    sends them (with its DeprecationWarning): a leading system message merged into the
    user turn right after it (tool results not counted), its parts first, and no system
    message sent after that; without such a pair, as they are (system instruction)."""
    warnings.warn(SYSTEM_AS_HUMAN_WARNING, DeprecationWarning, stacklevel=3)
    turns = [m for m in messages if not isinstance(m, ToolMessage)]
    if len(turns) < 2 or not isinstance(turns[0], SystemMessage):
        return list(messages)
    system, human = turns[0], turns[1]
    if not isinstance(human, HumanMessage):
        return list(messages)
    merged = human.model_copy(update={"content": [*_blocks(system), *_blocks(human)]})
    return [
        merged if m is human else m
        for m in messages
        if m is human or not isinstance(m, SystemMessage)
    ]


def _blocks(message: BaseMessage) -> list[Any]:
    content = message.content
    return [{"type": "text", "text": content}] if isinstance(content, str) else list(content)


def without_empty_user_turns(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """`messages` without the user turns of no content at all (`""`, `[]`), each left
    out with langchain-google-genai's warning, as it leaves them out (Gemini refuses an
    empty turn; a turn of blank text blocks is kept, and refused)."""
    kept: list[BaseMessage] = []
    for message in messages:
        if isinstance(message, HumanMessage) and not message.content:
            warnings.warn(EMPTY_TURN_WARNING, UserWarning, stacklevel=3)
        else:
            kept.append(message)
    return kept


def wire_contents(
    messages: Sequence[BaseMessage], *, vertex_history: bool = False
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(systemInstruction parts, contents) of a conversation; `vertex_history`: its tool
    results and turns as langchain-google-vertexai writes them (`vertex_history.py`). A
    text block's thought signature goes as its part's `thoughtSignature`: from
    `thought_signature` (where langchain-google-vertexai writes it; both partners read
    it) and, but for `vertex_history`, from its `extras` (langchain-google-genai's;
    -vertexai reads none there)."""
    system: list[dict[str, Any]] = []
    contents: list[dict[str, Any]] = []
    call_names: dict[str, str] = {}
    unparsed: set[str] = set()  # the ids of invalid tool calls, which go unsent
    signed = _VERTEX_SIGNATURES if vertex_history else _GENAI_SIGNATURES
    for i, message in enumerate(messages):
        if isinstance(message, SystemMessage):
            system.extend(_parts(message.content, i, signed))
        elif answers_by_name(message):
            contents.append(_answer_by_name(message, i, vertex_history))
        elif isinstance(message, ToolMessage) and vertex_history:
            # Its media go as parts of their own, as langchain-google-genai sends them:
            # langchain-google-vertexai runs their fields into the response's text.
            media, rest = _media_apart(message.content, i)
            response = vertex_tool_response(rest)
            name = _call_name(message, call_names, i)
            part = {"functionResponse": {"name": name, "response": response}}
            contents.append({"role": "user", "parts": [*media, part]})  # merged below
        elif isinstance(message, ToolMessage):
            if message.tool_call_id in unparsed and message.tool_call_id not in call_names:
                continue  # its call is never sent, so neither is it (langchain-google-genai)
            answer = _function_response(message, call_names, i)
            last = contents[-1] if contents else None
            if last and last["role"] == "user" and "functionResponse" in last["parts"][-1]:
                last["parts"].extend(answer)  # parallel calls: their answers in one turn
            else:
                contents.append({"role": "user", "parts": answer})
        elif isinstance(message, AIMessage):
            for call in message.tool_calls:
                call_id = call.get("id")
                if call_id:
                    call_names[call_id] = call["name"]
            unparsed.update(c["id"] for c in message.invalid_tool_calls if c["id"] is not None)
            parts = _model_parts(message, i, signed)
            if parts:
                contents.append({"role": "model", "parts": parts})
        elif isinstance(message, HumanMessage) or message.type in ("human", "chat"):
            parts = _parts(message.content, i, signed)
            if vertex_history:
                parts = unblank(parts)  # merged with the user turns beside it, below
            contents.append({"role": "user", "parts": parts})
        else:
            raise ValueError(f"message {i}: Gemini cannot take a {message.type!r} message")
    if vertex_history:
        typed = [{**c, "parts": typed_files(c["parts"])} for c in contents]
        return system, merged_turns(typed)
    return system, contents


#: Where each partner reads a text block's thought signature: langchain-google-genai
#: from `thought_signature` or `extras` (a foreign reply's from neither), -vertexai from
#: `thought_signature` only.
_GENAI_SIGNATURES = frozenset({"thought_signature", "extras"})
_VERTEX_SIGNATURES = frozenset({"thought_signature"})
#: Where langchain-google-vertexai reads a v1 reply's text signature.
_EXTRAS_SIGNATURE = frozenset({"extras"})


def _is_text(block: Any) -> bool:
    return isinstance(block, Mapping) and block.get("type") == "text"


def _parts(content: Any, i: int, signed: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"text": content}]
    parts = []
    for block in content or ():
        part = _block_part(block, i, signed)
        if part is not None:
            parts.append(part)
    return parts


def _block_part(block: Any, i: int, signed: frozenset[str] = frozenset()) -> dict[str, Any] | None:
    if isinstance(block, str):
        return {"text": block}
    kind = block.get("type")
    if kind == "text":
        part: dict[str, Any] = {"text": block.get("text", "")}
        signature = block.get("thought_signature") if "thought_signature" in signed else None
        if "extras" in signed:
            signature = signature or (block.get("extras") or {}).get("signature")
        if signature:
            part["thoughtSignature"] = signature
        return part
    if kind in ("thinking", "reasoning"):
        return None  # sent back only from assistant turns (see `_model_parts`)
    if kind in ("executable_code", "code_execution_result"):
        return _code_part(block, i)
    if kind == "image_url":
        ref = block.get("image_url")
        url = ref.get("url") if isinstance(ref, Mapping) else ref
        return _media_part(url, None, i)
    if kind == "media":  # the partners' own block
        return _media(block, i, vertex=signed == _VERTEX_SIGNATURES)
    # LangChain's standard data blocks: image / audio / video / file
    mime = block.get("mime_type")
    if block.get("base64") is not None or block.get("source_type") == "base64":
        return _inline(mime, block.get("base64") or block.get("data"), i)
    url = block.get("url") or (block.get("data") if block.get("source_type") == "url" else None)
    if url:
        return _media_part(url, mime, i)
    if signed == _VERTEX_SIGNATURES:  # Vertex AI has no Files API: -vertexai raises
        raise ValueError("source_type must be url or base64.")
    if block.get("file_id"):
        # As langchain-google-genai builds it: a file block's type defaults to
        # octet-stream, another block by id without one sends none.
        file_data = {"fileUri": block["file_id"]}
        if mime or kind == "file":
            file_data["mimeType"] = mime or "application/octet-stream"
        return {"fileData": file_data}
    raise ValueError(f"message {i}: {kind} block has no base64 data, url or file_id")


#: A code execution result's outcome as langchain-google-genai reads a block's number.
_OUTCOMES = {1: "OUTCOME_OK", 2: "OUTCOME_FAILED"}


def _code_part(block: Mapping[str, Any], i: int) -> dict[str, Any]:
    """A code execution block of a Gemini reply (`executable_code`,
    `code_execution_result`) as its part again, as langchain-google-genai sends it back:
    the code and its language; the output and its outcome (1 OUTCOME_OK, 2
    OUTCOME_FAILED, another number unspecified, a name as given, none OUTCOME_OK)."""
    if block["type"] == "executable_code":
        if "executable_code" not in block or "language" not in block:
            raise ValueError(f"message {i}: executable_code block needs its code and language")
        language = getattr(block["language"], "value", block["language"])
        return {"executableCode": {"language": language, "code": block["executable_code"]}}
    if "code_execution_result" not in block:
        raise ValueError(f"message {i}: code_execution_result block needs its output")
    outcome = block.get("outcome", 1)
    if isinstance(outcome, int):
        outcome = _OUTCOMES.get(outcome, "OUTCOME_UNSPECIFIED")
    outcome = getattr(outcome, "value", outcome)
    return {"codeExecutionResult": {"outcome": outcome, "output": block["code_execution_result"]}}


def _media(block: Mapping[str, Any], i: int, *, vertex: bool) -> dict[str, Any]:
    """A `media` block's part, as the partner sends it: its data inline (bytes, or
    base64 text, checked and whitespace dropped: langchain-google-genai's), else its
    `file_uri` (the MIME type, which -vertexai always needs, where given); its
    `video_metadata` (offsets checked); langchain-google-genai's `media_resolution`
    (kept for Gemini 3 and later only: `request.per_part_resolution`),
    `media_processing` and the signature in its `extras`."""
    mime = block.get("mime_type")
    if (vertex or "data" in block) and not mime:
        raise ValueError(f"message {i}: a media block needs its mime_type")
    if "data" in block:
        part: dict[str, Any] = {"inlineData": {"mimeType": mime, "data": _base64(block, i, vertex)}}
    elif "file_uri" in block:
        part = {"fileData": {"fileUri": block["file_uri"], **({"mimeType": mime} if mime else {})}}
    else:
        raise ValueError(f"message {i}: a media block needs data or a file_uri")
    if "video_metadata" in block:
        part["videoMetadata"] = video_metadata(block["video_metadata"], i)
    extras = block.get("extras")
    if vertex:
        return part
    if "media_resolution" in block:
        part["mediaResolution"] = {"level": block["media_resolution"]}
    if "media_processing" in block:
        part["mediaProcessing"] = block["media_processing"]
    if isinstance(extras, Mapping) and isinstance(extras.get("signature"), str):
        part["thoughtSignature"] = extras["signature"]
    return part


#: langchain-google-genai's words when a per-part resolution goes unsent.
PART_RESOLUTION_WARNING = (
    "Setting per-part media resolution requests to Gemini 2.5 models and older is not "
    "supported. The media_resolution parameter will be ignored."
)
_MAJOR = re.compile(r"gemini-(\d+)")


def per_part_resolution(contents: list[dict[str, Any]], model: Any) -> None:
    """The media parts' `mediaResolution` left where langchain-google-genai sends it:
    to Gemini 3 and later; a Gemini 2.5's dropped with its warning, another's dropped."""
    parts = [p for c in contents for p in c.get("parts") or () if "mediaResolution" in p]
    name = re.sub(r"^[a-z]{2,}\.(?=(?:gemini|gemma)-)", "", str(model or "").lower())
    name = name.rsplit("/", 1)[-1]
    if not parts or any(int(major) >= 3 for major in _MAJOR.findall(name)):
        return
    if "gemini-2.5" in name:
        warnings.warn(PART_RESOLUTION_WARNING, UserWarning, stacklevel=6)
    for part in parts:
        del part["mediaResolution"]


_BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


def _base64(block: Mapping[str, Any], i: int, vertex: bool) -> Any:
    """A media block's data as sent: bytes encoded; base64 text decoded and encoded
    again, as each partner's types read it (-vertexai's proto: URL-safe, its error
    raised as it is; langchain-google-genai's: whitespace dropped, checked first)."""
    data = block["data"]
    if isinstance(data, (bytes, bytearray)):
        return base64.b64encode(data).decode()
    if not isinstance(data, str):
        return data
    if vertex:
        return base64.b64encode(base64.urlsafe_b64decode(data)).decode()
    clean = re.sub(r"\s+", "", data)
    if not _BASE64.match(clean) or len(clean) % 4:
        raise ValueError(f"message {i}: a media block's data should be valid base64")
    return base64.b64encode(base64.b64decode(clean)).decode()


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    with contextlib.suppress(TypeError, ValueError):
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str) and value.endswith("s"):
            return float(value[:-1])
        if isinstance(value, Mapping):
            return float(value.get("seconds", 0)) + float(value.get("nanos", 0)) / 1e9
    return None


def video_metadata(raw: Any, i: int) -> dict[str, Any]:
    """A media block's `video_metadata` as sent (camelCase), once its offsets are seen
    to be no negative span, as the partners check them before sending.

    >>> video_metadata({"start_offset": "1s", "end_offset": "5s"}, 0)
    {'startOffset': '1s', 'endOffset': '5s'}
    """
    if not isinstance(raw, Mapping):
        raise ValueError(f"message {i}: video_metadata must be a mapping")
    out = {_camel(k): v for k, v in raw.items()}
    start, end = _seconds(out.get("startOffset")), _seconds(out.get("endOffset"))
    if (start is not None and start < 0) or (end is not None and end < 0):
        raise ValueError(f"message {i}: video_metadata offsets must be non-negative")
    if start is not None and end is not None and start > end:
        raise ValueError(f"message {i}: video_metadata's start_offset is after its end_offset")
    return out


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def _inline(mime: Any, data: Any, i: int) -> dict[str, Any]:
    if not isinstance(mime, str) or not mime or not isinstance(data, str) or not data:
        raise ValueError(f"message {i}: inline data needs mime_type and base64 data")
    return {"inlineData": {"mimeType": mime, "data": data}}


def _media_part(url: Any, mime: str | None, i: int) -> dict[str, Any]:
    if not isinstance(url, str) or not url:
        raise ValueError(f"message {i}: image block without a url")
    if url.startswith("data:"):
        return _inline(*base64_data_url(url, f"message {i}", "inline to Gemini"), i)
    if url.startswith(("https://", "http://", "gs://")):
        file_data = {"fileUri": url}
        if mime:
            file_data["mimeType"] = mime
        return {"fileData": file_data}
    raise ValueError(f"message {i}: unsupported media URL scheme in {url[:40]!r}")


#: The `model_provider`s of Gemini's own replies (the Gemini API's and Vertex AI's).
GEMINI_REPLIES = frozenset({"google_genai", "google_vertexai"})

#: langchain-google-genai's logger of the v1 blocks it does not send back: a script's
#: log handler sees the same record under the same name.
_PARTNER_LOG = logging.getLogger("langchain_google_genai._compat")
UNSIGNED_V1_REASONING = (
    "Dropping v1 reasoning block with no thought signature; "
    "its text will not be sent back to the model."
)


def _model_parts(message: AIMessage, i: int, signed: frozenset[str]) -> list[dict[str, Any]]:
    """An assistant turn: thoughts (with signatures), text, then function calls. The
    thinking of another provider's reply (its `model_provider` named and not Gemini's)
    is left out, as langchain-google-genai leaves it: it is not a Gemini thought, and
    its signature is not one Gemini made (nor is its text's, which goes unsigned)."""
    parts: list[dict[str, Any]] = []
    content = message.content
    provider = message.response_metadata.get("model_provider")
    geminis = provider in GEMINI_REPLIES
    foreign = provider is not None and not geminis
    # langchain-google-genai sends a Gemini reply's v1 reasoning back only with the
    # signature Gemini checks: an unsigned one goes unsent (and is logged).
    v1_gemini = (
        signed == _GENAI_SIGNATURES
        and provider in GEMINI_REPLIES
        and message.response_metadata.get("output_version") == "v1"
    )
    if isinstance(content, str):
        if content:
            parts.append({"text": content})
    else:
        v1 = message.response_metadata.get("output_version") == "v1"
        for block in content or ():
            if isinstance(block, Mapping) and block.get("type") == "non_standard" and v1:
                # a v1 reply's Gemini block LangChain's v1 could not name: sent as it
                # was (another provider's is dropped, as langchain-google-genai drops it)
                value = block.get("value")
                if foreign or not isinstance(value, dict):
                    continue
                block = value
            if isinstance(block, Mapping) and block.get("type") in _SERVER_BLOCKS:
                server = _server_part(block, v1=v1)
                if server is not None:
                    parts.append(server)
            elif isinstance(block, Mapping) and block.get("type") in ("thinking", "reasoning"):
                # (-vertexai sends a v1 reply's reasoning back only where Gemini's)
                if foreign or (v1 and signed == _VERTEX_SIGNATURES and not geminis):
                    continue
                text = block.get("thinking", block.get("reasoning", ""))
                part: dict[str, Any] = {"text": text, "thought": True}
                signature = block.get("signature") or (block.get("extras") or {}).get("signature")
                if v1_gemini and block.get("type") == "reasoning" and not signature:
                    _PARTNER_LOG.warning(UNSIGNED_V1_REASONING)
                    continue
                if signature and signed != _VERTEX_SIGNATURES:  # (-vertexai sends none)
                    part["thoughtSignature"] = signature
                parts.append(part)
            else:
                # langchain-google-genai strips a foreign reply's text signatures;
                # -vertexai reads `thought_signature` whoever made it, but in a v1
                # reply's text, whose signature it reads of `extras` alone.
                unsigned = foreign and signed == _GENAI_SIGNATURES
                v1_vertex_text = v1 and signed == _VERTEX_SIGNATURES and _is_text(block)
                own = _EXTRAS_SIGNATURE if v1_vertex_text else signed
                found = _block_part(block, i, frozenset() if unsigned else own)
                if found is not None and found != {"text": ""}:
                    parts.append(found)
    signatures = message.additional_kwargs.get(FUNCTION_SIGNATURES_KEY) or {}
    for call in message.tool_calls:
        part = {"functionCall": {"name": call["name"], "args": call["args"]}}
        signature = signatures.get(call.get("id"))
        if signature:
            part["thoughtSignature"] = signature
        parts.append(part)
    legacy = message.additional_kwargs.get("function_call")
    if legacy and not message.tool_calls:
        # langchain-google-genai sends a legacy call alone, its text left out.
        # -vertexai sends none (a model content of no parts, which Vertex AI refuses):
        # here after the text, where it puts a turn's tool calls.
        call_part = {"functionCall": _legacy_call(legacy, i)}
        return [call_part] if signed == _GENAI_SIGNATURES else [*parts, call_part]
    return parts


#: A server-side tool's blocks (a v1 reply's code execution, Gemini's media processing
#: and search steps).
_SERVER_BLOCKS = ("server_tool_call", "server_tool_result")
#: langchain-google-genai's name of the step Gemini refuses back (`reply_parts`'s).
_MEDIA_PROCESSING = "media_processing"


def _server_part(block: Mapping[str, Any], *, v1: bool) -> dict[str, Any] | None:
    """A server-side tool's block of an assistant turn as langchain-google-genai sends
    it back, or None where it sends nothing: a media processing step never (Gemini
    refuses it); a code interpreter call as `executableCode`; another call with a
    warning. A result: in a v1 reply, a code execution result's only (its outcome from
    `extras`); else every one as a `codeExecutionResult`, its output as text, its
    outcome from `status` (or `extras`).

    >>> call = {"type": "server_tool_call", "name": "code_interpreter", "args": {"code": "1"}}
    >>> _server_part(call, v1=False)
    {'executableCode': {'language': 'python', 'code': '1'}}
    """
    raw_extras = block.get("extras")
    extras: Mapping[str, Any] = raw_extras if isinstance(raw_extras, Mapping) else {}
    if block["type"] == "server_tool_call":
        name = block.get("name")
        if name == _MEDIA_PROCESSING:
            return None
        if name != "code_interpreter":
            if not v1:
                warnings.warn(
                    f"Server tool call with name '{name}' is not currently supported by "
                    "Google GenAI. Only 'code_interpreter' is supported.",
                    stacklevel=6,
                )
            return None
        args = block.get("args") or {}
        language = args.get("language", "" if v1 else "python")
        code = {"language": getattr(language, "value", language), "code": args.get("code", "")}
        return {"executableCode": code}
    if extras.get("block_type") == _MEDIA_PROCESSING:
        return None
    if v1:
        if extras.get("block_type") != "code_execution_result":
            return None
        outcome = extras.get("outcome", "")
        output = block.get("output", "")
    else:
        outcome = "OUTCOME_OK" if block.get("status", "success") == "success" else "OUTCOME_FAILED"
        outcome = extras.get("outcome", outcome)
        output = str(block.get("output", ""))
    if isinstance(outcome, int):
        outcome = _OUTCOMES.get(outcome, "OUTCOME_UNSPECIFIED")
    return {"codeExecutionResult": {"outcome": outcome, "output": output}}


def _legacy_call(call: Any, i: int) -> dict[str, Any]:
    """An assistant turn's legacy `function_call` (`{"name", "arguments"}`, the
    arguments a JSON object's text) as a `functionCall`."""
    try:
        args = json.loads(call["arguments"])
        name = call["name"]
    except (TypeError, KeyError, ValueError):
        args = name = None
    if not isinstance(args, dict) or not isinstance(name, str):
        raise ValueError(
            f"message {i}: a function_call needs a name and its arguments as a JSON "
            f"object's text, got {call!r:.80}"
        )
    return {"name": name, "args": args}


def _answer_by_name(message: ToolMessage, i: int, vertex_history: bool) -> dict[str, Any]:
    """A result answering a legacy function call by name as a user content of its own,
    as the partners write a FunctionMessage: langchain-google-genai's as a tool
    result's (`_function_response`); -vertexai's with its content as it is, under
    `content` (merged with a user turn before it, as `merged_turns` merges)."""
    if vertex_history:
        response = {"content": message.content}
        return {
            "role": "user",
            "parts": [{"functionResponse": {"name": message.name, "response": response}}],
        }
    return {"role": "user", "parts": _function_response(message, {}, i)}


#: The block types langchain-google-genai sends from a tool result as parts of their own
#: (LangChain's data blocks and OpenAI's), not inside the functionResponse.
_MEDIA_BLOCKS = frozenset({"image", "file", "audio", "video", "image_url", "input_audio"})


def _function_response(
    message: ToolMessage, names: Mapping[str, str], i: int
) -> list[dict[str, Any]]:
    """The parts answering one tool call: as langchain-google-genai sends them, a list
    of blocks goes as it is in the functionResponse's `output`, its media blocks
    (images, files...) before it as parts of their own."""
    name = _call_name(message, names, i)
    content: Any = message.content
    media: list[dict[str, Any]] = []
    if isinstance(content, str):
        with contextlib.suppress(ValueError):  # plain text stays text
            content = json.loads(content)
    elif isinstance(content, list):
        media, content = _media_apart(content, i)
    response = content if isinstance(content, dict) else {"output": content}
    return [*media, {"functionResponse": {"name": name, "response": response}}]


def _media_apart(content: Any, i: int) -> tuple[list[dict[str, Any]], Any]:
    """A tool result's media blocks (images, files...) as parts, and the rest of its
    content (a str as it is)."""
    if not isinstance(content, list):
        return [], content
    media = [b for b in content if isinstance(b, Mapping) and b.get("type") in _MEDIA_BLOCKS]
    rest = [b for b in content if not (isinstance(b, Mapping) and b.get("type") in _MEDIA_BLOCKS)]
    return _parts(media, i), rest


def _call_name(message: ToolMessage, names: Mapping[str, str], i: int) -> str:
    """The name of the function a tool result answers: the message's, else its call's."""
    name = message.name or names.get(message.tool_call_id)
    if not name:
        raise ValueError(
            f"message {i}: a ToolMessage for Gemini needs the function's name: give it "
            "name=..., or keep the AIMessage whose tool call it answers before it"
        )
    return name
