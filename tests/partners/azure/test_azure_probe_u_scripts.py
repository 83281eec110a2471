"""AzureChatOpenAI side by side in scripts of the probe_u set (`tests/partners/_probe_u.py`)
over its constructor and Chat Completions: `astream_events` with tags and metadata,
`disable_streaming`, a reply cache and `model_kwargs` beside a field. Compared as the
suite of `test_azure_sidebyside.py` compares its scripts."""

from __future__ import annotations

from tests.partners import _probe_u as probe
from tests.partners.azure import test_azure_sidebyside as azure_suite
from tests.partners.azure.test_azure_sidebyside import Script
from tests.partners.azure.test_azure_sidebyside import _model

SCRIPTS = probe.rows(
    _model,
    Script(),
    ("events_with_tags", "no_streaming", "cached_second_call", "model_kwargs_beside_field"),
    arguments={"model_kwargs_beside_field": ("temperature", 0.3)},
)

SUITE = azure_suite.SUITE.beside(SCRIPTS, {})
test_probe_u_same_as_langchain_openai = SUITE.same_test()
