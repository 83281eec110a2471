"""A base URL given as "" (a script's `os.environ.get("X", "")`) while a variable naming
one is set, side by side: langchain-groq, -anthropic, and the OpenAI-compatible classes
whose SDK keeps it (Fireworks, DeepSeek, xAI, Together, SambaNova, Nebius, Cerebras)
hand their SDK the empty string, which it takes as the base of every request and fails
on (a connection error: no request is sent); the drop-in takes "" as no base URL and
sends where the variable says. A kept difference: LangChain raises an error
(`Reason.RAISES`). Each wire's kept row and its test, for that wire's suite
(`suite_row`): `DIFFERENCES` there. (ChatCohere, whose variable neither side reads, has
its row beside its base URL's other tests: `cohere/test_cohere_environment.py`.)"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

import chatplex.langchain
from tests._replies import anthropic_message
from tests._replies import chat_completion
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import plain_request
from tests.partners._sidebyside import raised

#: The script's name in the suites' tables (the test is `test_` and it).
SCRIPT = "an_empty_base_url_is_none_given"
TEXT = "Paris"
_USAGE = {"input_tokens": 3, "output_tokens": 1}


@dataclass(frozen=True)
class Wire:
    """One wire's row: the partner class and the key of its suite's table, its
    keywords, the variable the drop-in reads a base URL from where none is given, the
    server's answer, the class of what the partner raises and its words for users."""

    partner: tuple[str, str]
    key: str | tuple[str, str]
    keywords: dict[str, Any]
    variable: str
    answer: dict[str, Any]
    raised: str
    langchain: str


def _compatible(package: str, name: str, variable: str, raised: str, sdk: str) -> Wire:
    """An OpenAI-compatible class's row (its suite's key: its package, the script)."""
    return Wire(
        (f"langchain_{package}", name),
        (package, SCRIPT),
        {"api_key": "k"},
        variable,
        chat_completion(TEXT, model="m", created=1),
        raised,
        f"raises a connection error ({sdk}'s {raised})",
    )


#: Suite -> its wires.
WIRES: dict[str, tuple[Wire, ...]] = {
    "compatible": (
        _compatible("groq", "ChatGroq", "GROQ_BASE_URL", "APIConnectionError", "the groq SDK"),
        _compatible(
            "fireworks",
            "ChatFireworks",
            "FIREWORKS_API_BASE",
            "FireworksConnectionError",
            "langchain-fireworks",
        ),
        _compatible(
            "deepseek",
            "ChatDeepSeek",
            "DEEPSEEK_API_BASE",
            "OpenAIConnectionError",
            "langchain-openai",
        ),
        _compatible("xai", "ChatXAI", "XAI_API_BASE", "OpenAIConnectionError", "langchain-openai"),
        _compatible(
            "together",
            "ChatTogether",
            "TOGETHER_API_BASE",
            "OpenAIConnectionError",
            "langchain-openai",
        ),
        _compatible(
            "sambanova",
            "ChatSambaNova",
            "SAMBA_NOVA_BASE_URL",
            "APIConnectionError",
            "the sambanova SDK",
        ),
        _compatible(
            "nebius", "ChatNebius", "NEBIUS_API_BASE", "OpenAIConnectionError", "langchain-openai"
        ),
        _compatible(
            "cerebras",
            "ChatCerebras",
            "CEREBRAS_API_BASE",
            "OpenAIConnectionError",
            "langchain-openai",
        ),
    ),
    "anthropic": (
        Wire(
            ("langchain_anthropic", "ChatAnthropic"),
            SCRIPT,
            {"api_key": "k"},
            "ANTHROPIC_API_URL",
            anthropic_message(TEXT, usage=_USAGE, model="claude-x"),
            "AnthropicConnectionError",
            "raises a connection error (AnthropicConnectionError)",
        ),
    ),
}


def _difference(wire: Wire) -> Difference:
    return Difference(
        Reason.RAISES,
        'a base URL given as an empty string (`base_url=os.environ.get("MY_PROXY", "")` '
        "with the variable unset) is handed to its SDK as the base of every request: the "
        f"call {wire.langchain} before any request is sent, though `{wire.variable}` "
        "names a base URL",
        f"an empty base URL counts as none given: the request goes where `{wire.variable}` "
        "says, as when no base URL is given",
    )


def _normaliser(wire: Wire) -> Callable[[Outcome], Outcome]:
    """Theirs `wire.raised` with nothing sent (refused by its SDK's client), ours the
    reply's text after one request: read as theirs once both are seen."""

    def read(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert type(theirs["error"]).__name__ == wire.raised, theirs
        assert not their_requests, their_requests  # refused by its SDK's client
        assert ours == TEXT and len(our_requests) == 1, (ours, our_requests)
        return theirs, theirs, their_requests, their_requests

    return read


def both_classes(
    partner: tuple[str, str], server: ScriptedServer, answer: dict[str, Any]
) -> tuple[Any, Any]:
    """The partner's class (its module, its name: skipped where not installed) and the
    drop-in of that name, the server answering each request with `answer`."""
    module, name = partner
    theirs = getattr(pytest.importorskip(module), name)
    server.handler = lambda seen: Reply(200, [json.dumps(answer).encode()])
    return theirs, getattr(chatplex.langchain, name)


def suite_row(suite: str) -> tuple[dict[Any, Any], Callable[..., None]]:
    """The suite's `DIFFERENCES` (its wires' rows) and the test that shows them."""
    wires = WIRES[suite]

    @pytest.mark.parametrize("wire", wires, ids=[wire.partner[1] for wire in wires])
    def test(wire: Wire, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
        partner, ours = both_classes(wire.partner, server, wire.answer)
        monkeypatch.setenv(wire.variable, server.url)
        built = {"model": "claude-x", "base_url": "", "max_retries": 0, **wire.keywords}
        before = len(server.seen)  # (the module's server)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = raised(lambda: partner(**built).invoke("hi"))
            their_requests = [plain_request(s) for s in server.seen[before:]]
            before = len(server.seen)
            our_text = ours(**built).invoke("hi").content
        our_requests = [plain_request(s) for s in server.seen[before:]]
        assert_same(_normaliser(wire)((theirs, our_text, their_requests, our_requests)))

    return {wire.key: (_difference(wire), _normaliser(wire)) for wire in wires}, test
