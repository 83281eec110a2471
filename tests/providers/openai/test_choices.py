"""`ChatOpenAI` on the Responses API: when it switches (as langchain-openai), what it
sends, built-in tools, structured output, and `init_chat_model`, over a MockTransport."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from chatplex import init_chat_model
from chatplex.errors import APIError
from chatplex.providers.openai.choices import check_responses_only
from chatplex.providers.openai.choices import wants_responses_api
from tests._dropins import engine
from tests.adapters._responses_fixtures import call_item

ChatOpenAI = engine("ChatOpenAI")  # (built from its record: no engine class)


def reply(output: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "resp_1",
        "object": "response",
        "status": "completed",
        "model": "gpt-4.1",
        "output": output,
        "usage": {"input_tokens": 5, "output_tokens": 7, "total_tokens": 12},
    }


def text_item(text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


class Server:
    """Answers every POST with `body`, keeping what was sent."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return httpx.Response(200, json=self.body)

    @property
    def last(self) -> dict[str, Any]:
        return json.loads(self.seen[-1].content)

    def clients(self) -> dict[str, Any]:
        transport = httpx.MockTransport(self)
        return {
            "http_client": httpx.Client(transport=transport),
            "http_async_client": httpx.AsyncClient(transport=transport),
            "base_url": "http://mock.test/v1",
            "api_key": "sk-test",
        }


def test_use_responses_api_sends_to_responses_sync_and_async() -> None:
    server = Server(reply([text_item("Hi!")]))
    model = ChatOpenAI(
        model="gpt-4.1",
        use_responses_api=True,
        max_tokens=20,
        reasoning={"effort": "low", "summary": "auto"},
        include=["reasoning.encrypted_content"],
        truncation="auto",
        store=False,
        **server.clients(),
    )
    assert model.provider == "openai_responses"
    assert model.invoke("Hello").text == "Hi!"
    assert str(server.seen[-1].url) == "http://mock.test/v1/responses"
    assert server.last == {
        "model": "gpt-4.1",
        "input": [{"type": "message", "role": "user", "content": "Hello"}],
        "max_output_tokens": 20,
        "reasoning": {"effort": "low", "summary": "auto"},
        "include": ["reasoning.encrypted_content"],
        "truncation": "auto",
        "store": False,
        "stream": False,  # langchain-openai's ChatOpenAI says so on every Responses call
    }
    assert asyncio.run(model.ainvoke("Hello")).text == "Hi!"
    assert server.last["input"] == [{"type": "message", "role": "user", "content": "Hello"}]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"reasoning": {"effort": "low"}},
        {"include": ["file_search_call.results"]},
        {"truncation": "auto"},
        {"use_previous_response_id": True},
        {"output_version": "responses/v1"},
        {"model_kwargs": {"previous_response_id": "resp_0"}},
        {"model_kwargs": {"text": {"verbosity": "low"}}},
    ],
)
def test_switches_where_langchain_openai_switches(kwargs: dict[str, Any]) -> None:
    assert ChatOpenAI(api_key="k", **kwargs).provider == "openai_responses"


@pytest.mark.parametrize("name", ["gpt-5-pro", "gpt-5.2-pro-2025", "gpt-5-codex"])
def test_responses_only_models_switch_by_name(name: str) -> None:
    assert ChatOpenAI(model=name, api_key="k").provider == "openai_responses"
    assert init_chat_model(f"openai:{name}", api_key="k").provider == "openai_responses"
    assert ChatOpenAI(model=name, api_key="k", use_responses_api=False).provider == "openai"


def test_stays_on_chat_completions_otherwise() -> None:
    assert ChatOpenAI(api_key="k", reasoning_effort="low").provider == "openai"
    assert ChatOpenAI(api_key="k", use_responses_api=False).provider == "openai"
    # use_previous_response_id unused there, as langchain-openai leaves it (it raised)
    kept = {"use_responses_api": False, "use_previous_response_id": True}
    assert ChatOpenAI(api_key="k", **kept).provider == "openai"
    langchain_openai = pytest.importorskip("langchain_openai")
    assert not langchain_openai.ChatOpenAI(api_key="k", **kept)._use_responses_api({})
    with pytest.raises(ValueError, match="Responses API settings"):
        ChatOpenAI(api_key="k", use_responses_api=False, reasoning={"effort": "low"})
    # v0 on the Responses API: langchain-openai's v0.3 shape, also of a switch to it
    # (built-in tools bound later)
    on = ChatOpenAI(api_key="k", use_responses_api=True, output_version="v0").adapter
    assert on.output_version == "v0"
    switched = ChatOpenAI(api_key="k", output_version="v0").adapter.responses_switch
    assert switched is not None and switched.output_version == "v0"
    assert ChatOpenAI(api_key="k", use_responses_api=True).adapter.output_version != "v0"
    with pytest.raises(TypeError, match="use_responses_api must be"):
        wants_responses_api("yes", None, use_previous_response_id=False, body={})
    # (its LangChain class's field reads "yes" as pydantic reads a bool: True)
    assert ChatOpenAI(api_key="k", use_responses_api="yes").provider == "openai_responses"
    assert not wants_responses_api(None, "v0", use_previous_response_id=False, body={})


