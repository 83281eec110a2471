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


STATUSES = {
    "429": bedrock_error(429, "ThrottlingException", "Too many tokens, please wait."),
    "503": bedrock_error(503, "ServiceUnavailableException", "Bedrock is unable to serve."),
    "400": bedrock_error(400, "ValidationException", "The provided model identifier is invalid."),
    "502": probe.BAD_GATEWAY,
}


def client_error() -> tuple[type[BaseException], ...]:
    """botocore's ClientError: what a script on boto3 catches for Bedrock's statuses."""
    from botocore.exceptions import ClientError

    return (ClientError,)


_TEXT = converse()
SCRIPTS: dict[str, Any] = probe.error_rows(_make, _TEXT, STATUSES, "429", client_error)
SCRIPTS["raw_kept"] = (
    converse(tool_use("Sum", {"total": 3}), stop="tool_use"),
    probe.raw_kept(_make, ("function_calling",)),
)
SCRIPTS["tool_failed"] = (_TEXT, probe.tool_failed(_make))
SCRIPTS["saved_and_loaded"] = (
    _TEXT,
    probe.saved_and_loaded(_make, KEYS["aws_secret_access_key"], "langchain_aws"),
)

SUITE = converse_suite.SUITE.beside(SCRIPTS, {})
test_probe_x_same_as_langchain_aws = probe.same_test(SUITE)
