"""langchain-google-genai's record (providers/google/partner.py); Vertex AI's adapter
has the defaults."""

from __future__ import annotations

from chatplex.adapters.partner_traits import PartnerTraits
from chatplex.langchain.traits import partner_traits
from chatplex.providers.google.adapter import GeminiAdapter
from chatplex.providers.google.adapter import VertexAIAdapter
from chatplex.providers.google.partner import TRAITS


def test_gemini_drops_bind_strict_and_a_pydantic_response_format() -> None:
    gemini = partner_traits(GeminiAdapter(api_key="k"))
    assert gemini is TRAITS["GeminiAdapter"]
    assert not gemini.bind_strict and gemini.response_format_class == "dropped"


def test_vertex_ai_has_the_defaults() -> None:
    vertex = VertexAIAdapter.__new__(VertexAIAdapter)
    assert partner_traits(vertex) == PartnerTraits()
