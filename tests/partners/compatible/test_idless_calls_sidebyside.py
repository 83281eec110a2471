"""ChatOpenAI, ChatGroq, ChatMistralAI, ChatFireworks, ChatPerplexity, ChatTogether, ChatXAI,
ChatDeepSeek, ChatNebius and ChatCerebras side by side on a history whose AIMessage holds a
tool call without an id (an invalid call, its arguments no JSON, as a hand-written or
replayed history holds it; and a valid one), then a new question: invoked and awaited,
each with the partner package's class and chatplex's against one scripted Chat Completions
server.

langchain-fireworks, -perplexity, -together, -xai, -deepseek and -nebius send the call
with `"id": null`, which no rule of their APIs refuses (Fireworks', Perplexity's and
Together's SDKs type the id as optional; xAI, DeepSeek and Nebius document none): chatplex
sends it alike. langchain-openai, -groq and -cerebras send it with `"id": null` and
langchain-mistralai without an `id`, which their APIs refuse: there chatplex refuses the
history before any request (kept differences, `DIFFERENCES`). The same history whose calls
have ids is sent alike by all ten (`test_calls_with_ids_are_sent_alike`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import kept_out
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

lc = pytest.importorskip("langchain_core.messages")

PACKAGES = {
    "openai": OPENAI,
    **{
        n: suite.PACKAGES[n]
        for n in ("groq", "mistralai", "fireworks", "perplexity", "together", "xai", "deepseek")
    },
    **suite.BESIDE,
}


def _turns(call_id: str | None) -> dict[str, Any]:
    """The assistant turns the history holds, by label: one invalid call, one valid."""
    bad = {"name": "add", "args": "{bad", "id": call_id, "error": "bad"}
    good = {"name": "add", "args": {"a": 1}, "id": call_id, "type": "tool_call"}
    return {
        "invalid": lc.AIMessage("Hmm.", invalid_tool_calls=[{**bad, "type": "invalid_tool_call"}]),
        "valid": lc.AIMessage("Hmm.", tool_calls=[good]),
    }


def _histories_sent(cls: Any, p: suite.Package, url: str, call_id: str | None) -> Any:
    """Each history (its call's id `call_id`) sent as `histories_sent` sends it."""
    histories = {
        label: [lc.HumanMessage("1+2?"), turn, lc.HumanMessage("And now?")]
        for label, turn in _turns(call_id).items()
    }
    return histories_sent(cls, p, url, histories)


def histories_sent(cls: Any, p: suite.Package, url: str, histories: dict[str, Any]) -> Any:
    """Each history (by label) invoked, then awaited on one loop (a partner's async
    client is shared): the reply's text or the class of what was raised."""
    # (langchain-openai shares one async client per base URL and timeout, bound to the
    # loop of its first run: a `Timeout` object, unhashable, gets a client of its own)
    more = {"timeout": httpx.Timeout(30.0)} if p is OPENAI else {}
    model = suite._model(cls, p, url, **more)

    async def awaited() -> dict[str, Any]:
        out = {}
        for label, history in histories.items():
            try:
                out[f"{label}, awaited"] = (await model.ainvoke(history)).content
            except Exception as exc:  # noqa: BLE001 - the error is what is observed
                out[f"{label}, awaited"] = {"refused": type(exc).__name__}
        return out

    out = {
        label: attempted(lambda h=history: model.invoke(h).content)
        for label, history in histories.items()
    }
    return {**out, **asyncio.run(awaited())}


def idless_calls(cls: Any, p: suite.Package, url: str) -> Any:
    return _histories_sent(cls, p, url, None)


def calls_with_ids(cls: Any, p: suite.Package, url: str) -> Any:
    # (a nine-character id, which Mistral's API takes as it is)
    return _histories_sent(cls, p, url, "Ab3dE6gH9")


def _refused_before_sending(outcome: Outcome) -> Outcome:
    """Theirs sent each history, its call without an id (null, or no `id` at all), and
    was answered; ours refused each with a ValueError before any request: read as theirs
    once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert all(v == {"refused": "ValueError"} for v in ours.values()), ours
    assert not our_requests, our_requests
    assert not any(isinstance(v, dict) for v in theirs.values()), theirs
    calls = [c for r in their_requests for c in r["body"]["messages"][1]["tool_calls"]]
    assert len(calls) == len(theirs) == 4 and all(c.get("id") is None for c in calls), calls
    return theirs, theirs, their_requests, their_requests


_REFUSED = "refused before any request, with a ValueError naming the call without an id"

#: (package, script) -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[tuple[str, str], tuple[Why, Callable[[Outcome], Outcome]]] = {
    ("cerebras", "idless_calls"): (
        Difference(
            Reason.REJECTED,
            "sends a tool call of the history that has no id (valid or invalid) with "
            '`"id": null`: Cerebras\' API takes a string id on every assistant tool call '
            "(cerebras-cloud-sdk, generated from its OpenAPI spec, types it as a required "
            "string) and refuses the request",
            _REFUSED,
        ),
        _refused_before_sending,
    ),
    ("openai", "idless_calls"): (
        Difference(
            Reason.REJECTED,
            "sends a tool call of the history that has no id (a hand-written or replayed "
            'AIMessage\'s call, valid or invalid) with `"id": null`: the API takes a '
            "string id on every assistant tool call (the openai SDK types it as required) "
            "and refuses the request",
            _REFUSED,
        ),
        _refused_before_sending,
    ),
    ("groq", "idless_calls"): (
        Difference(
            Reason.REJECTED,
            "sends a tool call of the history that has no id (valid or invalid) with "
            '`"id": null`: Groq\'s API takes a string id on every assistant tool call (the '
            "groq SDK types it as required) and refuses the request",
            _REFUSED,
        ),
        _refused_before_sending,
    ),
    ("mistralai", "idless_calls"): (
        Difference(
            Reason.REJECTED,
            "sends a tool call of the history that has no id (valid or invalid) without an "
            "`id`: Mistral's request validator (mistral-common) refuses such a call when "
            "serving (`Tool call id has to be defined in serving mode`)",
            _REFUSED,
        ),
        _refused_before_sending,
    ),
}

SCRIPTS = {"idless_calls": idless_calls, "calls_with_ids": calls_with_ids}


@pytest.mark.parametrize("package", sorted(PACKAGES))
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_as_the_partner_package(package: str, name: str, server: ScriptedServer) -> None:
    outcome = suite.run_script(PACKAGES[package], suite.Script(), SCRIPTS[name], server)
    assert_same(kept_out(outcome, DIFFERENCES, (package, name)))


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_calls_with_ids_are_sent_alike(package: str, server: ScriptedServer) -> None:
    """The same histories with ids: each call sent (with its id) and answered on both sides."""
    theirs, ours, _, sent = suite.run_script(
        PACKAGES[package], suite.Script(), calls_with_ids, server
    )
    assert ours == theirs and set(ours.values()) == {suite.Script().content}
    assert [c["id"] for r in sent for c in r["body"]["messages"][1]["tool_calls"]] == [
        "Ab3dE6gH9"
    ] * 4
