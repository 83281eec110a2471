"""The import path of chatplex's first releases, kept for users' code: the Runnable core
(`chatplex.core`) and the chat models (`chatplex.chat`) under one name.

>>> from chatplex.runnables import RunnableLambda, dispatch_custom_event  # still works
"""

from __future__ import annotations

from . import core
from .chat import ChatModel
from .chat import FakeChatModel
from .chat.callbacks import UsageMetadataCallbackHandler
from .chat.callbacks import get_usage_metadata_callback
from .core import *  # noqa: F403  (the whole core, whatever it exports: core.__all__)

__all__ = [
    "UsageMetadataCallbackHandler",
    "get_usage_metadata_callback",
    "ChatModel",
    "FakeChatModel",
]
__all__ += core.__all__
