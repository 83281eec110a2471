"""Turn whatever users pass to ``bind_tools`` into provider-neutral `ToolSpec`s.

Accepted forms: a pydantic model class, a TypedDict class, a JSON-schema dict (OpenAI
tool, OpenAI function, Anthropic tool, or a bare schema with a ``title``), a typed
function (sync or async), an object with ``name``/``description``/``args_schema``
(LangChain ``BaseTool``-like) and a `ToolSpec`. All validation happens here, so a bad
tool fails at bind time instead of coming back as a provider's 400. A dict's ``strict``
(OpenAI function, Anthropic tool) and ``cache_control`` (Anthropic tool, or beside an
OpenAI tool dict's ``function``; a LangChain tool's ``extras``) are kept on the `ToolSpec`,
and each adapter sends the ones its API has, as LangChain does.

A class's schema is pydantic's (`pydantic_schema.py`), a TypedDict read as LangChain
reads it (`typeddicts.py`), a function's descriptions taken from its docstring
(`docstrings.py`); a ``tool_choice`` is read in `tool_choice.py`.

pydantic is imported inside the functions that need it: ``import chatplex`` stays cheap.

Example:
    >>> def get_weather(city: str, unit: str = "C") -> str:
    ...     '''Current weather for a city.
    ...
    ...     Args:
    ...         city: City name, e.g. "Paris".
    ...     '''
    ...     return "sunny"
    >>> spec = to_tool_spec(get_weather)
    >>> spec.name, spec.description, spec.parameters["required"]
    ('get_weather', 'Current weather for a city.', ['city'])
    >>> spec.parameters["properties"]["city"]
    {'type': 'string', 'description': 'City name, e.g. "Paris".'}
"""

from __future__ import annotations

import inspect
import json
import re
import types
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from typing import cast

from .docstrings import doc_summary
from .docstrings import param_docs
from .inline_refs import inline_refs
from .pydantic_schema import class_doc
from .pydantic_schema import model_schema
from .pydantic_schema import pydantic_base_model
from .pydantic_schema import quiet_generator
from .pydantic_schema import strip_titles
from .request_types import ToolDefinitionError
from .request_types import ToolSpec
from .typeddicts import is_typeddict
from .typeddicts import typeddict_generator
from .typeddicts import typeddict_model

__all__ = [
    "BESIDE_FIELDS",
    "TOOL_FIELDS",
    "builtin_spec",
    "given_cache_control",
    "given_tool_fields",
    "is_typed_tool",
    "to_tool_spec",
    "to_tool_specs",
    "tool_list",
    "with_strict",
]

_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_ACCEPTED = (
    "a pydantic BaseModel subclass; a TypedDict class; a dict shaped as an OpenAI tool "
    '{"type": "function", "function": {...}}, an OpenAI function {"name", "parameters"}, '
    'an Anthropic tool {"name", "input_schema"} or a JSON schema with a "title"; '
    "a typed function; an object with name, description and args_schema; or a ToolSpec"
)


def to_tool_spec(tool: object) -> ToolSpec:
    """Validate one tool in any accepted form and return its `ToolSpec`.

    Example:
        >>> to_tool_spec({"name": "ping", "parameters": {}})
        ToolSpec(name='ping', description='', parameters={'type': 'object', 'properties': {}})
    """
    if isinstance(tool, ToolSpec):
        if tool.builtin is not None:  # a wire's own tool, checked when it was made
            return tool
        spec = _make(tool.name, tool.description, tool.parameters)
        spec = _with_flags(spec, tool.strict, tool.cache_control, tool.fields)
        spec = spec if tool.described else replace(spec, described=False)
        spec = spec if tool.parameters_given else replace(spec, parameters_given=False)
        spec = replace(spec, beside=dict(tool.beside)) if tool.beside else spec
        return tool if spec == tool else spec
    if isinstance(tool, Mapping):
        return _from_mapping(tool)
    if _is_sdk_tool(tool):
        return _from_mapping(cast("Any", tool).model_dump(exclude_unset=True))
    if isinstance(tool, type):
        if issubclass(tool, pydantic_base_model()):
            return _make(tool.__name__, class_doc(tool), model_schema(tool))
        if is_typeddict(tool):
            model = typeddict_model(tool)
            schema = model_schema(model, typeddict_generator())
            return _make(tool.__name__, class_doc(model), schema)
    elif all(hasattr(tool, attr) for attr in ("name", "description", "args_schema")):
        return _from_tool_object(tool)
    elif inspect.isfunction(tool) or inspect.ismethod(tool):
        return _from_function(tool)
    raise ToolDefinitionError(f"can't make a tool from {tool!r:.80}; expected {_ACCEPTED}")


