"""The JSON of a reply's text, complete or streamed so far (structured output's json
modes). Partial text goes through `chatplex.messages.parse_partial_json` (LangChain's
rules), with None for text that does not parse yet.

>>> parse_json_text('```json {"name": "Al', partial=True)
{'name': 'Al'}
>>> parse_json_text('', partial=True) is None
True
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..messages import parse_partial_json

__all__ = ["parse_json_text", "partial_value"]

_FENCE = re.compile(r"```(?:json)?\s*(.*?)\s*(?:```|$)", re.DOTALL)


def parse_json_text(text: str, *, partial: bool) -> Any:
    """The JSON value of a reply's text: surrounding whitespace and a Markdown code fence
    are allowed. Complete text that is not JSON raises `json.JSONDecodeError`."""
    stripped = text.strip()
    fenced = _FENCE.search(stripped) if stripped.startswith("```") else None
    if fenced is not None:
        stripped = fenced.group(1)
    if partial:
        return partial_value(stripped)
    return json.loads(stripped, strict=False)


def partial_value(text: str) -> Any:
    """The value a JSON prefix stands for so far; None while nothing of it parses."""
    try:
        return parse_partial_json(text)
    except json.JSONDecodeError:
        return None
