"""Google's declared providers."""

from __future__ import annotations

from tests.providers._speccheck import check_wire


def test_gemini_and_vertex() -> None:
    specs = {s.name: s for s in check_wire("google").SPECS}
    assert specs["google_genai"].langchain_class == "ChatGoogleGenerativeAI"
    assert specs["google_vertexai"].langchain_class == "ChatVertexAI"
    assert specs["google_vertexai"].model_prefixes == ("gemini",)  # LangChain's inference
