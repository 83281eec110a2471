"""Each LangChain class name chatplex answers to, and the module of its engine.

A drop-in name (`ChatOpenAI`, `ChatGroq`, ...) is `chatplex.langchain.<Name>`, a real
`langchain_core` `BaseChatModel` running on an engine: chatplex's chat model with the
partner package's constructor, in its provider's folder (`providers/<wire>/dropin.py`).
The names live in `chatplex.langchain` alone; `chatplex` (chatplex's own family) never
exports them (docs/decisions/001-two-families.md). Pure data: this module imports nothing
of chatplex.
"""

from __future__ import annotations

__all__ = ["DROP_IN_MODULES", "NOT_DROPPED_IN"]

#: Drop-in name -> the module of its engine (the class of that name there). It is also the
#: registry of provider folders: `chatplex.specs.WIRES` is the folders named here, in this
#: order (so a new wire's drop-in row registers its folder, and its spec is found).
DROP_IN_MODULES: dict[str, str] = {
    "ChatOpenAI": "chatplex.providers.openai.dropin",
    "AzureChatOpenAI": "chatplex.providers.openai.azure_dropin",
    "ChatAnthropic": "chatplex.providers.anthropic.dropin",
    "ChatGoogleGenerativeAI": "chatplex.providers.google.dropin",
    "ChatVertexAI": "chatplex.providers.google.vertex_dropin",
    "ChatAnthropicVertex": "chatplex.providers.google.anthropic_vertex_dropin",
    "ChatBedrock": "chatplex.providers.bedrock.invoke_dropin",
    "ChatBedrockConverse": "chatplex.providers.bedrock.dropin",
    "ChatAnthropicBedrock": "chatplex.providers.bedrock.anthropic_dropin",
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

#: LangChain class names chatplex has no drop-in for -> the partner module that has them:
#: `from chatplex.langchain import <name>` raises an ImportError naming it.
NOT_DROPPED_IN: dict[str, str] = {
    "ChatAnthropicMantle": "langchain_aws",
    "ChatOpenAIMantle": "langchain_aws",
    "ChatBedrockNovaSonic": "langchain_aws",
}
