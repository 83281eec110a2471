"""A call's `CallSettings` (`ChatModel._settings`): the model's sampling settings,
tools, tool choice and body fields, with the call's overrides bound on a copy. A plain
function of the model, bound as its method in the class body (so a subclass still
overrides it by name).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from ..adapters.request_types import CallSettings
    from .model import ChatModel

__all__ = ["call_settings"]


def call_settings(self: ChatModel, overrides: Mapping[str, Any]) -> CallSettings:
    model = self.bind(**overrides) if overrides else self
    stop = model.stop
    return (_CallSettings or _load_call_settings())(
        model=model.model,
        temperature=model.temperature,
        max_tokens=model.max_tokens,
        top_p=model.top_p,
        stop=(stop,) if isinstance(stop, str) else tuple(stop) if stop else None,
        tools=tuple(model.tools),
        tool_list_bound=model.langchain_tools_bound,
        tool_choice=model.tool_choice,
        extra_body=model.extra_body,
    )


#: `adapters.request_types.CallSettings` once a call has needed it (a per-call import costs more
#: than building the settings; the module loads with the first call, not with this one).
_CallSettings: type[CallSettings] | None = None


def _load_call_settings() -> type[CallSettings]:
    global _CallSettings
    from ..adapters.request_types import CallSettings

    _CallSettings = CallSettings
    return CallSettings
