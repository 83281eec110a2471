"""The OpenAI-format weather tool the wire tests bind (`get_weather(city)`): one copy for
the spec and mock-wire tests of the native wires that translate it."""

from __future__ import annotations

from typing import Any

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
