"""ChatBedrock (InvokeModel) in the probe_x set's scripts (`tests/partners/_probe_x.py`):
Bedrock's error statuses caught, retried, fallen back from and batched over, structured
output with its raw reply, a tool's failure sent back, and a model saved and loaded;
read as its suite (`test_chatbedrock_sidebyside.py`) reads a reply and a request."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_x as probe
from tests.partners._probe_x import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock_suite
from tests.partners.bedrock.test_bedrock_probe_x_scripts import ERRORS
from tests.partners.bedrock.test_bedrock_probe_x_scripts import SAVED
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import make
from tests.partners.bedrock.test_chatbedrock_sidebyside import tool_use


def _make(cls: Any, url: str, **settings: Any) -> Any:
    return make(cls, url, max_retries=0, **settings)


_TEXT = invoke()
_SUM = invoke(tool_use("Sum", {"total": 3}), stop="tool_use")
SCRIPTS = probe.set_rows(_make, _TEXT, ERRORS, (_SUM, ("function_calling",)), SAVED)

SUITE = chatbedrock_suite.SUITE.beside(SCRIPTS, {})
test_probe_x_same_as_langchain_aws = probe.same_test(SUITE)
