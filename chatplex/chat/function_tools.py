"""`@tool`: a function as a tool a chat model can call, as LangChain's `@tool` makes one.

The tool's name is the function's (or the one given), its description the docstring
(dedented and stripped; with `parse_docstring=True`, the summary, and each argument's
description goes into the schema), and its arguments a pydantic model made from the
signature. `bind_tools([fn_tool])` shows the model what LangChain's `@tool` shows it;
`fn_tool.invoke(args)` validates the arguments and calls the function, and
`fn_tool.invoke(tool_call)` (a call from a model's reply) answers with a `ToolMessage`.

>>> @tool
... def multiply(a: int, b: int) -> int:
...     '''Multiply two integers.'''
...     return a * b
>>> multiply.name, multiply.description, multiply.invoke({"a": "6", "b": 7})
('multiply', 'Multiply two integers.', 42)
>>> answer = multiply.invoke({"name": "multiply", "args": {"a": 2, "b": 3}, "id": "c1",
...                           "type": "tool_call"})
>>> answer.content, answer.tool_call_id
('6', 'c1')

A parameter annotated `RunnableConfig` (or named `config`) is not an argument: it gets
the run's config.
"""

from __future__ import annotations

import asyncio
import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from typing import Literal

from ..core.base import Runnable
from ..core.lambdas import RunnableLambda
from ..core.run_config import RunnableConfig
from ..core.tools import RunnableTool

__all__ = ["FunctionTool", "tool"]

#: Parameters LangChain never shows the model (its callback plumbing).
_HIDDEN = frozenset({"callbacks", "run_manager"})


