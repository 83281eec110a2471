"""How a wire reads the built-in tool dicts a model is given (`Adapter.builtin_tool`), for
`ChatModel.bind_tools` and a call's `tools=`, which read the rest of the tools into
`ToolSpec`s, the tool choice into one keyword or tool name, and a parallel-calls flag into
the wire's body field. A drop-in whose LangChain class binds its own way says so through
the model's hooks (`_tools_to_bind`, `_finish_binding`).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from ..adapters.base import Adapter

__all__ = ["BuiltinReader", "builtin_tool_reader"]

#: How a wire reads a built-in tool dict (`Adapter.builtin_tool`).
BuiltinReader = Callable[[Mapping[str, Any]], "dict[str, Any] | None"]


def builtin_tool_reader(adapter: Adapter | None) -> BuiltinReader | None:
    """The wire's reading of built-in tool dicts (`Adapter.builtin_tool`); None without
    an adapter (a model before there is one, a runnable that is not a chatplex model)."""
    return adapter.builtin_tool if adapter is not None else None