def _is_sdk_tool(tool: object) -> bool:
    """An SDK's tool object in OpenAI's tool form (a pydantic model whose `type` is
    "function" and which has a `function`, as a partner package may bind its SDK's tool
    class: `PartnerTraits.bound_tool_form`), read as its dump."""
    return (
        not isinstance(tool, type)
        and hasattr(tool, "model_dump")
        and getattr(tool, "type", None) == "function"
        and hasattr(tool, "function")
    )


def tool_list(tools: Any) -> Sequence[Any]:
    """`tools` where it is a list of tools (each checked later); else ToolDefinitionError.

    >>> try:
    ...     tool_list("get_weather")
    ... except ValueError as err:  # (a TypeError too)
    ...     print(err)
    bind_tools expects a list of tools, got str; wrap one tool in a list
    """
    # Sequence, not Iterable: a BaseTool is a pydantic model, and models iterate their fields.
    if isinstance(tools, (str, bytes)) or not isinstance(tools, Sequence):
        kind = type(tools).__name__
        raise ToolDefinitionError(
            f"bind_tools expects a list of tools, got {kind}; wrap one tool in a list"
        )
    return tools


def to_tool_specs(
    tools: Sequence[object],
    *,
    strict: bool | None = None,
    builtin: Callable[[Mapping[str, Any]], dict[str, Any] | None] | None = None,
) -> tuple[ToolSpec, ...]:
    """Convert every tool of one ``bind_tools`` call, in the order bound; tool names
    must be unique.

    `builtin`: the wire's `Adapter.builtin_tool`; a dict it reads as a built-in tool
    becomes a `ToolSpec` carrying its wire form (`builtin_spec`), not a function.

    `strict` (langchain-openai's ``bind_tools(strict=)``): None leaves each tool as it
    came; True or False marks every tool so, and True also makes each schema strict
    (`strict_tool_schema`: every property required, no additional properties), except a
    dict already in OpenAI's tool form, sent as given (as LangChain does). A tool whose
    own ``strict`` says otherwise is a ValueError, as in LangChain.

    Example:
        >>> [s.name for s in to_tool_specs([{"name": "a"}, {"name": "b"}])]
        ['a', 'b']
    """
    specs = tuple(_builtin_or_spec(tool, builtin) for tool in tool_list(tools))
    if strict is not None:
        # A tool already in OpenAI's wire form ({"type": "function", ...}) goes as it
        # is, as LangChain's convert_to_openai_tool passes it through.
        specs = tuple(
            spec if _is_openai_tool(tool) or spec.builtin is not None else with_strict(spec, strict)
            for tool, spec in zip(tools, specs, strict=True)
        )
    # (built-in tools are told apart by their settings: two MCP servers are two tools)
    names = [spec.name for spec in specs if spec.builtin is None]
    dupes = sorted({name for name in names if names.count(name) > 1})
    if dupes:
        raise ValueError(f"duplicate tool names in one bind: {', '.join(dupes)}")
    return specs


def _builtin_or_spec(
    tool: object, builtin: Callable[[Mapping[str, Any]], dict[str, Any] | None] | None
) -> ToolSpec:
    if builtin is not None and isinstance(tool, Mapping):
        wired = builtin(tool)
        if wired is not None:
            return builtin_spec(tool, wired)
    return to_tool_spec(tool)


