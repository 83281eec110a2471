"""Groq's `executed_tools` (what a compound model ran on Groq's side: its searches, page
visits and code runs), on a reply's message and a stream's deltas, as langchain-groq
keeps them in `additional_kwargs`: each as the groq SDK's model dumps it (every declared
field, nested ones too, null where unsent; as sent where the SDK is not installed), and a
stream delta's trimmed as langchain-groq trims them.

>>> streamed([{"index": 0, "type": "search", "arguments": "{}", "output": "Sunny"}])
[{'index': 0, 'output': 'Sunny'}]
"""

from __future__ import annotations

import functools
from typing import Any

from ...specs import declared_object

__all__ = ["dumped", "streamed"]

#: The groq SDK's model of one executed tool (a stream delta's is the same class).
_MODEL = "groq.types.chat.chat_completion_message:ExecutedTool"


def dumped(value: Any) -> Any:
    """The list `value`'s items as the groq SDK's model dumps them (what is no dict, and
    anything but a list, as it is)."""
    model = _model()
    if model is None or not isinstance(value, list):
        return value
    return [
        model.construct(**item).model_dump() if isinstance(item, dict) else item for item in value
    ]


def streamed(value: Any) -> Any:
    """A delta's executed tools as langchain-groq keeps them: one with its output as its
    index and output alone (Groq sends the call again beside its output; merged chunks
    then hold it once), one without as all but the output."""
    value = dumped(value)
    if not isinstance(value, list):
        return value
    return [_trimmed(item) if isinstance(item, dict) else item for item in value]


def _trimmed(item: dict[str, Any]) -> dict[str, Any]:
    if item.get("output"):
        return {k: item[k] for k in ("index", "output") if k in item}
    return {k: v for k, v in item.items() if k != "output"}


@functools.cache
def _model() -> Any:
    """The SDK's model class, None where the groq SDK is not installed (or lacks it)."""
    try:
        return declared_object(_MODEL)
    except (ImportError, AttributeError):
        return None
