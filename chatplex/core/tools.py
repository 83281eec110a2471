"""`runnable.as_tool()`: a chain or a lambda as a tool a model can call.

Made as LangChain's `as_tool` makes one (`langchain_core.tools.convert`): a runnable
whose input schema is a string becomes a one-string tool (the model sees one argument,
`__arg1`); any other becomes a tool whose arguments are `args_schema`, given, made from
`arg_types`, taken from an object input schema, or from the fields of a typed-dict input.
The runnable is called with the arguments as one dict. LangChain's `create_agent`
(and LangGraph's `ToolNode`) take it as they take any runnable with an object input
schema, so an agent gets tools from chatplex's chains. Called with a tool call (what a
model returns, `{"name", "args", "id", "type": "tool_call"}`), the tool answers with a
`ToolMessage` for that call, as LangChain's tools do, so an agent loop can send it back.

Imported on first use (it needs pydantic): `import chatplex` pays nothing for it.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Mapping
from dataclasses import KW_ONLY
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic import Field
from pydantic import RootModel
from pydantic import create_model

from ..messages import ToolMessage
from .base import Runnable
from .run_config import RunnableConfig
from .run_config import child_config

__all__ = ["RunnableTool", "as_tool"]

#: What a model is shown for a one-string tool (LangChain's `Tool`).
_STRING_ARGS = {
    "properties": {"__arg1": {"title": "__arg1", "type": "string"}},
    "required": ["__arg1"],
    "type": "object",
}


@dataclass(eq=False, repr=False)  # a runnable is itself, not its fields
class RunnableTool(Runnable[Any, Any]):
    """A runnable offered to a model as a tool: `name`, `description`, `args_schema`
    (None for a one-string tool), and `invoke` with the arguments or a tool call."""

    _run_type = "tool"  # events: on_tool_start / on_tool_end

    runnable: Runnable[Any, Any]
    _: KW_ONLY
    name: str
    description: str
    args_schema: type[BaseModel] | None
    #: LangChain's tool flags: an agent stops after this tool; "content_and_artifact":
    #: the output is `(content, artifact)` and a tool call's answer carries both.
    return_direct: bool = False
    response_format: str = "content"
    extras: dict[str, Any] | None = None
    #: LangChain's: a `ToolException` the tool raises becomes its answer (True: the
    #: error's text; a str: that text; a function: what it returns for the error).
    handle_tool_error: Any = False

    def __post_init__(self) -> None:
        # LangChain's `tool()` (which `create_agent` and LangGraph's `ToolNode` apply to
        # what is not a BaseTool) takes a callable with a `__name__`.
        self.__name__ = self.name

    def __repr__(self) -> str:
        # LangChain's `create_agent` and `tool()` take a runnable as a tool and describe
        # it to the model by its repr: the repr is the description the model must see.
        return self.description

    @property
    def args(self) -> dict[str, Any]:
        """The arguments' JSON schemas by name (LangChain's `BaseTool.args`)."""
        if self.args_schema is None:
            return {"tool_input": {"type": "string"}}
        return dict(self.args_schema.model_json_schema().get("properties", {}))

    @property
    def tool_call_schema(self) -> type[BaseModel] | dict[str, Any]:
        """What a model is shown (read by `bind_tools`): the arguments' model named as
        the tool and described by its description, as LangChain's."""
        if self.args_schema is None:
            return dict(_STRING_ARGS)
        return _call_schema(self.args_schema, self.name, self.description)

    def get_input_schema(self, config: RunnableConfig | None = None) -> type[BaseModel]:
        """The arguments' model (LangChain builds a tool from a runnable's object input
        schema); a one-string tool's is its one argument, `__arg1`."""
        if self.args_schema is not None:
            return self.args_schema
        field: Any = (str, Field(..., alias="__arg1", title="__arg1"))
        return create_model(self.get_name(), arg1=field)

    def _arguments(self, args: Any) -> Any:
        """The runnable's input for these arguments: a one-string tool's string; else
        the dict of the given arguments, validated (and converted) by `args_schema`."""
        if self.args_schema is None:
            if isinstance(args, Mapping) and len(args) == 1:
                return next(iter(args.values()))
            return args
        if isinstance(args, str) and self.args_schema.model_fields:
            args = {next(iter(self.args_schema.model_fields)): args}  # its first argument
        if not isinstance(args, Mapping):
            raise TypeError(f"tool {self.name!r} takes a dict of arguments, got {args!r:.80}")
        validated = self.args_schema.model_validate(dict(args))
        return {key: getattr(validated, key) for key in args if key in type(validated).model_fields}

    def _answer(self, input: Any, output: Any) -> Any:
        artifact = None
        if self.response_format == "content_and_artifact":
            if not (isinstance(output, tuple) and len(output) == 2):
                raise ValueError(
                    "Since response_format='content_and_artifact' a two-tuple of the message "
                    "content and raw tool output is expected. Instead generated response of "
                    f"type: {type(output)}."
                )
            output, artifact = output
        call = _tool_call(input)
        if call is None:
            return output
        return ToolMessage(
            content=_content(output), tool_call_id=call["id"], name=self.name, artifact=artifact
        )

    def _run(self, args: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return self.runnable.invoke(args, child_config(config), **kwargs)

    async def _arun(self, args: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return await self.runnable.ainvoke(args, child_config(config), **kwargs)

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        call = _tool_call(input)
        args = self._arguments(call["args"] if call else input)
        try:
            output = self._run(args, config, **kwargs)
        except ToolException as error:
            return self._failed(input, error)
        return self._answer(input, output)

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        call = _tool_call(input)
        args = self._arguments(call["args"] if call else input)
        try:
            output = await self._arun(args, config, **kwargs)
        except ToolException as error:
            return self._failed(input, error)
        return self._answer(input, output)

    def _failed(self, input: Any, error: ToolException) -> Any:
        """The answer to a `ToolException` under `handle_tool_error` (else it is raised):
        its text, or a tool call's error `ToolMessage`, as LangChain's."""
        handle = self.handle_tool_error
        if not handle:
            raise error
        if isinstance(handle, bool):
            content = error.args[0] if error.args else "Tool execution error"
        elif isinstance(handle, str):
            content = handle
        elif callable(handle):
            content = handle(error)
        else:
            raise ValueError(
                f"Got unexpected type of `handle_tool_error`. Expected bool, str or callable. "
                f"Received: {handle}"
            ) from error
        call = _tool_call(input)
        if call is None:
            return content
        return ToolMessage(
            content=_content(content), tool_call_id=call["id"], name=self.name, status="error"
        )

    # LangChain's older way to call a tool (`search.run("query")`): `invoke`, with the
    # config's parts given apart; with `tool_call_id`, the answer is that call's message.
    def run(
        self,
        tool_input: str | dict[str, Any],
        verbose: bool | None = None,
        start_color: str | None = "green",
        color: str | None = "green",
        callbacks: Any = None,
        *,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        run_name: str | None = None,
        config: RunnableConfig | None = None,
        tool_call_id: str | None = None,
    ) -> Any:
        """The tool's answer to `tool_input` (its one string, or its arguments)."""
        _not_verbose(verbose)  # (the colors are only verbose printing's)
        call = self._call_of(tool_input, tool_call_id)
        return self.invoke(call, _run_config(config, callbacks, tags, metadata, run_name))

    async def arun(
        self,
        tool_input: str | dict[str, Any],
        verbose: bool | None = None,
        start_color: str | None = "green",
        color: str | None = "green",
        callbacks: Any = None,
        *,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        run_name: str | None = None,
        config: RunnableConfig | None = None,
        tool_call_id: str | None = None,
    ) -> Any:
        """`run`, awaited."""
        _not_verbose(verbose)
        call = self._call_of(tool_input, tool_call_id)
        return await self.ainvoke(call, _run_config(config, callbacks, tags, metadata, run_name))

    def _call_of(self, tool_input: Any, tool_call_id: str | None) -> Any:
        if tool_call_id is None:
            return tool_input
        return {"type": "tool_call", "name": self.name, "args": tool_input, "id": tool_call_id}


def _not_verbose(verbose: bool | None) -> None:
    if verbose:
        raise NotImplementedError(
            "tool.run(verbose=True) prints to the console in LangChain; chatplex does not "
            "print: pass a callback handler (callbacks=[...]) to see the tool's run"
        )


def _run_config(
    config: RunnableConfig | None,
    callbacks: Any,
    tags: list[str] | None,
    metadata: dict[str, Any] | None,
    run_name: str | None,
) -> RunnableConfig:
    """`config` with the parts `run` was given apart over its own (as LangChain's `run`
    reads them, not the config's)."""
    out: dict[str, Any] = dict(config or {})
    given = {"callbacks": callbacks, "tags": tags, "metadata": metadata, "run_name": run_name}
    out.update({key: value for key, value in given.items() if value is not None})
    return out  # type: ignore[return-value]


class ToolException(Exception):  # noqa: N818 - LangChain's name
    """Raised by a tool to say it failed in a way its `handle_tool_error` may answer
    (LangChain's `ToolException`)."""


@lru_cache(maxsize=256)  # a model per bind would be a class made per call
def _call_schema(schema: type[BaseModel], name: str, description: str) -> type[BaseModel]:
    return create_model(name, __base__=schema, __doc__=description)


def _tool_call(input: Any) -> Mapping[str, Any] | None:
    """`input` if it is a tool call from a model's reply, else None."""
    if isinstance(input, Mapping) and input.get("type") == "tool_call" and "args" in input:
        return input
    return None


def _content(output: Any) -> Any:
    """A tool message's content: a str or content blocks as they are, anything else as
    JSON (as LangChain writes it), or its str when it is not JSON."""
    if isinstance(output, str) or (
        isinstance(output, list) and all(isinstance(b, (str, dict)) for b in output)
    ):
        return output
    try:
        return json.dumps(output, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(output)


def _schema_from_types(name: str, arg_types: Mapping[str, Any]) -> type[BaseModel]:
    fields: dict[str, Any] = {key: (type_, Field(...)) for key, type_ in arg_types.items()}
    return create_model(name, **fields)


def as_tool(
    runnable: Runnable[Any, Any],
    args_schema: type[BaseModel] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    arg_types: dict[str, type] | None = None,
) -> RunnableTool:
    """`runnable.as_tool(...)` (see the module doc)."""
    if args_schema is not None:
        runnable = runnable.with_types(input_type=args_schema)
    schema = runnable.get_input_jsonschema()
    description = description or f"Takes {schema}."
    name = name or runnable.get_name()
    if schema.get("type") == "string":
        return RunnableTool(runnable, name=name, description=description, args_schema=None)
    model = runnable.get_input_schema()
    if (
        arg_types is None
        and schema.get("type") == "object"
        and schema.get("properties")
        and not issubclass(model, RootModel)
    ):
        return RunnableTool(runnable, name=name, description=description, args_schema=model)
    if arg_types is None:
        try:
            arg_types = typing.get_type_hints(runnable.InputType)
        except TypeError as exc:
            raise TypeError(
                "Tool input must be str or dict. If dict, dict arguments must be typed. "
                "Either annotate types (e.g., with TypedDict) or pass arg_types into "
                f"`.as_tool` to specify. {exc}"
            ) from exc
    return RunnableTool(
        runnable,
        name=name,
        description=description,
        args_schema=_schema_from_types(name, arg_types),
    )
