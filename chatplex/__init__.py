"""chatplex: one small, fast, honest chat-model interface across LLM providers.

>>> from chatplex import init_chat_model
>>> init_chat_model("fake:any", responses=["pong"]).invoke("ping").text
'pong'
"""

from __future__ import annotations

import sys

from .chat import ChatModel, FakeChatModel, init_chat_model
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
from .messages import (
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from .version import __version__ as __version__


def close() -> None:
    """Close chatplex's shared connection pools: the sync one and the async one that sync
    `batch` uses on chatplex's private loop (the next call opens new ones).

    Clients you passed in (`http_client=`) are yours and are never closed by chatplex.
    Async pools of your own event loops close with the loop, or with `await aclose()`.
    """
    pool = sys.modules.get("chatplex.http._pool")  # never opened: nothing to close
    if pool is not None:
        pool.close_portal_clients()
        pool.close()


async def aclose() -> None:
    """Close the running loop's shared async pool and the shared sync pool.

    Not required: a loop run by `asyncio.run()` closes its pool on the way out.
    """
    pool = sys.modules.get("chatplex.http._pool")
    if pool is not None:
        await pool.aclose()


__all__ = [
    "AIMessage",
    "AIMessageChunk",
    "ChatModel",
    "ChatPromptTemplate",
    "FakeChatModel",
    "HumanMessage",
    "MessagesPlaceholder",
    "Runnable",
    "RunnableConfig",
    "RunnableLambda",
    "RunnableParallel",
    "RunnablePassthrough",
    "StrOutputParser",
    "SystemMessage",
    "ToolMessage",
    "aclose",
    "close",
    "init_chat_model",
]
