"""Turn whatever users pass to ``bind_tools`` into provider-neutral `ToolSpec`s.

Accepted forms: a pydantic model class, a TypedDict class, a JSON-schema dict (OpenAI
tool, OpenAI function, Anthropic tool, or a bare schema with a ``title``), a typed
function (sync or async), an object with ``name``/``description``/``args_schema``
(LangChain ``BaseTool``-like) and a `ToolSpec`. All validation happens here, so a bad
tool fails at bind time instead of coming back as a provider's 400. A dict's ``strict``
(OpenAI function, Anthropic tool) and ``cache_control`` (Anthropic tool, or beside an
OpenAI tool dict's ``function``; a LangChain tool's ``extras``) are kept on the `ToolSpec`,
and each adapter sends the ones its API has, as LangChain does.

A TypedDict field reads as in LangChain (`convert_to_openai_tool`):
``Annotated[type, default, "description"]`` (``...`` as the default: required), or a
plain type (required); an ``Args:`` section of the class docstring describes fields too.

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
    >>> normalise_tool_choice("any", [spec])
    'required'
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from .base import ToolSpec

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic.json_schema import GenerateJsonSchema

__all__ = [
    "TOOL_FIELDS",
    "builtin_spec",
    "given_cache_control",
    "given_json_schema",
    "given_tool_fields",
    "is_typed_tool",
    "is_typeddict",
    "normalise_tool_choice",
    "parallel_from_choice",
    "to_tool_spec",
    "to_tool_specs",
    "typeddict_model",
    "with_strict",
]

_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_ACCEPTED = (
    "a pydantic BaseModel subclass; a TypedDict class; a dict shaped as an OpenAI tool "
    '{"type": "function", "function": {...}}, an OpenAI function {"name", "parameters"}, '
    'an Anthropic tool {"name", "input_schema"} or a JSON schema with a "title"; '
    "a typed function; an object with name, description and args_schema; or a ToolSpec"
)
# Values under these keys are data, so a "title" key inside them is not a schema title.
_DATA_KEYS = frozenset({"default", "const", "enum", "examples"})
# Values under these keys map names (which may well be "title") to sub-schemas.
_SCHEMA_MAPS = frozenset({"properties", "$defs", "definitions", "patternProperties"})
_KEYWORDS = {"auto": "auto", "none": "none", "required": "required", "any": "required"}

# Docstring sections: Napoleon-style headers ("Args:", "Returns:", ...) and reST field lines.
_ARGS = r"Args|Arguments|Parameters|Params|Keyword Args|Keyword Arguments"
_ARGS_HEADER = re.compile(rf"\s*(?:{_ARGS})\s*:\s*", re.IGNORECASE)
_SECTION = re.compile(
    rf"\s*(?:(?:{_ARGS}|Other Parameters|Returns?|Yields?|Raises|Examples?|Notes?|Attributes|"
    r"See Also|Warnings?|Todo)\s*:\s*|:(?:param|arg|key|type|return|rtype|raise)\w*.*)",
    re.IGNORECASE,
)
_ARGS_ENTRY = re.compile(r"\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:(.*)")
_REST_PARAM = re.compile(r"\s*:(?:param|arg|key)\w*\s+(?:[^:]*\s)?(\w+)\s*:(.*)")
_NUMPY_RULE = re.compile(r"\s*-{3,}\s*")


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
        return tool if spec == tool else spec
    if isinstance(tool, Mapping):
        return _from_mapping(tool)
    if isinstance(tool, type):
        if issubclass(tool, _pydantic_base_model()):
            return _make(tool.__name__, _class_doc(tool), _model_schema(tool))
        if is_typeddict(tool):
            model = typeddict_model(tool)
            schema = _model_schema(model, _typeddict_generator())
            return _make(tool.__name__, _class_doc(model), schema)
    elif all(hasattr(tool, attr) for attr in ("name", "description", "args_schema")):
        return _from_tool_object(tool)
    elif inspect.isfunction(tool) or inspect.ismethod(tool):
        return _from_function(tool)
    raise TypeError(f"can't make a tool from {tool!r:.80}; expected {_ACCEPTED}")


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
    # Sequence, not Iterable: a BaseTool is a pydantic model, and models iterate their fields.
    if isinstance(tools, (str, bytes)) or not isinstance(tools, Sequence):
        kind = type(tools).__name__
        raise TypeError(f"bind_tools expects a list of tools, got {kind}; wrap one tool in a list")
    specs = tuple(_builtin_or_spec(tool, builtin) for tool in tools)
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


def given_json_schema(spec: Any, given: object) -> dict[str, Any] | None:
    """The schema a wire sends for `with_structured_output` as the partner packages that
    pass schemas through send it: a pydantic model's own JSON schema (titles kept,
    nothing made strict), a JSON-schema dict (one with `properties` or `type`) as given;
    None for anything else (a TypedDict, a tool dict: the wire builds it from
    `spec.parameters`). `spec` is `with_structured_output`'s reading of the schema
    (`kind`, `target`)."""
    if spec.kind == "pydantic":
        return spec.target.model_json_schema()  # type: ignore[no-any-return]
    if isinstance(given, Mapping) and ("properties" in given or "type" in given):
        return dict(given)
    return None


def is_typeddict(cls: object) -> bool:
    """Whether `cls` is a TypedDict class (typing's or typing_extensions')."""
    return (
        isinstance(cls, type)
        and issubclass(cls, dict)
        and isinstance(cls.__dict__.get("__annotations__"), dict)
        and hasattr(cls, "__total__")
    )


def typeddict_model(cls: type) -> type[BaseModel]:
    """A pydantic model with `cls`'s fields as LangChain reads them (module doc):
    descriptions from ``Annotated[type, default, "description"]`` and the docstring's
    ``Args:``, defaults from ``Annotated``, nested TypedDicts converted too."""
    return _typeddict_model(cls, {}, 0)


def _typeddict_model(cls: type, seen: dict[type, Any], depth: int) -> type[BaseModel]:
    from typing import Annotated
    from typing import get_args
    from typing import get_origin
    from typing import get_type_hints

    from pydantic import Field
    from pydantic import create_model

    if cls in seen:
        return cast("type[BaseModel]", seen[cls])
    doc = inspect.cleandoc(cls.__doc__ or "")
    arg_docs = _param_docs(doc)
    try:
        hints = get_type_hints(cls, include_extras=True)
    except Exception:  # an unresolvable forward reference: the raw annotations
        hints = dict(cls.__annotations__)
    fields: dict[str, Any] = {}
    for name, hint in hints.items():
        extra: dict[str, Any] = {"default": ...}
        if get_origin(hint) is Annotated:
            hint, *meta = get_args(hint)
            extra = dict(zip(("default", "description"), meta, strict=False))
            if "description" in extra and not isinstance(extra["description"], str):
                raise TypeError(
                    f"TypedDict {cls.__name__}: field {name!r}: the third argument of "
                    f"Annotated must be a description (str), got {extra['description']!r:.80}"
                )
        if name in arg_docs:
            extra["description"] = arg_docs[name]
        fields[name] = (_typeddicts_inside(hint, seen, depth + 1), Field(**extra))
    model: type[BaseModel] = create_model(cls.__name__, __doc__=_summary(doc) or None, **fields)
    seen[cls] = model
    return model


def _typeddicts_inside(hint: Any, seen: dict[type, Any], depth: int) -> Any:
    """`hint` with every TypedDict in it (`list[Inner]`, `Inner | None`) made a model."""
    from typing import get_args
    from typing import get_origin

    if depth > 25:  # LangChain's bound on nesting
        return hint
    if is_typeddict(hint):
        return _typeddict_model(hint, seen, depth)
    origin, args = get_origin(hint), get_args(hint)
    if origin is None or not args:
        return hint
    converted = tuple(_typeddicts_inside(a, seen, depth + 1) for a in args)
    if converted == args:
        return hint
    import types
    import typing

    if origin is types.UnionType or origin is typing.Union:
        return typing.Union[converted]  # noqa: UP007 - a runtime union of converted args
    try:
        return hint.copy_with(converted)
    except AttributeError:
        return origin[converted]


def normalise_tool_choice(
    tool_choice: str | Mapping[str, Any] | bool | None, specs: Iterable[ToolSpec]
) -> str | None:
    """Reduce any common ``tool_choice`` spelling to None, "auto", "none", "required"
    or the name of a bound tool. ``False`` means "not set", like None.

    Example:
        >>> spec = ToolSpec("search", "", {"type": "object", "properties": {}})
        >>> normalise_tool_choice({"type": "tool", "name": "search"}, [spec])
        'search'
    """
    if tool_choice is None or tool_choice is False:
        return None
    keyword: str | None
    name: object
    if tool_choice is True:
        keyword, name = "required", None
    elif isinstance(tool_choice, str):
        keyword, name = _KEYWORDS.get(tool_choice), tool_choice
    elif isinstance(tool_choice, Mapping):
        kind = tool_choice.get("type")
        if set(tool_choice) == {"type"} and kind in {
            s.builtin.get("type") for s in specs if s.builtin
        }:
            return str(kind)  # a bound built-in tool, by its type (the Responses API's form)
        keyword, name = _choice_from_dict(tool_choice)
    else:
        raise TypeError(
            f"tool_choice must be a str, dict, bool or None, got {type(tool_choice).__name__}"
        )
    if keyword in ("auto", "none"):
        return keyword  # valid even without tools: the adapters then leave it out
    names = [spec.name for spec in specs]
    if not names:
        raise ValueError(f"tool_choice={tool_choice!r} needs bound tools, and none are bound")
    if keyword is not None:
        return keyword
    if not isinstance(name, str) or name not in names:
        raise ValueError(
            f"tool_choice {name!r} is not a bound tool; bound tools: {', '.join(names)}"
        )
    if name in _KEYWORDS:  # CallSettings.tool_choice would read it as the keyword
        raise ValueError(
            f"tool {name!r} can't be forced by name: {name!r} is a tool_choice keyword"
        )
    return name


def parallel_from_choice(choice: Any) -> tuple[Any, bool | None]:
    """A tool_choice object without the parallel-calls flag it carries (Anthropic's
    `disable_parallel_tool_use`, as its partner binds `parallel_tool_calls=`), and
    whether it allows parallel calls (None: it says nothing).

    >>> parallel_from_choice({"type": "any", "disable_parallel_tool_use": True})
    ({'type': 'any'}, False)
    >>> parallel_from_choice("auto")
    ('auto', None)
    """
    if not isinstance(choice, Mapping) or "disable_parallel_tool_use" not in choice:
        return choice, None
    rest = {k: v for k, v in choice.items() if k != "disable_parallel_tool_use"}
    return rest, not choice["disable_parallel_tool_use"]


def _choice_from_dict(choice: Mapping[str, Any]) -> tuple[str | None, object]:
    """(keyword, None) or (None, tool name) for an OpenAI or Anthropic tool_choice dict."""
    kind = choice.get("type")
    if choice.get("disable_parallel_tool_use"):
        raise ValueError(
            "disable_parallel_tool_use has no provider-neutral form; pass the whole "
            'Anthropic tool_choice through extra_body={"tool_choice": {...}}'
        )
    if kind == "function" and isinstance(choice.get("function"), Mapping):
        return None, choice["function"].get("name")
    if kind == "function" and set(choice) == {"type", "name"}:  # the Responses API's form
        return None, choice["name"]
    if kind == "tool" and "name" in choice:
        return None, choice["name"]
    if kind in ("auto", "none", "any") and set(choice) <= {"type", "disable_parallel_tool_use"}:
        return _KEYWORDS[kind], None
    raise ValueError(
        f"unsupported tool_choice dict {choice!r}; expected "
        '{"type": "function", "function": {"name": ...}}, {"type": "tool", "name": ...}, '
        '{"type": "any"}, {"type": "auto"} or {"type": "none"}'
    )


def _from_mapping(tool: Mapping[str, Any]) -> ToolSpec:
    kind = tool.get("type")
    if kind == "function":
        function = tool.get("function")
        if not isinstance(function, Mapping):
            raise TypeError('an OpenAI tool dict {"type": "function"} needs a "function" dict')
        spec = _make(function.get("name"), function.get("description"), function.get("parameters"))
        return _with_flags(
            spec, function.get("strict"), tool.get("cache_control"), given_tool_fields(tool)
        )
    if "input_schema" in tool:
        if kind not in (None, "custom"):
            raise TypeError(f"Anthropic server tool type {kind!r} is not a client tool definition")
        spec = _make(tool.get("name"), tool.get("description"), tool["input_schema"])
        return _with_flags(
            spec, tool.get("strict"), tool.get("cache_control"), given_tool_fields(tool)
        )
    if "name" in tool and ("parameters" in tool or kind is None):
        spec = _make(tool["name"], tool.get("description"), tool.get("parameters"))
        return _with_flags(
            spec, tool.get("strict"), tool.get("cache_control"), given_tool_fields(tool)
        )
    if "title" in tool:
        schema = {k: v for k, v in tool.items() if k not in ("title", "description")}
        return _make(tool["title"], tool.get("description"), schema)
    raise TypeError(f"unrecognised tool dict with keys {sorted(tool)}; expected {_ACCEPTED}")


def _with_flags(
    spec: ToolSpec, strict: object, cache_control: object, fields: Mapping[str, Any]
) -> ToolSpec:
    """`spec` with a tool dict's own `strict`, `cache_control` and other tool fields,
    checked."""
    if strict is None and cache_control is None and not fields:
        return spec
    if strict is not None and not isinstance(strict, bool):
        raise TypeError(f"tool {spec.name!r}: strict must be a bool, got {strict!r:.80}")
    if cache_control is not None and not isinstance(cache_control, Mapping):
        raise TypeError(
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
        params: object = {k: v for k, v in schema.items() if k not in ("title", "description")}
    elif isinstance(schema, type) and issubclass(schema, _pydantic_base_model()):
        params = _model_schema(schema)
    else:
        raise TypeError(
            f"tool {tool.name!r}: args_schema must be a pydantic model class or a JSON-schema "
            f"dict, got {schema!r:.80}"
        )
    spec = _make(tool.name, tool.description, params)
    return _with_flags(spec, None, given_cache_control(tool), given_tool_fields(tool))


#: The tool fields langchain-anthropic sends beside a tool's definition, besides
#: `cache_control`: a LangChain tool's `extras` of these names (its
#: `_ANTHROPIC_EXTRA_FIELDS`), or an Anthropic tool dict's own.
TOOL_FIELDS = ("allowed_callers", "defer_loading", "eager_input_streaming", "input_examples")


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
            raise TypeError(
                f"tool function {name!r}: {param.kind.description} parameter {param.name!r} "
                "can't be described by a JSON schema; use named, typed parameters"
            )
        if param.annotation is param.empty:
            what = f"tool function {name!r}: parameter {param.name!r}"
            raise TypeError(f"{what} has no type annotation")
    from pydantic import PydanticUserError
    from pydantic import TypeAdapter

    try:
        adapter: TypeAdapter[Any] = TypeAdapter(cast(Any, fn))
        schema = adapter.json_schema(schema_generator=_quiet_generator())
    except (PydanticUserError, NameError) as exc:
        raise TypeError(f"tool function {name!r}: can't build a JSON schema: {exc}") from exc
    schema = _strip_titles(schema)
    # pydantic closes a function's arguments (`additionalProperties: false`); LangChain's
    # `convert_to_openai_tool` does not, and strict tools close it again (`with_strict`).
    if schema.get("additionalProperties") is False:
        del schema["additionalProperties"]
    doc = inspect.cleandoc(fn.__doc__ or "")
    properties = schema.get("properties", {})
    for pname, text in _param_docs(doc).items():
        if isinstance(properties.get(pname), dict):
            properties[pname].setdefault("description", text)  # Field(description=) wins
    return _make(name, _summary(doc), schema)


def _pydantic_base_model() -> type[BaseModel]:
    from pydantic import BaseModel

    return BaseModel


def _model_schema(
    model: type[BaseModel], generator: type[GenerateJsonSchema] | None = None
) -> dict[str, Any]:
    schema = model.model_json_schema(schema_generator=generator or _quiet_generator())
    ref, defs = schema.get("$ref"), schema.get("$defs", {})
    if isinstance(ref, str) and ref.removeprefix("#/$defs/") in defs and len(schema) == 2:
        # A self-referencing model is all "$ref" at the top; lift it so the top is an object.
        schema = {**defs[ref.removeprefix("#/$defs/")], "$defs": defs}
    stripped: dict[str, Any] = _strip_titles(schema)
    stripped.pop("description", None)  # the docstring, which becomes ToolSpec.description
    return stripped


def _class_doc(cls: type) -> str:
    # Not inspect.getdoc: that would hand a docstring-less model BaseModel's own docstring.
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


@cache
def _quiet_generator() -> type[GenerateJsonSchema]:
    from pydantic.json_schema import GenerateJsonSchema

    class QuietSchema(GenerateJsonSchema):
        # A default with no JSON form is just left out; the parameter stays optional.
        ignored_warning_kinds = {"skipped-choice", "non-serializable-default"}

    return QuietSchema


@cache
def _typeddict_generator() -> type[GenerateJsonSchema]:
    """Schemas as LangChain's TypedDict conversion writes them (it goes through pydantic
    v1): `Optional[X]` as X, and a `None` default left out."""
    from pydantic_core import core_schema

    class TypedDictSchema(_quiet_generator()):  # type: ignore[misc]
        def nullable_schema(self, schema: core_schema.NullableSchema) -> Any:
            return self.generate_inner(schema["schema"])

        def default_schema(self, schema: core_schema.WithDefaultSchema) -> Any:
            if schema.get("default", ...) is None:
                return self.generate_inner(schema["schema"])
            return super().default_schema(schema)

    return TypedDictSchema


def _strip_titles(node: Any) -> Any:
    """Drop pydantic's generated ``title`` keywords; names come from the tool itself."""
    if isinstance(node, list):
        return [_strip_titles(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _strip_titles(sub) for name, sub in value.items()}
        elif key in _DATA_KEYS:
            out[key] = value
        elif not (key == "title" and isinstance(value, str)):
            out[key] = _strip_titles(value)
    return out


def _make(name: object, description: object, parameters: object) -> ToolSpec:
    if not isinstance(name, str):
        raise TypeError(f"tool name must be a string, got {name!r:.80}")
    if not _NAME.fullmatch(name):
        raise ValueError(f"invalid tool name {name!r}: it must match ^[a-zA-Z0-9_-]{{1,64}}$")
    if description is None:
        description = ""
    if not isinstance(description, str):
        raise TypeError(f"tool {name!r}: description must be a str, got {description!r:.80}")
    return ToolSpec(name, description, _object_schema(name, parameters))


def _object_schema(name: str, parameters: object) -> dict[str, Any]:
    if parameters is None:
        parameters = {}
    if not isinstance(parameters, Mapping):
        raise TypeError(
            f"tool {name!r}: parameters must be a JSON-schema dict, got {parameters!r:.80}"
        )
    try:  # the round trip also deep-copies, so later edits of the user's dict don't leak in
        schema = json.loads(json.dumps(dict(parameters), allow_nan=False))
    except (TypeError, ValueError, RecursionError) as exc:
        raise TypeError(f"tool {name!r}: non-serialisable tool schema ({exc})") from exc
    kind = schema.get("type")
    if kind not in ("object", None) or (kind is None and schema and "properties" not in schema):
        raise ValueError(
            f"tool {name!r}: parameters must be an object schema "
            f'({{"type": "object", "properties": {{...}}}}), got {schema!r:.80}'
        )
    schema = {"type": "object", **schema}
    schema.setdefault("properties", {})
    if not isinstance(schema["properties"], dict):
        raise TypeError(f"tool {name!r}: schema 'properties' must be a dict")
    required = schema.get("required", [])
    if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
        raise TypeError(f"tool {name!r}: schema 'required' must be a list of property names")
    return schema


def _summary(doc: str) -> str:
    """The docstring up to its first section (Napoleon `Args:`, reST field list or numpydoc)."""
    lines = doc.splitlines()
    for i, line in enumerate(lines):
        numpy = i + 1 < len(lines) and _NUMPY_RULE.fullmatch(lines[i + 1]) and line.strip()
        if _SECTION.fullmatch(line) or numpy:
            lines = lines[:i]
            break
    return "\n".join(lines).strip()


def _param_docs(doc: str) -> dict[str, str]:
    """Per-parameter descriptions from a Napoleon-style ``Args:`` section or ``:param x:`` lines."""
    docs: dict[str, str] = {}
    name, entry_indent, section = None, 0, None  # section: indent of the open Args: header
    for line in doc.splitlines():
        indent = len(line) - len(line.lstrip())
        if not line.strip():
            continue
        if section is not None and indent <= section:
            section = None
        entry = _REST_PARAM.match(line)
        if entry is None and section is not None and (name is None or indent <= entry_indent):
            entry = _ARGS_ENTRY.fullmatch(line.strip())
        if _ARGS_HEADER.fullmatch(line):
            section, name = indent, None
        elif entry:
            name, entry_indent = entry.group(1), indent
            docs[name] = entry.group(2)
        elif name is not None and indent > entry_indent:
            docs[name] += " " + line
        else:
            name = None
    return {name: " ".join(text.split()) for name, text in docs.items() if text.strip()}
