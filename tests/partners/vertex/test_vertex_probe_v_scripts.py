"""ChatVertexAI side by side in scripts of the probe_v set (`tests/partners/_probe_v.py`):
`generate` over two conversations, over Vertex AI's constructor and REST transport (its
async scripts left: langchain-google-vertexai's `ainvoke` and `astream` over REST raise,
the suite's kept `ainvoke_text`). Compared as the suite of `test_vertex_sidebyside.py`
compares its scripts."""

from __future__ import annotations

from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

SCRIPTS = probe.rows(model, vertex_replies(), ("generate_several",))

SUITE = vertex_suite.SUITE.beside(SCRIPTS, {})
test_probe_v_same_as_langchain_google_vertexai = SUITE.same_test()
