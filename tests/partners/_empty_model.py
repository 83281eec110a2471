"""A model named "" (a script's `model=os.environ.get("MODEL", "")` with the variable
unset), side by side against a local server: the partner sends the empty name, which
the provider's API refuses (a model is required); the drop-in refuses it when the model
is built, before any request, as it refuses an unknown setting, never sending its
class's default model in its place. A kept difference (`Reason.REJECTED`): each wire's
row and its test, for that wire's suite (`suite_row`): `DIFFERENCES` there."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from tests._replies import anthropic_message
from tests._replies import chat_completion
from tests.partners._empty_base_url import both_classes
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer

#: The script's name in the suites' tables (the test is `test_` and it).
SCRIPT = "an_empty_model_name"

_CHAT = chat_completion("Paris", model="m", created=1)
_MESSAGE = anthropic_message("Paris", usage={"input_tokens": 3, "output_tokens": 1})

#: Suite -> its wires: (partner module, class name, the server's answer).
WIRES: dict[str, tuple[tuple[str, str, dict[str, Any]], ...]] = {
    "compatible": tuple(
        (f"langchain_{package}", name, _CHAT)
        for package, name in (
            ("groq", "ChatGroq"),
            ("deepseek", "ChatDeepSeek"),
            ("xai", "ChatXAI"),
            ("together", "ChatTogether"),
            ("fireworks", "ChatFireworks"),
            ("mistralai", "ChatMistralAI"),
            ("cerebras", "ChatCerebras"),
            ("sambanova", "ChatSambaNova"),
            ("nebius", "ChatNebius"),
            ("openrouter", "ChatOpenRouter"),
        )
    ),
    "anthropic": (("langchain_anthropic", "ChatAnthropic", _MESSAGE),),
    "openai": (("langchain_openai", "ChatOpenAI", _CHAT),),
}

DIFFERENCE = Difference(
    Reason.REJECTED,
    'a model named "" (`model=os.environ.get("MODEL", "")` with the variable unset) is '
    "sent as the empty name, which the provider's API refuses: it needs a model",
    "refused when the model is built, before any request (pydantic's ValidationError, "
    "a ValueError: the model must be a non-empty name); never its class's default model",
)


def _key(suite: str, module: str) -> str | tuple[str, str]:
    """The suite's table key: the script (its package's too in the compatible suite)."""
    return (module.removeprefix("langchain_"), SCRIPT) if suite == "compatible" else SCRIPT


def _normaliser(outcome: tuple[Any, Any]) -> tuple[Any, Any]:
    """Theirs: one request naming the model "", answered; ours: refused when built,
    nothing sent. Read as theirs once both are seen."""
    theirs, ours = outcome
    assert theirs == ("sent", [""]), theirs
    assert ours == ("refused", []), ours
    return theirs, theirs


def suite_row(suite: str) -> tuple[dict[Any, Any], Callable[..., None]]:
    """The suite's `DIFFERENCES` (its wires' rows) and the test that shows them."""
    wires = WIRES[suite]

    @pytest.mark.parametrize("wire", wires, ids=[name for _, name, _ in wires])
    def test(wire: tuple[str, str, dict[str, Any]], server: ScriptedServer) -> None:
        module, name, answer = wire
        built = {"model": "", "api_key": "k", "base_url": server.url, "max_retries": 0}
        outcomes = []
        for cls in both_classes((module, name), server, answer):
            before = len(server.seen)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    model = cls(**built)
                except ValueError:
                    outcomes.append(("refused", []))
                    continue
                with contextlib.suppress(Exception):  # (what it sent is compared)
                    model.invoke("hi")
            sent = [(seen.body or {}).get("model") for seen in server.seen[before:]]
            outcomes.append(("sent", sent))
        theirs, ours = _normaliser((outcomes[0], outcomes[1]))
        assert ours == theirs

    return {_key(suite, module): (DIFFERENCE, _normaliser) for module, _, _ in wires}, test
