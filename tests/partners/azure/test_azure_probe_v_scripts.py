"""AzureChatOpenAI side by side in scripts of the probe_v set (`tests/partners/_probe_v.py`)
over its constructor and Chat Completions: `ainvoke` and `astream` under
`asyncio.wait_for`, an `astream` left midway, `generate` over two conversations and
`stream_usage` off then on.
Compared as the suite of `test_azure_sidebyside.py` compares its scripts."""

from __future__ import annotations

from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.azure import test_azure_sidebyside as azure_suite
from tests.partners.azure.test_azure_sidebyside import Script
from tests.partners.azure.test_azure_sidebyside import _model

SCRIPTS = probe.rows(_model, Script(), (*probe.EVERY_WIRE, "stream_usage_toggled"))

SUITE = azure_suite.SUITE.beside(SCRIPTS, {})
test_probe_v_same_as_langchain_openai = SUITE.same_test()
