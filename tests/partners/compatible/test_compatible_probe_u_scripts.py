"""Scripts over ChatOpenAI (Chat Completions) and the OpenAI-compatible presets' partner
packages (langchain-groq, -mistralai, -deepseek, -xai, -fireworks, -together) that users
write around a call (`tests/partners/_probe_u.py`): a stop sequence given to the
constructor and another to the call, a reply cache (`cache=InMemoryCache()`), tools bound
as a pydantic model, a TypedDict and a JSON schema, `include_raw=True` over a reply that
is no JSON, a streamed call's `tool_call_chunks`, `astream_events` with tags and metadata,
`disable_streaming`, `model_kwargs` beside a field, `response_format` given by `bind`,
`invoke([])`, a tool result of text blocks, a batch of one config per row and a system
message of text blocks. Each runs with the partner's class and chatplex's against one
scripted server, as the compatible suite runs its scripts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.partners import _probe_u as probe
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import kept_out
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

Run = Callable[[Any, Package, str], Any]


def over(factory: Callable[..., probe.Script], *args: Any) -> Run:
    """A shared script (`factory(make, *args)`) over a package's constructor."""

    def run(cls: Any, p: Package, url: str) -> Any:
        make = lambda c, u, **more: suite._model(c, p, u, **more)  # noqa: E731
        return factory(make, *args)(cls, url)

    return run


_METHODS = ("function_calling", "json_mode", "json_schema")
_SUM = Script('{"total": 3}')

#: Script -> (the server's script, the script run).
SCRIPTS: dict[str, tuple[Script, Run]] = {
    "stop_in_both_places": (Script(), over(probe.stop_in_both_places)),
    "cached_second_call": (Script(), over(probe.cached_second_call)),
    "three_tool_forms": (Script(tool_args={"a": 1, "b": 2}), over(probe.three_tool_forms)),
    "include_raw_failure": (Script("No JSON here."), over(probe.include_raw_failure, _METHODS)),
    "streamed_call_pieces": (
        Script(tool_args={"a": 1, "b": 2}),
        over(probe.streamed_call_pieces, add),
    ),
    "events_with_tags": (Script(), over(probe.events_with_tags)),
    "no_streaming": (Script(), over(probe.no_streaming)),
    "model_kwargs_beside_field": (
        Script(),
        over(probe.model_kwargs_beside_field, "temperature", 0.3),
    ),
    "json_mode_bound": (_SUM, over(probe.structured_json_mode_bind)),
    "empty_input": (Script(), over(probe.empty_input)),
    "tool_result_blocks": (Script(), over(probe.tool_result_blocks, False)),
    "batch_configs_per_row": (Script(), over(probe.batch_configs_per_row)),
    "system_as_blocks": (Script(), over(probe.system_as_blocks)),
}

#: LangChain's request of no messages, which the API refuses.
EMPTY_SENT = Difference(
    reason=Reason.REJECTED,
    langchain="sends `invoke([])` and `stream([])` as a request of no messages (`messages: []`), "
    "which the API refuses with a 400: OpenAI's API specification has `messages` take "
    "at least one item, and the compatible servers follow it",
    chatplex="an empty list of messages is refused with a ValueError before any request",
)


def _sent_as_given(outcome: Outcome) -> Outcome:
    """Their constructions refused (pydantic's ValidationError, nothing sent) read as our
    replies, once each of our requests is seen to send the temperature given inside."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"alone": {"refused": "ValidationError"}} | {"both": theirs["alone"]}
    assert not their_requests and len(our_requests) == 2, our_requests
    assert all(r["body"]["temperature"] == 0.3 for r in our_requests), our_requests
    return ours, ours, our_requests, our_requests


#: langchain-groq's validator refusing its own field inside `model_kwargs`.
FIELD_INSIDE_REFUSED = Difference(
    reason=Reason.RAISES,
    langchain="refuses a field of its own given inside `model_kwargs` "
    "(`ChatGroq(model_kwargs={'temperature': 0.3})`), and one given both there and beside "
    "it, with a pydantic ValidationError: the model cannot be built",
    chatplex="`model_kwargs` is sent as given, over the field's value; a call's own replaces it",
)
#: (package, script) -> (why it differs, how the outcome is read before comparing).
DIFFERENCES: dict[tuple[str, str], tuple[Why, Callable[[Outcome], Outcome]]] = {
    (package, "empty_input"): (EMPTY_SENT, probe.empty_refused(lambda b: b["messages"] == []))
    for package in ("openai", "groq", "mistralai", "deepseek", "xai", "fireworks", "together")
}
DIFFERENCES["groq", "model_kwargs_beside_field"] = (FIELD_INSIDE_REFUSED, _sent_as_given)

#: The packages these scripts run over: ChatOpenAI's, and the presets named in the brief.
RUN = {
    "openai": OPENAI,
    **{n: PACKAGES[n] for n in ("groq", "mistralai", "deepseek", "xai", "fireworks", "together")},
}


#: Every (package, script) run.
CASES = [(package, name) for package in sorted(RUN) for name in sorted(SCRIPTS)]


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_probe_u_same_as_the_partner_package(case: tuple[str, str], server: ScriptedServer) -> None:
    """The script run with the partner's class and chatplex's, its kept difference out."""
    package, name = case
    assert_same(kept_out(suite.run_script(RUN[package], *SCRIPTS[name], server), DIFFERENCES, case))


def test_every_kept_difference_is_a_run() -> None:
    assert set(DIFFERENCES) <= set(CASES)
