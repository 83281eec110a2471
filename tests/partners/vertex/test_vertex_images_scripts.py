"""ChatVertexAI given LangChain's standard image blocks in a human turn: base64 and by
URL (a URL langchain-google-vertexai sends as Gemini's `fileData`)."""

from __future__ import annotations

from tests.partners import _standard_images as images
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

SCRIPTS = images.rows(model, vertex_replies(), tuple(images.IMAGES))
test_images_same_as_langchain_google_vertexai = vertex_suite.SUITE.beside(SCRIPTS, {}).same_test()
