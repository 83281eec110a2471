"""chatplex models inside LangChain and LangGraph (the `chatplex[langchain]` extra).

`ChatChatplex` is a LangChain `BaseChatModel` whose calls go through a chatplex chat
model: keep your prompts, chains, agents and LangGraph graphs, and get chatplex's pooled
HTTP, retries, shared rate limiter, deadlines and typed errors underneath.

>>> from chatplex.langchain import ChatChatplex                        # doctest: +SKIP
>>> llm = ChatChatplex(model="openai:gpt-4o-mini", temperature=0)      # doctest: +SKIP
>>> (prompt | llm | StrOutputParser()).invoke({"topic": "cats"})       # doctest: +SKIP

Every LangChain class name chatplex answers to (`ChatOpenAI`, `ChatAnthropic`, ...;
`dropin.py`) is the same with its partner package's constructor, and `init_chat_model`
(`factory.py`) builds them as LangChain's does. They live here alone: a LangChain script
ports by one line (`from langchain_openai import ChatOpenAI` becomes
`from chatplex.langchain import ChatOpenAI`), and `chatplex` itself stays chatplex's own
family, with no LangChain loaded (docs/decisions/001-two-families.md).

Or wrap a chatplex model you already have: `ChatChatplex.from_model(model)` (the same as
`to_langchain(model)`). This package sits above `chatplex.chat` (it builds and wraps chat
models), so `import chatplex` never loads it, nor LangChain.
"""

from __future__ import annotations

try:
    import langchain_core  # noqa: F401  (fail here with a useful message)
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "chatplex.langchain needs langchain-core: pip install 'chatplex[langchain]'"
    ) from exc

from ..dropins import DROP_IN_MODULES
from ..dropins import NOT_DROPPED_IN
from .convert import StreamTranslator
from .convert import to_langchain_message
from .dropin import langchain_class
from .dropin_model import DropInChatModel
from .factory import init_chat_model
from .from_langchain import to_chatplex_messages
from .model import ChatChatplex
from .model import to_langchain

# Each drop-in name is built from its record on first use and typed by this module's
# `__getattr__`: a `type[DropInChatModel]`.

__all__ = [
    "ChatChatplex",
    "DropInChatModel",
    "StreamTranslator",
    "init_chat_model",
    "langchain_class",
    "to_chatplex_messages",
    "to_langchain",
    "to_langchain_message",
    *sorted(DROP_IN_MODULES),
]


def __getattr__(name: str) -> type[DropInChatModel]:
    # Each drop-in's LangChain chat model, made on first use (`dropin.langchain_class`).
    if name in DROP_IN_MODULES:
        return langchain_class(name)
    if name in NOT_DROPPED_IN:  # (a script ported by its import line: say what to use)
        partner = NOT_DROPPED_IN[name]
        raise ImportError(
            f"chatplex has no drop-in for {name}: use its partner's own class, "
            f"`from {partner} import {name}` (pip install {partner.replace('_', '-')})"
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
