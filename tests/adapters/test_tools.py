from __future__ import annotations

import doctest
import enum
import json
import math
from dataclasses import dataclass
from typing import Annotated
from typing import Any
from typing import Literal
from typing import TypeAlias

import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel
from pydantic import Field
from pydantic import create_model

from chatplex.adapters import tools as _tools
from chatplex.adapters.request_types import ToolSpec
from chatplex.adapters.tools import given_tool_fields
from chatplex.adapters.tools import to_tool_spec
from chatplex.adapters.tools import to_tool_specs
from tests._fresh import fresh_python

# --- fixtures: tools in every accepted form ---------------------------------------------


class Unit(str, enum.Enum):  # noqa: UP042 - the mixin users write, not StrEnum
    CELSIUS = "celsius"
    FAHRENHEIT = "fahrenheit"


class Location(BaseModel):
    """Where to look."""

    city: str = Field(description="City name")
    country: str | None = Field(default=None, description="ISO country code")


class Forecast(BaseModel):
    """Get the weather forecast.

    Returns one entry per day.
    """

    location: Location = Field(description="The place")
    days: int = Field(default=1, ge=1, description="How many days")
    unit: Unit = Unit.CELSIUS
    hours: list[int] = Field(default_factory=list)
    title: str = ""  # a property literally named "title" must survive title stripping


class NoDoc(BaseModel):
    x: int


def search(query: str, limit: int = 10, mode: Literal["fast", "deep"] = "fast") -> list[str]:
    """Search the web.

    Longer explanation that stays in the description.

    Args:
        query: What to look for. It may span
            two lines.
        limit (int): Maximum number of results.

    Returns:
        The matching URLs.
    """
    return []


async def fetch(
    url: str, timeout: float | None = None, headers: dict[str, str] | None = None
) -> str:
    """Fetch a page.

    :param url: The address to fetch.
    :param float timeout: Seconds to wait,
        at most.
    :returns: The body.
    """
    return ""


def annotated(
    n: Annotated[int, Field(description="from Field")], unit: Unit = Unit.CELSIUS
) -> None:
    """Annotated wins.

    Args:
        n: from the docstring
        unit: Temperature unit.
    """


def no_doc(xs: list[int]) -> int:
    return sum(xs)


_SENTINEL = object()


def odd_default(flag: bool = _SENTINEL) -> None:  # type: ignore[assignment]
    """Default without a JSON form."""


class Opaque:
    pass


def opaque_param(thing: Opaque) -> None:
    """Pydantic can't describe Opaque."""


def unresolved(thing: NotDefinedAnywhere) -> None:  # type: ignore[name-defined]  # noqa: F821
    """Forward reference that never resolves."""


@dataclass
class FakeTool:
    """Duck-types LangChain's BaseTool: name, description, args_schema."""

    name: str
    description: str
    args_schema: Any


def walk(node: Any) -> list[dict[str, Any]]:
    """Every dict in a JSON value."""
    if isinstance(node, dict):
        return [node, *(d for v in node.values() for d in walk(v))]
    if isinstance(node, list):
        return [d for v in node for d in walk(v)]
    return []


def schema_titles(schema: dict[str, Any]) -> list[str]:
    """`title` keywords in schema positions (property *names* are not keywords)."""
    titles = [schema["title"]] if isinstance(schema.get("title"), str) else []
    for key, value in schema.items():
        if key in ("properties", "$defs"):
            titles += [t for sub in value.values() for t in schema_titles(sub)]
        elif isinstance(value, dict):
            titles += schema_titles(value)
        elif isinstance(value, list):
            titles += [t for sub in value if isinstance(sub, dict) for t in schema_titles(sub)]
    return titles


# --- pydantic models ----------------------------------------------------------------------


