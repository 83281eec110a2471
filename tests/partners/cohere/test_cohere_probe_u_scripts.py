"""ChatCohere side by side in scripts of the probe_u set (`tests/partners/_probe_u.py`):
a reply cache, named speakers, a system message mid-conversation and a tool result of
text blocks. Compared as the suite of `test_cohere_sidebyside.py` compares its scripts."""

from __future__ import annotations

from tests.partners import _probe_u as probe
from tests.partners.cohere import test_cohere_sidebyside as cohere_suite
from tests.partners.cohere.test_cohere_sidebyside import _model
from tests.partners.cohere.test_cohere_sidebyside import cohere_replies

NAMES = ("cached_second_call", "named_speakers", "system_mid_history", "system_as_blocks")

SCRIPTS = probe.rows(
    _model,
    cohere_replies(),
    (*NAMES, "tool_result_blocks"),
    arguments={"tool_result_blocks": (False,)},  # (its image in a tool result: left)
)

SUITE = cohere_suite.SUITE.beside(SCRIPTS, {})
test_probe_u_same_as_langchain_cohere = SUITE.same_test()
