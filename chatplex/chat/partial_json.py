"""Parse the JSON a model has streamed so far, the way LangChain's `parse_partial_json`
does: open strings, arrays and objects are closed, and a trailing piece that still does
not parse (a key without its value) is dropped, so each prefix of a stream gives the
object as far as it is known.

>>> parse_partial_json('{"name": "Al')
{'name': 'Al'}
>>> parse_partial_json('{"name": "Alice", "tags": ["a", "b')
{'name': 'Alice', 'tags': ['a', 'b']}
>>> parse_partial_json('{"name": "Alice", "age"')
{'name': 'Alice'}
>>> parse_partial_json('') is None
True
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["parse_json_text", "parse_partial_json"]

_FENCE = re.compile(r"```(?:json)?\s*(.*?)\s*(?:```|$)", re.DOTALL)


def parse_partial_json(text: str) -> Any:
    """The value `text` (a JSON prefix) stands for so far; None when nothing parses."""
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError:
        pass
    out: list[str] = []
    closers: list[str] = []
    in_string = escaped = False
    for char in text:
        piece = char
        if in_string:
            if char == '"' and not escaped:
                in_string = False
            elif char == "\n" and not escaped:
                piece = "\\n"  # a raw newline inside a string: what the model meant
            elif char == "\\":
                escaped = not escaped
            else:
                escaped = False
        elif char == '"':
            in_string, escaped = True, False
        elif char == "{":
            closers.append("}")
        elif char == "[":
            closers.append("]")
        elif char in "}]":
            if not closers or closers[-1] != char:
                return None  # mismatched: not a JSON prefix
            closers.pop()
        out.append(piece)
    if in_string:
        if escaped:
            out.pop()
        out.append('"')
    tail = "".join(reversed(closers))
    while out:
        try:
            return json.loads("".join(out) + tail, strict=False)
        except json.JSONDecodeError:
            out.pop()
    return None


def parse_json_text(text: str, *, partial: bool) -> Any:
    """The JSON value of a reply's text: surrounding whitespace and a Markdown code fence
    are allowed. Complete text that is not JSON raises `json.JSONDecodeError`."""
    stripped = text.strip()
    fenced = _FENCE.search(stripped) if stripped.startswith("```") else None
    if fenced is not None:
        stripped = fenced.group(1)
    if partial:
        return parse_partial_json(stripped)
    return json.loads(stripped, strict=False)
