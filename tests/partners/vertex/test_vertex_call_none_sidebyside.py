"""ChatVertexAI side by side on a call's keyword given as None over the model's own
value, as `google/test_google_call_none_sidebyside.py` runs them (the same fields, its
safety settings aside: langchain-google-vertexai's constructor takes no dict of them):
langchain-google-vertexai lays the call's keywords over the model's and leaves every
None out. The drop-in sent each as null, and the model's thinking config as it was."""

from __future__ import annotations

from tests.partners._call_none import cleared
from tests.partners.google.test_google_call_none_sidebyside import HELD
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

SCRIPTS = {
    f"call_none_{field}": (vertex_replies(), cleared(field, held, model))
    for field, held in HELD.items()
    if field != "safety_settings"
}
SUITE = vertex_suite.SUITE.beside(SCRIPTS, {})
test_call_none_same_as_langchain_google_vertexai = SUITE.same_test()
