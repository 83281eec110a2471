"""Each LangChain class name chatplex answers to: the module of its engine, and the
User-Agent and SDK headers its partner package sends.

A drop-in name (`ChatOpenAI`, `ChatGroq`, ...) is `chatplex.langchain.<Name>`, a real
`langchain_core` `BaseChatModel` running on an engine: chatplex's chat model with the
partner package's constructor, in its provider's folder (`providers/<wire>/dropin.py`).
The names live in `chatplex.langchain` alone; `chatplex` (chatplex's own family) never
exports them (docs/decisions/001-two-families.md). Pure data: this module imports nothing
of chatplex.
"""

from __future__ import annotations

__all__ = [
    "DROP_IN_MODULES",
    "SDK_HEADERS",
    "SDK_READ_TIMEOUTS",
    "USER_AGENTS",
    "USER_AGENT_VERSIONS",
]

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

#: A header's form, the same from the SDK's sync and async clients or (sync, async).
Form = str | tuple[str, str]

_OPENAI: Form = ("OpenAI/Python {openai}", "AsyncOpenAI/Python {openai}")

#: Drop-in name -> the User-Agent its partner package's requests carry
#: (`chatplex.chat.sdk_agents` fills it in): `{distribution}` is that distribution's
#: version, `{python}`, `{implementation}`, `{machine}`, `{system}` and `{release}` the
#: interpreter's and platform's, `{stainless_os}`, `{stainless_arch}` and `{botocore_os}`
#: the platform as those SDKs name it, `{chatplex}` chatplex's own User-Agent. A name not
#: here sends chatplex's own (ChatHyperbolic: no partner package).
USER_AGENTS: dict[str, Form] = {
    "ChatOpenAI": _OPENAI,
    "ChatDeepSeek": _OPENAI,
    "ChatXAI": _OPENAI,
    "ChatTogether": _OPENAI,
    "ChatNebius": _OPENAI,
    "ChatCerebras": _OPENAI,
    # langchain-openai, langchain-anthropic and langchain-groq set their own.
    "AzureChatOpenAI": "langchain-partner-python-azure-openai",
    "ChatAnthropic": "langchain-anthropic/{langchain-anthropic}",
    "ChatGroq": "langchain/{langchain-groq}",
    "ChatFireworks": ("Fireworks/Python {fireworks-ai}", "AsyncFireworks/Python {fireworks-ai}"),
    "ChatSambaNova": ("SambaNova/Python {sambanova}", "AsyncSambaNova/Python {sambanova}"),
    "ChatPerplexity": ("Perplexity/Python {perplexityai}", "AsyncPerplexity/Python {perplexityai}"),
    # langchain-mistralai calls through a plain httpx client.
    "ChatMistralAI": "python-httpx/{httpx}",
    "ChatCohere": "cohere/{cohere}",
    "ChatOllama": "ollama-python/{ollama} ({machine} {system}) Python/{python}",
    "ChatGoogleGenerativeAI": (
        "google-genai-sdk/{google-genai} gl-python/{python} "
        "langchain-google-genai/{langchain-google-genai}-ChatGoogleGenerativeAI {chatplex}"
    ),
    # langchain-openrouter calls through the openrouter SDK (Speakeasy's): its generator's
    # and API document's versions are those of the release the form was read from.
    "ChatOpenRouter": "speakeasy-sdk/python {openrouter} 2.788.4 1.0.0 openrouter",
    # langchain-ibm calls through ibm-watsonx-ai (`get_user_agent_header`).
    "ChatWatsonx": (
        "ibm-watsonx-ai/{ibm-watsonx-ai} (lang=python; arch={machine}; os={system}; "
        "python.version={python})"
    ),
    # langchain-aws calls through boto3's client (botocore's User-Agent, langchain-aws's
    # `user_agent_extra`); the drop-in adds its retry mode, its Config's options and its
    # client's features (`m/...`, `providers/bedrock/sdk_headers.py`).
    **dict.fromkeys(
        ("ChatBedrock", "ChatBedrockConverse"),
        "Boto3/{boto3} md/Botocore#{botocore} ua/2.1 os/{botocore_os} md/arch#{machine} "
        "lang/python#{python} md/pyimpl#{implementation} cfg/retry-mode#standard "
        "Botocore/{botocore} x-client-framework:langchain-aws",
    ),
}


