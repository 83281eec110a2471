"""The import path of chatplex's first releases, kept for users' code: the Runnable core
(`chatplex.core`) and the chat models (`chatplex.chat`) under one name, with the
usage-counting callbacks (where a script ported from LangChain finds
`langchain_core.callbacks`' `get_usage_metadata_callback` and
`UsageMetadataCallbackHandler`).

>>> from chatplex.runnables import RunnableLambda, dispatch_custom_event  # still works
"""

from __future__ import annotations

from .chat import ChatModel, FakeChatModel
from .chat.callbacks import UsageMetadataCallbackHandler, get_usage_metadata_callback
from .core import (
    DEFAULT_MAX_CONCURRENCY,
    ChatPromptTemplate,
    ChatPromptValue,
    MessagesPlaceholder,
    Runnable,
    RunnableAssign,
    RunnableBinding,
    RunnableConfig,
    RunnableGenerator,
    RunnableLambda,
    RunnableParallel,
    RunnablePassthrough,
    RunnableRetry,
    RunnableSequence,
    RunnableWithFallbacks,
    StreamEvent,
    StrOutputParser,
    adispatch_custom_event,
    coerce_to_runnable,
    dispatch_custom_event,
)

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "ChatModel",
    "ChatPromptTemplate",
    "ChatPromptValue",
    "FakeChatModel",
    "MessagesPlaceholder",
    "Runnable",
    "RunnableAssign",
    "RunnableBinding",
    "RunnableConfig",
    "RunnableGenerator",
    "RunnableLambda",
    "RunnableParallel",
    "RunnablePassthrough",
    "RunnableRetry",
    "RunnableSequence",
    "RunnableWithFallbacks",
    "StrOutputParser",
    "StreamEvent",
    "UsageMetadataCallbackHandler",
    "adispatch_custom_event",
    "coerce_to_runnable",
    "dispatch_custom_event",
    "get_usage_metadata_callback",
]
