"""ChatOpenAI on the Responses API in the probe_x set's scripts (`tests/partners/_probe_x.py`):
its error statuses caught, retried, fallen back from and batched over, structured output
with its raw reply, a tool's failure sent back, and a model saved and loaded; its suite,
`test_responses_sidebyside.py`, compares."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.partners import _probe_x as probe
from tests.partners._probe_x import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.compatible.test_compatible_probe_x_scripts import STATUSES
from tests.partners.compatible.test_compatible_probe_x_scripts import openai_limited
from tests.partners.responses import test_responses_sidebyside as responses_suite
from tests.partners.responses.test_responses_sidebyside import KEY
from tests.partners.responses.test_responses_sidebyside import Script
from tests.partners.responses.test_responses_sidebyside import _model
from tests.partners.responses.test_responses_sidebyside import answer
from tests.partners.responses.test_responses_sidebyside import message_item


def _make(cls: Any, url: str, **settings: Any) -> Any:
    return _model(cls, url, max_retries=0, **settings)


_TEXT = answer(Script())
SCRIPTS: dict[str, Any] = probe.error_rows(_make, _TEXT, STATUSES, "429", openai_limited)
SCRIPTS["raw_kept"] = (
    answer(Script([message_item('{"total": 3}')])),
    probe.raw_kept(_make, ("json_schema",)),
)
SCRIPTS["tool_failed"] = (_TEXT, probe.tool_failed(_make))
SCRIPTS["rate_limited"] = (_TEXT, probe.rate_limited(_make))
SCRIPTS["saved_and_loaded"] = (_TEXT, probe.saved_and_loaded(_make, KEY, "langchain_openai"))

SUITE = dataclasses.replace(responses_suite.SUITE.beside(SCRIPTS, {}), answer=None)
test_probe_x_same_as_langchain_openai = probe.same_test(SUITE)
