"""Scripts over ChatOpenAI (Chat Completions) and the OpenAI-compatible presets' partner
packages (langchain-groq, -mistralai, -deepseek, -xai, -fireworks) that users write
around a call: tools bound with `parallel_tool_calls=False` and the reply read as
`content_blocks`, provider keywords given by `bind(...)`, a fallback from a failing
drop-in to another, a batch whose rows fail apart (`return_exceptions=True`), a reply the
content filter cut, and a model written by `dumpd` and read back by `loads`. Each runs
with the partner's class and chatplex's against one scripted server, as the compatible
suite runs its scripts."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests._warns import beta_warning_ignored
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import error_classes
from tests.partners._sidebyside import kept_out
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import mul
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_compatible_sidebyside import KEY
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI


def _model(cls: Any, p: Package, url: str, **more: Any) -> Any:
    return cls(model=p.model, api_key=KEY, base_url=p.base(url), **more)


def parallel_calls_off(cls: Any, p: Package, url: str) -> Any:
    """Two tools bound with `parallel_tool_calls=False`: the reply, and its calls read as
    LangChain's standard blocks (`content_blocks`)."""
    reply = _model(cls, p, url).bind_tools([add, mul], parallel_tool_calls=False).invoke("1+2?")
    return {"reply": reply, "blocks": reply.content_blocks}


def bound_provider_keywords(cls: Any, p: Package, url: str) -> Any:
    """Sampling keywords the constructor has fields for, given by `bind(...)` instead:
    invoked and streamed."""
    bound = _model(cls, p, url).bind(seed=7, frequency_penalty=0.5, presence_penalty=0.25)
    return [bound.invoke("Hi"), merged(list(bound.stream("Hi")))]


def fallback_between_drop_ins(cls: Any, p: Package, url: str) -> Any:
    """A model behind a failing gateway path (no retries) falls back to the same class at
    the working one: invoked and streamed."""
    down = _model(cls, p, url + "/down", max_retries=0)
    chain = down.with_fallbacks([_model(cls, p, url)])
    return [chain.invoke("Hi"), merged(list(chain.stream("Hi")))]


def _row(row: Any, p: Package) -> Any:
    """A batch row as a script reads it: the reply, or the SDK classes its error is."""
    if isinstance(row, Exception):
        sdk = importlib.import_module(p.sdk)
        return {"status": getattr(getattr(row, "response", None), "status_code", None)} | (
            error_classes(row, sdk, suite.SDK_ERRORS)
        )
    return row


def batch_rows_fail_apart(cls: Any, p: Package, url: str) -> Any:
    """A batch (no retries) whose second row the server refuses, `return_exceptions=True`:
    each row's reply or error, sync and async."""
    import asyncio

    model = _model(cls, p, url, max_retries=0)
    rows = ["One", "Fail now", "Three"]
    got = model.batch(rows, return_exceptions=True)
    agot = asyncio.run(model.abatch(rows, return_exceptions=True))
    return [[_row(r, p) for r in got], [_row(r, p) for r in agot]]


def content_filter_finish(cls: Any, p: Package, url: str) -> Any:
    """A reply the provider's content filter cut short (`finish_reason: content_filter`,
    no text): invoked and streamed."""
    model = _model(cls, p, url)
    return [model.invoke("Hi"), merged(list(model.stream("Hi")))]


def dumpd_loads_round_trip(cls: Any, p: Package, url: str) -> Any:
    """The model written by `dumpd`, read back by `loads` (its key from the secrets map)
    and called."""
    from langchain_core.load import dumpd
    from langchain_core.load import loads

    model = _model(cls, p, url, temperature=0.2, max_tokens=30)
    # (a class LangChain cannot serialize is written as its repr: its clients' addresses
    # differ per run)
    form = json.loads(re.sub(r" at 0x[0-9a-f]+", "", json.dumps(dumpd(model))))
    try:
        with beta_warning_ignored():
            back = loads(json.dumps(form), secrets_map={p.key_variable: KEY}, allowed_objects="all")
    except Exception as err:  # noqa: BLE001 - compared: what a script sees
        return [form, type(err).__name__]
    return [form, type(back).__name__, back.invoke("Hi").content]


_REFUSED = {"message": "Request refused", "type": "invalid_request_error", "code": "refused"}

#: Script -> (the server's script, the script run).
SCRIPTS: dict[str, tuple[Script, Callable[[Any, Package, str], Any]]] = {
    "parallel_calls_off": (Script(tool_args={"a": 1, "b": 2}), parallel_calls_off),
    "bound_provider_keywords": (Script(), bound_provider_keywords),
    "fallback_between_drop_ins": (
        Script(status=503, error=_REFUSED, fail_when="/down"),
        fallback_between_drop_ins,
    ),
    "batch_rows_fail_apart": (
        Script(status=400, error=_REFUSED, fail_when="Fail now"),
        batch_rows_fail_apart,
    ),
    "content_filter_finish": (Script("", finish="content_filter"), content_filter_finish),
    "dumpd_loads_round_trip": (Script(), dumpd_loads_round_trip),
}


def _seeds_renamed(outcome: Outcome) -> Outcome:
    """Every one of our requests' `random_seed` read as their `seed`."""
    theirs, ours, their_requests, our_requests = outcome
    for request in our_requests:
        request["body"]["seed"] = request["body"].pop("random_seed")
    return theirs, ours, their_requests, our_requests


#: (package, script) -> (why it differs, how the outcome is read before comparing).
DIFFERENCES: dict[tuple[str, str], tuple[Why, Callable[[Outcome], Outcome]]] = {
    ("mistralai", "bound_provider_keywords"): (suite.SEED_AS_GIVEN, _seeds_renamed),
}

#: The packages these scripts run over: ChatOpenAI's, and the presets named in the brief.
RUN = {
    "openai": OPENAI,
    **{n: PACKAGES[n] for n in ("groq", "mistralai", "deepseek", "xai", "fireworks")},
}


@pytest.mark.parametrize(
    ("package", "name"), [(package, name) for package in sorted(RUN) for name in sorted(SCRIPTS)]
)
def test_probe_t_same_as_the_partner_package(
    package: str, name: str, server: ScriptedServer
) -> None:
    outcome = suite.run_script(RUN[package], *SCRIPTS[name], server)
    assert_same(kept_out(outcome, DIFFERENCES, (package, name)))


def test_every_kept_difference_is_a_script_run() -> None:
    assert set(DIFFERENCES) <= {(p, n) for p in RUN for n in SCRIPTS}
