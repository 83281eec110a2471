"""The response formats of the compatible presets' structured output, by declared shape:
each held to the partner package's own conversion (langchain-core's
`convert_to_json_schema` / `convert_to_openai_tool`, which the partner packages call),
and the presets' profiles to the shapes their packages send."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from chatplex.adapters.output_formats import openai_json_schema
from chatplex.chat.structured import output_schema
from chatplex.providers.compatible.adapter import preset_adapter_class
from chatplex.providers.compatible.spec import PROFILES
from chatplex.providers.compatible.structured import JSON_SCHEMA_SHAPES
from chatplex.providers.compatible.structured import response_format

convert = pytest.importorskip("langchain_core.utils.function_calling")


class Sum(BaseModel):
    total: int


class Described(BaseModel):
    """A sum."""

    total: int
    note: str | None = None


SUM_DICT = {
    "title": "Sum",
    "description": "A sum.",
    "type": "object",
    "properties": {"total": {"type": "integer"}},
    "required": ["total"],
}


class Ledger(BaseModel):
    """Sums inside sums: nested models, which LangChain declares inlined."""

    head: Described
    sums: list[Sum]


class Maybe(BaseModel):
    """An optional nested model: langchain-core keeps the titles inside its `anyOf`."""

    head: Described | None = None


SCHEMAS = [Sum, Described, SUM_DICT, Ledger, Maybe]


def _format(shape: str, schema: Any, method: str = "json_schema", strict: Any = None) -> Any:
    return response_format(shape, output_schema(schema), schema, method, strict)["response_format"]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_titled_is_langchain_groqs_json_schema(schema: Any) -> None:
    expected = convert.convert_to_json_schema(schema)
    assert _format("titled", schema) == {
        "type": "json_schema",
        "json_schema": {"name": expected["title"], "schema": expected},
    }


@pytest.mark.parametrize("schema", SCHEMAS)
def test_titled_with_strict_makes_the_schema_strict_and_says_so(schema: Any) -> None:
    expected = convert.convert_to_json_schema(schema, strict=True)
    got = _format("titled", schema, strict=True)
    assert got["json_schema"] == {"name": expected["title"], "schema": expected, "strict": True}
    assert got["json_schema"]["schema"]["additionalProperties"] is False
    assert _format("titled", schema, strict=False)["json_schema"]["strict"] is False


@pytest.mark.parametrize("schema", SCHEMAS)
def test_json_object_carries_the_titled_schema(schema: Any) -> None:
    assert _format("json_object", schema) == {
        "type": "json_object",
        "schema": convert.convert_to_json_schema(schema),
    }


@pytest.mark.parametrize("schema", SCHEMAS)
def test_bare_is_the_schema_alone_for_json_mode_too(schema: Any) -> None:
    expected = {
        "type": "json_schema",
        "json_schema": {"schema": convert.convert_to_json_schema(schema)},
    }
    assert _format("bare", schema) == expected
    assert _format("bare", schema, method="json_mode") == expected


@pytest.mark.parametrize("schema", SCHEMAS)
def test_function_is_the_strict_tool_function(schema: Any) -> None:
    function = convert.convert_to_openai_tool(schema, strict=True)["function"]
    function["schema"] = function.pop("parameters")
    assert _format("function", schema) == {"type": "json_schema", "json_schema": function}
    # strict= is not read: the function is strict whatever is asked.
    assert _format("function", schema, strict=False) == _format("function", schema)


def test_function_sends_a_response_format_dict_as_given() -> None:
    given = {"name": "Sum", "schema": {"type": "object", "properties": {}}, "strict": False}
    assert _format("function", given) == {"type": "json_schema", "json_schema": given}


@pytest.mark.parametrize("shape", ["openai", "titled", "json_object", "function"])
def test_json_mode_is_json_object_on_the_other_shapes(shape: str) -> None:
    assert _format(shape, SUM_DICT, method="json_mode") == {"type": "json_object"}


@pytest.mark.parametrize("schema", SCHEMAS)
def test_openai_shape_is_chatopenais(schema: Any) -> None:
    spec = output_schema(schema)
    assert _format("openai", schema) == openai_json_schema(spec, schema, None)


def test_an_unknown_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown json_schema shape 'xml'"):
        _format("xml", Sum)


def test_every_profile_declares_a_known_shape() -> None:
    assert all(p.json_schema_shape in JSON_SCHEMA_SHAPES for p in PROFILES.values())


@pytest.mark.parametrize(
    ("preset", "shape"),
    [
        ("groq", "titled"),
        ("fireworks", "json_object"),
        ("mistralai", "function"),
        ("perplexity", "bare"),
        ("deepseek", "openai"),
        ("xai", "openai"),
    ],
)
def test_the_adapter_binds_its_profiles_shape(preset: str, shape: str) -> None:
    adapter = preset_adapter_class(preset)(api_key="k", base_url="http://127.0.0.1:9")
    spec = output_schema(Sum)
    got = adapter.structured_output_settings(spec, Sum, "json_schema", None)
    assert got == response_format(shape, spec, Sum, "json_schema", None)


def test_structured_choices_and_parsed_key_follow_the_profile() -> None:
    mistral = preset_adapter_class("mistralai")(api_key="k", base_url="http://127.0.0.1:9")
    groq = preset_adapter_class("groq")(api_key="k", base_url="http://127.0.0.1:9")
    xai = preset_adapter_class("xai")(api_key="k", base_url="http://127.0.0.1:9")
    vllm = preset_adapter_class("vllm")(base_url="http://127.0.0.1:9")
    assert mistral.structured.tool_choice == "any" and groq.structured.tool_choice is None
    assert (groq.structured.parsed_key, mistral.structured.parsed_key) == (False, False)
    assert xai.structured.parsed_key is True and vllm.structured.parsed_key is True
