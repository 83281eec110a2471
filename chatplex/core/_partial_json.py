"""JSON from a model's text, complete or still streaming in, read as LangChain reads it
(`parse_json_markdown`), so a ported `JsonOutputParser` yields the same values.

A partial document is completed by `chatplex.messages.parse_partial_json` (LangChain's
rules: open strings and brackets closed, a trailing piece that does not parse dropped).
The value may be wrapped in a Markdown code fence.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..messages import parse_partial_json

__all__ = ["checked_diff", "json_delta", "parse_json_markdown"]

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


def checked_diff(diff: bool) -> bool:
    """A parser's `diff` setting, checked when the parser is made: `diff=True` needs
    jsonpatch to make its deltas (an ImportError naming it, not one mid-stream)."""
    if not diff:
        return diff
    try:
        import jsonpatch  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            "diff=True (JSON Patch deltas, as LangChain's parsers stream them) needs the "
            "jsonpatch package: pip install jsonpatch"
        ) from exc
    return diff


def json_delta(previous: Any, value: Any) -> list[dict[str, Any]]:
    """LangChain's `diff=True` piece: the JSON Patch operations from the value streamed
    before (None at first) to this one, made by jsonpatch as LangChain makes them."""
    import jsonpatch

    ops: list[dict[str, Any]] = jsonpatch.make_patch(previous, value).patch
    return ops
