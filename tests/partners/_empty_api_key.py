"""An API key given as "" (a script's `api_key=os.environ.get("MY_KEY", "")`) while the
class's key variables are set, each to its own value, side by side against a local
server: which variable's key arrives, or what is raised.

langchain-groq, -sambanova, -perplexity and AzureChatOpenAI hand their SDK an empty key
as None, and the SDK reads its own variable: so does the drop-in
(`DropIn.empty_key_variable`; Azure's connection). Where the partner fails, the
drop-in's outcome is a kept difference (its suite's `DIFFERENCES`, from `suite_row`):

- the openai SDK's subclasses (langchain-deepseek, -together, -cerebras, -nebius) send
  OPENAI_API_KEY, another provider's key, which their provider refuses: the drop-in
  sends none there (and refuses before any request to its provider's own host, as
  built with no key);
- langchain-xai, -openrouter, -openai and -google-genai refuse the empty key when the
  model is built, langchain-anthropic and -fireworks hand it to their SDK, whose HTTP
  client refuses the empty header it makes (a connection error, nothing sent),
  langchain-mistralai sends it as such (h11 refuses it, nothing sent): the drop-ins of
  Anthropic and Fireworks read their variable, the others send what they send with no
  key.

(ChatCohere's rows are beside its other environment tests:
`cohere/test_cohere_environment.py`.)"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from chatplex.errors import ChatplexError
from tests._replies import anthropic_message
from tests._replies import chat_completion
from tests.partners._empty_base_url import both_classes
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer

#: The script's name in the suites' tables (the test is `test_` and it).
SCRIPT = "an_empty_api_key"

#: What one side did: the class name of what it raised (None: nothing), and the key
#: header of each request the server saw (`Authorization`, else `x-api-key`; None: none).
Outcome = tuple[str | None, tuple[str | None, ...]]


@dataclass(frozen=True)
class Kept:
    """A wire's kept difference: its reason and words, and both sides' outcomes."""

    reason: Reason
    langchain: str
    chatplex: str
    theirs: Outcome
    ours: Outcome
    #: Whether the drop-in, sending no key elsewhere, refuses to its provider's own host
    #: when built (as with no key), which the test checks too.
    refused_at_home: bool = False


@dataclass(frozen=True)
class Wire:
    """One class: its partner (module, name), the key of its suite's table, the key
    variables set (each to its own name in lower case, so the header names the one
    read), the server's answer, how the server is named (a keyword, or a variable its
    SDK reads), and its kept difference (None: the same outcome on both sides)."""

    partner: tuple[str, str]
    key: str | tuple[str, str]
    variables: tuple[str, ...]
    answer: dict[str, Any]
    kept: Kept | None = None
    base_variable: str | None = None
    #: Its keywords beside the key, the server's URL given (where no `base_variable`).
    keywords: Callable[[str], dict[str, Any]] = lambda url: {"model": "m", "base_url": url}


_OPENAI_KEY = "Bearer openai_api_key"
_SENT_NONE = (
    "sends no key (to its provider's own host it refuses before any request, as built with no key)"
)


def _compatible(
    package: str, name: str, variables: tuple[str, ...], kept: Kept | None = None, **more: Any
) -> Wire:
    """An OpenAI-compatible class's wire (its suite's key: its package, the script)."""
    answer = chat_completion("Paris", model="m", created=1)
    return Wire((f"langchain_{package}", name), (package, SCRIPT), variables, answer, kept, **more)


def _openai_key_sent(variable: str) -> Kept:
    """langchain-openai's subclasses: the empty key goes to the openai SDK as None."""
    return Kept(
        Reason.REJECTED,
        "an empty API key is handed to the openai SDK as none, which reads OPENAI_API_KEY: "
        f"OpenAI's key is sent to this provider, which refuses it ({variable} unread; "
        "with OPENAI_API_KEY unset, the model is not built)",
        f"an empty API key is sent as such: it {_SENT_NONE}; OPENAI_API_KEY is never sent",
        (None, (_OPENAI_KEY,)),
        (None, (None,)),
        refused_at_home=True,
    )


