"""Scripts over ChatOpenAI (Chat Completions) and the OpenAI-compatible presets' partner
packages (langchain-groq, -mistralai, -deepseek, -xai, -fireworks, -together, -perplexity)
of the probe_v set (`tests/partners/_probe_v.py`): `ainvoke` and `astream` under
`asyncio.wait_for`, an `astream` left midway, `generate` over two conversations and
`stream_usage` off then on; and `logit_bias` beside bound `logprobs`, and a tool forced
by OpenAI's choice object. Each
runs with the partner's class and chatplex's against one scripted server, as the
compatible suite runs its scripts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import constructed
from tests.partners._sidebyside import kept_out
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import mul
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

Run = Callable[[Any, Package, str], Any]


def over(factory: Callable[[probe.Make], probe.Script]) -> Run:
    """A shared script (`factory(make)`) over a package's constructor."""

    def run(cls: Any, p: Package, url: str) -> Any:
        make = lambda c, u, **more: suite._model(c, p, u, **more)  # noqa: E731
        return factory(make)(cls, url)

    return run


def logit_bias_logprobs(cls: Any, p: Package, url: str) -> Any:
    """`logit_bias` given to the constructor, `logprobs` with `top_logprobs` bound: what
    the construction warns of, and the reply, invoked and streamed (or what refused it)."""

    def run() -> Any:
        model, said = constructed(lambda: suite._model(cls, p, url, logit_bias=_BIAS))
        bound = model.bind(logprobs=True, top_logprobs=2)
        replies = attempted(lambda: [bound.invoke("Hi"), merged(list(bound.stream("Hi")))])
        return {**said, "replies": replies}

    return attempted(run)


def tool_choice_object(cls: Any, p: Package, url: str) -> Any:
    """Two tools, the second forced by OpenAI's choice object: invoked and streamed."""
    choice = {"type": "function", "function": {"name": "mul"}}
    bound = suite._model(cls, p, url).bind_tools([add, mul], tool_choice=choice)
    return attempted(lambda: [bound.invoke("2*3?"), merged(list(bound.stream("2*3?")))])


#: Script -> (the server's script, the script run).
SCRIPTS: dict[str, tuple[Script, Run]] = {
    name: (Script(), over(probe.FACTORIES[name]))
    for name in (*probe.EVERY_WIRE, "stream_usage_toggled")
}
SCRIPTS["logit_bias_logprobs"] = (Script(), logit_bias_logprobs)
SCRIPTS["tool_choice_object"] = (Script(tool_args={"a": 2, "b": 3}), tool_choice_object)

_BIAS = {"1734": -100}


def _refused_building(outcome: Outcome) -> Outcome:
    """Their model built and sent `logit_bias` and `logprobs`; ours refused to be built
    (pydantic's ValidationError), before any request: read as theirs once both are
    checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours == {"refused": "ValidationError"} and not our_requests, (ours, our_requests)
    assert len(their_requests) == 2, their_requests
    assert all(r["body"]["logit_bias"] == _BIAS and r["body"]["logprobs"] for r in their_requests)
    return theirs, theirs, their_requests, their_requests


#: Groq's refusal of the fields langchain-groq sends.
GROQ_REFUSES_LOGPROBS = Difference(
    Reason.REJECTED,
    "moves `logit_bias` to model_kwargs (with a warning) and sends it, and a bound "
    "`logprobs` and `top_logprobs`, fields Groq's API refuses with a 400: its OpenAI "
    "compatibility page lists logprobs, logit_bias and top_logprobs as not supported",
    "the model is not built: pydantic's ValidationError (a ValueError) names the field "
    "Groq does not accept, before any request",
)


def _sdk_refused_calls(outcome: Outcome) -> Outcome:
    """Their calls raised the perplexity SDK's TypeError before any request; ours sent the
    fields: read as theirs once both are checked (what the construction warned of,
    compared)."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["replies"] == {"refused": "TypeError"} and not their_requests, theirs
    assert isinstance(ours["replies"], list) and len(our_requests) == 2, ours
    assert all(r["body"]["logit_bias"] == _BIAS and r["body"]["logprobs"] for r in our_requests)
    return theirs, {**ours, "replies": theirs["replies"]}, their_requests, their_requests


#: (package, script) -> (why it differs, how the outcome is read before comparing).
DIFFERENCES: dict[tuple[str, str], tuple[Why, Callable[[Outcome], Outcome]]] = {
    ("groq", "logit_bias_logprobs"): (GROQ_REFUSES_LOGPROBS, _refused_building),
    ("perplexity", "logit_bias_logprobs"): (
        Difference(
            Reason.RAISES,
            "hands model_kwargs (a `logit_bias` given to the constructor) and a bound "
            "`logprobs` and `top_logprobs` to the perplexity SDK's create(), whose "
            "TypeError every call raises",
            "the same warning and `model_kwargs`; the fields are sent in the body, as the "
            "other Chat Completions presets send them",
        ),
        _sdk_refused_calls,
    ),
}

#: The packages these scripts run over: ChatOpenAI's, and every preset's of the table.
RUN = {"openai": OPENAI, **PACKAGES}

#: (package, script) -> why it is not run: the suite's reason for its named choice.
NOT_RUN = {("perplexity", "tool_choice_object"): suite.NOT_RUN["perplexity", "tool_choice_named"]}

#: Every (package, script) run: `stream_usage_toggled` where the class takes a call's
#: `stream_usage` (the rest: the suite's kept `stream_usage_per_call`).
CASES = [
    (package, name)
    for package in sorted(RUN)
    for name in sorted(SCRIPTS)
    if name != "stream_usage_toggled" or package not in suite.NO_STREAM_USAGE
    if (package, name) not in NOT_RUN
]


def test_kept_and_left_rows_name_scripts() -> None:
    """Every kept difference is a case run, every row left is a script not run."""
    assert set(DIFFERENCES) <= set(CASES)
    assert set(NOT_RUN) <= {(p, n) for p in RUN for n in SCRIPTS} - set(CASES)


@pytest.mark.parametrize(("package", "name"), CASES)
def test_probe_v_same_as_the_partner_package(
    package: str, name: str, server: ScriptedServer
) -> None:
    """The script run with the partner's class and chatplex's, its kept difference out."""
    answered_by, script = SCRIPTS[name]
    outcome = suite.run_script(RUN[package], answered_by, script, server)
    assert_same(kept_out(outcome, DIFFERENCES, (package, name)))
