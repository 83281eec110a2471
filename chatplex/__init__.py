"""chatplex: one small, fast, honest chat-model interface across LLM providers.

>>> from chatplex import init_chat_model
>>> init_chat_model("fake:any", responses=["pong"]).invoke("ping").text
'pong'
"""

from __future__ import annotations

from .messages import (
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from .models import init_chat_model
from .runnables import (
    ChatModel,
    ChatPromptTemplate,
    FakeChatModel,
    MessagesPlaceholder,
    Runnable,
    RunnableConfig,
    RunnableLambda,
    RunnableParallel,
    RunnablePassthrough,
    StrOutputParser,
)

__version__ = "0.1.0"

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
    "init_chat_model",
]