def _refused_when_built(variable: str, raised: str) -> Kept:
    return Kept(
        Reason.RAISES,
        f"an empty API key is refused when the model is built ({raised}), though "
        f"{variable} holds one",
        f"an empty API key is sent as such: to a server of its own it {_SENT_NONE}",
        (raised, ()),
        (None, (None,)),
        refused_at_home=True,
    )


def _read_instead(variable: str, raised: str, sdk: str, header: str) -> Kept:
    return Kept(
        Reason.RAISES,
        f"an empty API key is handed to {sdk}, which makes an empty header of it that its "
        f"HTTP client refuses: the call raises {raised}, nothing sent, though {variable} "
        "holds a key",
        f"an empty API key counts as none given: {variable}'s key is sent",
        (raised, ()),
        (None, (header,)),
    )


#: A Gemini reply of one text (`generateContent`).
_GEMINI_ANSWER = {
    "candidates": [
        {"content": {"role": "model", "parts": [{"text": "Paris"}]}, "finishReason": "STOP"}
    ],
    "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 1, "totalTokenCount": 4},
    "modelVersion": "gemini-2.0-flash",
}

#: Suite -> its wires.
WIRES: dict[str, tuple[Wire, ...]] = {
    "compatible": (
        _compatible("groq", "ChatGroq", ("GROQ_API_KEY", "OPENAI_API_KEY")),
        _compatible("sambanova", "ChatSambaNova", ("SAMBANOVA_API_KEY", "OPENAI_API_KEY")),
        _compatible(
            "perplexity",
            "ChatPerplexity",
            ("PPLX_API_KEY", "PERPLEXITY_API_KEY", "OPENAI_API_KEY"),
            base_variable="PERPLEXITY_BASE_URL",  # (no base URL field: its SDK's variable)
        ),
        *(
            _compatible(package, name, (variable, "OPENAI_API_KEY"), _openai_key_sent(variable))
            for package, name, variable in (
                ("deepseek", "ChatDeepSeek", "DEEPSEEK_API_KEY"),
                ("together", "ChatTogether", "TOGETHER_API_KEY"),
                ("cerebras", "ChatCerebras", "CEREBRAS_API_KEY"),
                ("nebius", "ChatNebius", "NEBIUS_API_KEY"),
            )
        ),
        _compatible(
            "xai",
            "ChatXAI",
            ("XAI_API_KEY",),
            _refused_when_built("XAI_API_KEY", "ValidationError"),
        ),
        _compatible(
            "openrouter",
            "ChatOpenRouter",
            ("OPENROUTER_API_KEY",),
            _refused_when_built("OPENROUTER_API_KEY", "ValidationError"),
        ),
        _compatible(
            "fireworks",
            "ChatFireworks",
            ("FIREWORKS_API_KEY",),
            _read_instead(
                "FIREWORKS_API_KEY",
                "FireworksConnectionError",
                "the fireworks SDK",
                "Bearer fireworks_api_key",
            ),
        ),
        _compatible(
            "mistralai",
            "ChatMistralAI",
            ("MISTRAL_API_KEY",),
            Kept(
                Reason.RAISES,
                "an empty API key is sent as the header `Authorization: Bearer `, which its "
                "HTTP client refuses (LocalProtocolError, nothing sent), though "
                "MISTRAL_API_KEY holds a key",
                "an empty API key is sent as none: `Bearer None` to a server of its own, as "
                "LangChain sends with no key (to Mistral's own host it refuses before any "
                "request)",
                ("LocalProtocolError", ()),
                (None, ("Bearer None",)),
                refused_at_home=True,
            ),
        ),
    ),
    "anthropic": (
        Wire(
            ("langchain_anthropic", "ChatAnthropic"),
            SCRIPT,
            ("ANTHROPIC_API_KEY",),
            anthropic_message("Paris", usage={"input_tokens": 3, "output_tokens": 1}),
            _read_instead(
                "ANTHROPIC_API_KEY",
                "AnthropicConnectionError",
                "the anthropic SDK",
                "Bearer anthropic_api_key",
            ),
        ),
    ),
    "azure": (
        Wire(
            ("langchain_openai", "AzureChatOpenAI"),
            SCRIPT,
            ("AZURE_OPENAI_API_KEY", "OPENAI_API_KEY"),
            chat_completion("Paris", model="m", created=1),
            keywords=lambda url: {
                "azure_endpoint": url,
                "api_version": "2024-10-21",
                "azure_deployment": "d",
            },
        ),
    ),
    "google": (
        Wire(
            ("langchain_google_genai", "ChatGoogleGenerativeAI"),
            SCRIPT,
            ("GOOGLE_API_KEY",),
            _GEMINI_ANSWER,
            _refused_when_built("GOOGLE_API_KEY", "ValidationError"),
            keywords=lambda url: {"model": "gemini-2.0-flash", "base_url": url},
        ),
    ),
    "openai": (
        Wire(
            ("langchain_openai", "ChatOpenAI"),
            SCRIPT,
            ("OPENAI_API_KEY",),
            chat_completion("Paris", model="m", created=1),
            _refused_when_built("OPENAI_API_KEY", "OpenAIError"),
        ),
    ),
}


