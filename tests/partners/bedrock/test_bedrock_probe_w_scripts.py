"""ChatBedrockConverse in the probe_w set's scripts (`tests/partners/_probe_w.py`),
read as its suite (`test_bedrock_sidebyside.py`) reads a reply and a request."""

from __future__ import annotations

from tests.partners import _probe_w as probe
from tests.partners.bedrock import test_bedrock_sidebyside as converse_suite
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_bedrock_sidebyside import make
from tests.partners.bedrock.test_bedrock_sidebyside import tool_use

SCRIPTS = probe.rows(make, converse(), (*probe.EVERY_WIRE, "v0_base64_blocks"))
_TWO = converse(tool_use("add", {"a": 1, "b": 2}, "t1"), tool_use("mul", {"a": 2, "b": 3}, "t2"))
SCRIPTS |= probe.rows(make, _TWO, ("two_calls_run",))
test_probe_w_same_as_langchain_aws = converse_suite.SUITE.beside(SCRIPTS, {}).same_test()