def test_pydantic_model_with_nested_model_and_field_descriptions() -> None:
    spec = to_tool_spec(Forecast)
    assert spec.name == "Forecast"
    assert spec.description == "Get the weather forecast.\n\nReturns one entry per day."
    params = spec.parameters
    assert params["type"] == "object"
    assert params["required"] == ["location"]
    assert "title" not in params and "description" not in params
    props = params["properties"]
    assert list(props) == ["location", "days", "unit", "hours", "title"]
    location = props["location"]  # nested models in place, as LangChain sends them
    assert location["description"] == "The place"  # the field's, over the class's docstring
    assert props["days"] == {
        "type": "integer",
        "default": 1,
        "minimum": 1,
        "description": "How many days",
    }
    assert props["unit"] == {
        "type": "string",
        "enum": ["celsius", "fahrenheit"],
        "default": "celsius",
    }
    assert props["hours"] == {"type": "array", "items": {"type": "integer"}}
    assert props["title"] == {"type": "string", "default": ""}
    assert location["properties"]["city"] == {"type": "string", "description": "City name"}
    assert "$defs" not in params
    assert schema_titles(params) == []
    assert params == convert_to_openai_tool(Forecast)["function"]["parameters"]


def test_model_without_docstring_gets_empty_description_not_basemodels() -> None:
    spec = to_tool_spec(NoDoc)
    assert spec.description == ""
    assert spec.parameters == {
        "type": "object",
        "properties": {"x": {"type": "integer"}},
        "required": ["x"],
    }


class TreeNode(BaseModel):
    """A node of a tree."""

    value: int
    children: list[TreeNode] = []


def test_recursive_model_is_lifted_to_an_object_schema() -> None:
    spec = to_tool_spec(TreeNode)
    assert spec.description == "A node of a tree."
    params = spec.parameters
    assert (params["type"], params["required"]) == ("object", ["value"])
    assert params["properties"]["children"]["items"] == {"$ref": "#/$defs/TreeNode"}
    assert params["$defs"]["TreeNode"]["properties"].keys() == {"value", "children"}
    assert "description" not in params and "$ref" not in params


# --- dict shapes --------------------------------------------------------------------------

SCHEMA = {
    "type": "object",
    "properties": {"query": {"type": "string", "description": "What to look for"}},
    "required": ["query"],
}


@pytest.mark.parametrize(
    "tool",
    [
        {
            "type": "function",
            "function": {"name": "search", "description": "Search.", "parameters": SCHEMA},
        },
        {"name": "search", "description": "Search.", "parameters": SCHEMA},
        {"name": "search", "description": "Search.", "input_schema": SCHEMA},
        {"title": "search", "description": "Search.", **SCHEMA},
        FakeTool("search", "Search.", {"title": "ignored", "description": "ignored", **SCHEMA}),
        ToolSpec("search", "Search.", SCHEMA),
    ],
    ids=["openai-tool", "openai-function", "anthropic", "bare-schema", "basetool-dict", "spec"],
)
def test_dict_shapes_give_the_same_spec(tool: object) -> None:
    assert to_tool_spec(tool) == ToolSpec("search", "Search.", SCHEMA)


def test_dict_normalisation_fills_type_properties_and_description() -> None:
    assert to_tool_spec({"name": "ping"}) == ToolSpec(
        "ping", "", {"type": "object", "properties": {}}, described=False, parameters_given=False
    )
    spec = to_tool_spec({"name": "f", "parameters": {"properties": {"a": {"type": "integer"}}}})
    assert spec.parameters == {"type": "object", "properties": {"a": {"type": "integer"}}}
    assert to_tool_spec({"name": "f", "input_schema": {"type": "object"}}).parameters == {
        "type": "object",
        "properties": {},
    }
    assert to_tool_spec({"name": "f", "description": None}).description == ""


def test_dict_parameters_are_copied() -> None:
    params: dict[str, Any] = {"type": "object", "properties": {"a": {"type": "string"}}}
    spec = to_tool_spec({"name": "f", "parameters": params})
    params["properties"]["a"]["type"] = "integer"
    assert spec.parameters["properties"]["a"] == {"type": "string"}


