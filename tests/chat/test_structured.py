"""with_structured_output: pydantic classes, TypedDicts and JSON-schema dicts, each
method on both providers, sync and async, streaming, include_raw and typed errors."""

from __future__ import annotations

import pickle
from typing import Annotated
from typing import Any
from typing import Optional

import pytest
from pydantic import BaseModel
from pydantic import Field
from typing_extensions import TypedDict

from chatplex import AIMessage
from chatplex import ChatModel
from chatplex import FakeChatModel
from chatplex.chat.partial_json import partial_value as parse_partial_json
from chatplex.chat.structured import StructuredOutputError
from chatplex.chat.structured import output_schema
from chatplex.testing import MockServer
from tests._dropins import engine

ChatOpenAI = engine("ChatOpenAI")  # (built from its record: no engine class)

ChatAnthropic = engine("ChatAnthropic")  # (built from its record: no engine class)


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


def test_the_default_method_is_the_adapters_else_the_models_own() -> None:
    from chatplex import init_chat_model
    from chatplex.chat.structured import default_method

    ollama = init_chat_model("ollama:llama3.2", base_url="http://127.0.0.1:9")
    assert default_method(ollama.adapter, "function_calling") == "json_schema"
    assert default_method(None, "json_schema") == "json_schema"
    assert default_method(None, None) == "function_calling"  # LangChain's


def test_not_json_and_no_tool_call_are_typed_errors() -> None:
    fake = FakeChatModel(responses=["not json"])
    with pytest.raises(StructuredOutputError, match="not JSON"):
        fake.with_structured_output(Person, method="json_schema").invoke("x")
    with pytest.raises(StructuredOutputError, match="no call of the tool 'Person'") as caught:
        fake.with_structured_output(Person).invoke("x")
    assert caught.value.raw is not None and caught.value.raw.text == "not json"


def test_a_reply_that_does_not_parse_is_chatplexs_output_parser_exception() -> None:
    # The ported script's `except OutputParserException` (now chatplex's) catches what the
    # LangChain script's caught: LangChain's json_mode parser raises its own on this reply.
    from chatplex import OutputParserException

    lc_parsers = pytest.importorskip("langchain_core.output_parsers")
    lc_exceptions = pytest.importorskip("langchain_core.exceptions")
    with pytest.raises(lc_exceptions.OutputParserException) as theirs:
        lc_parsers.PydanticOutputParser(pydantic_object=Person).invoke("not json")
    fake = FakeChatModel(responses=["not json"])
    with pytest.raises(OutputParserException) as ours:
        fake.with_structured_output(Person, method="json_mode").invoke("x")
    assert ours.value.llm_output == theirs.value.llm_output == "not json"
    assert ours.value.send_to_llm is theirs.value.send_to_llm is False
    assert isinstance(ours.value, StructuredOutputError)


def test_a_reply_that_does_not_parse_is_langchains_output_parser_exception_too() -> None:
    # As LangChain's parsers raise it: `except OutputParserException`, a fallback or a
    # retry on it, and include_raw's parsing_error keep working after the import swap.
    exceptions = pytest.importorskip("langchain_core.exceptions")
    fake = FakeChatModel(responses=["not json"])
    with pytest.raises(exceptions.OutputParserException) as caught:
        fake.with_structured_output(Person, method="json_schema").invoke("x")
    err = caught.value
    assert isinstance(err, StructuredOutputError) and err.llm_output == "not json"
    assert err.send_to_llm is False and err.observation is None
    rescued = fake.with_structured_output(Person, method="json_schema").with_fallbacks(
        [FakeChatModel(responses=["plan b"])],
        exceptions_to_handle=(exceptions.OutputParserException,),
    )
    assert rescued.invoke("x").text == "plan b"
    failed = FakeChatModel(responses=["{}"]).with_structured_output(
        Person, method="json_schema", include_raw=True
    )
    assert isinstance(failed.invoke("x")["parsing_error"], exceptions.OutputParserException)
    again = pickle.loads(pickle.dumps(err))  # a bulk run's failed row, across processes
    assert isinstance(again, exceptions.OutputParserException) and again.raw.text == "not json"


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
    # A JSON schema without a title names no tool: langchain-core's ValueError, not a
    # TypeError (a class of no schema kind stays one).
    with pytest.raises(ValueError, match=r"unrecognised tool dict with keys \['properties'"):
        model.with_structured_output({"properties": {}, "type": "object"})
    with pytest.raises(TypeError, match="can't make a tool"):
        model.with_structured_output(int)


