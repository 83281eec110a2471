"""ChatBedrock (InvokeModel, an Anthropic model) side by side in scripts of the probe_v
set (`tests/partners/_probe_v.py`): `ainvoke` and `astream` under `asyncio.wait_for`, an
`astream` left midway and `generate` over two conversations. Compared as the suite of
`test_chatbedrock_sidebyside.py` compares its scripts."""

from __future__ import annotations

from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock_suite
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import make

SCRIPTS = probe.rows(make, invoke())
SCRIPTS |= probe.rows(make, invoke(), ("tool_result_cached",))

SUITE = chatbedrock_suite.SUITE.beside(SCRIPTS, {})
test_probe_v_same_as_langchain_aws = SUITE.same_test()
