"""AzureChatOpenAI (Chat Completions) in the probe_w set's scripts
(`tests/partners/_probe_w.py`), as `test_azure_sidebyside.py` compares its own."""

from __future__ import annotations

from tests.partners import _probe_w as probe
from tests.partners.azure import test_azure_sidebyside as azure_suite
from tests.partners.azure.test_azure_sidebyside import Script
from tests.partners.azure.test_azure_sidebyside import _model

SCRIPTS = probe.rows(_model, Script(), (*probe.EVERY_WIRE, "v0_base64_blocks"))
SCRIPTS |= probe.rows(_model, Script(usage=probe.CACHED_USAGE), ("prompt_cache_marked",))
SCRIPTS |= probe.rows(_model, Script('{"total": 3}'), ("structured_streamed",))
test_probe_w_same_as_langchain_openai = azure_suite.SUITE.beside(SCRIPTS, {}).same_test()
