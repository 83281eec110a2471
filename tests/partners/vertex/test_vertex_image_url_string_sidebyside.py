"""ChatVertexAI and an `image_url` part whose `image_url` is the URL string itself:
langchain-google-vertexai's converter raises TypeError on it, before any request, where
the drop-in sends the image as `inlineData`."""

from __future__ import annotations

from tests.partners._image_url_string import beside
from tests.partners.vertex import test_vertex_sidebyside as wire

DIFFERENCES, SUITE = beside(wire.SUITE, wire.vertex_replies(), wire.model)
test_image_url_string_same_as_langchain_google_vertexai = SUITE.same_test()
