"""What the drop-in tests (test_dropin*.py) share: a drop-in over the mock server per
wire, a tool and a schema."""

from __future__ import annotations

from typing import Any

from _lckit import base_url
from langchain_core.tools import tool
from pydantic import BaseModel

from chatplex.langchain import ChatAnthropic
from chatplex.langchain import ChatOpenAI

CLASSES = {"openai": ChatOpenAI, "anthropic": ChatAnthropic}
MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5"}
PROVIDERS = list(CLASSES)


def llm(provider: str, **settings: Any) -> Any:
    return CLASSES[provider](
        model=MODELS[provider], base_url=base_url(provider), api_key="sk-secret-123", **settings
    )


@tool
def get_weather(location: str) -> str:
    """The weather at a location."""
    return f"It is sunny in {location}."


class Person(BaseModel):
    name: str
    age: int