#: The drop-ins whose partner refuses a missing key with pydantic's ValidationError (the
#: others: their SDK's class, a `ChatplexError` on the drop-in).
_VALIDATED = frozenset(
    {"ChatDeepSeek", "ChatXAI", "ChatOpenRouter", "ChatMistralAI", "ChatGoogleGenerativeAI"}
)


def _difference(kept: Kept) -> Difference:
    return Difference(kept.reason, kept.langchain, kept.chatplex)


def _normaliser(kept: Kept) -> Callable[[tuple[Outcome, Outcome]], tuple[Outcome, Outcome]]:
    """Each side's outcome checked as the row says: read as theirs once both are seen."""

    def read(outcomes: tuple[Outcome, Outcome]) -> tuple[Outcome, Outcome]:
        theirs, ours = outcomes
        assert (theirs, ours) == (kept.theirs, kept.ours)
        return theirs, theirs

    return read


def _key_header(headers: dict[str, str]) -> str | None:
    """The key a request carried: in the header its wire names (lower case here)."""
    names = ("authorization", "x-api-key", "api-key", "x-goog-api-key")
    return next((headers[name] for name in names if name in headers), None)


def _outcome(server: ScriptedServer, build: Callable[[], Any]) -> Outcome:
    before = len(server.seen)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            build().invoke("hi")
    except Exception as err:  # noqa: BLE001 - what is raised is what is compared
        raised: str | None = type(err).__name__
    else:
        raised = None
    return raised, tuple(_key_header(seen.headers) for seen in server.seen[before:])


def suite_row(suite: str) -> tuple[dict[Any, Any], Callable[..., None]]:
    """The suite's `DIFFERENCES` (its kept wires' rows) and the test of all its wires."""
    wires = WIRES[suite]

    @pytest.mark.parametrize("wire", wires, ids=[wire.partner[1] for wire in wires])
    def test(wire: Wire, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
        partner, ours = both_classes(wire.partner, server, wire.answer)
        name = wire.partner[1]
        for variable in wire.variables:
            monkeypatch.setenv(variable, variable.lower())
        built: dict[str, Any] = {"api_key": "", "max_retries": 0}
        if wire.base_variable is None:
            built.update(wire.keywords(server.url))
        else:
            built["model"] = "m"
            monkeypatch.setenv(wire.base_variable, server.url)
        outcomes = (
            _outcome(server, lambda: partner(**built)),
            _outcome(server, lambda: ours(**built)),
        )
        if wire.kept is not None:
            outcomes = _normaliser(wire.kept)(outcomes)
        theirs, mine = outcomes
        assert mine == theirs
        assert theirs[0] is not None or theirs[1], "neither raised nor sent: nothing compared"
        if wire.kept is not None and wire.kept.refused_at_home:  # (no base URL: its host's)
            home = {k: v for k, v in wire.keywords("").items() if k != "base_url"}
            with pytest.raises(ValueError if name in _VALIDATED else ChatplexError):
                ours(**home, api_key="")

    rows = {w.key: (_difference(w.kept), _normaliser(w.kept)) for w in wires if w.kept}
    return rows, test
