"""ChatCohere in the probe_x set's scripts (`tests/partners/_probe_x.py`): Cohere's error
statuses the SDK does not retry (its retries wait, and langchain-cohere takes no setting
to turn them off) caught, fallen back from and batched over; a tool's failure sent back,
and a model saved and loaded; compared as `test_cohere_sidebyside.py` compares (its
`structured_include_raw` runs `include_raw=True`)."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_x as probe
from tests.partners._probe_x import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.cohere import test_cohere_sidebyside as cohere_suite
from tests.partners.cohere.test_cohere_sidebyside import KEY
from tests.partners.cohere.test_cohere_sidebyside import _model
from tests.partners.cohere.test_cohere_sidebyside import cohere_replies

STATUSES: dict[str, probe.Status] = {
    "400": (400, {"id": "e1", "message": "invalid request: model 'x' not found"}, {}),
    "422": (422, {"id": "e2", "message": "too many tokens: 140000 > 128000"}, {}),
}

_TEXT = cohere_replies()
SCRIPTS: dict[str, Any] = probe.error_rows(_model, _TEXT, STATUSES, "400")
del SCRIPTS["retried_once_400"]  # (a status no script retries)
SCRIPTS["tool_failed"] = (_TEXT, probe.tool_failed(_model))
SCRIPTS["saved_and_loaded"] = (_TEXT, probe.saved_and_loaded(_model, KEY, "langchain_cohere"))

#: Its tool's parameters flattened: the suite's kept difference.
DIFFERENCES = {"tool_failed": (cohere_suite.FLAT_TOOLS, cohere_suite._flat_tools)}

SUITE = cohere_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_x_same_as_langchain_cohere = probe.same_test(SUITE)