def test_a_dicts_strict_and_cache_control_are_carried() -> None:
    tool = {"type": "function", "function": {"name": "f", "parameters": SCHEMA, "strict": True}}
    assert to_tool_spec(tool) == ToolSpec("f", "", SCHEMA, strict=True, described=False)
    anthropic = {"name": "g", "input_schema": SCHEMA, "cache_control": {"type": "ephemeral"}}
    spec = to_tool_spec(anthropic)
    assert spec.cache_control == {"type": "ephemeral"} and spec.strict is None
    assert to_tool_spec(spec) is spec  # a ToolSpec keeps its flags
    with pytest.raises(TypeError, match="cache_control must be a dict"):
        to_tool_spec({**anthropic, "cache_control": "ephemeral"})
    with pytest.raises(TypeError, match="strict must be a bool"):
        to_tool_spec({**anthropic, "strict": "yes"})
    # Beside an OpenAI tool dict's function: where LangChain's drop-ins keep an Anthropic
    # tool dict's breakpoint once it is in the OpenAI form.
    cached = {**tool, "cache_control": {"type": "ephemeral"}}
    assert to_tool_spec(cached).cache_control == {"type": "ephemeral"}


def test_a_langchain_tools_extras_cache_control_is_carried() -> None:
    # langchain-anthropic reads a BaseTool's `extras` for its tool fields; cache_control
    # is the one chatplex's ToolSpec carries.
    from langchain_core.tools import tool

    @tool(extras={"cache_control": {"type": "ephemeral"}})
    def weather(city: str) -> str:
        """Weather in a city."""
        return "sunny"

    assert _tools.given_cache_control(weather) == {"type": "ephemeral"}
    assert to_tool_spec(weather).cache_control == {"type": "ephemeral"}
    plain = weather.model_copy(update={"extras": None})
    assert _tools.given_cache_control(plain) is None
    assert to_tool_spec(plain).cache_control is None
    with pytest.raises(TypeError, match="cache_control must be a dict"):
        to_tool_spec(weather.model_copy(update={"extras": {"cache_control": "ephemeral"}}))


# --- functions ----------------------------------------------------------------------------


def test_sync_function_with_google_docstring() -> None:
    spec = to_tool_spec(search)
    assert spec.name == "search"
    assert (
        spec.description == "Search the web.\n\nLonger explanation that stays in the description."
    )
    assert spec.parameters["required"] == ["query"]
    props = spec.parameters["properties"]
    assert props["query"] == {
        "type": "string",
        "description": "What to look for. It may span two lines.",
    }
    assert props["limit"] == {
        "type": "integer",
        "default": 10,
        "description": "Maximum number of results.",
    }
    assert props["mode"] == {"type": "string", "enum": ["fast", "deep"], "default": "fast"}
    assert schema_titles(spec.parameters) == []


def test_async_function_with_rest_docstring_and_optionals() -> None:
    spec = to_tool_spec(fetch)
    assert (spec.name, spec.description) == ("fetch", "Fetch a page.")
    assert spec.parameters["required"] == ["url"]
    props = spec.parameters["properties"]
    assert props["url"] == {"type": "string", "description": "The address to fetch."}
    assert props["timeout"] == {
        "anyOf": [{"type": "number"}, {"type": "null"}],
        "default": None,
        "description": "Seconds to wait, at most.",
    }
    assert props["headers"]["anyOf"][0] == {
        "type": "object",
        "additionalProperties": {"type": "string"},
    }
    assert "description" not in props["headers"]


def test_field_description_wins_over_docstring_and_an_enum_is_inlined() -> None:
    spec = to_tool_spec(annotated)
    props = spec.parameters["properties"]
    assert props["n"] == {"type": "integer", "description": "from Field"}
    assert props["unit"] == {
        "type": "string",
        "enum": ["celsius", "fahrenheit"],
        "default": "celsius",
        "description": "Temperature unit.",
    }
    assert "$defs" not in spec.parameters


def test_function_without_docstring_and_list_of_int() -> None:
    spec = to_tool_spec(no_doc)
    assert spec.description == ""
    assert spec.parameters["properties"] == {"xs": {"type": "array", "items": {"type": "integer"}}}
    assert spec.parameters["required"] == ["xs"]


