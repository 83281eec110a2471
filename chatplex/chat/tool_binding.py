"""Tools bound on a copy of a model (`ChatModel.bind_tools`): the tools read into
`ToolSpec`s (a wire's built-in tool dicts by its adapter, `Adapter.builtin_tool`), the
tool choice into one keyword or tool name, and a parallel-calls flag into the wire's
body field; under a LangChain name, that a list was bound, an empty one too (which some
wires send). A drop-in whose LangChain class binds its own way says so through the
model's hooks (`_tools_to_bind`, `_finish_binding`), which this calls.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from ..adapters.base import Adapter
    from .model import ChatModel

__all__ = ["BuiltinReader", "builtin_tool_reader", "tools_bound", "under_langchain_name"]

#: How a wire reads a built-in tool dict (`Adapter.builtin_tool`).
BuiltinReader = Callable[[Mapping[str, Any]], "dict[str, Any] | None"]


def builtin_tool_reader(adapter: Adapter | None) -> BuiltinReader | None:
    """The wire's reading of built-in tool dicts (`Adapter.builtin_tool`); None without
    an adapter (a model before there is one, a runnable that is not a chatplex model)."""
    return adapter.builtin_tool if adapter is not None else None


def under_langchain_name(model: ChatModel) -> bool:
    """Whether `model` stands in for a LangChain class (a drop-in), whose bound tool list
    reaches the request as bound, an empty one too (`langchain_tools_bound`); chatplex's
    own models bind no empty list."""
    return model.langchain_partner_class is not None


def tools_bound(
    model: ChatModel,
    tools: Sequence[Any],
    tool_choice: Any,
    strict: bool | None,
    parallel_tool_calls: bool | None,
) -> ChatModel:
    """`ChatModel.bind_tools`: a copy of `model` offering `tools` (see there)."""
    from ..adapters.tool_choice import normalise_tool_choice
    from ..adapters.tools import to_tool_specs

    functions, choice = model._tools_to_bind(tools, tool_choice)
    specs = to_tool_specs(functions, strict=strict, builtin=model._builtin_tool_reader())
    clone = copy.copy(model)
    clone.tools = specs
    clone.langchain_tools_bound = under_langchain_name(model)
    adapter = model.adapter
    kept = (
        clone.langchain_tools_bound and adapter is not None and adapter.keeps_choice_without_tools
    )
    clone.tool_choice = normalise_tool_choice(choice, specs, kept_without_tools=kept)
    if parallel_tool_calls is not None:
        from .dropin import tool_call_body

        body = tool_call_body(model.adapter, parallel_tool_calls, clone.tool_choice)
        clone.extra_body = {**model.extra_body, **body}
    return model._finish_binding(clone, tools, tool_choice)
