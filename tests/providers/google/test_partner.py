"""langchain-google-genai's record (providers/google/partner.py); Vertex AI's adapter
has the defaults but for the tool choice, which both partners bind as given, `strict`,
which neither sends, a call's tools and stop, and its structured runs' trace, which
names the method alone."""

from __future__ import annotations

from pydantic import BaseModel
from pydantic import Field

from chatplex.adapters.partner_calls import PartnerCalls
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
    read = traits.retries_and_calls.read_values
    assert traits == PartnerTraits(
        bind_strict=False,
        bound_tool_form=_FORM,
        structured_trace="method as asked",
        structured_trace_schema={"json_mode": "as sent"},
        sent_structured_schema=traits.sent_structured_schema,
        retries_and_calls=PartnerCalls(read_values=read),
    )
    assert read is not None and read({"stop": [], "top_p": 0.5}) == {"top_p": 0.5}
    schema = {"type": "object", "title": "S"}
    assert traits.sent_structured_schema is not None
    assert traits.sent_structured_schema(vertex, {"response_json_schema": schema}) is schema


class Point(BaseModel):
    """A point."""

    x: int = Field(description="Across.")


def add(a: int, b: int = 0) -> int:
    """Add two integers."""
    return a + b


def test_a_calls_tools_are_declared_as_each_partner_declares_them() -> None:
    # langchain-google-genai declares a function given to a call by its args_schema
    # (its title and description in the parameters), a pydantic class as bind_tools
    # does; langchain-google-vertexai each by its whole schema (titles, defaults kept).
    # A dict goes as given to both.
    gemini = TRAITS["GeminiAdapter"].retries_and_calls.read_values
    vertex = TRAITS["VertexAIAdapter"].retries_and_calls.read_values
    assert gemini is not None and vertex is not None
    given = {"tools": [add, Point, _TOOL]}
    on_gemini, on_vertex = gemini(given)["tools"], vertex(given)["tools"]
    assert on_gemini[0] == {
        "type": "function",
        "function": {
            "name": "add",
            "description": "Add two integers.",
            "parameters": {
                "title": "add",
                "description": "Add two integers.",
                "type": "object",
                "properties": {"a": {"type": "integer"}, "b": {"default": 0, "type": "integer"}},
                "required": ["a"],
            },
        },
    }
    assert on_gemini[1:] == [Point, _TOOL]
    whole = Point.model_json_schema(mode="serialization")
    assert on_vertex[1] == {
        "type": "function",
        "function": {"name": "Point", "description": "A point.", "parameters": whole},
    }
    assert on_vertex[0]["function"]["parameters"]["properties"]["a"] == {
        "title": "A",
        "type": "integer",
    }
    assert on_vertex[2] is _TOOL


_FORM = TRAITS["GeminiAdapter"].bound_tool_form
_TOOL = {"type": "function", "function": {"name": "f", "parameters": {}}}


def test_both_bind_the_tool_choice_as_given() -> None:
    # langchain-google-genai's and -vertexai's bind_tools bind any choice as given ("any",
    # True, a name, an object) and read it when they build the request.
    for adapter in (GeminiAdapter(api_key="k"), VertexAIAdapter.__new__(VertexAIAdapter)):
        for given, read in (("any", "required"), (True, "required"), ("f", "f")):
            assert bound_form(adapter, [_TOOL], read, given) == ([_TOOL], given)
