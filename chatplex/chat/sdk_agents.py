"""The User-Agent a drop-in sends under a LangChain class name: the one its partner
package's requests carry, as that package's SDK builds it (`OpenAI/Python 3.57.0` for
ChatOpenAI), so a gateway that routes or admits clients by their User-Agent treats the
drop-in as the partner package. chatplex is added as a suffix only where the SDK itself
appends to its User-Agent (google-genai); a fixed form is sent exactly.

The versions are the installed distributions' (the SDK's, or the partner package's where
that package sets the User-Agent itself); the ones these forms were read from where it is
not installed. chatplex's own models (`init_chat_model`, `ChatModel`) send
`chatplex/<version>` (`chatplex.version.USER_AGENT`).

>>> sdk_agent("ChatOpenAI").startswith("OpenAI/Python ")
True
>>> sdk_agent("ChatModel") is None
True
"""

from __future__ import annotations

import functools
import platform

from ..version import USER_AGENT

__all__ = ["AGENTS", "sdk_agent"]

_OPENAI = "OpenAI/Python {openai}"

#: Drop-in name -> its partner's User-Agent; `{distribution}` is that distribution's
#: version, `{python}`, `{machine}` and `{system}` the interpreter's and platform's,
#: `{chatplex}` chatplex's own User-Agent.
AGENTS: dict[str, str] = {
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

#: The versions the forms above were read from, sent where the distribution is missing.
_READ_FROM = {
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


class _Versions(dict[str, str]):
    def __missing__(self, name: str) -> str:
        import importlib.metadata

        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return _READ_FROM[name]


@functools.cache
def sdk_agent(name: str) -> str | None:
    """The User-Agent of the drop-in named `name` (a LangChain class name); None where
    chatplex sends its own."""
    form = AGENTS.get(name)
    if form is None:
        return None
    known = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "system": platform.system().lower(),
        "chatplex": USER_AGENT,
    }
    return form.format_map(_Versions(known))
