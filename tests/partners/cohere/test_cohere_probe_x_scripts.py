"""ChatCohere in the probe_x set's scripts (`tests/partners/_probe_x.py`): Cohere's error
statuses the SDK does not retry (its retries wait, and langchain-cohere takes no setting
to turn them off) caught, fallen back from and batched over; a tool's failure sent back,
and a model saved and loaded; compared as `test_cohere_sidebyside.py` compares (its
`structured_include_raw` runs `include_raw=True`)."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_x as probe
from tests.partners._probe_x import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners.cohere import test_cohere_sidebyside as cohere_suite
from tests.partners.cohere.test_cohere_sidebyside import KEY
from tests.partners.cohere.test_cohere_sidebyside import _model
from tests.partners.cohere.test_cohere_sidebyside import cohere_replies

STATUSES: dict[str, probe.Status] = {
    "400": (400, {"id": "e1", "message": "invalid request: model 'x' not found"}, {}),
    "422": (422, {"id": "e2", "message": "too many tokens: 140000 > 128000"}, {}),
}


_bad_request = probe.sdk_class("cohere", "BadRequestError")


_TEXT = cohere_replies()
SCRIPTS: dict[str, Any] = probe.error_rows(_model, _TEXT, STATUSES, "400", _bad_request)
del SCRIPTS["retried_once_400"]  # (a status no script retries)
SCRIPTS["tool_failed"] = (_TEXT, probe.tool_failed(_model))
SCRIPTS["saved_and_loaded"] = (_TEXT, probe.saved_and_loaded(_model, KEY, "langchain_cohere"))

JSON_DUMP_RAISES = Difference(
    Reason.RAISES,
    "`model_dump_json()` of a ChatCohere raises PydanticSerializationError (the cohere "
    "SDK's client objects sit among its fields): a configured model cannot be logged or "
    "stored as JSON",
    "`model_dump_json()` gives the model's settings as JSON, its key masked",
)


def _json_dumped(outcome: Outcome) -> Outcome:
    """Their refused `model_dump_json()` read as ours, once ours is seen to hold no key."""
    theirs, ours, their_requests, our_requests = outcome
    their_shown, our_shown = theirs["key_shown"], ours["key_shown"]
    assert their_shown["model_dump_json"] == {"refused": "PydanticSerializationError"}
    assert our_shown["model_dump_json"] is False
    ours = {**ours, "key_shown": {**our_shown, "model_dump_json": their_shown["model_dump_json"]}}
    return theirs, ours, their_requests, our_requests


DIFFERENCES = {
    # Its tool's parameters flattened: the suite's kept difference.
    "tool_failed": (cohere_suite.FLAT_TOOLS, cohere_suite._flat_tools),
    "saved_and_loaded": (JSON_DUMP_RAISES, _json_dumped),
}

SUITE = cohere_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_x_same_as_langchain_cohere = probe.same_test(SUITE)
