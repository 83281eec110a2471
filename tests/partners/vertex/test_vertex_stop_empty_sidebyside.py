"""ChatVertexAI side by side on an empty `stop` (`[]`, `""`) given to a call: none given,
its partner's `stop or self.stop`: the model's own list is sent where it has one. The
drop-in sent none over the model's, and `[""]` (`tests/partners/_stop_empty.py`)."""

from __future__ import annotations

from tests.partners._stop_empty import stop_empty
from tests.partners.vertex import test_vertex_sidebyside as suite_module
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

SCRIPTS = {"stop_empty": (vertex_replies(), stop_empty(model))}
SUITE = suite_module.SUITE.beside(SCRIPTS, {})
test_stop_empty_same_as_langchain_google_vertexai = SUITE.same_test()
