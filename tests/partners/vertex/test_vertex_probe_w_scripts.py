"""ChatVertexAI in the probe_w set's scripts (`tests/partners/_probe_w.py`); a merged
stream's finish words are the suite's kept difference."""

from __future__ import annotations

from tests.partners import _probe_w as probe
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_probe_t_scripts import _streamed_finish_words
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

SCRIPTS = probe.rows(model, vertex_replies(), (*probe.EVERY_WIRE, "v0_base64_blocks"))
DIFFERENCES = {"dict_messages": (vertex_suite._FINISH, _streamed_finish_words)}

SUITE = vertex_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_w_same_as_langchain_google_vertexai = SUITE.same_test()