@dataclass(eq=False, repr=False)
class FunctionTool(RunnableTool):
    """A function as a tool (what `@tool` makes). It calls the function itself, so its
    run has no child run, as LangChain's `StructuredTool`."""

    function: Callable[..., Any] | None = None
    config_parameter: str | None = None

    def _arguments_of(
        self, args: Any, config: RunnableConfig
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The function's arguments: a one-string tool's (no `args_schema`, as
        `infer_schema=False` makes it) string first, else the arguments by name; the
        run's config where the function takes one."""
        keywords = dict(args) if isinstance(args, dict) and self.args_schema is not None else {}
        if self.config_parameter:
            keywords[self.config_parameter] = config
        return (() if self.args_schema is not None else (args,)), keywords

    def _run(self, args: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        assert self.function is not None
        if inspect.iscoroutinefunction(self.function):
            raise NotImplementedError("StructuredTool does not support sync invocation.")
        positional, keywords = self._arguments_of(args, config)
        return self.function(*positional, **keywords)

    async def _arun(self, args: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        assert self.function is not None
        positional, keywords = self._arguments_of(args, config)
        if inspect.iscoroutinefunction(self.function):
            return await self.function(*positional, **keywords)
        # A sync function off the loop, as LangChain runs it (the context goes with it).
        return await asyncio.to_thread(self.function, *positional, **keywords)


def _config_parameter(signature: inspect.Signature) -> str | None:
    for parameter in signature.parameters.values():
        annotation = parameter.annotation
        named = getattr(annotation, "__name__", annotation)
        if named == "RunnableConfig" or (
            parameter.name == "config" and annotation is inspect.Parameter.empty
        ):
            return parameter.name
    return None


def _args_schema(
    function: Callable[..., Any],
    name: str,
    skipped: str | None,
    docs: dict[str, str],
    doc: str | None,
) -> Any:
    """The arguments' pydantic model, from the signature (LangChain's inferred schema,
    the docstring its description)."""
    from pydantic import Field
    from pydantic import create_model

    fields: dict[str, Any] = {}
    hints = _hints(function)
    for parameter in inspect.signature(function).parameters.values():
        if parameter.name in _HIDDEN or parameter.name == skipped:
            continue
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        annotation = hints.get(parameter.name, Any)
        default = ... if parameter.default is parameter.empty else parameter.default
        fields[parameter.name] = (annotation, Field(default, description=docs.get(parameter.name)))
    return create_model(name, __doc__=doc, **fields)


def _hints(function: Callable[..., Any]) -> dict[str, Any]:
    import typing

    try:
        return typing.get_type_hints(function)
    except (NameError, TypeError):  # an annotation that does not resolve: taken as Any
        return {}


def _google_docstring(
    function: Callable[..., Any], arguments: list[str], *, strict: bool
) -> tuple[str, dict[str, str]]:
    """What LangChain's `parse_docstring=True` reads of a Google-style docstring: the
    blocks before `Args:` (up to a `Returns:` or `Example:` block), joined, and each
    argument's description. `strict`: a function with arguments must have an `Args:`
    block after its summary."""
    doc = inspect.getdoc(function) or ""
    blocks = doc.split("\n\n") if doc else []
    has_args = any(block.startswith("Args:") for block in blocks[1:])
    if strict and (not doc or (arguments and not has_args)):
        raise ValueError("Found invalid Google-Style docstring.")
    summary: list[str] = []
    for block in blocks:
        if block.startswith("Args:"):
            return " ".join(summary), _argument_lines(block)
        if block.startswith(("Returns:", "Example:")):
            break
        summary.append(block)
    return " ".join(summary), {}


def _argument_lines(block: str) -> dict[str, str]:
    described: dict[str, str] = {}
    name = None
    for line in block.split("\n")[1:]:
        if ":" in line:
            head, text = line.split(":", maxsplit=1)
            name = head.strip()
            bare, _, kind = name.partition(" ")
            if kind.startswith("(") and kind.endswith(")"):
                name = bare  # "city (str): ..."
            described[name] = text.strip()
        elif name is not None:
            described[name] += " " + line.strip()
    return described


def _make(
    function: Callable[..., Any],
    name: str | None,
    *,
    description: str | None,
    return_direct: bool,
    args_schema: Any,
    response_format: str,
    parse_docstring: bool,
    error_on_invalid_docstring: bool,
    infer_schema: bool,
    extras: dict[str, Any] | None,
) -> FunctionTool:
    if response_format not in ("content", "content_and_artifact"):
        raise ValueError(
            f"response_format must be 'content' or 'content_and_artifact', got {response_format!r}"
        )
    name = name or function.__name__
    signature = inspect.signature(function)
    config_parameter = _config_parameter(signature)
    docs: dict[str, str] = {}
    doc = textwrap.dedent(function.__doc__).strip() if function.__doc__ else None
    if parse_docstring:
        # LangChain checks the annotated arguments only.
        arguments = [n for n in _hints(function) if n not in {"return", *_HIDDEN}]
        summary, docs = _google_docstring(function, arguments, strict=error_on_invalid_docstring)
        description = description if description is not None else summary
        doc = summary
    elif description is None:
        if doc is None:
            raise ValueError("Function must have a docstring if description not provided.")
        description = doc
    return FunctionTool(
        RunnableLambda(function),
        name=name,
        description=description,
        args_schema=args_schema
        or (_args_schema(function, name, config_parameter, docs, doc) if infer_schema else None),
        return_direct=return_direct,
        response_format=response_format,
        extras=extras,
        function=function,
        config_parameter=config_parameter,
    )


def tool(
    name_or_callable: str | Callable[..., Any] | None = None,
    runnable: Runnable[Any, Any] | None = None,
    /,
    *,
    description: str | None = None,
    return_direct: bool = False,
    args_schema: Any = None,
    infer_schema: bool = True,
    response_format: Literal["content", "content_and_artifact"] = "content",
    parse_docstring: bool = False,
    error_on_invalid_docstring: bool = True,
    extras: dict[str, Any] | None = None,
) -> Any:
    """`@tool`, `@tool("name")`, `@tool(parse_docstring=True)` or `tool(function)`: a
    function as a `FunctionTool` (see the module doc). `tool("name", runnable)`: a
    runnable with an object input schema as a tool of that name."""
    if runnable is not None:  # `tool("name", runnable)`: made below, as `tool("name")(runnable)`
        if not name_or_callable:
            raise ValueError("Runnable without name for tool constructor")
        if not isinstance(name_or_callable, str):
            raise ValueError("Name must be a string for tool constructor")
    keywords: dict[str, Any] = {
        "description": description,
        "return_direct": return_direct,
        "args_schema": args_schema,
        "response_format": response_format,
        "parse_docstring": parse_docstring,
        "error_on_invalid_docstring": error_on_invalid_docstring,
        "infer_schema": infer_schema,
        "extras": extras,
    }
    if callable(name_or_callable) and hasattr(name_or_callable, "__name__"):
        return _make(name_or_callable, None, **keywords)
    if name_or_callable is not None and not isinstance(name_or_callable, str):
        # A runnable is callable but has no `__name__`: LangChain refuses it without a name.
        raise ValueError(
            "The first argument must be a string or a callable with a __name__ "
            f"for tool decorator. Got {type(name_or_callable)}"
        )

    def decorate(function: Callable[..., Any] | Runnable[Any, Any]) -> RunnableTool:
        if isinstance(function, Runnable):
            return _of_runnable(
                function, name_or_callable, description, return_direct, response_format, extras
            )
        return _make(function, name_or_callable, **keywords)

    return decorate if runnable is None else decorate(runnable)


def _of_runnable(
    runnable: Runnable[Any, Any],
    name: str | None,
    description: str | None,
    return_direct: bool,
    response_format: str,
    extras: dict[str, Any] | None,
) -> RunnableTool:
    """LangChain's tool of a runnable: the runnable's input schema is the arguments (it
    must be an object), its repr the description unless one is given, and it is called
    with the arguments as one dict."""
    schema = runnable.get_input_schema()
    if schema.model_json_schema().get("type") != "object":
        raise ValueError("Runnable must have an object schema.")
    return RunnableTool(
        runnable,
        name=name or runnable.get_name(),
        description=description or repr(runnable),
        args_schema=schema,
        return_direct=return_direct,
        response_format=response_format,
        extras=extras,
    )