def test_bound_method_drops_self() -> None:
    class Calculator:
        def add(self, a: int, b: int = 0) -> int:
            """Add two numbers."""
            return a + b

    spec = to_tool_spec(Calculator().add)
    assert spec.name == "add"
    assert list(spec.parameters["properties"]) == ["a", "b"]
    assert spec.parameters["required"] == ["a"]


def test_non_json_default_is_dropped_without_a_warning() -> None:
    # pytest runs with -W error, so a PydanticJsonSchemaWarning would fail this test.
    spec = to_tool_spec(odd_default)
    assert spec.parameters["properties"] == {"flag": {"type": "boolean"}}
    assert spec.parameters.get("required", []) == []


# --- BaseTool-like objects and ToolSpec ---------------------------------------------------


def test_basetool_like_object_uses_args_schema_and_its_own_name() -> None:
    spec = to_tool_spec(FakeTool("locate", "Find a place.", Location))
    assert (spec.name, spec.description) == ("locate", "Find a place.")
    assert spec.parameters == {
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "City name"},
            "country": {
                "anyOf": [{"type": "string"}, {"type": "null"}],
                "default": None,
                "description": "ISO country code",
            },
        },
        "required": ["city"],
    }


def test_toolspec_is_returned_as_is_or_normalised() -> None:
    spec = ToolSpec("f", "d", {"type": "object", "properties": {}})
    assert to_tool_spec(spec) is spec
    loose = ToolSpec("f", "d", {})
    assert to_tool_spec(loose) == spec


# --- equivalent forms ---------------------------------------------------------------------


TempUnit: TypeAlias = Literal["c", "f"]


def get_weather(city: str, days: int = 1, unit: TempUnit = "c") -> str:
    """Current weather for a city.

    Args:
        city: City name.
        days: Forecast days.
        unit: Temperature unit.
    """
    return ""


WeatherModel = create_model(
    "get_weather",
    __doc__="Current weather for a city.",
    city=(str, Field(description="City name.")),
    days=(int, Field(default=1, description="Forecast days.")),
    unit=(TempUnit, Field(default="c", description="Temperature unit.")),
)
WEATHER_DICT = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name."},
                "days": {"type": "integer", "description": "Forecast days.", "default": 1},
                "unit": {"type": "string", "enum": ["c", "f"], "description": "Temperature unit."},
            },
            "required": ["city"],
        },
    },
}


def test_equivalent_forms_give_equivalent_specs() -> None:
    def shape(spec: ToolSpec) -> tuple[Any, ...]:
        props = spec.parameters["properties"]
        return (
            spec.name,
            spec.description,
            spec.parameters["required"],
            {k: (v["type"], v.get("enum"), v["description"]) for k, v in props.items()},
        )

    from_function = shape(to_tool_spec(get_weather))
    assert from_function == shape(to_tool_spec(WeatherModel))
    assert from_function == shape(to_tool_spec(WEATHER_DICT))
    assert from_function == shape(
        to_tool_spec(FakeTool("get_weather", "Current weather for a city.", WeatherModel))
    )


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["has space", "dot.name", "", "x" * 65, "ünï"])
def test_bad_names_are_rejected(name: str) -> None:
    with pytest.raises(ValueError, match=r"invalid tool name .*\^\[a-zA-Z0-9_-\]\{1,64\}\$") as err:
        to_tool_spec({"name": name, "parameters": SCHEMA})
    assert repr(name) in str(err.value)


def test_name_of_64_characters_is_fine() -> None:
    assert to_tool_spec({"name": "x" * 64}).name == "x" * 64


@pytest.mark.parametrize(
    ("parameters", "detail"),
    [
        (
            {"type": "object", "properties": {"a": {"default": {1, 2}}}},
            "set is not JSON serializable",
        ),
        ({"type": "object", "properties": {"a": {"default": object()}}}, "object is not JSON"),
        ({"type": "object", "properties": {"a": {"maximum": math.nan}}}, "Out of range float"),
    ],
)
def test_non_serialisable_schema(parameters: dict[str, Any], detail: str) -> None:
    with pytest.raises(TypeError, match=f"tool 'f': non-serialisable tool schema .*{detail}"):
        to_tool_spec({"name": "f", "parameters": parameters})


