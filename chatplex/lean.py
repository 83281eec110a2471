"""chatplex's own chat models under LangChain's class names, whatever is installed.

`chatplex.ChatOpenAI` (every drop-in name) and `chatplex.init_chat_model` are LangChain
chat models wherever langchain-core is installed (`chatplex/dropins.py`). The names here
are always chatplex's engines: the same constructors and requests, chatplex's own
Runnable (`batch` with its exact `max_concurrency`, `submit_batch`, events), chatplex's
messages, and no LangChain import.

>>> from chatplex.lean import init_chat_model
>>> type(init_chat_model("fake:any")).__name__
'FakeChatModel'
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING
from typing import Any

from .dropins import DROP_IN_MODULES

if TYPE_CHECKING:
    from .chat import init_chat_model as init_chat_model
    from .providers.anthropic.dropin import ChatAnthropic as ChatAnthropic
    from .providers.openai.dropin import ChatOpenAI as ChatOpenAI

__all__ = ["init_chat_model", *sorted(DROP_IN_MODULES)]


def __getattr__(name: str) -> Any:
    if name == "init_chat_model":
        value = import_module("chatplex.chat").init_chat_model
    elif name in DROP_IN_MODULES:
        value = getattr(import_module(DROP_IN_MODULES[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
