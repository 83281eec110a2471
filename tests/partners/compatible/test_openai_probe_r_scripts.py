"""ChatOpenAI (Chat Completions) in the probe_r set's scripts (`tests/partners/_probe_r.py`):
a reasoning model's effort asked for (`reasoning_effort=`, `reasoning={"effort": ...}`,
per call, in `model_kwargs`), its reply (the usage's reasoning tokens; Chat Completions
sends no reasoning text) read back invoked and streamed, an agent's turns, and the other
providers' reasoning replayed; run as the compatible suite runs its scripts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.partners import _probe_r as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_z import within
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import kept_out
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_compatible_sidebyside import DETAILED_USAGE
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_openai_probe_y_scripts import answering
from tests.partners.compatible.test_openai_probe_y_scripts import make
from tests.partners.compatible.test_openai_probe_z_scripts import refused_part
from tests.partners.compatible.test_openai_probe_z_scripts import refused_unsent
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

_ANSWERED = answering(
    suite.answer(Script("Two.", usage=DETAILED_USAGE), OPENAI),
    suite.answer(Script(tool_args={"a": 1, "b": 2}, usage=DETAILED_USAGE), OPENAI),
    suite.answer(Script('{"total": 3}', usage=DETAILED_USAGE), OPENAI),
)


def answer(seen: Seen) -> Reply:
    """A reasoning model on Chat Completions (the probe_y set's server, its usage with
    reasoning tokens), refusing an assistant turn's part of a kind it does not take."""
    refused = refused_part((seen.body or {}).get("messages", []))
    return refused if refused is not None else _ANSWERED(seen)


THINKING = {"model": "o4-mini", "reasoning_effort": "low"}
#: (`reasoning={...}` is not among them: it moves ChatOpenAI to the Responses API, whose
#: probe_r module runs it.)
WAYS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "effort": (THINKING, {}),
    "per_call": ({"model": "o4-mini"}, {"reasoning_effort": "high"}),
    "model_kwargs": ({"model": "o4-mini", "model_kwargs": {"reasoning_effort": "low"}}, {}),
    "gpt5_minimal": ({"model": "gpt-5", "reasoning_effort": "minimal"}, {}),
    "not_a_reasoner": ({"model": "gpt-4o-mini", "reasoning_effort": "low"}, {}),
}

SCRIPTS = probe.scripts(make, THINKING, WAYS)
DIFFERENCES: dict[tuple[str, str], Any] = {
    ("openai", "foreign_reasoning_replayed"): (
        Difference(
            Reason.REJECTED,
            "Anthropic's reasoning reply replayed in a history is sent with its "
            "`redacted_thinking` block as a part of the assistant turn, which OpenAI's API "
            "refuses (a 400, raised as OpenAIInvalidRequestError: only 'text' and "
            "'refusal' parts)",
            "a ValueError naming the block's type before any request (the adapter setting "
            "`extra_block_types` sends it as given)",
        ),
        within(refused_unsent(("anthropic",))),
    ),
}


# A tool-calling reply of Anthropic's holds the same block.
DIFFERENCES["openai", "foreign_calls_replayed"] = DIFFERENCES[
    "openai", "foreign_reasoning_replayed"
]


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_probe_r_same_as_langchain_openai(name: str, server: ScriptedServer) -> None:
    server.handler = answer
    outcome = suite.run_with(OPENAI, SCRIPTS[name], server)
    assert_same(kept_out(suite.without_added_fields(outcome), DIFFERENCES, ("openai", name)))
