"""Scripts over ChatOpenAI (Chat Completions) and the OpenAI-compatible presets' partner
packages (langchain-groq, -mistralai, -deepseek, -xai, -fireworks, -together, -perplexity)
of the probe_v set (`tests/partners/_probe_v.py`): `ainvoke` and `astream` under
`asyncio.wait_for`, an `astream` left midway and `generate` over two conversations. Each
runs with the partner's class and chatplex's against one scripted server, as the
compatible suite runs its scripts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import kept_out
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


#: Script -> (the server's script, the script run).
SCRIPTS: dict[str, tuple[Script, Run]] = {
    name: (Script(), over(probe.FACTORIES[name])) for name in probe.EVERY_WIRE
}

#: (package, script) -> (why it differs, how the outcome is read before comparing).
DIFFERENCES: dict[tuple[str, str], tuple[Why, Callable[[Outcome], Outcome]]] = {}

#: The packages these scripts run over: ChatOpenAI's, and every preset's of the table.
RUN = {"openai": OPENAI, **PACKAGES}

#: Every (package, script) run.
CASES = [(package, name) for package in sorted(RUN) for name in sorted(SCRIPTS)]


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_probe_v_same_as_the_partner_package(case: tuple[str, str], server: ScriptedServer) -> None:
    """The script run with the partner's class and chatplex's, its kept difference out."""
    package, name = case
    assert_same(kept_out(suite.run_script(RUN[package], *SCRIPTS[name], server), DIFFERENCES, case))


def test_every_kept_difference_is_a_run() -> None:
    assert set(DIFFERENCES) <= set(CASES)
