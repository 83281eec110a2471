"""TypedDict classes as tools (`adapters/typeddicts.py`), read as LangChain's own
conversion (`convert_to_openai_tool`) reads them."""

from __future__ import annotations

import doctest
from typing import Annotated

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


def test_docstring_examples() -> None:
    result = doctest.testmod(typeddicts, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
