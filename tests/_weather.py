"""The OpenAI-format weather tool the wire tests bind (`get_weather(city)`): one copy for
the spec and mock-wire tests of the native wires that translate it; the Python function
of another (`get_weather`, its docstring read for the tool's description), and a schema
for structured output (`City`), for the OpenAI mock tests."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

WEATHER: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather of a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def get_weather(city: str) -> str:
    """Current weather for a city.

    Args:
        city: The city name.
    """
    return f"sunny in {city}"


class City(BaseModel):
    name: str
    population: int