@pytest.mark.parametrize(
    ("parameters", "error", "message"),
    [
        ({"type": "string"}, ValueError, "must be an object schema"),
        ({"anyOf": [{"type": "object"}]}, ValueError, "must be an object schema"),
        ({"type": "object", "properties": []}, TypeError, "'properties' must be a dict"),
        ({"type": "object", "required": "a"}, TypeError, "'required' must be a list"),
        ([("type", "object")], TypeError, "parameters must be a JSON-schema dict"),
    ],
)
def test_non_object_schemas(parameters: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=f"tool 'f': .*{message}"):
        to_tool_spec({"name": "f", "parameters": parameters})


def test_non_string_name_and_description() -> None:
    with pytest.raises(TypeError, match="tool name must be a string, got 3"):
        to_tool_spec({"name": 3})
    with pytest.raises(TypeError, match="tool 'f': description must be a str, got \\['x'\\]"):
        to_tool_spec({"name": "f", "description": ["x"]})


def test_duplicate_names_in_one_bind() -> None:
    with pytest.raises(ValueError, match="duplicate tool names in one bind: search"):
        to_tool_specs([search, {"name": "other"}, {"name": "search"}])


def test_to_tool_specs_keeps_order_and_wants_a_sequence() -> None:
    assert [s.name for s in to_tool_specs([search, Forecast, WEATHER_DICT])] == [
        "search",
        "Forecast",
        "get_weather",
    ]
    assert to_tool_specs([]) == ()
    # A pydantic model instance iterates over its fields, so "iterable" is not enough.
    pydantic_tool = Location(city="x")
    for single in (search, WEATHER_DICT, "search", pydantic_tool, (t for t in [search])):
        with pytest.raises(
            TypeError, match="expects a list of tools, got .*wrap one tool in a list"
        ):
            to_tool_specs(single)  # type: ignore[arg-type]


def test_a_wires_builtin_tools_keep_their_place_and_their_wire_form() -> None:
    def builtin(tool: Any) -> dict[str, Any] | None:  # a wire whose built-in is "lookup"
        return {"lookUp": dict(tool["lookup"])} if "lookup" in tool else None

    specs = to_tool_specs([{"lookup": {"k": 1}}, search], strict=True, builtin=builtin)
    assert [(s.name, s.builtin, s.strict) for s in specs] == [
        ("lookup", {"lookUp": {"k": 1}}, None),  # sent as the wire wrote it, never strict
        ("search", None, True),
    ]
    assert to_tool_spec(specs[0]) is specs[0]  # bound again (per call), kept as it is
    with pytest.raises(TypeError, match="unrecognised tool dict"):  # no wire: no built-in
        to_tool_specs([{"lookup": {"k": 1}}])


def untyped(city, days: int = 1) -> None:  # type: ignore[no-untyped-def]
    """No annotation on city."""


def star_args(*cities: str) -> None:
    """Variadic."""


def star_kwargs(city: str, **extra: str) -> None:
    """Keywords."""


def positional_only(city: str, /) -> None:
    """Slash."""


