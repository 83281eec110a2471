"""Input and output schemas: pydantic models of what a runnable takes and returns.

`runnable.input_schema` / `output_schema` (and `get_input_jsonschema()` /
`get_output_jsonschema()` for the JSON Schema dicts) follow LangChain's shapes:

- a prompt takes an object with one required string per template variable (a
  `MessagesPlaceholder` variable is a list of messages, optional if the placeholder is)
  and returns a prompt value;
- a chat model takes a string, a prompt value or a list of messages and returns a message;
- `StrOutputParser` takes a message (or a string) and returns a string;
- a sequence takes its first step's input and returns its last step's output;
- a parallel map returns an object with one property per key (its input: the branches'
  object inputs merged, else the first branch with a specific input);
- a lambda is described by its function's annotations; anything else by its class's
  `Runnable[In, Out]` type arguments, else `Any`.

Messages are described by pydantic models mirroring chatplex's message dataclasses
(`type` is the discriminator). This module imports pydantic: it is loaded on first use.

>>> from chatplex import ChatPromptTemplate
>>> ChatPromptTemplate.from_template("Tell me about {topic}").get_input_jsonschema()
{'properties': {'topic': {'title': 'Topic', 'type': 'string'}}, 'required': ['topic'], \
'title': 'PromptInput', 'type': 'object'}
"""

from __future__ import annotations

import ast
import inspect
import json
import typing
import uuid
from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Sequence
from importlib import resources
from operator import itemgetter
from typing import Annotated
from typing import Any
from typing import Literal
from typing import TypeVar
from typing import Union

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import RootModel
from pydantic import create_model

from .. import messages as _messages
from .base import Runnable
from .binding import RunnableBinding
from .branch import RunnableBranch
from .composition import RunnableParallel
from .composition import RunnableSequence
from .configurable import RunnableConfigurableAlternatives
from .configurable import RunnableConfigurableFields
from .each import RunnableEach
from .few_shot import FewShotChatMessagePromptTemplate
from .lambdas import RunnableGenerator
from .lambdas import RunnableLambda
from .lambdas import source_tree
from .mustache import schema_tree
from .parsers import StrOutputParser
from .passthrough import RunnableAssign
from .passthrough import RunnablePassthrough
from .prompts import ChatPromptTemplate
from .prompts import ChatPromptValue as _ChatPromptValue
from .prompts import MessagesPlaceholder
from .string_prompts import PromptTemplate
from .string_prompts import StringPromptValue as _StringPromptValue

__all__ = ["AnyMessage", "ChatPromptValue", "input_schema", "output_schema"]


# ---- messages --------------------------------------------------------------------------


class _Message(BaseModel):
    model_config = ConfigDict(extra="allow", from_attributes=True)

    content: str | list[dict[str, Any]]
    id: str | None = None
    name: str | None = None
    additional_kwargs: dict[str, Any] = Field(default_factory=dict)
    response_metadata: dict[str, Any] = Field(default_factory=dict)


class SystemMessage(_Message):
    type: Literal["system"] = "system"


class HumanMessage(_Message):
    type: Literal["human"] = "human"


class ToolCall(BaseModel):
    name: str
    args: dict[str, Any]
    id: str | None
    type: Literal["tool_call"] = "tool_call"


class UsageMetadata(BaseModel):
    model_config = ConfigDict(extra="allow")

    input_tokens: int
    output_tokens: int
    total_tokens: int


class AIMessage(_Message):
    type: Literal["ai"] = "ai"
    tool_calls: list[ToolCall] = Field(default_factory=list)
    invalid_tool_calls: list[dict[str, Any]] = Field(default_factory=list)
    usage_metadata: UsageMetadata | None = None


class AIMessageChunk(AIMessage):
    type: Literal["AIMessageChunk"] = "AIMessageChunk"  # type: ignore[assignment]
    tool_call_chunks: list[dict[str, Any]] = Field(default_factory=list)


class ToolMessage(_Message):
    type: Literal["tool"] = "tool"
    tool_call_id: str
    status: Literal["success", "error"] = "success"


#: Any message, told apart by `type`.
AnyMessage = Annotated[
    Union[SystemMessage, HumanMessage, AIMessage, AIMessageChunk, ToolMessage],  # noqa: UP007
    Field(discriminator="type"),
]


class ChatPromptValue(BaseModel):
    """A filled-in prompt: its messages."""

    model_config = ConfigDict(from_attributes=True)

    messages: list[AnyMessage]


