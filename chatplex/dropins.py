"""Where each LangChain class name chatplex answers to lives, and which class it is.

A drop-in name (`ChatOpenAI`, `ChatGroq`, ...) has two classes behind it:

- the **engine**: chatplex's own chat model with the partner package's constructor, a
  `chatplex.ChatModel` in its provider's folder (`providers/<wire>/dropin.py`);
- the **LangChain chat model**: a real `langchain_core` `BaseChatModel` whose calls run
  on that engine (`chatplex.langchain`), so agents, LangGraph, middleware, callbacks,
  caches and serializers meet LangChain's own class.

`chatplex.ChatOpenAI` (and `chatplex.init_chat_model`) is the LangChain chat model
whenever langchain-core can be imported, and the engine otherwise; `CHATPLEX_LEAN=1`
asks for the engines even then (ARCHITECTURE.md, "The drop-ins are LangChain chat
models"). Pure data and one check: this module imports nothing of chatplex.
"""

from __future__ import annotations

import os

__all__ = ["DROP_IN_MODULES", "LEAN_SWITCH", "langchain_wanted"]

#: Drop-in name -> the module of its engine (the class of that name there). It is also the
#: registry of provider folders: `chatplex.specs.WIRES` is the folders named here, in this
#: order (so a new wire's drop-in row registers its folder, and its spec is found).
DROP_IN_MODULES: dict[str, str] = {
    "ChatOpenAI": "chatplex.providers.openai.dropin",
    "AzureChatOpenAI": "chatplex.providers.openai.azure_dropin",
    "ChatAnthropic": "chatplex.providers.anthropic.dropin",
    "ChatGoogleGenerativeAI": "chatplex.providers.google.dropin",
    "ChatVertexAI": "chatplex.providers.google.vertex_dropin",
    "ChatBedrock": "chatplex.providers.bedrock.invoke_dropin",
    "ChatBedrockConverse": "chatplex.providers.bedrock.dropin",
    "ChatOllama": "chatplex.providers.ollama.dropin",
    **dict.fromkeys(
        (
            "ChatCerebras",
            "ChatDeepSeek",
            "ChatFireworks",
            "ChatGroq",
            "ChatHyperbolic",
            "ChatMistralAI",
            "ChatNebius",
            "ChatOpenRouter",
            "ChatPerplexity",
            "ChatSambaNova",
            "ChatTogether",
            "ChatXAI",
        ),
        "chatplex.providers.compatible.dropin",
    ),
    "ChatCohere": "chatplex.providers.cohere.dropin",
    "ChatWatsonx": "chatplex.providers.watsonx.dropin",
}

#: The environment variable that keeps chatplex's own engines under LangChain's names
#: even where langchain-core is installed ("1", "true", "yes").
LEAN_SWITCH = "CHATPLEX_LEAN"


def langchain_wanted() -> bool:
    """Whether LangChain's names resolve to LangChain chat models: langchain-core can be
    imported (it is not imported here) and `CHATPLEX_LEAN` does not say otherwise."""
    if os.environ.get(LEAN_SWITCH, "").strip().lower() in ("1", "true", "yes", "on"):
        return False
    from importlib.util import find_spec  # on the first drop-in name, not at import

    try:
        return find_spec("langchain_core") is not None
    except (ImportError, ValueError):  # a broken or half-removed install: no LangChain
        return False
