"""chatplex models inside LangChain and LangGraph (the `chatplex[langchain]` extra).

`ChatChatplex` is a LangChain `BaseChatModel` whose calls go through a chatplex chat
model: keep your prompts, chains, agents and LangGraph graphs, and get chatplex's pooled
HTTP, retries, shared rate limiter, deadlines and typed errors underneath.

>>> from chatplex.langchain import ChatChatplex                        # doctest: +SKIP
>>> llm = ChatChatplex(model="openai:gpt-4o-mini", temperature=0)      # doctest: +SKIP
>>> (prompt | llm | StrOutputParser()).invoke({"topic": "cats"})       # doctest: +SKIP

`ChatOpenAI` / `AzureChatOpenAI` / `ChatAnthropic` (`dropin.py`) are the same with
langchain-openai's and langchain-anthropic's constructors: `from chatplex.langchain import
ChatOpenAI`.

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

from .convert import StreamTranslator
from .convert import to_chatplex_messages
from .convert import to_langchain_message
from .dropin import AzureChatOpenAI
from .dropin import ChatAnthropic
from .dropin import ChatOpenAI
from .model import ChatChatplex
from .model import to_langchain

__all__ = [
    "AzureChatOpenAI",
    "ChatAnthropic",
    "ChatChatplex",
    "ChatOpenAI",
    "StreamTranslator",
    "to_chatplex_messages",
    "to_langchain",
    "to_langchain_message",
]