def test_an_untitled_json_schema_is_taken_nameless_where_the_wire_sends_it_as_given() -> None:
    untitled = {"type": "object", "properties": {"a": {"type": "string"}}}
    spec = output_schema(untitled, untitled=True)
    assert (spec.name, spec.parameters, spec.kind) == ("", untitled, "json")
    with pytest.raises(ValueError, match="unrecognised tool dict"):
        output_schema(untitled)
    with pytest.raises(ValueError, match="unrecognised tool dict"):
        output_schema({"description": "no schema"}, untitled=True)  # nothing to send


def test_strict_function_calling_sends_the_flag() -> None:
    model = ChatOpenAI(api_key="k")
    runnable = model.with_structured_output(Person, method="function_calling", strict=True)
    body = runnable.steps[0].build_request("hi").json  # type: ignore[attr-defined]
    tool = body["tools"][0]["function"]
    assert (tool["name"], tool["strict"], body["parallel_tool_calls"]) == ("Person", True, False)
    assert tool["parameters"]["additionalProperties"] is False


# --- the bodies langchain-openai sends, built by langchain-openai itself --------------------


class Review(BaseModel):
    """A review."""

    title: str = Field(description="the title")
    score: int | None = None
    author: Person = Field(description="who wrote it")


class Joke(TypedDict):
    """A joke."""

    setup: Annotated[str, ..., "the setup"]
    punchline: Annotated[str, ..., "the punchline"]
    rating: Annotated[Optional[int], None, "how funny, 1 to 10"]  # noqa: UP045 - as tutorials write it


JOKE_DICT = {
    "title": "joke",
    "description": "A joke.",
    "type": "object",
    "properties": {"setup": {"type": "string"}, "rating": {"type": "integer"}},
    "required": ["setup"],
}


def _langchain_body(runnable: Any, model: Any) -> dict[str, Any]:
    """What langchain-openai sends for `runnable` (its first step bound to `model`): its
    own payload, a pydantic response format turned into JSON by the openai SDK's own
    function, as its `parse()` does."""
    from openai.lib._parsing._completions import type_to_response_format_param

    kwargs = dict(runnable.first.kwargs)
    kwargs.pop("ls_structured_output_format", None)
    body = model._get_request_payload("hi", **kwargs)
    if isinstance(body.get("response_format"), type):
        body["response_format"] = type_to_response_format_param(body["response_format"])
    return {k: v for k, v in body.items() if k != "messages"}


def _chatplex_body(runnable: Any) -> dict[str, Any]:
    first = runnable.steps[0]
    body = dict(first.build_request("hi").json)
    return {k: v for k, v in body.items() if k != "messages"}


class Flat(BaseModel):
    """A flat model."""

    title: str = Field(description="the title")
    score: int | None = None
    tags: list[str] = []


#: Each kind of schema with each method that sends it: (schema, method), with its id.
SCHEMA_METHODS = [
    # nested: the openai SDK's strict schema, refs inlined
    pytest.param(Review, "json_schema", id="nested-json"),
    pytest.param(Flat, "json_schema", id="pydantic-json"),
    pytest.param(Flat, "function_calling", id="pydantic-fc"),
    pytest.param(Joke, "json_schema", id="td-json"),
    pytest.param(Joke, "function_calling", id="td-fc"),
    pytest.param(JOKE_DICT, "json_schema", id="dict-json"),
    pytest.param(JOKE_DICT, "function_calling", id="dict-fc"),
]