def builtin_spec(given: Mapping[str, Any], wired: Mapping[str, Any]) -> ToolSpec:
    """The `ToolSpec` of a built-in tool bound as `given` and sent as `wired`, named by
    its ``name`` (Anthropic's server tools have one), else its ``type`` or only key.

    Example:
        >>> builtin_spec({"google_search": {}}, {"googleSearch": {}}).name
        'google_search'
    """
    name = given.get("name") or given.get("type") or next(iter(given), "builtin")
    empty: dict[str, Any] = {"type": "object", "properties": {}}
    return ToolSpec(str(name), "", empty, builtin=dict(wired))


def is_typed_tool(tool: object) -> bool:
    """A dict naming its own `type` that is no function nor schema form (not
    "function", "object"; no `title`, `input_schema`, `parameters`, `properties`): a
    provider's own tool, which a wire may take as a built-in one (`Adapter.builtin_tool`).

    >>> is_typed_tool({"type": "web_search"}), is_typed_tool({"type": "object"})
    (True, False)
    """
    if not isinstance(tool, Mapping) or not isinstance(tool.get("type"), str):
        return False
    if tool["type"] in ("function", "object"):
        return False
    return not any(key in tool for key in ("title", "input_schema", "parameters", "properties"))


def _is_openai_tool(tool: object) -> bool:
    return isinstance(tool, Mapping) and tool.get("type") == "function"


def with_strict(spec: ToolSpec, strict: bool) -> ToolSpec:
    """`spec` marked `strict`; its schema made strict when `strict` is True."""
    if spec.strict is not None and spec.strict != strict:
        raise ValueError(
            f"tool {spec.name!r} already has strict={spec.strict}, which differs from "
            f"the strict={strict} asked for: set it in one place"
        )
    from .strict_schema import strict_tool_schema

    parameters = strict_tool_schema(spec.parameters) if strict else spec.parameters
    return replace(spec, parameters=parameters, strict=strict)


def _from_mapping(tool: Mapping[str, Any]) -> ToolSpec:
    kind = tool.get("type")
    if kind == "function":
        function = tool.get("function")
        if not isinstance(function, Mapping):
            raise ToolDefinitionError(
                'an OpenAI tool dict {"type": "function"} needs a "function" dict'
            )
        spec = _make(function.get("name"), function.get("description"), function.get("parameters"))
        spec = _given(spec, function)
        spec = _with_flags(
            spec, function.get("strict"), tool.get("cache_control"), given_tool_fields(tool)
        )
        beside = {name: tool[name] for name in BESIDE_FIELDS if name in tool}
        return replace(spec, beside=beside) if beside else spec
    if "input_schema" in tool:
        if kind not in (None, "custom"):
            raise ToolDefinitionError(
                f"Anthropic server tool type {kind!r} is not a client tool definition"
            )
        spec = _described(
            _make(tool.get("name"), tool.get("description"), tool["input_schema"]), tool
        )
        return _with_flags(
            spec, tool.get("strict"), tool.get("cache_control"), given_tool_fields(tool)
        )
    if "name" in tool and ("parameters" in tool or kind is None):
        spec = _given(_make(tool["name"], tool.get("description"), tool.get("parameters")), tool)
        return _with_flags(
            spec, tool.get("strict"), tool.get("cache_control"), given_tool_fields(tool)
        )
    if "title" in tool:
        schema = {k: v for k, v in tool.items() if k not in ("title", "description")}
        return _described(_make(tool["title"], tool.get("description"), schema), tool)
    raise ToolDefinitionError(
        f"unrecognised tool dict with keys {sorted(tool)}; expected {_ACCEPTED}"
    )


def _described(spec: ToolSpec, given: Mapping[str, Any]) -> ToolSpec:
    """`spec` marked undescribed where the dict it was made from gave no description."""
    return spec if given.get("description") is not None else replace(spec, described=False)


