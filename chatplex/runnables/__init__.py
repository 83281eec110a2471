"""The Runnable protocol, composition, prompts, parsers and chat models."""

from __future__ import annotations

from .base import Runnable, RunnableBinding
from .chat_model import ChatModel
from .composition import RunnableParallel, RunnableSequence, coerce_to_runnable
from .config import DEFAULT_MAX_CONCURRENCY, RunnableConfig
from .fake import FakeChatModel
from .lambdas import RunnableGenerator, RunnableLambda
from .parsers import StrOutputParser
from .passthrough import RunnableAssign, RunnablePassthrough
from .prompts import ChatPromptTemplate, ChatPromptValue, MessagesPlaceholder

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
    "RunnableSequence",
    "StrOutputParser",
    "coerce_to_runnable",
]
