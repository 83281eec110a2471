"""Ollama request side: chatplex messages and settings → the `/api/chat` body.

Messages go as `{"role", "content", "images"?, "thinking"?, "tool_calls"?, "tool_name"?}`:
text blocks are joined into `content`, each after a newline (as langchain-ollama does);
images (OpenAI-style `image_url` blocks with a base64 data URL, or LangChain's base64
`image` blocks) go as base64 strings in `images`
(Ollama takes no image URLs); an assistant turn's reasoning (its reasoning blocks, but
a LangChain v1 turn's, or `additional_kwargs["reasoning_content"]`, where
langchain-ollama keeps it) goes back as `thinking`
and its tool calls with their arguments as objects; a `ToolMessage` goes as role `tool`
with the `tool_name` of the call it answers (Ollama matches results by name, not id).
An empty member (`content` of an empty turn) is left out, as the ollama SDK sends it.

Sampling settings go inside `options` (`temperature`, `top_p`, `stop`, `num_predict` ←
`max_tokens`, and every Ollama option given as a body field: `num_ctx`, `top_k`,
`seed`...); `format`, `think`, `keep_alive`, `tools`, `logprobs` are top-level.
OpenAI's `response_format` (what `with_structured_output` binds) becomes `format`: a
JSON schema, or "json" for JSON mode, as langchain-ollama maps it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ...adapters.request_types import CallSettings
from ...adapters.request_types import ToolSpec
from ...adapters.validate import not_sendable
from ...messages import AIMessage
from ...messages import AIMessageChunk
from ...messages import BaseMessage
from ...messages import HumanMessage
from ...messages import SystemMessage
from ...messages import ToolMessage

__all__ = ["OPTION_NAMES", "TOP_LEVEL", "wire_body", "wire_messages", "wire_tool"]

#: Ollama's model options (`options` in the body: the ollama SDK's `Options` fields).
OPTION_NAMES = frozenset(
    {
        # load time
        "numa",
        "num_ctx",
        "num_batch",
        "num_gpu",
        "main_gpu",
        "low_vram",
        "f16_kv",
        "logits_all",
        "vocab_only",
        "use_mmap",
        "use_mlock",
        "embedding_only",
        "num_thread",
        # run time
        "num_keep",
        "seed",
        "num_predict",
        "top_k",
        "top_p",
        "tfs_z",
        "typical_p",
        "repeat_last_n",
        "temperature",
        "repeat_penalty",
        "presence_penalty",
        "frequency_penalty",
        "mirostat",
        "mirostat_tau",
        "mirostat_eta",
        "penalize_newline",
        "stop",
        "min_p",
    }
)
#: Top-level `/api/chat` fields a caller may set (besides model, messages, stream).
TOP_LEVEL = frozenset(
    {"tools", "format", "options", "think", "keep_alive", "logprobs", "top_logprobs"}
)
_THINK_LEVELS = ("low", "medium", "high")


def wire_body(
    messages: Sequence[BaseMessage], settings: CallSettings, *, stream: bool
) -> dict[str, Any]:
    """The whole `/api/chat` body of one call (`stream` is always sent: Ollama streams
    when it is absent)."""
    body: dict[str, Any] = {
        "model": settings.model,
        "messages": wire_messages(messages),
        "stream": stream,
    }
    options = settings.sampling(
        temperature="temperature", top_p="top_p", max_tokens="num_predict", stop="stop"
    )
    if settings.tools and settings.tool_choice != "none":
        # Ollama cannot force a tool (nor has tool_choice): as langchain-ollama, the tools
        # are offered and a forced choice is left to the model; "none" sends no tools.
        body["tools"] = [wire_tool(t) for t in settings.tools]
    elif not settings.tools:
        # No tools: an empty list, as the ollama SDK under langchain-ollama sends every
        # call (structured output's `format` included).
        body["tools"] = []
    for name, value in settings.extra_body.items():
        if name == "options":
            if value is None:  # (none, as the ollama SDK reads it)
                continue
            if not isinstance(value, Mapping):
                raise TypeError(f"options must be a dict of Ollama options, got {value!r}")
            options.update(value)
        elif name in OPTION_NAMES:
            options[name] = list(value) if name == "stop" and value is not None else value
        elif name == "response_format":
            if settings.extra_body.get("format") is None:
                body["format"] = format_from_response_format(value)
            elif value is not None:
                warnings.warn(
                    "Both 'format' and 'response_format' were provided. "
                    "'response_format' will be ignored in favor of 'format'.",
                    UserWarning,
                    stacklevel=2,
                )
        elif name == "reasoning":  # langchain-ollama's name for `think`
            body["think"] = value
        else:
            body[name] = value
    # Sent even when empty, as langchain-ollama sends it.
    body["options"] = {k: v for k, v in options.items() if v is not None}
    _check_think(body.get("think"))
    _check_format(body.get("format"))
    return {k: v for k, v in body.items() if v is not None}


def format_from_response_format(value: Any) -> Any:
    """OpenAI's `response_format` as Ollama's `format` (None: plain text), as
    langchain-ollama reads it: what it cannot read is ignored with its warning (its
    words, a `UserWarning`), and no `format` is sent.

    >>> format_from_response_format({"type": "json_object"})
    'json'
    >>> format_from_response_format(
    ...     {"type": "json_schema", "json_schema": {"name": "A", "schema": {"type": "object"}}}
    ... )
    {'type': 'object'}
    """
    if value is None:
        return None
    if not isinstance(value, Mapping):  # a pydantic class too (its type is its metaclass)
        return _ignored(
            f"Ignored invalid 'response_format' type: {type(value)}. Expected a dictionary."
        )
    kind = value.get("type")
    if kind == "json_object":
        return "json"
    if kind != "json_schema":
        return _ignored(
            f"Ignored unrecognized 'response_format' type: {kind}. "
            "Expected 'json_object' or 'json_schema'."
        )
    inner = value.get("json_schema")
    if not isinstance(inner, Mapping):
        return _ignored(
            "response_format has type 'json_schema' but 'json_schema' "
            f"value is {type(inner)}, expected a dict containing a 'schema' key. "
            "The format parameter will not be set."
        )
    schema = inner.get("schema")
    if schema is None:
        return _ignored(
            "response_format has type 'json_schema' but no 'schema' key was found in "
            "'json_schema'. The format parameter will not be set."
        )
    return dict(schema) if isinstance(schema, Mapping) else schema


def _ignored(words: str) -> None:
    # (pointing where langchain-ollama's does: at the code building the request)
    warnings.warn(words, UserWarning, stacklevel=3)


def _check_think(think: Any) -> None:
    if think is None or isinstance(think, bool) or think in _THINK_LEVELS:
        return
    raise ValueError(
        f"think (reasoning) must be True, False or one of {', '.join(_THINK_LEVELS)}; got {think!r}"
    )


def _check_format(fmt: Any) -> None:
    if fmt is None or fmt in ("", "json") or isinstance(fmt, Mapping):
        return
    raise ValueError(f'format must be "json" or a JSON schema (a dict), got {fmt!r}')


def wire_tool(tool: ToolSpec) -> dict[str, Any]:
    """A tool as Ollama takes it (OpenAI's function shape; `strict` is not Ollama's)."""
    return {
        "type": "function",
        "function": {
            "name": tool.name,
            **tool.description_field(),
            "parameters": _without_echoes(tool),
        },
    }


def _without_echoes(tool: ToolSpec) -> dict[str, Any]:
    """The tool's parameters without what only repeats its name or description, as
    langchain-ollama sends a pydantic model's (the ollama SDK's Tool model keeps none of
    them): the schema's `title` (the tool's name), its `description` (the tool's), and
    each property's `title` pydantic made of the property's name. What else that model
    drops (defaults, `anyOf`, a title of the author's) tells the model something: kept.

    >>> spec = ToolSpec("UserInfo", "Who.", {"title": "UserInfo", "description": "Who.",
    ...     "properties": {"first_name": {"title": "First Name", "type": "string"}}})
    >>> _without_echoes(spec)
    {'properties': {'first_name': {'type': 'string'}}}
    """
    echoes = {"title": tool.name, "description": tool.description}
    out = {k: v for k, v in tool.parameters.items() if echoes.get(k, _NONE) != v}
    properties = out.get("properties")
    if isinstance(properties, Mapping):
        out["properties"] = {
            name: {k: v for k, v in field.items() if (k, v) != ("title", _pydantic_title(name))}
            if isinstance(field, Mapping)
            else field
            for name, field in properties.items()
        }
    return out


#: A value no schema member holds.
_NONE = object()


def _pydantic_title(name: str) -> str:
    """The title pydantic gives a field of this name in a JSON schema."""
    return name.title().replace("_", " ")


def wire_messages(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """The messages as Ollama's; a ToolMessage gets the name of the call it answers."""
    names: dict[str, str] = {}  # tool call id → tool name, from the assistant turns
    out: list[dict[str, Any]] = []
    for i, message in enumerate(messages):
        if isinstance(message, AIMessage):
            if isinstance(message, AIMessageChunk):
                message = message.to_message()
            for call in message.tool_calls:
                call_id = call.get("id")
                if call_id:
                    names[call_id] = call["name"]
            out.append(_assistant(message, i))
        elif isinstance(message, ToolMessage):
            name = names.get(message.tool_call_id) or message.name
            text, images = _content(message.content, i)
            wire: dict[str, Any] = {"role": "tool", "content": text}
            if name:
                wire["tool_name"] = name
            if images:
                wire["images"] = images
            out.append(wire)
        elif isinstance(message, (HumanMessage, SystemMessage)):
            role = "user" if isinstance(message, HumanMessage) else "system"
            text, images = _content(message.content, i)
            wire = {"role": role, "content": text}
            if images:
                wire["images"] = images
            out.append(wire)
        else:
            raise not_sendable(message, f"message {i}: the Ollama adapter")
    # As the ollama SDK copies each message (langchain-ollama's path): no empty member,
    # an empty user turn's `content` included.
    return [{key: value for key, value in wire.items() if value} for wire in out]


def _assistant(message: AIMessage, i: int) -> dict[str, Any]:
    content: Any = message.content
    thinking = ""
    # A LangChain v1 turn's reasoning blocks are not sent, as langchain-ollama's v1
    # reading drops them (its `reasoning_content` still goes).
    v1 = message.response_metadata.get("output_version") == "v1"
    if isinstance(content, list):
        thinking = "".join(
            b.get("reasoning") or b.get("thinking") or ""
            for b in content
            if isinstance(b, dict) and b.get("type") in ("reasoning", "thinking") and not v1
        )
        content = [
            b
            for b in content
            if not (isinstance(b, dict) and b.get("type") in ("reasoning", "thinking"))
        ]
    text, images = _content(content or "", i)
    wire: dict[str, Any] = {"role": "assistant", "content": text}
    # Reasoning goes back as `thinking`: from reasoning blocks, or where langchain-ollama
    # keeps it (`additional_kwargs["reasoning_content"]`).
    thinking = thinking or message.additional_kwargs.get("reasoning_content") or ""
    if thinking:
        wire["thinking"] = thinking
    if images:
        wire["images"] = images
    # Invalid tool calls stay out, as langchain-ollama leaves them out.
    calls = [{"function": {"name": c["name"], "arguments": c["args"]}} for c in message.tool_calls]
    if calls:
        wire["tool_calls"] = calls
        if not text.strip():
            del wire["content"]  # as the ollama SDK sends a tool-calling turn
    return wire


def _content(content: Any, i: int) -> tuple[str, list[str]]:
    """(text, base64 images) of a message's content."""
    if isinstance(content, str):
        return content, []
    texts: list[str] = []
    images: list[str] = []
    for j, block in enumerate(content or ()):
        if isinstance(block, str):
            texts.append(block)
            continue
        kind = block.get("type")
        if kind == "text":
            texts.append(block.get("text") or "")
        elif kind == "image_url":
            images.append(_image_url(block, i, j))
        elif kind == "image":
            images.append(_image_block(block, i, j))
        elif kind in ("reasoning", "thinking", "tool_use"):
            continue  # not content Ollama takes back (tool_use travels as tool_calls)
        else:
            raise ValueError(
                f"message {i}, block {j}: Ollama takes text and image blocks, not {kind!r}"
            )
    # Each text part after a newline, as langchain-ollama joins them.
    return "".join("\n" + text for text in texts), images


def _image_url(block: Mapping[str, Any], i: int, j: int) -> str:
    ref = block.get("image_url")
    url = ref.get("url") if isinstance(ref, Mapping) else ref
    if not isinstance(url, str) or not url:
        raise ValueError(f"message {i}, block {j}: image_url block without a url")
    if url.startswith("data:"):
        header, comma, data = url[5:].partition(",")
        if not comma or not header.endswith(";base64"):
            raise ValueError(
                f"message {i}, block {j}: only base64 data URLs (data:<type>;base64,...) "
                "can be sent to Ollama"
            )
        return data
    if url.startswith(("http://", "https://")):
        raise ValueError(
            f"message {i}, block {j}: Ollama takes images as base64 data, not URLs; "
            "download the image and send it as a data:<type>;base64,... URL"
        )
    return url  # a bare base64 string, as langchain-ollama accepts


def _image_block(block: Mapping[str, Any], i: int, j: int) -> str:
    data = block.get("base64") or (
        block.get("data") if block.get("source_type") == "base64" else None
    )
    if not isinstance(data, str) or not data:
        # (by URL or by file id: refused in langchain-ollama's words)
        raise ValueError("Image data only supported through in-line base64 format.")
    return data
