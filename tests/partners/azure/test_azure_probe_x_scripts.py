"""AzureChatOpenAI in the probe_x set's scripts (`tests/partners/_probe_x.py`): Azure's
error statuses caught, retried, fallen back from and batched over, structured output with
its raw reply, a tool's failure sent back, and a model saved and loaded; compared as
`test_azure_sidebyside.py` compares its own."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.partners import _probe_x as probe
from tests.partners._probe_x import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.azure import test_azure_sidebyside as azure_suite
from tests.partners.azure.test_azure_sidebyside import KEY
from tests.partners.azure.test_azure_sidebyside import Script
from tests.partners.azure.test_azure_sidebyside import _model
from tests.partners.azure.test_azure_sidebyside import answer
from tests.partners.compatible.test_compatible_probe_x_scripts import openai_limited


def _make(cls: Any, url: str, **settings: Any) -> Any:
    return _model(cls, url, max_retries=0, **settings)


_LIMITED = (
    "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version "
    "2024-10-21 have exceeded token rate limit of your current tier. Retry after 6 seconds."
)
_FILTERED = {
    "code": "content_filter",
    "message": "The response was filtered due to the prompt triggering Azure's content policy.",
    "param": "prompt",
    "status": 400,
    "innererror": {"code": "ResponsibleAIPolicyViolation"},
}
STATUSES: dict[str, probe.Status] = {
    "429": (429, {"error": {"code": "429", "message": _LIMITED}}, {"apim-request-id": "a1"}),
    "400": (400, {"error": _FILTERED}, {"x-request-id": "a2"}),
}

_TEXT = answer(Script())
SCRIPTS: dict[str, Any] = probe.error_rows(_make, _TEXT, STATUSES, "429", openai_limited)
SCRIPTS["raw_kept"] = (
    answer(Script('{"total": 3}')),
    probe.raw_kept(_make, ("json_schema", "json_mode")),
)
SCRIPTS["tool_failed"] = (_TEXT, probe.tool_failed(_make))
SCRIPTS["saved_and_loaded"] = (_TEXT, probe.saved_and_loaded(_make, KEY, "langchain_openai"))

SUITE = dataclasses.replace(azure_suite.SUITE.beside(SCRIPTS, {}), answer=None)
test_probe_x_same_as_langchain_openai = probe.same_test(SUITE)
