"""langchain-google-genai's record (providers/google/partner.py); Vertex AI's adapter
has the defaults but for the tool choice, which both partners bind as given, and its
structured runs' trace, which names the method alone."""

from __future__ import annotations

from chatplex.adapters.partner_calls import PartnerCalls
from chatplex.adapters.partner_calls import empty_stop_left_out
from chatplex.adapters.partner_traits import PartnerTraits
from chatplex.langchain.traits import partner_traits
from chatplex.providers.google.adapter import GeminiAdapter
from chatplex.providers.google.partner import TRAITS
from chatplex.providers.google.vertex_adapter import VertexAIAdapter
from tests.providers._partner import bound_form


def test_gemini_drops_bind_strict_and_a_pydantic_response_format() -> None:
    gemini = partner_traits(GeminiAdapter(api_key="k"))
    assert gemini is TRAITS["GeminiAdapter"]
    assert not gemini.bind_strict and gemini.response_format_class == "dropped"


def test_vertex_ai_has_the_defaults_but_the_tool_choice_the_stop_and_the_traced_structure() -> None:
    vertex = VertexAIAdapter.__new__(VertexAIAdapter)
    traits = partner_traits(vertex)
    assert traits == PartnerTraits(
        bound_tool_form=_FORM,
        structured_trace="method as asked",
        structured_trace_schema={"json_mode": "as sent"},
        sent_structured_schema=traits.sent_structured_schema,
        retries_and_calls=PartnerCalls(read_values=empty_stop_left_out),
    )
    schema = {"type": "object", "title": "S"}
    assert traits.sent_structured_schema is not None
    assert traits.sent_structured_schema(vertex, {"response_json_schema": schema}) is schema


_FORM = TRAITS["GeminiAdapter"].bound_tool_form
_TOOL = {"type": "function", "function": {"name": "f", "parameters": {}}}


def test_both_bind_the_tool_choice_as_given() -> None:
    # langchain-google-genai's and -vertexai's bind_tools bind any choice as given ("any",
    # True, a name, an object) and read it when they build the request.
    for adapter in (GeminiAdapter(api_key="k"), VertexAIAdapter.__new__(VertexAIAdapter)):
        for given, read in (("any", "required"), (True, "required"), ("f", "f")):
            assert bound_form(adapter, [_TOOL], read, given) == ([_TOOL], given)
