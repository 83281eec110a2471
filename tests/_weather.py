"""The OpenAI-format weather tool the wire tests bind (`get_weather(city)`): one copy for
the spec and mock-wire tests of the native wires that translate it; the Python function
of another (`get_weather`, its docstring read for the tool's description), a history
that has called it (`weather_history`), a schema for structured output (`City`), for
the OpenAI mock tests, and a tool class holding nested models (`Trip`). Also the mock
server's rule for LangChain's standard suite's other tool (`MAGIC_FUNCTION_RULE`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic import Field

from chatplex.messages import AIMessage
from chatplex.messages import ToolMessage
from chatplex.testing import ScriptRule

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


#: "magic_function(3)" is answered with a call of `magic_function` with `{"input": 3}`.
MAGIC_FUNCTION_RULE = ScriptRule(
    user_text=r"magic_function\((\d+)\)", call="magic_function", args=r'{"input": \1}'
)


def object_schema(properties: dict[str, Any], **more: Any) -> dict[str, Any]:
    """The JSON schema of an object of these properties, each required (`more`: its
    other keywords)."""
    return {"type": "object", "properties": properties, "required": list(properties), **more}


def get_weather(city: str) -> str:
    """Current weather for a city.

    Args:
        city: The city name.
    """
    return f"sunny in {city}"


def weather_history() -> list[Any]:
    """A conversation in which the model called `get_weather` and the tool answered."""
    call = {"name": "get_weather", "args": {"city": "Oslo"}, "id": "call_1", "type": "tool_call"}
    return [
        ("system", "Be brief."),
        ("human", "use the tool: weather in Oslo?"),
        AIMessage("", tool_calls=[call]),
        ToolMessage("sunny in Oslo", tool_call_id="call_1"),
    ]


class City(BaseModel):
    name: str
    population: int


class Place(BaseModel):
    """A place."""

    city: str
    country: str | None = None


class Trip(BaseModel):
    """A trip."""

    start: Place
    stops: list[Place] = Field(description="Where it stops")
