"""with_structured_output: pydantic classes, TypedDicts and JSON-schema dicts, each
method on both providers, sync and async, streaming, include_raw and typed errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel
from typing_extensions import TypedDict

from chatplex import AIMessage, ChatAnthropic, ChatModel, ChatOpenAI, FakeChatModel
from chatplex.chat.partial_json import partial_value as parse_partial_json
from chatplex.chat.structured import StructuredOutputError
from chatplex.testing import MockServer


class Person(BaseModel):
    """A person."""

    name: str
    age: int


class Movie(TypedDict):
    """A movie."""

    title: str
    year: int


CITY = {
    "title": "City",
    "type": "object",
    "properties": {"name": {"type": "string"}},
    "required": ["name"],
}
EXPECTED = {
    Person: Person(name="x", age=1),
    Movie: {"title": "x", "year": 1},
    "city": {"name": "x"},
}


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as srv:
        yield srv


def make(server: MockServer, provider: str, **kw: Any) -> ChatModel:
    if provider == "openai":
        return ChatOpenAI(model="gpt-4o-mini", base_url=server.openai_base_url, api_key="k", **kw)
    return ChatAnthropic(
        model="claude-sonnet-4-5", base_url=server.anthropic_base_url, api_key="k", **kw
    )


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("method", ["function_calling", "json_schema"])
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("schema", [Person, Movie, "city"], ids=["pydantic", "typeddict", "dict"])
async def test_each_method_and_schema(
    server: MockServer, provider: str, method: str, schema: Any, sync: bool
) -> None:
    runnable = make(server, provider).with_structured_output(
        CITY if schema == "city" else schema, method=method
    )
    result = runnable.invoke("hi") if sync else await runnable.ainvoke("hi")
    assert result == EXPECTED[schema]


@pytest.mark.parametrize("sync", [True, False])
async def test_json_mode_parses_the_reply_text(server: MockServer, sync: bool) -> None:
    model = make(server, "openai", default_headers={"x-mock-reply": '{"name": "Ada", "age": 3}'})
    runnable = model.with_structured_output(Person, method="json_mode")
    result = runnable.invoke("json") if sync else await runnable.ainvoke("json")
    assert result == Person(name="Ada", age=3)
    free = model.with_structured_output(method="json_mode")
    assert free.invoke("json") == {"name": "Ada", "age": 3}


@pytest.mark.parametrize("sync", [True, False])
async def test_a_reply_that_does_not_fit_raises_with_the_raw_message(
    server: MockServer, sync: bool
) -> None:
    model = make(server, "openai", default_headers={"x-mock-reply": '{"name": "Ada"}'})
    runnable = model.with_structured_output(Person, method="json_mode")
    with pytest.raises(StructuredOutputError) as caught:
        runnable.invoke("json") if sync else await runnable.ainvoke("json")
    assert isinstance(caught.value.raw, AIMessage)
    assert caught.value.value == {"name": "Ada"}
    assert isinstance(caught.value, ValueError)


def test_not_json_and_no_tool_call_are_typed_errors() -> None:
    fake = FakeChatModel(responses=["not json"])
    with pytest.raises(StructuredOutputError, match="not JSON"):
        fake.with_structured_output(Person, method="json_schema").invoke("x")
    with pytest.raises(StructuredOutputError, match="no call of the tool 'Person'") as caught:
        fake.with_structured_output(Person).invoke("x")
    assert caught.value.raw is not None and caught.value.raw.text == "not json"


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_include_raw(server: MockServer, provider: str) -> None:
    good = make(server, provider).with_structured_output(Person, include_raw=True)
    result = good.invoke("hi")
    assert list(result) == ["raw", "parsed", "parsing_error"]
    assert result["parsed"] == Person(name="x", age=1) and result["parsing_error"] is None
    bad = FakeChatModel(responses=["{}"]).with_structured_output(
        Person, method="json_schema", include_raw=True
    )
    failed = bad.invoke("x")
    assert failed["parsed"] is None and isinstance(failed["parsing_error"], StructuredOutputError)
    assert failed["raw"].text == "{}"


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_streams_yield_the_object_as_it_grows(
    server: MockServer, provider: str, sync: bool
) -> None:
    runnable = make(server, provider).with_structured_output(Movie, method="function_calling")
    parts = list(runnable.stream("m")) if sync else [p async for p in runnable.astream("m")]
    assert parts[0] == {} and parts[-1] == {"title": "x", "year": 1}
    assert len(parts) > 2 and all(a != b for a, b in zip(parts, parts[1:], strict=False))
    people = list(make(server, provider).with_structured_output(Person).stream("p"))
    assert people[-1] == Person(name="x", age=1)
    assert all(isinstance(p, Person) for p in people)


def test_bad_arguments_fail_before_any_request() -> None:
    model = ChatAnthropic(model="m", api_key="k")
    with pytest.raises(ValueError, match="method must be one of"):
        model.with_structured_output(Person, method="tools")
    with pytest.raises(ValueError, match="strict"):
        model.with_structured_output(Person, strict=True)
    with pytest.raises(ValueError, match="needs a schema"):
        model.with_structured_output(None)


def test_strict_function_calling_sends_the_flag() -> None:
    model = ChatOpenAI(api_key="k")
    runnable = model.with_structured_output(Person, method="function_calling", strict=True)
    bound = runnable.steps[0]  # type: ignore[attr-defined]
    tool = bound.extra_body["tools"][0]["function"]
    assert (tool["name"], tool["strict"], bound.extra_body["parallel_tool_calls"]) == (
        "Person",
        True,
        False,
    )


def test_partial_json_matches_langchain() -> None:
    from langchain_core.utils.json import parse_partial_json as reference

    text = '{"name": "Ada \\"L\\"", "tags": ["a", {"b": [1, 2'
    for end in range(len(text) + 1):
        prefix = text[:end]
        try:
            expected = reference(prefix)
        except ValueError:
            expected = None
        assert parse_partial_json(prefix) == expected, prefix