_KNOWN: dict[Any, Any] = {
    _messages.SystemMessage: SystemMessage,
    _messages.HumanMessage: HumanMessage,
    _messages.AIMessage: AIMessage,
    _messages.AIMessageChunk: AIMessageChunk,
    _messages.ToolMessage: ToolMessage,
    _messages.BaseMessage: AnyMessage,
    _ChatPromptValue: ChatPromptValue,
}


class StringPromptValue(BaseModel):
    """String prompt value."""

    model_config = ConfigDict(from_attributes=True)

    text: str
    type: Literal["StringPromptValue"] = "StringPromptValue"


#: What a chat model accepts, the four kinds LangChain's input schema lists (a str, a
#: text prompt's value, a chat prompt's value, a message list); its input coercion
#: accepts more shapes than it advertises.
ChatModelInput = Union[str, StringPromptValue, ChatPromptValue, list[AnyMessage]]  # noqa: UP007


#: What a chat model returns. Validated (and nested in other schemas) as an AI message;
#: its own JSON Schema is LangChain's for a chat model's output, the `AnyMessage` union
#: of the twelve message classes, word for word (`langchain_any_message.json`, written
#: from langchain-core 1.7's schema): a script comparing or publishing it sees LangChain's.
ChatModelOutput = Annotated[AIMessage, "a chat model's output"]