@pytest.mark.parametrize("strict", [None, True, False])
@pytest.mark.parametrize(("schema", "method"), SCHEMA_METHODS)
def test_openai_body_is_langchain_openais(schema: Any, method: str, strict: bool | None) -> None:
    # Not compared: a nested pydantic model as a tool (function_calling). LangChain inlines
    # its $refs; chatplex keeps them under $defs, which the APIs take as they are.
    import langchain_openai

    theirs = langchain_openai.ChatOpenAI(model="gpt-4o-mini", api_key="sk-test")
    ours = ChatOpenAI(model="gpt-4o-mini", api_key="sk-test")
    expected = _langchain_body(
        theirs.with_structured_output(schema, method=method, strict=strict), theirs
    )
    got = _chatplex_body(ours.with_structured_output(schema, method=method, strict=strict))
    assert got == expected


# Not compared: a nested model as a tool (function_calling): LangChain inlines its $refs,
# chatplex keeps them under $defs.
@pytest.mark.parametrize(("schema", "method"), SCHEMA_METHODS)
def test_anthropic_body_is_langchain_anthropics(schema: Any, method: str) -> None:
    import langchain_anthropic

    theirs = langchain_anthropic.ChatAnthropic(model="claude-sonnet-4-5", api_key="sk-test")
    ours = ChatAnthropic(model="claude-sonnet-4-5", api_key="sk-test")
    runnable = theirs.with_structured_output(schema, method=method)
    kwargs = dict(runnable.first.kwargs)  # type: ignore[attr-defined]
    kwargs.pop("ls_structured_output_format", None)
    expected = theirs._get_request_payload("hi", **kwargs)
    expected = {k: v for k, v in expected.items() if k not in ("messages", "stream")}
    got = _chatplex_body(ours.with_structured_output(schema, method=method))
    assert got == expected
    if method == "json_schema":
        assert got["output_config"]["format"]["schema"]["additionalProperties"] is False


def test_json_schema_defaults_spelled_out() -> None:
    model = ChatOpenAI(model="gpt-4o-mini", api_key="sk-test")
    body = _chatplex_body(model.with_structured_output(Review, method="json_schema"))
    inner = body["response_format"]["json_schema"]
    assert inner["strict"] is True  # a pydantic class: strict, as the openai SDK sends it
    assert inner["schema"]["additionalProperties"] is False
    assert inner["schema"]["required"] == ["title", "score", "author"]
    loose = _chatplex_body(model.with_structured_output(JOKE_DICT, method="json_schema"))
    assert loose["response_format"]["json_schema"]["strict"] is False
    tight = _chatplex_body(
        model.with_structured_output(JOKE_DICT, method="json_schema", strict=True)
    )
    tight_schema = tight["response_format"]["json_schema"]["schema"]
    assert tight_schema["additionalProperties"] is False
    assert tight_schema["required"] == ["setup", "rating"]
    typed = _chatplex_body(model.with_structured_output(Joke, method="json_schema"))
    properties = typed["response_format"]["json_schema"]["schema"]["properties"]
    assert properties["setup"]["description"] == "the setup"
    assert properties["rating"] == {"type": "integer", "description": "how funny, 1 to 10"}


def test_a_response_format_dict_is_sent_as_given() -> None:
    model = ChatOpenAI(model="gpt-4o-mini", api_key="sk-test")
    wrapped = {"name": "city", "schema": CITY_SCHEMA, "strict": True}
    for given in (wrapped, {"type": "json_schema", "json_schema": wrapped}):
        body = _chatplex_body(model.with_structured_output(given, method="json_schema"))
        assert body["response_format"] == {"type": "json_schema", "json_schema": wrapped}
    with pytest.raises(ValueError, match="set it in one place"):
        model.with_structured_output(wrapped, method="json_schema", strict=False)
    with pytest.raises(TypeError, match="needs a name and a schema"):
        model.with_structured_output({"name": 3, "schema": {}}, method="json_schema")


