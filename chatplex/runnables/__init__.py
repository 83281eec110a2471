"""The Runnable protocol, composition, prompts, parsers and chat models."""

from __future__ import annotations

from .base import Runnable, RunnableBinding
from .chat_model import ChatModel
from .composition import RunnableParallel, RunnableSequence, coerce_to_runnable
from .config import DEFAULT_MAX_CONCURRENCY, RunnableConfig
from .events import StreamEvent, adispatch_custom_event, dispatch_custom_event
from .fake import FakeChatModel
from .lambdas import RunnableGenerator, RunnableLambda
from .parsers import StrOutputParser
from .passthrough import RunnableAssign, RunnablePassthrough
from .prompts import ChatPromptTemplate, ChatPromptValue, MessagesPlaceholder
from .reliability import RunnableRetry, RunnableWithFallbacks

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
    "adispatch_custom_event",
    "coerce_to_runnable",
    "dispatch_custom_event",
]
