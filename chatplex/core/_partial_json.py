"""JSON from a model's text, complete or still streaming in, read as LangChain reads it
(`parse_json_markdown`), so a ported `JsonOutputParser` yields the same values.

A partial document is completed by closing the open string and brackets; if that is not
yet valid JSON (a dangling comma, a key without its value), characters are taken off the
end until it is. The value may be wrapped in a Markdown code fence.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["parse_json_markdown", "parse_partial_json"]

_CLOSERS = {"{": "}", "[": "]"}


def parse_partial_json(text: str) -> Any:
    """The value of `text`, closing what is left open; None if brackets do not match.

    Raises `json.JSONDecodeError` when no prefix of the completed text parses.

    >>> parse_partial_json('{"a": [1, 2')
    {'a': [1, 2]}
    """
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError:
        pass
    chars: list[str] = []
    expected: list[str] = []  # the closers still owed, innermost last
    in_string = escaped = False
    for char in text:
        out = char
        if in_string:
            if char == '"' and not escaped:
                in_string = False
            elif char == "\n" and not escaped:
                out = "\\n"  # a raw newline inside a string: what the model meant
            elif char == "\\":
                escaped = not escaped
            else:
                escaped = False
        elif char == '"':
            in_string, escaped = True, False
        elif char in _CLOSERS:
            expected.append(_CLOSERS[char])
        elif char in "}]":
            if not expected or expected[-1] != char:
                return None  # a closer that closes nothing open: not JSON being written
            expected.pop()
        chars.append(out)
    if in_string:
        if escaped:
            chars.pop()  # a lone backslash at the end escapes nothing yet
        chars.append('"')
    tail = "".join(reversed(expected))
    while chars:
        try:
            return json.loads("".join(chars) + tail, strict=False)
        except json.JSONDecodeError:
            chars.pop()
    return json.loads(text, strict=False)  # nothing parses: raise for the original text


_FENCE = re.compile(r"```(json)?(.*)", re.DOTALL)
_ACTION_INPUT = re.compile(r'("action_input"\:\s*")(.*?)(")', re.DOTALL)
_STRIP = " \n\r\t`"


def _escape_action_input(match: re.Match[str]) -> str:
    # Agents' `action_input` strings often hold raw newlines, tabs and quotes.
    value = match.group(2)
    value = value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    value = re.sub(r'(?<!\\)"', r"\"", value)
    return match.group(1) + value + match.group(3)


def _parse(text: str) -> Any:
    text = _ACTION_INPUT.sub(_escape_action_input, text.strip(_STRIP))
    return parse_partial_json(text)


def parse_json_markdown(text: str) -> Any:
    """The JSON value in `text`, bare or in a ```json fence, possibly incomplete.

    >>> parse_json_markdown('Here it is:\\n```json\\n{"a": 1}\\n```')
    {'a': 1}
    """
    try:
        return _parse(text)
    except json.JSONDecodeError:
        match = _FENCE.search(text)
        return _parse(text if match is None else match.group(2))