def _given(spec: ToolSpec, given: Mapping[str, Any]) -> ToolSpec:
    """`spec` marked as the function dict it was made from gave it: undescribed without
    a description, without parameters where it gave none (`ToolSpec.parameters_given`)."""
    spec = _described(spec, given)
    return spec if given.get("parameters") is not None else replace(spec, parameters_given=False)


def _with_flags(
    spec: ToolSpec, strict: object, cache_control: object, fields: Mapping[str, Any]
) -> ToolSpec:
    """`spec` with a tool dict's own `strict`, `cache_control` and other tool fields,
    checked."""
    if strict is None and cache_control is None and not fields:
        return spec
    if strict is not None and not isinstance(strict, bool):
        raise ToolDefinitionError(f"tool {spec.name!r}: strict must be a bool, got {strict!r:.80}")
    if cache_control is not None and not isinstance(cache_control, Mapping):
        raise ToolDefinitionError(
            f"tool {spec.name!r}: cache_control must be a dict such as "
            f'{{"type": "ephemeral"}}, got {cache_control!r:.80}'
        )
    control = dict(cache_control) if cache_control is not None else None
    return replace(spec, strict=strict, cache_control=control, fields=dict(fields))


def _from_tool_object(tool: Any) -> ToolSpec:
    # A LangChain tool's `tool_call_schema` is what the model is shown: its arguments
    # without the injected ones (ToolRuntime, InjectedState, InjectedToolCallId), which
    # LangChain fills in when the tool runs; `args_schema` holds them all.
    schema = getattr(tool, "tool_call_schema", None) or tool.args_schema
    if isinstance(schema, Mapping):
        params: object = inline_refs(
            {k: v for k, v in schema.items() if k not in ("title", "description")}
        )
    elif isinstance(schema, type) and issubclass(schema, pydantic_base_model()):
        params = model_schema(schema)
    else:
        raise ToolDefinitionError(
            f"tool {tool.name!r}: args_schema must be a pydantic model class or a JSON-schema "
            f"dict, got {schema!r:.80}"
        )
    spec = _make(tool.name, tool.description, params)
    return _with_flags(spec, None, given_cache_control(tool), given_tool_fields(tool))


#: The tool fields langchain-anthropic sends beside a tool's definition, besides
#: `cache_control`: a LangChain tool's `extras` of these names (its
#: `_ANTHROPIC_EXTRA_FIELDS`), or an Anthropic tool dict's own.
TOOL_FIELDS = ("allowed_callers", "defer_loading", "eager_input_streaming", "input_examples")


#: The keys an OpenAI-form tool dict carries beside its `function` that a `ToolSpec`
#: keeps (`ToolSpec.beside`): langchain-openai's `_TOOL_EXTRAS_PASSTHROUGH`.
BESIDE_FIELDS = ("defer_loading", "async")


def given_tool_fields(tool: object) -> dict[str, Any]:
    """A tool's own `TOOL_FIELDS`, as langchain-anthropic reads them: a dict's, or a
    LangChain tool's `extras`; {} if none (the wires without them ignore them)."""
    held = tool if isinstance(tool, Mapping) else getattr(tool, "extras", None)
    if not isinstance(held, Mapping):
        return {}
    return {name: held[name] for name in TOOL_FIELDS if name in held}


def given_cache_control(tool: object) -> object:
    """A tool's own prompt-cache breakpoint, as langchain-anthropic reads it: a dict's
    ``cache_control``, or a LangChain tool's ``extras["cache_control"]``; None if none."""
    if isinstance(tool, Mapping):
        return tool.get("cache_control")
    extras = getattr(tool, "extras", None)
    return extras.get("cache_control") if isinstance(extras, dict) else None


