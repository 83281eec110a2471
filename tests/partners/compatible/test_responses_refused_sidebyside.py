"""langchain-openai's Responses API fields (`use_responses_api`, `reasoning`, `include`,
`truncation`, `context_management`, `use_previous_response_id`) on the BaseChatOpenAI
presets whose class cannot go to that API: ChatDeepSeek and ChatNebius side by side
with langchain-deepseek's and -nebius' classes, ChatCerebras with langchain-cerebras'
(where installed), against the suite's scripted server.

A value choosing that API makes theirs raise on the call, nothing sent (DeepSeek,
Nebius, Cerebras' stream), or post to the provider's `/v1/responses`, which it does not
serve (Cerebras' invoke); ours refuses it when the model is built, naming the field and
why (kept differences, `DIFFERENCES`). A value that does not choose it (None, False) is
taken by both, and both send the same Chat Completions request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import kept_out
from tests.partners._sidebyside import merged
from tests.partners.compatible.test_compatible_sidebyside import BESIDE
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_compatible_sidebyside import _model
from tests.partners.compatible.test_compatible_sidebyside import run_script

REFUSING = {"deepseek": PACKAGES["deepseek"], **BESIDE}

#: Each field with a value choosing the Responses API, one model each.
CHOSEN: dict[str, Any] = {
    "use_responses_api": True,
    "use_previous_response_id": True,
    "reasoning": {"effort": "low"},
    "include": ["reasoning.encrypted_content"],
    "truncation": "auto",
    "context_management": [{"type": "compaction"}],
}
#: ... and the values that choose Chat Completions, all on one model.
UNCHOSEN: dict[str, Any] = {
    "use_responses_api": False,
    "use_previous_response_id": False,
    **dict.fromkeys(("reasoning", "include", "truncation", "context_management")),
}


def _each_chosen(cls: Any, p: Package, url: str, stream: bool) -> list[Any]:
    """One model per field of `CHOSEN`, invoked (or streamed, merged): what each did."""

    def call(field: str, value: Any) -> Any:
        model = _model(cls, p, url, **{field: value})
        return merged(list(model.stream("Hi"))) if stream else model.invoke("Hi")

    return [attempted(functools.partial(call, k, v)) for k, v in CHOSEN.items()]


def chosen_invoke(cls: Any, p: Package, url: str) -> Any:
    return _each_chosen(cls, p, url, stream=False)


def chosen_stream(cls: Any, p: Package, url: str) -> Any:
    return _each_chosen(cls, p, url, stream=True)


def unchosen_invoke(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url, **UNCHOSEN).invoke("Hi")


SCRIPTS = {
    "responses_fields_chosen": chosen_invoke,
    "responses_fields_chosen_stream": chosen_stream,
    "responses_fields_unchosen": unchosen_invoke,
}


def _refused(raised: str | None) -> Callable[[Outcome], Outcome]:
    """A normaliser: theirs raised `raised` (a class name) on every call, nothing sent,
    or (None) posted every request to the provider's `/v1/responses`; ours refused every
    model when built, nothing sent. Then ours is read as theirs."""

    def read(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert ours == [{"refused": "SettingRefused"}] * len(CHOSEN), ours
        assert our_requests == []
        if raised is not None:
            assert theirs == [{"refused": raised}] * len(CHOSEN), theirs
            assert their_requests == []
        else:
            assert [r["path"] for r in their_requests] == ["/v1/responses"] * len(CHOSEN)
        return theirs, theirs, their_requests, their_requests

    return read


_CHATPLEX = (
    "a model given one of langchain-openai's Responses API fields with a value choosing "
    "that API (`use_responses_api=True`, `use_previous_response_id=True`, `reasoning`, "
    "`include`, `truncation`, `context_management`) is refused when built, naming the "
    "field and why; None or False (Chat Completions) is taken, as there"
)
_RAISES_DEEPSEEK = Difference(
    Reason.RAISES,
    "takes such a field, then raises KeyError('messages') on every call building the "
    "Responses API request (DeepSeek serves no such API), nothing sent",
    _CHATPLEX,
)
_RAISES_NEBIUS = Difference(
    Reason.RAISES,
    "takes such a field, then raises on every call: AttributeError (its class builds no "
    "client for the Responses API), TypeError on a stream, nothing sent",
    _CHATPLEX,
)
_REJECTED_CEREBRAS = Difference(
    Reason.REJECTED,
    "takes such a field, then posts every call to Cerebras' /v1/responses, a Responses API "
    "Cerebras does not serve",
    _CHATPLEX,
)
_RAISES_CEREBRAS_STREAM = Difference(
    Reason.RAISES,
    "takes such a field, then raises TypeError on every stream (its stream hands the "
    "Responses API request to the Chat Completions client), nothing sent",
    _CHATPLEX,
)

#: (package, script) -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[tuple[str, str], tuple[Why, Callable[[Outcome], Outcome]]] = {
    ("deepseek", "responses_fields_chosen"): (_RAISES_DEEPSEEK, _refused("KeyError")),
    ("deepseek", "responses_fields_chosen_stream"): (_RAISES_DEEPSEEK, _refused("KeyError")),
    ("nebius", "responses_fields_chosen"): (_RAISES_NEBIUS, _refused("AttributeError")),
    ("nebius", "responses_fields_chosen_stream"): (_RAISES_NEBIUS, _refused("TypeError")),
    ("cerebras", "responses_fields_chosen"): (_REJECTED_CEREBRAS, _refused(None)),
    ("cerebras", "responses_fields_chosen_stream"): (
        _RAISES_CEREBRAS_STREAM,
        _refused("TypeError"),
    ),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
@pytest.mark.parametrize("package", sorted(REFUSING))
def test_same_as_the_partner_package(package: str, name: str, server: ScriptedServer) -> None:
    outcome = run_script(REFUSING[package], Script(), SCRIPTS[name], server)
    assert_same(kept_out(outcome, DIFFERENCES, (package, name)))
