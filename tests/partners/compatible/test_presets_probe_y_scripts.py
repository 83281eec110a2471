"""The OpenAI-compatible presets in the probe_y set's scripts (`tests/partners/_probe_y.py`),
run as the compatible suite runs its scripts: each preset's partner class and chatplex's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.partners import _probe_y as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_y import tiktoken_offline  # noqa: F401 - autouse: no download
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import kept_out
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_openai_probe_y_scripts import answering


def _answer(p: Package) -> Any:
    return answering(
        suite.answer(Script(), p),
        suite.answer(Script(tool_args={"a": 1, "b": 2}), p),
        suite.answer(Script('{"total": 3}'), p),
    )


def _make(p: Package) -> Any:
    def make(cls: Any, url: str, **settings: Any) -> Any:
        model = settings.pop("model", p.model)
        if p.base_in_environment:
            return cls(model=model, api_key=suite.KEY, **settings)
        return cls(model=model, api_key=suite.KEY, base_url=p.base(url), **settings)

    return make


#: The tool choices each partner binds as the API takes them; the others' rows are the
#: compatible suite's (`tool_choice_bound`: langchain-fireworks binds "required" as a
#: tool's name; `bind_tools_strict`: langchain-mistralai sends `strict` in the body).
_CHOICES = {
    "fireworks": ("any", "name", "serial", "strict"),
    "mistralai": ("any", "required", "name", "serial"),
}


def _scripts(p: Package) -> dict[str, Any]:
    make = _make(p)
    scripts = {name: factory(make) for name, factory in probe.FACTORIES.items()}
    if p.name in _CHOICES:
        scripts["tool_choices"] = probe.tool_choices(make, _CHOICES[p.name])
    return {name: _unaddressed(script) for name, script in scripts.items()}


def _unaddressed(script: probe.Script) -> probe.Script:
    """`script`'s result with object addresses masked, as recorded and compared: a class
    LangChain does not serialize is dumped as its repr, which holds its clients'."""
    return lambda cls, url: probe.addresses_masked(script(cls, url))


#: The scripts whose server answers a tool call (langchain-perplexity's reply lost).
_TOOL_REPLIES = (
    "v0_blocks_read",
    "streaming_disabled",
    "structured_tool_streamed",
    "agent_streamed",
    "react_agent_streamed",
    "agent_checkpointed",
)
_NAMED_REFUSED = (
    "langchain-perplexity passes a tool forced by name (an object) to its SDK, which "
    "refuses it (ValidationError, nothing sent: a failure); chatplex sends it"
)

#: (package, script) -> why it is not compared: langchain-perplexity loses a reply that
#: calls a tool and refuses a tool forced by name (the compatible suite's `NOT_RUN`).
NOT_RUN = {
    **{("perplexity", s): suite._PERPLEXITY_CALL_READ for s in _TOOL_REPLIES},
    **{("perplexity", s): _NAMED_REFUSED for s in ("tool_choices", "cache_keys")},
}

#: The partners whose SDK clients refuse a deep copy and a pickle.
_NOT_COPIED = ("groq", "xai", "deepseek", "fireworks", "together", "mistralai", "perplexity")
COPIES_REFUSED = Difference(
    Reason.RAISES,
    "the model cannot be deep-copied (`copy.deepcopy`, `model_copy(deep=True)`) or "
    "pickled: a TypeError (cannot pickle '_thread.RLock' object) from the SDK clients it "
    "holds",
    probe.COPIES_REFUSED.chatplex,
)

CASES = [(p, n) for p in PACKAGES for n in _scripts(PACKAGES[p]) if (p, n) not in NOT_RUN]


#: (package, script) -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[tuple[str, str], tuple[Why, Callable[[Outcome], Outcome]]] = {
    (package, "copied_and_pickled"): (COPIES_REFUSED, probe.copies_kept) for package in _NOT_COPIED
}


@pytest.mark.parametrize(("package", "name"), CASES)
def test_probe_y_same_as_the_partner_package(
    package: str, name: str, server: ScriptedServer
) -> None:
    p = PACKAGES[package]
    server.handler = _answer(p)
    outcome = suite.without_added_fields(suite.run_with(p, _scripts(p)[name], server))
    assert_same(kept_out(outcome, DIFFERENCES, (package, name)))
