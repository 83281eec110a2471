"""ChatBedrockConverse in the probe_x set's scripts (`tests/partners/_probe_x.py`):
Bedrock's error statuses caught, retried, fallen back from and batched over, structured
output with its raw reply, a tool's failure sent back, and a model saved and loaded;
read as its suite (`test_bedrock_sidebyside.py`) reads a reply and a request."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_x as probe
from tests.partners._probe_x import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.bedrock import test_bedrock_sidebyside as converse_suite
from tests.partners.bedrock._scripts import KEYS
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_bedrock_sidebyside import make
from tests.partners.bedrock.test_bedrock_sidebyside import tool_use


def _make(cls: Any, url: str, **settings: Any) -> Any:
    return make(cls, url, max_retries=0, **settings)


def bedrock_error(status: int, name: str, message: str) -> probe.Status:
    """An error status as Bedrock's runtime sends it: its name in a header."""
    headers = {"x-amzn-errortype": f"{name}:http://internal.amazon.com/coral/"}
    return status, {"message": message}, {**headers, "x-amzn-requestid": "req-x1"}


_NAMED = (
    (429, "ThrottlingException", "Too many tokens, please wait."),
    (503, "ServiceUnavailableException", "Bedrock is unable to serve."),
    (400, "ValidationException", "The provided model identifier is invalid."),
)
STATUSES = {str(status): bedrock_error(status, *said) for status, *said in _NAMED}
STATUSES["502"] = probe.BAD_GATEWAY

_TEXT = converse()
#: The set's error statuses, the transient one, and the class a script on boto3 catches
#: for it (botocore's ClientError); what a saved model loads by.
ERRORS = (STATUSES, "429", probe.sdk_class("botocore.exceptions", "ClientError"))
SAVED = (KEYS["aws_secret_access_key"], "langchain_aws")

_SUM = converse(tool_use("Sum", {"total": 3}), stop="tool_use")
SCRIPTS = probe.set_rows(_make, _TEXT, ERRORS, (_SUM, ("function_calling",)), SAVED)

SUITE = converse_suite.SUITE.beside(SCRIPTS, {})
test_probe_x_same_as_langchain_aws = probe.same_test(SUITE)
