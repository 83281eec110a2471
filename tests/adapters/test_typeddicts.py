"""TypedDict classes as tools (`adapters/typeddicts.py`), read as LangChain's own
conversion (`convert_to_openai_tool`) reads them."""

from __future__ import annotations

import doctest
from typing import Annotated
from typing import NotRequired
from typing import Required

import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool
from typing_extensions import TypedDict

from chatplex.adapters import typeddicts
from chatplex.adapters.tools import to_tool_spec


def test_typeddict_tool_keeps_annotated_descriptions_as_langchain() -> None:

    from typing_extensions import TypedDict

    class Joke(TypedDict):
        """A joke.

        Args:
            rating: how funny, 1-10
        """

        setup: Annotated[str, ..., "the setup"]
        punchline: Annotated[str, "a default", "the punchline"]
        rating: int

    spec = to_tool_spec(Joke)
    lc = convert_to_openai_tool(Joke)["function"]
    assert (spec.name, spec.description) == (lc["name"], lc["description"]) == ("Joke", "A joke.")
    assert spec.parameters["properties"]["setup"]["description"] == "the setup"
    assert spec.parameters["properties"]["rating"]["description"] == "how funny, 1-10"
    assert spec.parameters["properties"]["punchline"] == lc["parameters"]["properties"]["punchline"]
    assert spec.parameters["required"] == lc["parameters"]["required"] == ["setup", "rating"]
    assert spec.parameters == lc["parameters"]


class Inner(TypedDict):
    x: int


class Outer(TypedDict):  # module level: the annotations are strings to resolve
    items: list[Inner]
    one: Inner | None


def test_nested_typeddicts_are_converted_in_place() -> None:
    params = to_tool_spec(Outer).parameters
    inner = {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}
    assert params["properties"]["items"]["items"] == inner
    assert "$defs" not in params


def test_typeddict_description_must_be_a_string() -> None:

    from typing_extensions import TypedDict

    class Bad(TypedDict):
        a: Annotated[str, ..., 42]

    with pytest.raises(TypeError, match="must be a description"):
        to_tool_spec(Bad)


class Person(TypedDict, total=False):
    """A person."""

    name: Required[str]
    nickname: NotRequired[Annotated[str, ..., "what friends say"]]
    age: int


def test_a_not_required_key_is_optional_and_an_unmarked_one_required_whatever_total_says() -> None:
    # LangChain's conversion raises for either qualifier (the drop-ins raise with it, before
    # any request: tests/partners/openai/test_typeddict_not_required_sidebyside.py); for an
    # unmarked key of a `total=False` class it writes the key as required, and so does this.
    params = to_tool_spec(Person).parameters
    assert params["required"] == ["name", "age"]
    assert params["properties"]["nickname"] == {"type": "string", "description": "what friends say"}
    with pytest.raises(TypeError):
        convert_to_openai_tool(Person)


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
def test_chatplex_structured_output_of_a_not_required_key_is_sent_and_parsed(method: str) -> None:
    import chatplex
    from chatplex.testing import ChatMock

    with ChatMock() as mock:
        if method == "json_schema":
            mock.openai.reply_text('{"name": "Ada"}')
        else:
            mock.openai.reply_tool_call("Person", {"name": "Ada"})
        model = chatplex.init_chat_model("openai:gpt-4o", api_key="sk-test")
        assert model.with_structured_output(Person, method=method).invoke("who?") == {"name": "Ada"}
    sent = mock.openai.requests[-1]
    schema = (
        sent["response_format"]["json_schema"]["schema"]
        if method == "json_schema"
        else sent["tools"][0]["function"]["parameters"]
    )
    assert schema["required"] == ["name", "age"]


def test_docstring_examples() -> None:
    result = doctest.testmod(typeddicts, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
