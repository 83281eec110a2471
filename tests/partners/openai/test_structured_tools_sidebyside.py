"""`with_structured_output(schema, tools=[...])` on Chat Completions (langchain-openai's
structured output beside tools the model may call first), side by side: ChatOpenAI's
and the drop-in against one local server.

langchain-openai binds the schema as a `json_schema` response format and the tools as
given: strict only when `strict=True` is passed. Its call then goes through the openai
SDK's parsing helper, which refuses a tool that is not strict ("`get_weather` is not
strict. Only `strict` function tools can be auto-parsed"), a ValueError before any
request; the drop-in sends the call, which the API takes (the kept row below)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.tools import tool
from pydantic import BaseModel

from tests._replies import chat_completion
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import refused_before_sending
from tests.partners.openai._both import assert_same_as_langchain_openai

langchain_openai = pytest.importorskip("langchain_openai")


class City(BaseModel):
    """A city."""

    name: str


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return "sunny"


def _structured(**given: Any) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        model = cls(model="gpt-4o-mini", api_key="sk-k", base_url=url + "/v1", max_retries=0)
        out = model.with_structured_output(City, tools=[get_weather], **given)
        return attempted(lambda: out.invoke("A city in France?"))

    return script


SCRIPTS = {
    "structured_with_tools": _structured(),
    "structured_with_strict_tools": _structured(strict=True),
    "structured_with_tools_function_calling": _structured(method="function_calling"),
}


def _tools_beside_the_format(body: dict[str, Any]) -> bool:
    names = [t["function"]["name"] for t in body["tools"]]
    return body["response_format"]["type"] == "json_schema" and names == ["get_weather"]


DIFFERENCES: dict[str, tuple[Why, Any]] = {
    "structured_with_tools": (
        Difference(
            Reason.RAISES,
            "`with_structured_output(schema, tools=[...])` without `strict=True` raises "
            "ValueError at the call (the openai SDK's parsing helper takes only strict "
            "tools: `... is not strict`), before any request",
            "sends the call: the schema as the response format, the tools as given, which "
            "the API takes",
        ),
        refused_before_sending("ValueError", _tools_beside_the_format),
    ),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_as_langchain_openai(name: str, server: ScriptedServer) -> None:
    reply = json.dumps(chat_completion('{"name": "Paris"}', created=1)).encode()
    server.handler = lambda seen: Reply(200, [reply])
    assert_same_as_langchain_openai(server, SCRIPTS[name], DIFFERENCES, name)
