"""LangChain's standard `file` block as Converse's `document` block, and its `video`
block as Converse's `video` block, as langchain-aws converts them: base64 data only
(Converse fetches nothing), the format from the MIME type; for a document,
the block's citations setting, and a name (Converse wants one): the block's own, else
one derived from the bytes, so that the same request always reads the same (prompt
caching matches on it), `-2`, `-3`... for the same bytes again in one request (Converse
refuses two documents of one name), with langchain-aws's warning.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import warnings
from typing import Any

__all__ = ["document_block", "video_block"]

#: Converse's formats by MIME type (langchain-aws's table, which it reads for a file
#: block's format: its image and video rows too).
_FORMATS = {
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "text/csv": "csv",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/html": "html",
    "text/plain": "txt",
    "text/markdown": "md",
    "video/x-matroska": "mkv",
    "video/quicktime": "mov",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/x-flv": "flv",
    "video/mpeg": "mpeg",
    "video/x-ms-wmv": "wmv",
    "video/3gpp": "three_gp",
}

#: langchain-aws's words when a file block names no file.
UNNAMED_WARNING = (
    "Bedrock Converse may require a filename for file inputs. Specify a filename in the "
    "content block: {'type': 'file', 'mime_type': 'application/pdf', 'base64': '...', "
    "'name': 'my-pdf'}"
)


def document_block(block: dict[str, Any], where: str, names: dict[str, int]) -> dict[str, Any]:
    """`{"document": {"format", "source": {"bytes": base64}, "citations"?, "name"}}` for
    a standard file block; `where` names it in errors; `names` counts the derived names
    given so far in the request."""
    data, mime = _data_and_type(
        block,
        f"{where}: a file block goes to Bedrock as base64 data only",
        f"{where}: a file block's base64 data needs its mime_type",
    )
    document: dict[str, Any] = {"format": _format(mime, where), "source": {"bytes": data}}
    if block.get("citations"):
        document["citations"] = block["citations"]
    document["name"] = _given_name(block) or _derived_name(data, where, names)
    return {"document": document}


def video_block(block: dict[str, Any], where: str) -> dict[str, Any]:
    """`{"video": {"format", "source": {"bytes": base64}}}` for a standard video block,
    in langchain-aws's words where it refuses one."""
    data, mime = _data_and_type(
        block,
        f"{where}: Video data only supported through in-line base64 format.",
        f"{where}: mime_type key is required for base64 data.",
    )
    return {"video": {"format": _format(mime, where), "source": {"bytes": data}}}


def _data_and_type(block: dict[str, Any], no_data: str, no_type: str) -> tuple[str, str]:
    """A block's base64 data and its MIME type; a ValueError in the words given where
    either is missing."""
    data = _base64_data(block)
    if data is None:
        raise ValueError(no_data)
    mime = block.get("mime_type")
    if not isinstance(mime, str):
        raise ValueError(no_type)
    return data, mime


def _base64_data(block: dict[str, Any]) -> str | None:
    """A standard block's in-line base64 data (v1's `base64`, v0's `data` with
    `source_type: base64`); None where it has none."""
    data = block.get("base64") or (
        block.get("data") if block.get("source_type") == "base64" else None
    )
    return data if isinstance(data, str) and data else None


def _format(mime: str, where: str) -> str:
    if mime in _FORMATS:
        return _FORMATS[mime]
    if mime.startswith("text/") or mime == "application/xml":
        return "txt"
    subtype = mime.partition("/")[2]
    if subtype in _FORMATS.values():
        return subtype
    raise ValueError(f"{where}: document type {mime!r} is not one Bedrock Converse takes")


def _given_name(block: dict[str, Any]) -> str | None:
    """The name the block gives: its `name`, OpenAI's `filename`, or either in its
    `metadata` / `extras`, in langchain-aws's order."""
    metadata = _mapping(block.get("metadata"))
    extras = _mapping(block.get("extras"))
    for found in (
        block.get("name"),
        block.get("filename"),
        metadata.get("name"),
        extras.get("name"),
        extras.get("filename"),
    ):
        if found:
            return str(found)
    return None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _derived_name(data: str, where: str, names: dict[str, int]) -> str:
    warnings.warn(UNNAMED_WARNING, UserWarning, stacklevel=2)
    try:
        raw = base64.b64decode(data, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"{where}: a file block's base64 data does not decode") from exc
    name = hashlib.sha256(raw).hexdigest()[:12]
    names[name] = count = names.get(name, 0) + 1
    return name if count == 1 else f"{name}-{count}"
