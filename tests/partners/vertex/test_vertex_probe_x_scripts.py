"""ChatVertexAI in the probe_x set's scripts (`tests/partners/_probe_x.py`): Vertex AI's
error statuses caught, retried, fallen back from and batched over, structured output with
its raw reply, and a tool's failure sent back; compared as `test_vertex_sidebyside.py`
compares. (A model saved and loaded has no credentials: it would ask Google's metadata
server for some.)"""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_x as probe
from tests.partners._probe_x import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.google.test_google_probe_x_scripts import STATUSES
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies


def _make(cls: Any, url: str, **settings: Any) -> Any:
    return model(cls, url, max_retries=0, **settings)


_unavailable = probe.sdk_class("google.api_core.exceptions", "ServiceUnavailable")


_TEXT = vertex_replies()
SCRIPTS: dict[str, Any] = probe.error_rows(_make, _TEXT, STATUSES, "503", _unavailable)
# (their async halves meet the REST transport's awaited reply: the suite's kept `ainvoke_text`)
del SCRIPTS["retried_once_503"], SCRIPTS["batch_kept_going_503"]
SCRIPTS["raw_kept"] = (
    vertex_replies([{"text": '{"total": 3}'}]),
    probe.raw_kept(_make, ("json_schema",)),
)
SCRIPTS["tool_failed"] = (_TEXT, probe.tool_failed(_make))

SUITE = vertex_suite.SUITE.beside(SCRIPTS, {})
test_probe_x_same_as_langchain_google_vertexai = probe.same_test(SUITE)
