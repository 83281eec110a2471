"""ChatWatsonx in the probe_x set's scripts (`tests/partners/_probe_x.py`): watsonx.ai's
error statuses ibm-watsonx-ai sends once (those it sends again wait: it takes no
setting to turn them off) caught, retried, fallen back from and batched over,
structured output with its raw reply, a tool's failure sent back, and a model saved and
loaded; compared as `test_watsonx_probe_y_scripts.py` compares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.partners import _probe_x as probe
from tests.partners._probe_x import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import attempted
from tests.partners.watsonx.test_watsonx_probe_u_scripts import blocks_as_text
from tests.partners.watsonx.test_watsonx_probe_u_scripts import same_test
from tests.partners.watsonx.test_watsonx_probe_y_scripts import _to_the_server  # noqa: F401
from tests.partners.watsonx.test_watsonx_probe_y_scripts import answer
from tests.partners.watsonx.test_watsonx_probe_y_scripts import make
from tests.partners.watsonx.test_watsonx_sidebyside import _TOOL_BLOCKS
from tests.partners.watsonx.test_watsonx_sidebyside import MODEL
from tests.partners.watsonx.test_watsonx_sidebyside import _partner_installed  # noqa: F401


def _refused(status: int, code: str, message: str) -> probe.Status:
    """watsonx.ai's error body (IBM's: its errors, a trace id, the status)."""
    error = {"code": code, "message": message, "more_info": "https://cloud.ibm.com/apidocs"}
    return status, {"errors": [error], "trace": "t-9", "status_code": status}, {}


STATUSES: dict[str, probe.Status] = {
    "400": _refused(400, "invalid_input_argument", "Invalid input argument for Model"),
    "403": _refused(403, "authorization_rejected", "user is not a member of the project"),
    "404": _refused(404, "model_not_supported", f"Model '{MODEL}' is not supported"),
    "408": _refused(408, "request_timed_out", "Request timed out, please try again"),
}

_api_failure = probe.sdk_class("ibm_watsonx_ai.wml_client_error", "ApiRequestFailure")


def _chats_refused(failing: probe.Failing) -> Callable[[Seen], Reply]:
    """`failing` meeting the chat requests alone: IAM and the service (asked by
    langchain-ibm when built, by chatplex at its first call) answer, and are not
    counted."""
    return lambda seen: failing(seen) if seen.path.startswith("/ml/v1/text/") else answer(seen)


_ROWS = probe.set_rows(
    make,
    answer,
    (STATUSES, "408", _api_failure),
    (answer, ("function_calling", "json_mode", "json_schema")),
    ("ibm-key", "langchain_ibm"),
)
SCRIPTS = {
    name: (_chats_refused(handler) if isinstance(handler, probe.Failing) else handler, script)
    for name, (handler, script) in _ROWS.items()
}
# Its stream meets the status as ibm-watsonx-ai's WMLClientError, which the fallbacks
# (handling its ApiRequestFailure, as a call's) let through: what the script raised.
_fallen_back = SCRIPTS["fallen_back_408"]
SCRIPTS["fallen_back_408"] = (
    _fallen_back[0],
    lambda cls, url: attempted(lambda: _fallen_back[1](cls, url)),
)


def _worded(value: Any) -> Any:
    """`value` with each error's words (`text`: ibm-watsonx-ai's name the call, the URL
    and the body; chatplex's, the status and the provider's message) read as the
    provider's messages they hold: an error's wording is no promise, its class and
    fields are compared."""
    if isinstance(value, list):
        return [_worded(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _worded(v) for k, v in value.items()}
    if "class" in out and isinstance(out.get("text"), str):
        out["text"] = [m for m in _MESSAGES if m in out["text"]]
    return out


_MESSAGES = [status[1]["errors"][0]["message"] for status in STATUSES.values()]


def _read(outcome: Outcome) -> Outcome:
    theirs, ours, their_requests, our_requests = probe.without_added(outcome)
    return _worded(theirs), _worded(ours), their_requests, our_requests


DIFFERENCES: dict[str, Any] = {"tool_failed": (_TOOL_BLOCKS, blocks_as_text)}

test_probe_x_same_as_langchain_ibm = same_test(SCRIPTS, DIFFERENCES, _read)