def test_responses_only_settings_are_refused_on_chat_completions_only() -> None:
    on = {"reasoning": {"effort": "low"}, "include": None}
    with pytest.raises(ValueError, match=r"^M: reasoning and include are Responses API settings"):
        check_responses_only("M", False, on)
    with pytest.raises(ValueError, match=r"^M: reasoning is a Responses API setting;"):
        check_responses_only("M", False, {"reasoning": {"effort": "low"}})
    check_responses_only("M", True, on)  # on the Responses API: taken
    check_responses_only("M", False, {"reasoning": None})  # none given


def test_responses_parameters_are_checked() -> None:
    with pytest.raises(TypeError, match="did you mean 'truncation'"):
        ChatOpenAI(api_key="k", use_responses_api=True, truncaton="auto")
    with pytest.warns(UserWarning, match="instructions was transferred to model_kwargs"):
        model = ChatOpenAI(api_key="k", use_responses_api=True, instructions="Be brief.")
    assert model.extra_body["instructions"] == "Be brief."


def test_built_in_tools_bound_switch_to_the_responses_api() -> None:
    server = Server(reply([text_item("Sunny.")]))
    model = ChatOpenAI(model="gpt-4.1", **server.clients())
    assert model.provider == "openai"

    def get_weather(city: str) -> str:
        """Weather for a city."""
        return "sunny"

    bound = model.bind_tools([{"type": "web_search"}, get_weather], tool_choice="web_search")
    assert bound.provider == "openai_responses" and model.provider == "openai"
    bound.invoke("Weather in Paris?")
    sent = server.last
    # in the order bound, as langchain-openai sends them
    assert [t["type"] for t in sent["tools"]] == ["web_search", "function"]
    assert sent["tools"][1]["name"] == "get_weather"
    assert sent["tool_choice"] == {"type": "web_search"}
    # (the server answers in the Responses API's form only: no Chat Completions reply)
    with pytest.raises(APIError, match="not a Chat Completions reply"):
        model.invoke("plain")
    assert str(server.seen[-1].url).endswith("/chat/completions")  # the model itself stays
    off = ChatOpenAI(api_key="k", use_responses_api=False)
    with pytest.raises(ValueError, match="need the Responses API"):
        off.bind_tools([{"type": "web_search"}])


class Person(BaseModel):
    name: str
    age: int


def test_structured_output_json_schema_goes_as_text_format() -> None:
    server = Server(reply([text_item('{"name": "Ada", "age": 36}')]))
    model = ChatOpenAI(model="gpt-4.1", use_responses_api=True, **server.clients())
    assert model.with_structured_output(Person).invoke("Who?") == Person(name="Ada", age=36)
    fmt = server.last["text"]["format"]
    assert (fmt["type"], fmt["name"], fmt["strict"]) == ("json_schema", "Person", True)
    assert "response_format" not in server.last


def test_structured_output_function_calling() -> None:
    call = call_item("Person", '{"name": "Bo", "age": 3}')
    server = Server(reply([call]))
    model = ChatOpenAI(model="gpt-4.1", use_responses_api=True, **server.clients())
    runnable = model.with_structured_output(Person, method="function_calling")
    assert runnable.invoke("Who?") == Person(name="Bo", age=3)
    assert server.last["tool_choice"] == {"type": "function", "name": "Person"}
    assert server.last["parallel_tool_calls"] is False


def test_init_chat_model_reaches_the_responses_api() -> None:
    server = Server(reply([text_item("ok")]))
    model = init_chat_model("openai:gpt-4.1", use_responses_api=True, **server.clients())
    assert model.provider == "openai_responses"
    assert model.invoke("x").text == "ok"
    assert str(server.seen[-1].url) == "http://mock.test/v1/responses"
    auto = init_chat_model("openai:gpt-4.1", api_key="k", reasoning={"effort": "low"})
    assert auto.provider == "openai_responses"
    assert init_chat_model("openai:gpt-4.1", api_key="k").provider == "openai"
    direct = init_chat_model("openai_responses:gpt-4.1", api_key="k")
    assert direct.provider == "openai_responses"


def test_schema_dicts_are_function_tools_not_built_in_ones() -> None:
    from chatplex.providers.openai.choices import is_builtin_tool

    schema = {"title": "Person", "type": "object", "properties": {"name": {"type": "string"}}}
    assert not is_builtin_tool(schema)
    assert not is_builtin_tool({"type": "function", "function": {"name": "f"}})
    assert is_builtin_tool({"type": "mcp", "server_label": "x", "server_url": "https://m"})
    bound = ChatOpenAI(api_key="k").bind_tools([schema])
    assert bound.provider == "openai" and [t.name for t in bound.tools] == ["Person"]


def test_use_previous_response_id_sends_only_the_new_turns() -> None:
    from chatplex.messages import HumanMessage

    server = Server(reply([text_item("first")]))
    model = ChatOpenAI(model="gpt-4.1", use_previous_response_id=True, **server.clients())
    first = model.invoke("q1")
    model.invoke([HumanMessage("q1"), first, HumanMessage("q2")])
    assert server.last["previous_response_id"] == "resp_1"
    assert server.last["input"] == [{"type": "message", "role": "user", "content": "q2"}]
