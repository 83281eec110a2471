"""ChatOpenAI, ChatGroq, ChatMistralAI, ChatFireworks, ChatPerplexity, ChatTogether, ChatXAI,
ChatDeepSeek, ChatNebius and ChatCerebras side by side on a history whose AIMessage holds
an invalid tool call without arguments (`args=None`, as a replayed or hand-written history
holds a call the model named but never gave arguments), answered by a tool result, then a
new question: invoked and awaited, with the partner package's class and chatplex's against
one scripted Chat Completions server.

langchain-openai and the partners built on it (-xai, -deepseek, -together, -nebius,
-cerebras), -groq, -mistralai and -perplexity send the call with `"arguments": null`;
langchain-fireworks wraps it, `{"__invalid_tool_call_arguments": null}`. chatplex sends it
alike where the API takes a null (Perplexity's and Together's SDKs type the arguments as
optional; xAI, DeepSeek and Nebius document no rule against it). OpenAI's, Groq's,
Mistral's and Cerebras' APIs take a string only: there chatplex sends `""` (kept
differences, `DIFFERENCES`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import kept_out
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_idless_calls_sidebyside import PACKAGES
from tests.partners.compatible.test_idless_calls_sidebyside import histories_sent

lc = pytest.importorskip("langchain_core.messages")


def none_arguments(cls: Any, p: suite.Package, url: str) -> Any:
    bad = {"name": "add", "args": None, "id": "Ab3dE6gH9", "error": "no arguments"}
    history = [
        lc.HumanMessage("1+2?"),
        lc.AIMessage("Hmm.", invalid_tool_calls=[{**bad, "type": "invalid_tool_call"}]),
        lc.ToolMessage("error: no arguments", tool_call_id="Ab3dE6gH9", status="error"),
        lc.HumanMessage("And now?"),
    ]
    return histories_sent(cls, p, url, {"answered": history})


def _arguments(requests: list[Any]) -> list[Any]:
    return [
        c["function"]["arguments"] for r in requests for c in r["body"]["messages"][1]["tool_calls"]
    ]


def _empty_for_null(outcome: Outcome) -> Outcome:
    """Theirs sent the call's arguments as null, ours as `""`; both were answered alike.
    Read as theirs once that is checked, the requests otherwise the same."""
    theirs, ours, their_requests, our_requests = outcome
    assert _arguments(their_requests) == [None, None], their_requests
    assert _arguments(our_requests) == ["", ""], our_requests
    for request in our_requests:
        for call in request["body"]["messages"][1]["tool_calls"]:
            call["function"]["arguments"] = None
    return theirs, ours, their_requests, our_requests


def _rejected(api_rule: str) -> tuple[Why, Callable[[Outcome], Outcome]]:
    """A kept row: LangChain's null refused by the API, as `api_rule` says."""
    langchain = (
        "sends an invalid tool call of the history that has no arguments with "
        f'`"arguments": null`: {api_rule} and refuses the request'
    )
    chatplex = 'sends the call with `"arguments": ""`, the string for no arguments'
    return Difference(Reason.REJECTED, langchain, chatplex), _empty_for_null


#: (package, script) -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[tuple[str, str], tuple[Why, Callable[[Outcome], Outcome]]] = {
    ("openai", "none_arguments"): _rejected(
        "the API takes a string there (the openai SDK types it as a required string)"
    ),
    ("groq", "none_arguments"): _rejected(
        "Groq's API takes a string there (the groq SDK types it as a required string)"
    ),
    ("cerebras", "none_arguments"): _rejected(
        "Cerebras' API takes a string there (cerebras-cloud-sdk, generated from its "
        "OpenAPI spec, types it as a required string)"
    ),
    ("mistralai", "none_arguments"): _rejected(
        "Mistral's request validator (mistral-common) takes a string or an object there"
    ),
}


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_same_as_the_partner_package(package: str, server: ScriptedServer) -> None:
    """The history is sent and answered on both sides, invoked and awaited, the call's
    arguments as the partner sends them (or the kept difference)."""
    outcome = suite.run_script(PACKAGES[package], suite.Script(), none_arguments, server)
    assert outcome[0] == dict.fromkeys(["answered", "answered, awaited"], suite.Script().content)
    assert len(outcome[2]) == 2
    assert_same(kept_out(outcome, DIFFERENCES, (package, "none_arguments")))