def _langchain_any_message_schema(title: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath("langchain_any_message.json").read_text("utf-8")
    return {**json.loads(text), "title": title}


def _chat_model_output(name: str) -> type[BaseModel]:
    model = _root(name, AIMessage)

    def model_json_schema(cls: type[BaseModel], *args: Any, **kwargs: Any) -> dict[str, Any]:
        return _langchain_any_message_schema(name)

    model.model_json_schema = classmethod(model_json_schema)  # type: ignore[method-assign,assignment]
    return model


# ---- building models -------------------------------------------------------------------

# Template variables may be called `model_name` & co.: no protected namespaces.
_CONFIG = ConfigDict(protected_namespaces=(), arbitrary_types_allowed=True)


def _root(name: str, type_: Any) -> type[BaseModel]:
    """A model whose value is `type_` itself (not an object), named `name`."""
    root: Any = RootModel  # parametrised with a type known only at run time
    try:
        model: type[BaseModel] = create_model(name, __base__=root[_schema_type(type_)])
        model.model_json_schema()  # fail here, not in the caller's hands
    except Exception:  # a type pydantic cannot describe: say Any rather than fail
        model = create_model(name, __base__=root[Any])
    return model


def _list_of(name: str, item: type[BaseModel], default: Any) -> type[BaseModel]:
    """A map's (`RunnableEach`) schema: a list of its runnable's, as LangChain's (`...`
    for a required value; LangChain's map input has a default of None)."""
    items = list[item]  # type: ignore[valid-type]
    root: Any = RootModel[items]  # parametrised with a type known only at run time
    return create_model(name, __base__=root, root=(items, default))


def _object(name: str, fields: dict[str, tuple[Any, Any]]) -> type[BaseModel]:
    """An object model. A name pydantic would refuse or that would shadow a BaseModel
    attribute (`_private`, `schema`, `json`...) is kept as the field's alias."""
    definitions: dict[str, Any] = {}
    for index, (key, (type_, default)) in enumerate(fields.items()):
        if key.startswith("_") or hasattr(BaseModel, key) or not key.isidentifier():
            title = key.title().replace("_", " ").strip()  # pydantic's own rule
            definitions[f"field_{index}"] = (type_, Field(default, alias=key, title=title))
        else:
            definitions[key] = (type_, default)
    return create_model(name, __config__=_CONFIG, **definitions)


def _schema_type(type_: Any) -> Any:
    """A type pydantic can describe for `type_` (chatplex's own classes mapped)."""
    if isinstance(type_, TypeVar) or type_ is inspect.Parameter.empty:
        return Any
    return _KNOWN.get(type_, type_)


def _root_type(model: type[BaseModel]) -> Any:
    """The type a model stands for: a root model's value type, else the model."""
    if issubclass(model, RootModel):
        return model.model_fields["root"].annotation
    return model


def _is_any(model: type[BaseModel]) -> bool:
    return issubclass(model, RootModel) and _root_type(model) is Any


def _generic_args(cls: type) -> tuple[Any, Any]:
    """`In, Out` from a class declared `class X(Runnable[In, Out])`, else Any, Any."""
    for klass in cls.__mro__:
        for base in getattr(klass, "__orig_bases__", ()):
            origin = typing.get_origin(base)
            if isinstance(origin, type) and issubclass(origin, Runnable):
                args = typing.get_args(base)
                if len(args) == 2:
                    return _schema_type(args[0]), _schema_type(args[1])
    return Any, Any


def _function_types(func: Any, *, streamed_input: bool) -> tuple[Any, Any]:
    """Input and output types from a function's annotations (Any where missing)."""
    try:
        hints = typing.get_type_hints(func)
        params = [
            p
            for p in inspect.signature(func).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except Exception:  # unresolvable annotations, builtins without a signature
        return Any, Any
    in_type = hints.get(params[0].name, Any) if params else Any
    out_type = hints.get("return", Any)
    if streamed_input:
        in_type = _item_type(in_type)
    if inspect.isgeneratorfunction(func) or inspect.isasyncgenfunction(func):
        out_type = _item_type(out_type)
    return in_type, out_type


def _item_type(type_: Any) -> Any:
    """`X` from `Iterator[X]`, `AsyncIterator[X]`, `Generator[X, ...]`..."""
    origin = typing.get_origin(type_)
    if isinstance(origin, type) and issubclass(origin, (Iterator, AsyncIterator)):
        args = typing.get_args(type_)
        return args[0] if args else Any
    return Any


def _inner(runnable: Runnable[Any, Any]) -> Runnable[Any, Any] | None:
    """The runnable a wrapper runs (binding, retry, fallbacks), if it is one."""
    for attribute in ("bound", "runnable"):
        inner = getattr(runnable, attribute, None)
        if isinstance(inner, Runnable):
            return inner
    return None


# ---- per kind ----------------------------------------------------------------------------


def _prompt_input(prompt: ChatPromptTemplate) -> type[BaseModel]:
    placeholders = {p.variable_name: p for p in prompt.parts if isinstance(p, MessagesPlaceholder)}
    fields: dict[str, tuple[Any, Any]] = {}
    for name in prompt.input_variables:
        fields[name] = (list[AnyMessage], ...) if name in placeholders else (str, ...)
    # Optional placeholders are not input variables, and are in the schema even filled
    # in ahead (a partial variable), as LangChain's optional_variables are.
    for name, part in placeholders.items():
        if part.optional:
            fields[name] = (list[AnyMessage] | None, None)
    return _object("PromptInput", fields)


def _mustache_input(name: str, tree: dict[str, Any]) -> type[BaseModel]:
    """A mustache text prompt's input, as LangChain's: every name optional, a section or
    a dotted name's parent an object of the names read inside it."""
    fields: dict[str, Any] = {
        key: (_mustache_input(key, value), None) if value else (type(value), None)
        for key, value in tree.items()
    }
    return create_model(name, **fields)


def _parallel_input(parallel: RunnableParallel[Any]) -> type[BaseModel]:
    # As in LangChain: branches that all take objects take the union of their fields.
    schemas = [step.get_input_schema() for step in parallel.steps.values()]
    objects = [s for s in schemas if not issubclass(s, RootModel)]
    if objects and all(
        _is_any(s) or s.model_json_schema().get("type") == "object" for s in schemas
    ):
        fields: dict[str, tuple[Any, Any]] = {}
        for schema in objects:
            for key, info in schema.model_fields.items():
                default = ... if info.is_required() else info.default
                fields[info.alias or key] = (info.annotation, default)
        return _object(f"{parallel.get_name()}Input", fields)
    # Else LangChain's Runnable schema, of its InputType: the first branch's.
    first = _root_type(schemas[0]) if schemas else Any
    return _typed(f"{parallel.get_name()}Input", first)


def _parallel_output(parallel: RunnableParallel[Any]) -> type[BaseModel]:
    fields = {
        key: (_root_type(step.get_output_schema()), ...) for key, step in parallel.steps.items()
    }
    return _object(f"{parallel.get_name()}Output", fields)


def _assign_output(assign: RunnableAssign) -> type[BaseModel]:
    # As LangChain's: an object input's fields and the new keys, named
    # RunnableAssignOutput; else (the input unknown) the mapper's output.
    given = assign.get_input_schema()
    if issubclass(given, RootModel):
        return assign.mapper.get_output_schema()
    fields: dict[str, tuple[Any, Any]] = {}
    for key, info in given.model_fields.items():
        default = ... if info.is_required() else info.default
        fields[info.alias or key] = (info.annotation, default)
    for key, step in assign.mapper.steps.items():
        fields[key] = (_root_type(step.get_output_schema()), ...)
    return _object("RunnableAssignOutput", fields)


#: The config keys a config schema may include, in LangChain's order, with its types.
_CONFIG_FIELDS: dict[str, Any] = {
    "tags": list[str],
    "metadata": dict[str, Any],
    "callbacks": Any,
    "run_name": str,
    "max_concurrency": Union[int, None],  # noqa: UP007
    "recursion_limit": int,
    "run_id": Union[uuid.UUID, None],  # noqa: UP007
}


def config_schema(runnable: Runnable[Any, Any], include: Sequence[str] | None) -> type[BaseModel]:
    """`runnable.config_schema(include=...)`: a model of the config it reads, as
    LangChain's: `configurable` with one field per `config_specs` entry, and the config
    keys named in `include`."""
    fields: dict[str, Any] = {}
    specs = runnable.config_specs
    if specs:
        configurable = create_model(  # type: ignore[call-overload]
            "Configurable",
            **{
                spec.id: (
                    # (None read as its type: pydantic 2.10 refuses a field without one)
                    type(None) if spec.annotation is None else spec.annotation,
                    Field(spec.default, title=spec.name, description=spec.description),
                )
                for spec in specs
            },
        )
        fields["configurable"] = (configurable, None)
    for key, type_ in _CONFIG_FIELDS.items():
        if key in (include or ()):
            fields[key] = (type_, None)
    return create_model(runnable.get_name("Config"), **fields)


def _declared(runnable: Runnable[Any, Any], attribute: str) -> Any:
    """The type a runnable's class names as its `InputType` / `OutputType` (a chat
    model, a pydantic parser), or a binding's `with_types`; None for `Runnable`'s own
    property, which reads these schemas."""
    if isinstance(runnable, RunnableBinding):
        return runnable.input_type if attribute == "InputType" else runnable.output_type
    if inspect.getattr_static(type(runnable), attribute) is inspect.getattr_static(
        Runnable, attribute
    ):
        return None
    return getattr(runnable, attribute)


def _typed(name: str, type_: Any) -> type[BaseModel]:
    """A pydantic model class stands for itself; any other type is a root model."""
    if isinstance(type_, type) and issubclass(type_, BaseModel):
        return type_
    return _root(name, type_)


#: The runnables picked per call: their schemas are their default runnable's.
_CONFIGURABLE = (RunnableConfigurableFields, RunnableConfigurableAlternatives)


def input_schema(runnable: Runnable[Any, Any]) -> type[BaseModel]:
    """The pydantic model of `runnable`'s input."""
    if isinstance(runnable, _CONFIGURABLE):  # as LangChain's: the default runnable's
        return runnable.default.get_input_schema()
    name = runnable.get_name("Input")
    declared = _declared(runnable, "InputType")  # a runnable may name its input type
    if declared is not None:
        return _typed(name, declared)
    if isinstance(runnable, RunnableSequence):
        return runnable.first.get_input_schema()
    if isinstance(runnable, RunnableParallel):
        return _parallel_input(runnable)
    if isinstance(runnable, RunnableAssign):
        return runnable.mapper.get_input_schema()
    if isinstance(runnable, RunnableEach):
        return _list_of(name, runnable.bound.get_input_schema(), None)
    if isinstance(runnable, RunnableBranch):
        return _branch_input(runnable) or _from_function_or_inner(runnable, name, 0)
    if isinstance(runnable, ChatPromptTemplate):
        return _prompt_input(runnable)
    if isinstance(runnable, PromptTemplate) and runnable.template_format == "mustache":
        return _mustache_input("PromptInput", schema_tree(runnable.template))
    if isinstance(runnable, (PromptTemplate, FewShotChatMessagePromptTemplate)):
        return _object("PromptInput", {n: (str, ...) for n in runnable.input_variables})
    if isinstance(runnable, StrOutputParser):
        return _root(name, Union[str, AnyMessage])  # noqa: UP007
    return _from_function_or_inner(runnable, name, 0)


def _branch_input(branch: RunnableBranch) -> type[BaseModel] | None:
    """LangChain's: the first schema that says a type, of the default, then the
    branches' runnables, then their conditions."""
    parts = [branch.default, *(r for _, r in branch.branches), *(c for c, _ in branch.branches)]
    for part in parts:
        schema = part.get_input_schema()
        if schema.model_json_schema().get("type") is not None:
            return schema
    return None


def output_schema(runnable: Runnable[Any, Any]) -> type[BaseModel]:
    """The pydantic model of `runnable`'s output."""
    if isinstance(runnable, _CONFIGURABLE):
        return runnable.default.get_output_schema()
    name = runnable.get_name("Output")
    declared = _declared(runnable, "OutputType")
    if declared is ChatModelOutput:
        return _chat_model_output(name)
    if declared is not None:
        return _typed(name, declared)
    if isinstance(runnable, RunnableSequence):
        return runnable.last.get_output_schema()
    if isinstance(runnable, RunnableParallel):
        return _parallel_output(runnable)
    if isinstance(runnable, RunnableAssign):
        return _assign_output(runnable)
    if isinstance(runnable, RunnableEach):
        return _list_of(name, runnable.bound.get_output_schema(), ...)
    if isinstance(runnable, (ChatPromptTemplate, FewShotChatMessagePromptTemplate)):
        return _root(name, ChatPromptValue)
    if isinstance(runnable, PromptTemplate):
        return _root(name, _StringPromptValue)
    if isinstance(runnable, StrOutputParser):
        return _root(name, str)
    return _from_function_or_inner(runnable, name, 1)


def _from_function_or_inner(
    runnable: Runnable[Any, Any], name: str, side: Literal[0, 1]
) -> type[BaseModel]:
    """The input (`side` 0) or output (1) schema of a function's runnable (read from its
    annotations), a passthrough (Any), a wrapper (its inner runnable's), or any other
    (its class's generic arguments)."""
    if isinstance(runnable, RunnableLambda):
        if side == 0 and (keyed := _keyed_input(name, runnable.func)) is not None:
            return keyed
        return _root(name, _function_types(runnable.func, streamed_input=False)[side])
    if isinstance(runnable, RunnableGenerator):
        return _root(name, _function_types(runnable.func, streamed_input=True)[side])
    if isinstance(runnable, RunnablePassthrough):
        return _root(name, Any)
    inner = runnable.bound if isinstance(runnable, RunnableBinding) else _inner(runnable)
    if inner is not None:
        return inner.get_output_schema() if side else inner.get_input_schema()
    return _root(name, _generic_args(type(runnable))[side])


def _keyed_input(name: str, func: Any) -> type[BaseModel] | None:
    """LangChain's input schema of a function that reads keys of its input: an
    `itemgetter("a", "b")` (its repr parsed, as there), or a function whose first
    argument is not annotated (or is `Any` itself, not the text "Any") and whose source
    reads `x["a"]` or `x.get("a")` of it (the whole source lines, so two lambdas on one
    line share their keys, as there)."""
    if isinstance(func, itemgetter):
        items = repr(func).removeprefix("operator.itemgetter(")[:-1].split(", ")
        if all(i[0] == "'" and i[-1] == "'" and i != "''" for i in items):
            return _object(name, {i[1:-1]: (Any, ...) for i in items})
        return _root(name, list[Any])
    try:
        first = next(iter(inspect.signature(func).parameters.values()), None)
    except (TypeError, ValueError):
        return None
    if first is not None and first.annotation not in (inspect.Parameter.empty, Any):
        return None
    keys = _first_argument_keys(func)
    return _object(name, {k: (Any, ...) for k in keys}) if keys else None


def _first_argument_keys(func: Any) -> list[str]:
    tree = source_tree(func)
    if tree is None:
        return []
    functions = _Functions()
    functions.visit(tree)
    return sorted(functions.keys)


class _Functions(ast.NodeVisitor):
    """Each function or lambda in the source, outermost only (a lambda inside one is
    not looked into, as in LangChain's walk): the keys its first argument is read by."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def _read(self, node: ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.args.args:
            reads = _Reads(node.args.args[0].arg, self.keys)
            reads.visit(node.body if isinstance(node, ast.Lambda) else node)

    visit_Lambda = visit_FunctionDef = visit_AsyncFunctionDef = _read  # noqa: N815


class _Reads(ast.NodeVisitor):
    """`argument[key]` and `argument.get(key[, default])` with a constant str key. As in
    LangChain's walk, neither a subscript nor a call is looked into: `len(x["a"])` and
    `x["a"]["b"]` read no key of `x`."""

    def __init__(self, argument: str, keys: set[str]) -> None:
        self.argument = argument
        self.keys = keys

    def visit_Subscript(self, node: ast.Subscript) -> None:  # noqa: N802
        if (
            isinstance(node.ctx, ast.Load)
            and isinstance(node.value, ast.Name)
            and node.value.id == self.argument
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            self.keys.add(node.slice.value)

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        if (
            isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == self.argument
            and node.func.attr == "get"
            and len(node.args) in (1, 2)
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            self.keys.add(node.args[0].value)
