"""ChatOpenAI pointed at an OpenAI-compatible server whose reasoning models send their
thinking beside the answer (`reasoning_content`, as vLLM and DeepSeek-R1 hosts send it):
the compatible suite's reasoning scripts (`test_compatible_sidebyside.SCRIPTS`) run
with langchain-openai's class and chatplex's, against the same scripted server.

langchain-openai drops the field; chatplex keeps it where ChatDeepSeek keeps it
(`additional_kwargs["reasoning_content"]`), `content` the answer's text as LangChain's.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import kept_out
from tests.partners.compatible import test_compatible_sidebyside as suite

OPENAI = suite.Package(
    "openai",
    "langchain_openai",
    "ChatOpenAI",
    "openai",
    "gpt-4o-mini",
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "/v1",
    "deepseek-r1",  # a compatible server's reasoning model
)

Outcome = suite.Outcome

_KEPT = Difference(
    Reason.LOSES_DATA,
    "drops the reasoning a compatible server's reasoning model sends beside the answer "
    "(`reasoning_content`, or `reasoning`): langchain-openai's reader does not read the field",
    "the reasoning is kept in `additional_kwargs['reasoning_content']`, as ChatDeepSeek "
    "keeps it, and `content` is the answer's text as LangChain's",
)


def _merged_reasoning_kept(outcome: Outcome) -> Outcome:
    """Our merged stream's reasoning taken out of the v1 script's result, once seen to
    be the server's."""
    theirs, ours, their_requests, our_requests = outcome
    merged = dict(ours["merged"])
    kwargs = dict(merged["additional_kwargs"])
    assert kwargs.pop("reasoning_content") == "Think it over."
    ours = {**ours, "merged": {**merged, "additional_kwargs": kwargs}}
    return theirs, ours, their_requests, our_requests


#: Script -> (the server's script, the script run) here.
SCRIPTS = {
    "reasoning_invoke": suite.SCRIPTS["reasoning_invoke"],
    "reasoning_stream": suite.SCRIPTS["reasoning_stream"],
    "v1_stream_call": (
        suite.Script(reasoning="Think it over.", tool_args={"a": 1, "b": 2}),
        suite.v1_stream_call,
    ),
}

#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[tuple[str, str], tuple[Why, Callable[[Outcome], Outcome]]] = {
    ("openai", "reasoning_invoke"): (_KEPT, suite._reasoning_kept),
    ("openai", "reasoning_stream"): (_KEPT, suite._reasoning_kept),
    # (streamed as v1 blocks, the tool call stays its own block beside no reasoning)
    ("openai", "v1_stream_call"): (_KEPT, _merged_reasoning_kept),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_as_langchain_openai(name: str, server: ScriptedServer) -> None:
    outcome = suite.run_script(OPENAI, *SCRIPTS[name], server)
    assert_same(kept_out(outcome, DIFFERENCES, ("openai", name)))


def test_the_answer_stays_text(server: ScriptedServer) -> None:
    """What a script prints (`reply.content`) is the answer's text, the reasoning beside."""
    _, ours, _, _ = suite.run_script(OPENAI, *SCRIPTS["reasoning_invoke"], server)
    assert ours["content"] == "Two."
    assert ours["additional_kwargs"]["reasoning_content"] == suite.REASONING.reasoning
