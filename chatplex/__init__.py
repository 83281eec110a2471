"""chatplex: one small, fast, honest chat-model interface across LLM providers.

>>> from chatplex import init_chat_model
>>> init_chat_model("fake:any", responses=["pong"]).invoke("ping").text
'pong'
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from .chat import ChatModel, FakeChatModel, init_chat_model
from .chat.callbacks import UsageMetadataCallbackHandler, get_usage_metadata_callback
from .core import (
    ChatPromptTemplate,
    MessagesPlaceholder,
    Runnable,
    RunnableConfig,
    RunnableLambda,
    RunnableParallel,
    RunnablePassthrough,
    StrOutputParser,
)
from .core._late import LATE as _LATE
from .errors import BudgetExceededError
from .messages import (
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from .version import __version__ as __version__

if TYPE_CHECKING:
    from .chat import (
        BaseCache,
        ChatAnthropic,
        ChatOpenAI,
        InMemoryCache,
        SQLiteCache,
        UsageCallbackHandler,
        UsageTracker,
        get_llm_cache,
        set_llm_cache,
        track_usage,
    )


#: Loaded on first use (module `__getattr__`, PEP 562), so `import chatplex` stays light:
#: the drop-ins, the reply caches and usage tracking (see chatplex/chat/__init__.py).
_LAZY = frozenset(
    {
        "BaseCache",
        "ChatAnthropic",
        "ChatOpenAI",
        "InMemoryCache",
        "SQLiteCache",
        "UsageCallbackHandler",
        "UsageTracker",
        "get_llm_cache",
        "set_llm_cache",
        "track_usage",
    }
)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import chat

    value = getattr(chat, name)
    globals()[name] = value
    return value


def _submit_batch(runnable: Any, inputs: Any, config: Any, is_async: bool) -> Any:
    # `Runnable.submit_batch` (core) reaches chatplex.batches, two layers up, through
    # this slot; the package loads on the first batch, not at `import chatplex`.
    from .batches import asubmit_batch, submit_batch

    if is_async:
        return asubmit_batch(runnable, inputs, config)
    return submit_batch(runnable, inputs, config)


_LATE.submit_batch = _submit_batch


def close() -> None:
    """Close chatplex's shared connection pools: the sync one and the async one that sync
    `batch` uses on chatplex's private loop (the next call opens new ones).

    Clients you passed in (`http_client=`) are yours and are never closed by chatplex.
    Async pools of your own event loops close with the loop, or with `await aclose()`.
    """
    if "chatplex.http._pool" not in sys.modules:  # never opened: nothing to close
        return
    from .http import close as close_pools
    from .http import close_portal_clients

    close_portal_clients()
    close_pools()


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


async def aclose() -> None:
    """Close the running loop's shared async pool and the shared sync pool.

    Not required: a loop run by `asyncio.run()` closes its pool on the way out.
    """
    if "chatplex.http._pool" in sys.modules:
        from .http import aclose as aclose_pools

        await aclose_pools()


__all__ = [
    "AIMessage",
    "AIMessageChunk",
    "ChatAnthropic",
    "BaseCache",
    "BudgetExceededError",
    "ChatModel",
    "ChatOpenAI",
    "ChatPromptTemplate",
    "FakeChatModel",
    "HumanMessage",
    "InMemoryCache",
    "MessagesPlaceholder",
    "Runnable",
    "RunnableConfig",
    "RunnableLambda",
    "RunnableParallel",
    "RunnablePassthrough",
    "SQLiteCache",
    "StrOutputParser",
    "SystemMessage",
    "ToolMessage",
    "UsageCallbackHandler",
    "UsageMetadataCallbackHandler",
    "UsageTracker",
    "aclose",
    "close",
    "get_llm_cache",
    "get_usage_metadata_callback",
    "init_chat_model",
    "set_llm_cache",
    "track_usage",
]