def _stainless(package: str, **more: Form) -> dict[str, Form]:
    """The platform headers of a Stainless-made SDK (openai's, anthropic's, groq's...),
    `package` the distribution whose version it reports, and the two it sets per attempt
    (`_base_client.py`'s `_build_headers`): `{retries}` is the retries taken before the
    attempt, `{read_timeout}` the read timeout (the header left out where there is none)."""
    return {
        "x-stainless-retry-count": "{retries}",
        "x-stainless-read-timeout": "{read_timeout}",
        "X-Stainless-Lang": "python",
        "X-Stainless-Package-Version": "{" + package + "}",
        "X-Stainless-OS": "{stainless_os}",
        "X-Stainless-Arch": "{stainless_arch}",
        "X-Stainless-Runtime": "{implementation}",
        "X-Stainless-Runtime-Version": "{python}",
        "X-Stainless-Async": ("false", "async:asyncio"),
        **more,
    }


#: langchain-openai reads its replies through the SDK's raw-response wrapper.
_OPENAI_SDK = _stainless("openai", **{"X-Stainless-Raw-Response": "true"})

#: Drop-in name -> the headers besides the User-Agent its partner package's requests
#: carry on every attempt (the same forms as `USER_AGENTS`).
SDK_HEADERS: dict[str, dict[str, Form]] = {
    **dict.fromkeys(
        (
            "ChatOpenAI",
            "AzureChatOpenAI",
            "ChatDeepSeek",
            "ChatXAI",
            "ChatTogether",
            "ChatNebius",
            "ChatCerebras",
        ),
        _OPENAI_SDK,
    ),
    # anthropic's SDK also writes the timeout given to the call (langchain-anthropic
    # passes a call's `timeout=` to `create()`), its NOT_GIVEN sentinel where none is.
    "ChatAnthropic": _stainless(
        "anthropic",
        **{"X-Stainless-Raw-Response": "raw", "x-stainless-timeout": "{call_timeout}"},
    ),
    "ChatGroq": _stainless("groq"),
    # langchain-fireworks retries with tenacity around calls the SDK does not retry.
    "ChatFireworks": _stainless("fireworks-ai", **{"x-stainless-retry-count": "0"}),
    "ChatSambaNova": _stainless("sambanova", **{"X-Integration-Source": "langchain"}),
    "ChatPerplexity": _stainless(
        "perplexityai", **{"X-Source": "perplexity-py", "X-Title": "Perplexity Python SDK"}
    ),
    # cohere's SDK is Fern's.
    "ChatCohere": {
        "X-Fern-Language": "Python",
        "X-Fern-Runtime": "python/{python}",
        "X-Fern-Platform": "{system}/{release}",
        "X-Fern-SDK-Name": "cohere",
        "X-Fern-SDK-Version": "{cohere}",
    },
    "ChatGoogleGenerativeAI": {
        "x-goog-api-client": "google-genai-sdk/{google-genai} gl-python/{python}"
    },
}

#: Drop-in name -> the read timeout its partner's SDK reports where the drop-in has no
#: timeout (its SDK's default: the others' partners pass None, and report none).
SDK_READ_TIMEOUTS: dict[str, str] = {"ChatDeepSeek": "600", "ChatPerplexity": "900"}

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
    "anthropic": "2.14.0",
    "groq": "0.37.1",
    "openrouter": "0.10.8",
    "ibm-watsonx-ai": "1.8.1",
    "boto3": "1.44.8",
    "botocore": "1.44.8",
}
