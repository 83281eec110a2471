"""A body field of a preset's class given False, 0 or empty, side by side with its
partner package against the suite's scripted server: sent where its class sends it (its
`_default_params` skips None alone: langchain-mistralai's `safe_mode=False`,
langchain-cerebras' `disable_reasoning=False`), unsent where its class sends it only
when true (langchain-perplexity's `if self.return_images:`)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners.compatible.test_compatible_sidebyside import BESIDE
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_compatible_sidebyside import _model
from tests.partners.compatible.test_compatible_sidebyside import run_script

#: Package → its class's body fields given as false as they come, and the body fields
#: its request then holds (the others unsent).
FALSE_FIELDS = {
    "mistralai": ({"safe_mode": False, "random_seed": 0}, {"safe_prompt": False, "random_seed": 0}),
    "cerebras": ({"disable_reasoning": False}, {"disable_reasoning": False}),
    "perplexity": ({"return_images": False, "search_domain_filter": []}, {}),
}


@pytest.mark.parametrize("name", sorted(FALSE_FIELDS))
def test_a_false_body_field_is_sent_as_its_class_sends_it(
    name: str, server: ScriptedServer
) -> None:
    package = {**PACKAGES, **BESIDE}[name]
    given, sent = FALSE_FIELDS[name]

    def run(cls: Any, p: Package, url: str) -> Any:
        return _model(cls, p, url, **given).invoke("Hi")

    outcome = run_script(package, Script(), run, server)
    assert_same(outcome)
    body = outcome[3][0]["body"]
    assert {key: body[key] for key in {*given, *sent} & body.keys()} == sent
