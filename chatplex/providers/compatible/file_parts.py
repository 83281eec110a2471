"""Files as a provider whose own part for them is `file_url` takes them
(`Profile.file_url_parts`: Perplexity's), where the OpenAI adapter writes OpenAI's
`file` part: the base64 data as the part's URL (without its `data:` prefix), the file's
name as `file_name`. A file given by id (OpenAI's Files API) stays as it is.

>>> part = {"type": "file", "file": {"file_data": "data:application/pdf;base64,JVBE",
...                                  "filename": "a.pdf"}}
>>> with_file_url_parts([{"role": "user", "content": [part]}])[0]["content"]
[{'type': 'file_url', 'file_url': {'url': 'JVBE'}, 'file_name': 'a.pdf'}]
"""

from __future__ import annotations

from typing import Any

__all__ = ["with_file_url_parts"]


def with_file_url_parts(messages: list[Any]) -> list[Any]:
    """`messages` with each inline `file` part as a `file_url` part (new dicts where a
    message changes)."""
    out = []
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list) and any(_inline_file(p) for p in content):
            message = {**message, "content": [_file_url(p) for p in content]}
        out.append(message)
    return out


def _inline_file(part: Any) -> bool:
    return (
        isinstance(part, dict)
        and part.get("type") == "file"
        and isinstance(part.get("file"), dict)
        and isinstance(part["file"].get("file_data"), str)
    )


def _file_url(part: Any) -> Any:
    if not _inline_file(part):
        return part
    file = part["file"]
    data = file["file_data"]
    _, comma, encoded = data.partition(";base64,")
    converted: dict[str, Any] = {
        "type": "file_url",
        "file_url": {"url": encoded if comma else data},
    }
    if file.get("filename"):
        converted["file_name"] = file["filename"]
    return converted
