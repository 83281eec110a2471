"""ChatOpenAI on the Responses API in the probe_w set's scripts
(`tests/partners/_probe_w.py`); its suite, `test_responses_sidebyside.py`, compares."""

from __future__ import annotations

from tests.partners import _probe_w as probe
from tests.partners.responses import test_responses_sidebyside as responses_suite
from tests.partners.responses.test_responses_probe_v_scripts import _DETAILED
from tests.partners.responses.test_responses_sidebyside import Script
from tests.partners.responses.test_responses_sidebyside import _model
from tests.partners.responses.test_responses_sidebyside import message_item

SCRIPTS = probe.rows(_model, Script(), (*probe.EVERY_WIRE, "v0_base64_blocks"))
SCRIPTS |= probe.rows(_model, Script(extra={"usage": _DETAILED}), ("prompt_cache_marked",))
SCRIPTS |= probe.rows(_model, Script([message_item('{"total": 3}')]), ("structured_streamed",))
SCRIPTS["temperature_by_model"] = (
    Script(),
    probe.temperature_by_model(lambda cls, url, name, **more: _model(cls, url, model=name, **more)),
)
test_probe_w_same_as_langchain_openai = responses_suite.SUITE.beside(SCRIPTS, {}).same_test()