def _from_function(fn: Callable[..., Any]) -> ToolSpec:
    name = fn.__name__
    for param in inspect.signature(fn).parameters.values():
        # Tool arguments arrive as one JSON object, i.e. by name: no *args, **kwargs or "/".
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD, param.POSITIONAL_ONLY):
            raise ToolDefinitionError(
                f"tool function {name!r}: {param.kind.description} parameter {param.name!r} "
                "can't be described by a JSON schema; use named, typed parameters"
            )
        if param.annotation is param.empty:
            what = f"tool function {name!r}: parameter {param.name!r}"
            raise ToolDefinitionError(f"{what} has no type annotation")
    from pydantic import PydanticUserError
    from pydantic import TypeAdapter

    def arguments_schema(function: Callable[..., Any]) -> dict[str, Any]:
        adapter: TypeAdapter[Any] = TypeAdapter(cast(Any, function))
        return adapter.json_schema(schema_generator=quiet_generator())

    try:
        try:
            schema = arguments_schema(fn)
        except (PydanticUserError, NameError):  # pydantic 2.10 and 2.11 read text
            schema = arguments_schema(_annotations_resolved(fn))  # in their caller's module
    except (PydanticUserError, NameError) as exc:
        raise ToolDefinitionError(
            f"tool function {name!r}: can't build a JSON schema: {exc}"
        ) from exc
    schema = inline_refs(strip_titles(schema))
    # pydantic closes a function's arguments (`additionalProperties: false`); LangChain's
    # `convert_to_openai_tool` does not, and strict tools close it again (`with_strict`).
    if schema.get("additionalProperties") is False:
        del schema["additionalProperties"]
    doc = inspect.cleandoc(fn.__doc__ or "")
    properties = schema.get("properties", {})
    for pname, text in param_docs(doc).items():
        if isinstance(properties.get(pname), dict):
            properties[pname].setdefault("description", text)  # Field(description=) wins
    return _make(name, doc_summary(doc), schema)


def _annotations_resolved(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn`'s twin whose annotations are the objects its text annotations name in its own
    module (`from __future__ import annotations`): what later pydantics resolve themselves.
    A name it cannot resolve raises NameError, as pydantic would."""
    import typing

    twin = types.FunctionType(
        fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__
    )
    twin.__kwdefaults__ = fn.__kwdefaults__
    twin.__doc__, twin.__module__, twin.__qualname__ = fn.__doc__, fn.__module__, fn.__qualname__
    twin.__annotations__ = typing.get_type_hints(fn, include_extras=True)
    return twin


def _make(name: object, description: object, parameters: object) -> ToolSpec:
    if not isinstance(name, str):
        raise ToolDefinitionError(f"tool name must be a string, got {name!r:.80}")
    if not _NAME.fullmatch(name):
        raise ValueError(f"invalid tool name {name!r}: it must match ^[a-zA-Z0-9_-]{{1,64}}$")
    if description is None:
        description = ""
    if not isinstance(description, str):
        raise ToolDefinitionError(
            f"tool {name!r}: description must be a str, got {description!r:.80}"
        )
    return ToolSpec(name, description, _object_schema(name, parameters))


def _object_schema(name: str, parameters: object) -> dict[str, Any]:
    if parameters is None:
        parameters = {}
    if not isinstance(parameters, Mapping):
        raise ToolDefinitionError(
            f"tool {name!r}: parameters must be a JSON-schema dict, got {parameters!r:.80}"
        )
    try:  # the round trip also deep-copies, so later edits of the user's dict don't leak in
        schema = json.loads(json.dumps(dict(parameters), allow_nan=False))
    except (TypeError, ValueError, RecursionError) as exc:
        raise ToolDefinitionError(f"tool {name!r}: non-serialisable tool schema ({exc})") from exc
    kind = schema.get("type")
    if kind not in ("object", None) or (kind is None and schema and "properties" not in schema):
        raise ValueError(
            f"tool {name!r}: parameters must be an object schema "
            f'({{"type": "object", "properties": {{...}}}}), got {schema!r:.80}'
        )
    schema = {"type": "object", **schema}
    schema.setdefault("properties", {})
    if not isinstance(schema["properties"], dict):
        raise ToolDefinitionError(f"tool {name!r}: schema 'properties' must be a dict")
    required = schema.get("required", [])
    if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
        raise ToolDefinitionError(
            f"tool {name!r}: schema 'required' must be a list of property names"
        )
    return schema