CITY_SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}


def test_typeddict_replies_still_validate() -> None:
    model = FakeChatModel(responses=['{"setup": "a", "punchline": "b", "rating": 3}'])
    runnable = model.with_structured_output(Joke, method="json_mode")
    assert runnable.invoke("hi") == {"setup": "a", "punchline": "b", "rating": 3}


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


@pytest.mark.parametrize(("schema", "method"), [(Person, "json_schema"), (Movie, "json_mode")])
def test_openai_raw_reply_carries_parsed_as_langchain_openai(
    server: MockServer, schema: Any, method: str
) -> None:
    # The openai SDK's parse() gives langchain-openai's reply `parsed`: the pydantic
    # object for a pydantic schema, None for any other.
    runnable = make(server, "openai").with_structured_output(
        schema, method=method, include_raw=True
    )
    result = runnable.invoke("hi")
    expected = result["parsed"] if isinstance(result["parsed"], BaseModel) else None
    assert "parsed" in result["raw"].additional_kwargs
    assert result["raw"].additional_kwargs["parsed"] == expected
    tool = make(server, "openai").with_structured_output(
        schema, method="function_calling", include_raw=True
    )
    assert "parsed" not in tool.invoke("hi")["raw"].additional_kwargs  # no response_format
    anthropic = make(server, "anthropic").with_structured_output(schema, include_raw=True)
    assert "parsed" not in anthropic.invoke("hi")["raw"].additional_kwargs


class _Pick(BaseModel):
    name: str


def test_each_wire_says_whether_a_pydantic_json_schema_stream_yields_partials() -> None:
    # The wires' `StructuredProfile.partials` / `schema_enforced` (no name branch):
    # LangChain's OpenAI parser takes the whole reply, Anthropic's streams partials.
    openai = ChatOpenAI(model="m", api_key="k").with_structured_output(_Pick, method="json_schema")
    anthropic = ChatAnthropic(model="m", api_key="k").with_structured_output(
        _Pick, method="json_schema"
    )
    typed = ChatOpenAI(model="m", api_key="k").with_structured_output(
        {"title": "P", "type": "object", "properties": {}}, method="json_schema"
    )
    assert openai.steps[-1].partials is False  # type: ignore[attr-defined]
    assert anthropic.steps[-1].partials is True  # type: ignore[attr-defined]
    assert typed.steps[-1].partials is True  # type: ignore[attr-defined]


def test_json_mode_and_strict_follow_the_wire_not_its_name() -> None:
    # Anthropic has no JSON mode (LangChain maps it to json_schema) and refuses strict=.
    anthropic = ChatAnthropic(model="m", api_key="k")
    bound = anthropic.with_structured_output(_Pick, method="json_mode")
    assert "output_config" in bound.steps[0].extra_body  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="strict= is not supported"):
        anthropic.with_structured_output(_Pick, method="json_schema", strict=True)
    openai = ChatOpenAI(model="m", api_key="k").with_structured_output(_Pick, method="json_mode")
    assert openai.steps[0].extra_body["response_format"] == {"type": "json_object"}  # type: ignore[attr-defined]


class _Track(TypedDict):
    """A track."""

    name: str


class _Album(TypedDict):
    """An album."""

    title: str
    tracks: list[_Track]


def test_a_nested_typeddicts_schema_is_inlined_as_langchain_cores() -> None:
    # langchain-core's convert_to_json_schema (what the partners send as the response
    # schema) has the nested TypedDict in place; chatplex sent `$defs` and a `$ref`.
    from langchain_core.utils.function_calling import convert_to_json_schema

    spec = output_schema(_Album)
    theirs = convert_to_json_schema(_Album)
    assert "$defs" not in spec.parameters
    assert spec.parameters["properties"] == theirs["properties"]
