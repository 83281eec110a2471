"""Each LangChain class name chatplex answers to: the module of its engine, and the
User-Agent its partner package sends.

A drop-in name (`ChatOpenAI`, `ChatGroq`, ...) is `chatplex.langchain.<Name>`, a real
`langchain_core` `BaseChatModel` running on an engine: chatplex's chat model with the
partner package's constructor, in its provider's folder (`providers/<wire>/dropin.py`).
The names live in `chatplex.langchain` alone; `chatplex` (chatplex's own family) never
exports them (docs/decisions/001-two-families.md). Pure data: this module imports nothing
of chatplex.
"""

from __future__ import annotations

__all__ = ["DROP_IN_MODULES", "USER_AGENTS", "USER_AGENT_VERSIONS"]

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

_OPENAI = "OpenAI/Python {openai}"

#: Drop-in name -> the User-Agent its partner package's requests carry
#: (`chatplex.chat.sdk_agents` fills it in): `{distribution}` is that distribution's
#: version, `{python}`, `{machine}` and `{system}` the interpreter's and platform's,
#: `{chatplex}` chatplex's own User-Agent. A name not here sends chatplex's own.
USER_AGENTS: dict[str, str] = {
    "ChatOpenAI": _OPENAI,
    "ChatDeepSeek": _OPENAI,
    "ChatXAI": _OPENAI,
    "ChatTogether": _OPENAI,
    "ChatNebius": _OPENAI,
    # langchain-openai, langchain-anthropic and langchain-groq set their own.
    "AzureChatOpenAI": "langchain-partner-python-azure-openai",
    "ChatAnthropic": "langchain-anthropic/{langchain-anthropic}",
    "ChatGroq": "langchain/{langchain-groq}",
    "ChatFireworks": "Fireworks/Python {fireworks-ai}",
    "ChatSambaNova": "SambaNova/Python {sambanova}",
    "ChatPerplexity": "Perplexity/Python {perplexityai}",
    # langchain-mistralai calls through a plain httpx client.
    "ChatMistralAI": "python-httpx/{httpx}",
    "ChatCohere": "cohere/{cohere}",
    "ChatOllama": "ollama-python/{ollama} ({machine} {system}) Python/{python}",
    "ChatGoogleGenerativeAI": (
        "google-genai-sdk/{google-genai} gl-python/{python} "
        "langchain-google-genai/{langchain-google-genai}-ChatGoogleGenerativeAI {chatplex}"
    ),
}

#: The versions the `USER_AGENTS` forms were read from, sent where the distribution is
#: not installed.
USER_AGENT_VERSIONS: dict[str, str] = {
    "openai": "3.57.0",
    "langchain-anthropic": "1.7.7",
    "langchain-groq": "1.1.3",
    "fireworks-ai": "1.2.30",
    "sambanova": "1.13.0",
    "perplexityai": "0.46.1",
    "httpx": "0.28.1",
    "cohere": "5.21.1",
    "ollama": "0.6.3",
    "google-genai": "2.34.0",
    "langchain-google-genai": "4.4.2",
}
