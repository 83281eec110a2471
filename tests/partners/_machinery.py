"""What the machinery side-by-side scripts (an agent, a graph) share: LangChain's weather
tool, the schema of an agent's response format, and how a script shows messages."""

from __future__ import annotations

from typing import Any

import pytest

tools = pytest.importorskip("langchain_core.tools")
pydantic = pytest.importorskip("pydantic")


@tools.tool
def get_weather(city: str) -> str:
    """Get the weather for a city."""
    return f"It is sunny in {city}."


class Weather(pydantic.BaseModel):
    city: str
    sunny: bool


def shown(messages: list[Any]) -> list[Any]:
    """Each message as a script looks at it: its type, content, extra fields, tool
    calls, metadata keys and usage."""
    return [
        (
            type(m).__name__,
            m.content,
            m.additional_kwargs,
            [(c["name"], c["args"]) for c in getattr(m, "tool_calls", None) or []],
            sorted(getattr(m, "response_metadata", None) or {}),
            getattr(m, "usage_metadata", None),
        )
        for m in messages
    ]
