"""The parser a drop-in's `with_structured_output(method="function_calling")` reads the
forced tool call with: LangChain's `PydanticToolsParser` / `JsonOutputKeyToolsParser`,
or, where the wire's spec says its partner package uses them
(`ProviderSpec.repairing_tool_parsers`, where the spec names the partner's), the
repairing ones of the same names as the partner's. Those first read back an argument
the model sent as a JSON string where the schema declares an object or an array (a
model's habit that partner works around), so such a reply parses as it does there, and
their runs (`astream_events`, tracers) are named as the partner's."""

from __future__ import annotations

import json
from typing import Annotated
from typing import Any

from langchain_core.messages import AIMessage
from langchain_core.output_parsers import BaseGenerationOutputParser
from langchain_core.output_parsers.openai_tools import JsonOutputKeyToolsParser
from langchain_core.output_parsers.openai_tools import PydanticToolsParser
from langchain_core.outputs import ChatGeneration
from langchain_core.outputs import Generation
from langchain_core.runnables import Runnable
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass
from langchain_core.utils.pydantic import is_pydantic_v1_subclass
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import SkipValidation

__all__ = ["ToolsOutputParser", "tools_parser"]


def tools_parser(schema: Any, *, repairing: bool, whole: bool = False) -> Runnable[Any, Any]:
    """The first call of the tool `schema` names, parsed: an instance of a pydantic
    class, else its arguments; with `repairing`, by langchain-aws's repairing parsers,
    or (`whole`: a model whose `disable_streaming` is set) by its `ToolsOutputParser`."""
    pydantic = isinstance(schema, type) and (
        is_basemodel_subclass(schema) or is_pydantic_v1_subclass(schema)
    )
    function = convert_to_openai_tool(schema)["function"]
    if not repairing:
        if pydantic:
            return PydanticToolsParser(tools=[schema], first_tool_only=True)
        return JsonOutputKeyToolsParser(key_name=function["name"], first_tool_only=True)
    properties = (function.get("parameters") or {}).get("properties") or None
    if whole:
        return ToolsOutputParser(
            first_tool_only=True,
            args_only=not pydantic,
            pydantic_schemas=[schema] if pydantic else None,
            schema_properties=properties,
        )
    if pydantic:
        return _RepairingPydanticToolsParser(
            tools=[schema], first_tool_only=True, schema_properties=properties
        )
    return _RepairingJsonOutputKeyToolsParser(
        key_name=function["name"], first_tool_only=True, schema_properties=properties
    )


#: The JSON-schema types whose arguments a model may send as a JSON string.
_CONTAINERS: dict[Any, type] = {"array": list, "object": dict}


def _repaired_args(args: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """`args` with each object or array argument sent as a JSON string read back (or the
    one member of the same name it was wrapped in); anything else as it is."""
    repaired: dict[str, Any] = {}
    for key, value in args.items():
        declared = (properties.get(key) or {}).get("type")
        expected = _CONTAINERS.get(declared) if isinstance(value, str) else None
        if expected is None:
            repaired[key] = value
            continue
        try:
            loaded = json.loads(value)
        except json.JSONDecodeError:
            loaded = None
        if isinstance(loaded, expected):
            repaired[key] = loaded
        elif isinstance(loaded, dict) and isinstance(loaded.get(key), expected):
            repaired[key] = loaded[key]
        else:
            repaired[key] = value
    return repaired


def _repaired(result: list[Generation], properties: dict[str, Any] | None) -> list[Generation]:
    if not properties:
        return result
    out: list[Generation] = []
    for generation in result:
        message = getattr(generation, "message", None)
        if isinstance(generation, ChatGeneration) and isinstance(message, AIMessage):
            calls = [
                {**call, "args": _repaired_args(call["args"], properties)}
                for call in message.tool_calls
            ]
            if calls != message.tool_calls:
                fixed = message.model_copy(update={"tool_calls": calls})
                generation = type(generation)(
                    message=fixed, generation_info=generation.generation_info
                )
        out.append(generation)
    return out


class _Repairing(BaseModel):
    """What both repairing parsers add: the schema's `properties`, read before parsing."""

    schema_properties: dict[str, Any] | None = None

    def parse_result(self, result: list[Generation], *, partial: bool = False) -> Any:
        parse = super().parse_result  # type: ignore[misc]
        return parse(_repaired(result, self.schema_properties), partial=partial)


class ToolsOutputParser(BaseGenerationOutputParser[Any]):
    """langchain-aws's parser of a whole reply's tool calls (its name), arguments
    repaired: the calls' arguments, or instances of the schemas they name, the first
    only with `first_tool_only`; None (or []) where the reply has no call."""

    first_tool_only: bool = False
    args_only: bool = False
    pydantic_schemas: list[Annotated[Any, SkipValidation()]] | None = None
    schema_properties: dict[str, Any] | None = None

    model_config = ConfigDict(extra="forbid")

    def parse_result(self, result: list[Generation], *, partial: bool = False) -> Any:
        result = _repaired(result, self.schema_properties)
        first = result[0] if result else None
        message = first.message if isinstance(first, ChatGeneration) else None
        if not isinstance(message, AIMessage) or not message.tool_calls:
            return None if self.first_tool_only else []
        calls: list[Any] = list(message.tool_calls)
        if self.pydantic_schemas:
            by_name = {schema.__name__: schema for schema in self.pydantic_schemas}
            calls = [by_name[call["name"]](**call["args"]) for call in calls]
        elif self.args_only:
            calls = [call["args"] for call in calls]
        return calls[0] if self.first_tool_only else calls


class _RepairingPydanticToolsParser(_Repairing, PydanticToolsParser):
    """`PydanticToolsParser` reading stringified arguments back (langchain-aws's name)."""


class _RepairingJsonOutputKeyToolsParser(_Repairing, JsonOutputKeyToolsParser):
    """`JsonOutputKeyToolsParser` reading stringified arguments back (langchain-aws's name)."""
