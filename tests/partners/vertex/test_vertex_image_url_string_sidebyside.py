"""ChatVertexAI side by side on an `image_url` part whose `image_url` is the URL as a string
(`tests/partners/_image_url_string.py`): its partner raises TypeError before any
request; the drop-in sends the image (a kept difference)."""

from __future__ import annotations

from tests.partners._image_url_string import STRING_REFUSED
from tests.partners._image_url_string import image_sent
from tests.partners._image_url_string import image_url_string
from tests.partners.vertex import test_vertex_sidebyside as suite_module
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

SCRIPTS = {"image_url_string": (vertex_replies(), image_url_string(model))}
DIFFERENCES = {"image_url_string": (STRING_REFUSED, image_sent)}
SUITE = suite_module.SUITE.beside(SCRIPTS, DIFFERENCES)
test_image_url_string_same_as_langchain_google_vertexai = SUITE.same_test()
