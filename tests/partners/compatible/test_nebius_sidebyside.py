"""ChatNebius side by side: the OpenAI-compatible suite's scripts (tests/partners/
compatible/test_compatible_sidebyside.py) run with langchain-nebius' `ChatNebius` and
with chatplex's, against the same scripted Chat Completions server, compared field by
field with the requests. Its own differences (`DIFFERENCES`, each with why) are taken
out before the comparison; a script whose partner run crashes is listed in `CRASHES`
and checked to crash there and to answer here.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest

from tests.partners._sidebyside import CUT_CALL
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import cut_call_invalid
from tests.partners._sidebyside import kept_out
from tests.partners.compatible import test_compatible_sidebyside as suite

pytest.importorskip("langchain_nebius")

NEBIUS = suite.BESIDE["nebius"]

Outcome = suite.Outcome


def _reasoning_kept(outcome: Outcome) -> Outcome:
    """Our reasoning taken out (the text blocks as the text, no `reasoning_content`)."""
    theirs, ours, their_requests, our_requests = outcome
    content = ours["content"]
    if isinstance(content, list):
        ours["content"] = "".join(b["text"] for b in content if b.get("type") == "text")
    ours["additional_kwargs"].pop("reasoning_content", None)
    return theirs, ours, their_requests, our_requests


_WHY_REASONING = Difference(
    Reason.LOSES_DATA,
    "ChatNebius (a BaseChatOpenAI, which reads no such field) drops the "
    "`reasoning_content` Nebius' reasoning models send: the reasoning is lost",
    "the reasoning is kept, as ChatDeepSeek and ChatXAI keep it",
)

#: Script → (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "timeout_not_a_number": suite.TIMEOUT_REFUSED_WHEN_BUILT,
    "reasoning_invoke": (_WHY_REASONING, _reasoning_kept),
    "reasoning_stream": (_WHY_REASONING, _reasoning_kept),
    "invalid_tool_arguments_stream": (CUT_CALL, cut_call_invalid),
    "tool_choice_any_per_call": suite.ANY_PER_CALL,
    "tool_choice_named_per_call": suite.NAMED_PER_CALL,
}

#: Scripts whose partner run crashes, and why that is a failure of LangChain's.
CRASHES = {
    name: (
        "ChatNebius' own validator replaces BaseChatOpenAI's and never sets `root_client`, "
        "so with_structured_output's json_mode / json_schema (which call "
        "root_client.chat.completions.parse, or its stream helper) raise AttributeError "
        "on every call"
    )
    for name in (
        "structured_json_mode",
        "structured_json_schema",
        "structured_json_schema_stream",
        "structured_schema_dict_defs",
        "structured_typeddict_undocumented",
    )
}


#: Scripts not run here, and why.
NOT_RUN = {
    **dict.fromkeys(suite.MAGISTRAL_SCRIPTS, suite._MAGISTRAL),
    # (its script catches the error, so it is no `CRASHES` row)
    "bind_tools_beside_format": (
        "a response_format bound beside tools goes through root_client's parse(), which "
        "ChatNebius never sets: AttributeError on every call, as `CRASHES` shows"
    ),
}


def run_both(name: str, server: ScriptedServer) -> Outcome:
    return kept_out(suite.run_package(NEBIUS, name, server), DIFFERENCES, name)


@pytest.mark.parametrize("name", sorted(set(suite.SCRIPTS) - set(CRASHES) - set(NOT_RUN)))
def test_same_as_langchain_nebius(name: str, server: ScriptedServer) -> None:
    assert_same(run_both(name, server))


@pytest.mark.parametrize("name", sorted(CRASHES))
def test_where_langchain_nebius_crashes_chatplex_answers(name: str, server: ScriptedServer) -> None:
    script, run = suite.SCRIPTS[name]
    server.handler = suite.answer(script, NEBIUS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(AttributeError, match="chat|beta"):
            run(NEBIUS.partner(), NEBIUS, server.url)
    assert run(NEBIUS.ours(), NEBIUS, server.url) is not None


def test_at_least_25_scripts() -> None:
    assert len(set(suite.SCRIPTS) - set(CRASHES) - set(NOT_RUN)) >= 25
    assert set(DIFFERENCES) | set(CRASHES) | set(NOT_RUN) <= set(suite.SCRIPTS)
    assert all(why for why, _ in DIFFERENCES.values()) and all(CRASHES.values())
