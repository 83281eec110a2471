"""Standard content blocks from provider-shaped input blocks (images, audio, files).

LangChain 1.x reads content written in any provider's shape as its standard blocks: an
OpenAI `image_url` becomes `{"type": "image", "url": ...}`, an Anthropic `image` with a
`source` likewise, LangChain 0.x `source_type` blocks too. These are its rules
(`block_translators/langchain_v0.py`, `openai.py`, `anthropic.py`), for the three
families chatplex's adapters speak: keys that have no standard place go to `extras`,
blocks that fit no rule stay `{"type": "non_standard", "value": block}`. The other
wires' own shapes are not translated (they stay non-standard).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

__all__ = ["KNOWN_BLOCK_TYPES", "from_input_block", "lc_id"]

#: Block types of LangChain's standard set (`langchain_core.messages.content`).
KNOWN_BLOCK_TYPES = frozenset(
    {
        "text",
        "reasoning",
        "refusal",
        "tool_call",
        "invalid_tool_call",
        "tool_call_chunk",
        "image",
        "audio",
        "file",
        "text-plain",
        "video",
        "server_tool_call",
        "server_tool_call_chunk",
        "server_tool_result",
        "non_standard",
    }
)

_DATA_URI = re.compile(r"^data:(?P<mime_type>[^;]+);base64,(?P<data>.+)$")
#: LangChain 0.x `source_type` → (the block key holding the data, the standard key).
_V0_SOURCES = {"url": ("url", "url"), "base64": ("data", "base64"), "id": ("id", "file_id")}


def lc_id() -> str:
    """A block id as LangChain generates one (`lc_` + a UUID4)."""
    return f"lc_{uuid.uuid4()}"


def from_input_block(block: dict[str, Any]) -> dict[str, Any]:
    """The standard block for one content block, or a non-standard wrapper."""
    kind = block.get("type")
    if kind in ("image", "audio", "file") and "source_type" in block:
        return _from_v0(block)
    if kind in ("image_url", "input_audio", "file") and _is_openai_data(block):
        converted = _from_openai(block)
        if converted is not None:
            return converted
        return {"type": "non_standard", "value": block}
    source = block.get("source")
    if kind in ("image", "document") and isinstance(source, dict) and "type" in source:
        return _from_anthropic(block, source)
    if kind in KNOWN_BLOCK_TYPES:
        return block
    return {"type": "non_standard", "value": block}


def _media(
    kind: str, block_id: str | None, fields: dict[str, Any], extras: dict[str, Any]
) -> dict[str, Any]:
    """LangChain's `create_image_block` and kin: an id (generated when not given), the
    non-None fields, and the non-None extras."""
    out: dict[str, Any] = {"type": kind, "id": block_id or lc_id()}
    out.update((k, v) for k, v in fields.items() if v is not None)
    extras = {k: v for k, v in extras.items() if v is not None}
    if extras:
        out["extras"] = extras
    return out


def _from_v0(block: dict[str, Any]) -> dict[str, Any]:
    kind, source_type = block["type"], block.get("source_type")
    if kind == "file" and source_type == "text":
        known = {"mime_type", "type", "source_type", "url"}
        extras = {k: v for k, v in block.items() if k not in known}
        if "id" in block:
            extras.pop("id")
            out = _media("text-plain", block["id"], {"text": block["url"]}, extras)
            out["mime_type"] = "text/plain"
            return out
        plain: dict[str, Any] = {"type": "text-plain", "text": block["url"]}
        plain["mime_type"] = block.get("mime_type") or "text/plain"
        return _with_extras(plain, extras)
    if source_type not in _V0_SOURCES:
        return block  # LangChain leaves it as it is
    theirs, ours = _V0_SOURCES[source_type]
    if source_type == "id":
        known = {"type", "source_type", "id"}
        extras = {k: v for k, v in block.items() if k not in known}
        if kind == "file":
            return _media("file", None, {"file_id": block["id"]}, extras)
        return _with_extras({"type": kind, "file_id": block["id"]}, extras)
    known = {"mime_type", "type", "source_type", theirs}
    extras = {k: v for k, v in block.items() if k not in known}
    if "id" in block:
        extras.pop("id")
        fields = {ours: block[theirs], "mime_type": block.get("mime_type")}
        return _media(kind, block["id"], fields, extras)
    out = {"type": kind, ours: block[theirs]}
    if block.get("mime_type"):
        out["mime_type"] = block["mime_type"]
    return _with_extras(out, extras)


def _with_extras(out: dict[str, Any], extras: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in extras.items() if v is not None}
    if kept:
        out["extras"] = kept
    return out


def _is_openai_data(block: dict[str, Any]) -> bool:
    kind = block.get("type")
    if kind == "image_url":
        image = block.get("image_url")
        return (
            set(block) <= {"type", "image_url", "detail"}
            and isinstance(image, dict)
            and isinstance(image.get("url"), str)
        )
    if kind == "input_audio":
        audio = block.get("input_audio")
        return (
            isinstance(audio, dict)
            and isinstance(audio.get("data"), str)
            and isinstance(audio.get("format"), str)
        )
    file = block.get("file")
    return isinstance(file, dict) and (
        isinstance(file.get("file_data"), str) or isinstance(file.get("file_id"), str)
    )


def _from_openai(block: dict[str, Any]) -> dict[str, Any] | None:
    kind = block["type"]
    extras = {
        k: v for k, v in block.items() if k not in ("type", "image_url", "input_audio", "file")
    }
    if kind == "image_url":
        image = block["image_url"]
        for key, value in image.items():
            if key != "url":
                extras["detail" if key == "detail" else f"image_url_{key}"] = value
        parsed = _DATA_URI.match(image["url"])
        if parsed:
            fields = {"base64": parsed["data"], "mime_type": parsed["mime_type"]}
            return _media("image", None, fields, extras)
        return _media("image", None, {"url": image["url"]}, extras)
    if kind == "input_audio":
        audio = block["input_audio"]
        extras.update((f"audio_{k}", v) for k, v in audio.items() if k not in ("data", "format"))
        fields = {"base64": audio["data"], "mime_type": f"audio/{audio['format']}"}
        return _media("audio", None, fields, extras)
    file = block["file"]
    if "file_id" in file:
        extras.update((f"file_{k}", v) for k, v in file.items() if k != "file_id")
        return _media("file", None, {"file_id": file["file_id"]}, extras)
    parsed = _DATA_URI.match(file.get("file_data") or "")
    if parsed is None:
        return None
    extras.update((f"file_{k}", v) for k, v in file.items() if k not in ("file_data", "filename"))
    extras["filename"] = file.get("filename")
    fields = {"base64": parsed["data"], "mime_type": "application/pdf"}  # as LangChain has it
    return _media("file", None, fields, extras)


def _from_anthropic(block: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    kind, source_type = block["type"], source["type"]
    target = "file" if kind == "document" else "image"
    extras = {k: v for k, v in block.items() if k not in ("type", "source")}
    out: dict[str, Any]
    if source_type == "base64" and "data" in source and "media_type" in source:
        out = {"type": target, "base64": source["data"], "mime_type": source["media_type"]}
    elif source_type == "url" and "url" in source:
        out = {"type": target, "url": source["url"]}
    elif source_type == "file" and "file_id" in source:
        out = {"type": target, "id": source["file_id"]}
    elif source_type == "text" and kind == "document" and "data" in source:
        out = {
            "type": "text-plain",
            "text": source["data"],
            "mime_type": block.get("media_type", "text/plain"),
        }
    else:
        return {"type": "non_standard", "value": block}
    if extras:
        out["extras"] = extras  # LangChain keeps even None-valued extras here
    return out
