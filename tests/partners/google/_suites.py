"""Side-by-side suites of more scripts, compared as the Gemini API suite
(`test_google_sidebyside.py`) and the Vertex AI suite (`tests/partners/vertex/`) compare
theirs: `gemini_suite(scripts)`, `vertex_suite(scripts)`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.partners._sidebyside import Suite
from tests.partners.google import test_google_sidebyside as gemini
from tests.partners.vertex import test_vertex_sidebyside as vertex

genai_partner = pytest.importorskip("langchain_google_genai")
vertex_partner = pytest.importorskip("langchain_google_vertexai")

from chatplex.langchain import ChatGoogleGenerativeAI  # noqa: E402
from chatplex.langchain import ChatVertexAI  # noqa: E402

#: Per backend: the partner's class, chatplex's, and the suite module reading both.
_BACKENDS = {
    "gemini": (genai_partner.ChatGoogleGenerativeAI, ChatGoogleGenerativeAI, gemini),
    "vertex": (vertex_partner.ChatVertexAI, ChatVertexAI, vertex),
}


def _suite(backend: str, scripts: dict[str, Any]) -> Suite:
    theirs, ours, reading = _BACKENDS[backend]
    return Suite(
        scripts,
        theirs,
        ours,
        {},
        result=reading._comparable_result,
        request=reading._comparable_request,
    )


def gemini_suite(scripts: dict[str, Any]) -> Suite:
    return _suite("gemini", scripts)


def vertex_suite(scripts: dict[str, Any]) -> Suite:
    return _suite("vertex", scripts)
