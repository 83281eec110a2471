"""A tool given as a JSON-schema dict whose parameters refer to definitions (`$defs`, as
pydantic writes a nested model's schema), bound on ChatGoogleGenerativeAI and ChatVertexAI
side by side with their partners: both partners inline the references and declare the
function in the OpenAPI subset (`parameters`), as they declare the same model given as a
class; so does the drop-in (a recursive schema, which cannot be inlined, goes whole)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from tests.partners.google._suites import gemini_suite
from tests.partners.google._suites import vertex_suite
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model as gemini_model
from tests.partners.vertex.test_vertex_sidebyside import model as vertex_model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies


class Address(BaseModel):
    """Where."""

    city: str
    zip: str


class Person(BaseModel):
    """A person."""

    name: str
    address: Address
    homes: list[Address]


def _bound(model: Any) -> Any:
    def script(cls: Any, url: str) -> Any:
        return model(cls, url).bind_tools([Person.model_json_schema()]).invoke("hi")

    return script


def _forced(model: Any) -> Any:
    def script(cls: Any, url: str) -> Any:
        tool = Person.model_json_schema()
        return model(cls, url).bind_tools([tool], tool_choice="Person").invoke("hi")

    return script


GEMINI = gemini_suite(
    {
        "nested_dict_tool": (gemini_replies(), _bound(gemini_model)),
        "nested_dict_tool_forced": (gemini_replies(), _forced(gemini_model)),
    }
)
VERTEX = vertex_suite(
    {
        "nested_dict_tool": (vertex_replies(), _bound(vertex_model)),
        "nested_dict_tool_forced": (vertex_replies(), _forced(vertex_model)),
    }
)
test_same_as_langchain_google_genai = GEMINI.same_test()
test_same_as_langchain_google_vertexai = VERTEX.same_test()