@pytest.mark.parametrize(
    ("fn", "message"),
    [
        (untyped, "tool function 'untyped': parameter 'city' has no type annotation"),
        (star_args, "tool function 'star_args': variadic positional parameter 'cities'"),
        (star_kwargs, "tool function 'star_kwargs': variadic keyword parameter 'extra'"),
        (positional_only, "tool function 'positional_only': positional-only parameter 'city'"),
        (opaque_param, "tool function 'opaque_param': can't build a JSON schema"),
        (unresolved, "tool function 'unresolved': can't build a JSON schema.*NotDefinedAnywhere"),
    ],
)
def test_bad_functions(fn: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        to_tool_spec(fn)


@pytest.mark.parametrize(
    "tool",
    [42, "search", Opaque, Forecast(location=Location(city="x")), len, None],
    ids=["int", "str", "plain-class", "model-instance", "builtin", "none"],
)
def test_unknown_objects_list_the_accepted_forms(tool: object) -> None:
    with pytest.raises(TypeError, match="can't make a tool from .*; expected a pydantic BaseModel"):
        to_tool_spec(tool)


@pytest.mark.parametrize(
    ("tool", "message"),
    [
        ({"type": "function", "name": "f"}, 'needs a "function" dict'),
        ({"type": "web_search_20250305", "name": "web_search", "input_schema": {}}, "server tool"),
        ({"type": "web_search_20250305", "name": "web_search"}, "unrecognised tool dict"),
        (
            {"type": "object", "properties": {}},
            r"unrecognised tool dict with keys \['properties', 'type'\]",
        ),
        ({"description": "x"}, "unrecognised tool dict"),
    ],
)
def test_bad_dicts(tool: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        to_tool_spec(tool)


def test_a_langchain_tools_injected_arguments_are_not_shown_to_the_model() -> None:
    # ToolRuntime's type has no JSON schema (reading args_schema raised), and the
    # injected state and call id are filled in by LangChain, not asked of the model: the
    # spec is the tool's `tool_call_schema`, as LangChain's own conversion gives it.
    from langchain.tools import InjectedState
    from langchain.tools import ToolRuntime
    from langchain_core.tools import InjectedToolCallId
    from langchain_core.tools import tool
    from langchain_core.utils.function_calling import convert_to_openai_tool

    def weather(location: str, runtime: Any, state: Any, call_id: Any) -> str:
        """The weather at a location."""
        return location

    # The annotations as objects (this module's are strings, and these names local).
    weather.__annotations__ = {
        "location": str,
        "runtime": ToolRuntime,
        "state": Annotated[dict[str, Any], InjectedState],
        "call_id": Annotated[str, InjectedToolCallId],
        "return": str,
    }
    made = tool(weather)
    spec = to_tool_spec(made)
    assert spec.parameters == convert_to_openai_tool(made)["function"]["parameters"]
    assert list(spec.parameters["properties"]) == ["location"]


def test_basetool_like_with_unusable_args_schema() -> None:
    with pytest.raises(TypeError, match="tool 'x': args_schema must be a pydantic model class"):
        to_tool_spec(FakeTool("x", "d", None))


# --- the official SDKs' parameter types ---------------------------------------------------

ALL_FORMS: list[object] = [
    Forecast,
    TreeNode,
    NoDoc,
    search,
    fetch,
    annotated,
    no_doc,
    get_weather,
    WeatherModel,
    WEATHER_DICT,
    FakeTool("locate", "Find.", Location),
    {"name": "ping"},
]


def test_specs_validate_against_openai_param_types() -> None:
    pytest.importorskip("openai")
    from openai.types.chat import ChatCompletionToolParam
    from pydantic import TypeAdapter
    from pydantic import ValidationError

    # Honest scope: a TypedDict validates required keys and value types only. It ignores
    # extra keys, doesn't check the name pattern, and FunctionParameters is Dict[str, object],
    # so the JSON schema itself is checked only for being a dict with string keys. The
    # negative control below shows the check is not vacuous.
    adapter = TypeAdapter(ChatCompletionToolParam)
    for spec in map(to_tool_spec, ALL_FORMS):
        tool = {
            "type": "function",
            "function": {
                "name": spec.name,
                "description": spec.description,
                "parameters": spec.parameters,
            },
        }
        assert adapter.validate_python(tool) == tool
    with pytest.raises(ValidationError):
        adapter.validate_python({"type": "function", "function": {"description": "no name"}})


def test_specs_validate_against_anthropic_param_types() -> None:
    pytest.importorskip("anthropic")
    from anthropic.types import ToolParam
    from anthropic.types.tool_param import InputSchemaTyped
    from pydantic import TypeAdapter
    from pydantic import ValidationError

    # ToolParam.input_schema is Union[InputSchemaTyped, Dict[str, object]], so through
    # ToolParam alone any dict passes. We therefore also validate the schema against
    # InputSchemaTyped itself, which requires type == "object" and dict properties.
    tool_adapter = TypeAdapter(ToolParam)
    schema_adapter = TypeAdapter(InputSchemaTyped)
    for spec in map(to_tool_spec, ALL_FORMS):
        tool = {"name": spec.name, "description": spec.description, "input_schema": spec.parameters}
        assert tool_adapter.validate_python(tool)["name"] == spec.name
        assert schema_adapter.validate_python(spec.parameters)["type"] == "object"
    with pytest.raises(ValidationError):
        schema_adapter.validate_python({"type": "string"})
    with pytest.raises(ValidationError):
        tool_adapter.validate_python({"name": "no_schema"})


def test_specs_round_trip_through_json() -> None:
    for spec in map(to_tool_spec, ALL_FORMS):
        assert json.loads(json.dumps(spec.parameters, allow_nan=False)) == spec.parameters


def test_an_sdks_tool_object_in_openai_form_is_read_as_its_dump() -> None:
    # (the cohere SDK's ToolV2, as langchain-cohere's bind_tools binds it)
    class Function(BaseModel):
        name: str
        description: str | None = None
        parameters: dict[str, Any] | None = None

    class Tool(BaseModel):
        type: str
        function: Function

    given = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    assert to_tool_spec(Tool.model_validate(given)) == to_tool_spec(given)
    described = {"type": "function", "function": {**given["function"], "description": "F."}}
    assert to_tool_spec(Tool.model_validate(described)).description == "F."


# --- module hygiene -----------------------------------------------------------------------


def test_module_does_not_import_pydantic() -> None:
    # (it imports the modules it builds on: pydantic_schema, typeddicts, docstrings)
    code = "import sys, chatplex.adapters.tools; print('pydantic' in sys.modules)"
    out = fresh_python(code)
    assert out.stdout.strip() == "False", "importing _tools must not import pydantic"


def test_docstring_examples() -> None:
    result = doctest.testmod(_tools, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# --- bind_tools(strict=), against LangChain's own conversion ---------------------------------


def _langchain_function(tool: Any, strict: bool | None = None) -> dict[str, Any]:
    from langchain_core.utils.function_calling import convert_to_openai_tool

    function: dict[str, Any] = convert_to_openai_tool(tool, strict=strict)["function"]
    return function


def test_strict_marks_every_tool_and_makes_its_schema_strict_as_langchain() -> None:
    from pydantic import BaseModel

    class Where(BaseModel):
        """Where to look."""

        city: str
        country: str | None = None

    lc = _langchain_function(Where, strict=True)
    (spec,) = to_tool_specs([Where], strict=True)
    assert spec.strict is True
    assert spec.parameters == lc["parameters"]
    assert spec.parameters["required"] == ["city", "country"]
    assert spec.parameters["additionalProperties"] is False
    (loose,) = to_tool_specs([Where], strict=False)
    assert loose.strict is False
    assert loose.parameters == _langchain_function(Where, strict=False)["parameters"]
    (unset,) = to_tool_specs([Where])
    assert unset.strict is None


def test_strict_that_contradicts_the_tools_own_flag_raises() -> None:
    function = {"name": "f", "parameters": SCHEMA, "strict": False}
    with pytest.raises(ValueError, match="already has strict=False"):
        to_tool_specs([function], strict=True)
    assert to_tool_specs([function], strict=False)[0].strict is False


def test_a_tool_in_openai_wire_form_is_sent_as_given_whatever_strict() -> None:
    from langchain_core.utils.function_calling import convert_to_openai_tool

    tool = {"type": "function", "function": {"name": "f", "parameters": SCHEMA, "strict": False}}
    (spec,) = to_tool_specs([tool], strict=True)
    assert convert_to_openai_tool(tool, strict=True) == tool  # LangChain passes it through
    assert (spec.strict, spec.parameters) == (False, to_tool_spec(tool).parameters)


def test_a_plain_function_tool_is_langchains_shape() -> None:
    """LangChain's convert_to_openai_tool leaves a function's arguments open (no
    `additionalProperties`); a strict tool closes them, as there."""

    def add(a: int, b: int = 2) -> int:
        """Add two integers."""
        return a + b

    loose = to_tool_spec(add)
    assert "additionalProperties" not in loose.parameters
    assert loose.parameters == _langchain_function(add)["parameters"]
    (strict,) = to_tool_specs([add], strict=True)
    assert strict.parameters["additionalProperties"] is False


def test_a_tools_own_fields_are_read_from_a_dict_or_a_langchain_tools_extras() -> None:
    class Tool:  # a LangChain tool's shape: extras beside its definition
        name = "ping"
        description = "Ping."
        args_schema: dict[str, Any] = {"type": "object", "properties": {}}
        extras = {"defer_loading": True, "owner": "ops", "input_examples": [{}]}

    fields = {"defer_loading": True, "input_examples": [{}]}
    assert given_tool_fields(Tool()) == fields  # not other extras
    assert given_tool_fields({"name": "ping", "defer_loading": True}) == {"defer_loading": True}
    assert given_tool_fields(object()) == {}
    assert to_tool_spec(Tool()).fields == fields
    anthropic_form = {"name": "ping", "input_schema": {"type": "object"}, **fields}
    assert to_tool_spec(anthropic_form).fields == fields
    openai_form = {"type": "function", "function": {"name": "ping"}, "defer_loading": True}
    spec = to_tool_spec(openai_form)
    assert spec.fields == {"defer_loading": True}
    assert to_tool_spec(spec) is spec


def test_an_openai_form_dict_keeps_the_keys_given_beside_its_function() -> None:
    # langchain-openai's bind_tools copies a tool's `extras` defer_loading and async
    # beside the function: read back as `ToolSpec.beside`, other keys not kept.
    given = {
        "type": "function",
        "function": {"name": "f", "description": "", "parameters": {"type": "object"}},
        "defer_loading": True,
        "async": False,
        "owner": "ops",
    }
    spec = to_tool_spec(given)
    assert spec.beside == {"defer_loading": True, "async": False}
    assert to_tool_spec(spec) is spec  # a ToolSpec keeps its own
    assert to_tool_spec({**given, "defer_loading": None}).beside["defer_loading"] is None


def test_a_dict_without_a_description_is_marked_so_through_a_round_trip() -> None:
    bare = to_tool_spec({"type": "function", "function": {"name": "d"}})
    given = to_tool_spec({"name": "d", "description": "", "parameters": {}})
    assert (bare.described, given.described) == (False, True)
    assert bare.description_field() == {} and given.description_field() == {"description": ""}
    assert to_tool_spec(bare).described is False  # a ToolSpec given keeps it
    assert to_tool_spec({"title": "J", "type": "object", "properties": {}}).described is False


@pytest.mark.parametrize("refusal", ["2.10", "2.11"])
def test_a_functions_text_annotations_are_read_where_pydantic_does_not_read_them(
    monkeypatch: pytest.MonkeyPatch, refusal: str
) -> None:
    """pydantic 2.10 and 2.11 resolve a function's text annotations (`from __future__
    import annotations`, as here) in their caller's module, not the function's: `Literal`
    is unknown there, and 2.10 says the schema is "not fully defined", 2.11 raises
    NameError. The function's own module names them."""
    import pydantic
    from pydantic import PydanticUserError

    newest = pydantic.TypeAdapter

    class AsBefore212(newest):  # type: ignore[misc,valid-type]
        def json_schema(self, *args: Any, **kwargs: Any) -> Any:
            function = self._type
            if any(isinstance(a, str) for a in getattr(function, "__annotations__", {}).values()):
                if refusal == "2.11":
                    raise NameError("name 'Literal' is not defined")
                raise PydanticUserError("not fully defined", code="class-not-fully-defined")
            return super().json_schema(*args, **kwargs)

    monkeypatch.setattr(pydantic, "TypeAdapter", AsBefore212)
    spec = to_tool_spec(search)
    assert spec.parameters["properties"]["mode"]["enum"] == ["fast", "deep"]
    assert spec.parameters["required"] == ["query"]
