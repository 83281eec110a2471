"""ChatOpenAI on the Responses API in the probe_r set's scripts (`tests/partners/_probe_r.py`):
reasoning asked for (`reasoning_effort=`, `reasoning={"effort": ..., "summary": "auto"}`,
per call, `include=["reasoning.encrypted_content"]` with `store=False`), its reply (a
reasoning item's summary, its encrypted content where asked, the usage's reasoning
tokens) read back invoked and streamed, an agent's turns sending it back, and the other
providers' reasoning replayed; compared as `test_responses_sidebyside.py` compares."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.adapters._responses_fixtures import reasoning_item
from tests.partners import _probe_r as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners.responses import test_responses_sidebyside as responses_suite
from tests.partners.responses.test_responses_probe_y_scripts import _own_ids
from tests.partners.responses.test_responses_probe_y_scripts import make
from tests.partners.responses.test_responses_sidebyside import Script
from tests.partners.responses.test_responses_sidebyside import answer as replying
from tests.partners.responses.test_responses_sidebyside import call_item
from tests.partners.responses.test_responses_sidebyside import message_item

_THOUGHT = ("**Counting** the letters.", "Two of them.")


def _replies(**more: Any) -> tuple[Any, Any]:
    """The server's reasoning replies (`more`: the reasoning item's other fields): one
    calling the request's first tool, one answering."""
    item = reasoning_item(*_THOUGHT, **more)
    called = _own_ids(replying(Script([item, call_item(None, {"a": 1, "b": 2})])))
    return called, _own_ids(replying(Script([item, message_item("There are two.")])))


_PLAIN = _replies()
_ENCRYPTED = _replies(encrypted_content="gAAA-enc")


def answer(seen: Seen) -> Reply:
    """A reasoning Responses API: a reasoning item (its encrypted content where the
    request includes it) and a call of the first tool while tools are bound and the
    input holds no call's output; else the reasoning item and a text."""
    body = seen.body or {}
    called, answered = (
        _ENCRYPTED if "reasoning.encrypted_content" in body.get("include", []) else _PLAIN
    )
    done = any(
        isinstance(item, dict) and item.get("type") == "function_call_output"
        for item in body.get("input", [])
    )
    return (called if body.get("tools") and not done else answered)(seen)


LOW = {"effort": "low", "summary": "auto"}
THINKING = {"model": "o4-mini", "reasoning": LOW}
UNSTORED = {**THINKING, "store": False, "include": ["reasoning.encrypted_content"]}
WAYS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "effort": ({"model": "o4-mini", "reasoning_effort": "low"}, {}),
    "reasoning": (THINKING, {}),
    "per_call": ({"model": "o4-mini"}, {"reasoning": LOW}),
    "unstored": (UNSTORED, {}),
    "include_per_call": (
        {"model": "o4-mini", "store": False},
        {"include": ["reasoning.encrypted_content"]},
    ),
}

SCRIPTS = {name: (answer, script) for name, script in probe.scripts(make, THINKING, WAYS).items()}
#: An agent's turns unstored: its reasoning sent back by its encrypted content.
SCRIPTS["agent_turns_unstored"] = (answer, probe.heard(probe.agent_turns(make, **UNSTORED)))
SCRIPTS["agent_turns_unstored_streamed"] = (
    answer,
    probe.heard(probe.agent_turns(make, streamed=True, **UNSTORED)),
)
SCRIPTS["agent_turns_responses_v1"] = (
    answer,
    probe.heard(probe.agent_turns(make, output_version="responses/v1", **UNSTORED)),
)
DIFFERENCES: dict[str, Any] = {}

SUITE = dataclasses.replace(responses_suite.SUITE.beside(SCRIPTS, DIFFERENCES), answer=None)
test_probe_r_same_as_langchain_openai = SUITE.same_test()
