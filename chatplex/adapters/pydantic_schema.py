"""A pydantic model's JSON schema as a tool's parameters: pydantic's generated titles
stripped (names come from the tool itself), nested models inlined (no `$defs`) as
langchain-core's `convert_to_openai_tool` sends them, a self-referencing model lifted to
an object at the top, a default with no JSON form left out rather than warned about.
A recursive model keeps its `$defs`: langchain-core writes `{}` where it recurses.

pydantic is imported inside the functions: ``import chatplex`` stays cheap.

>>> strip_titles({"title": "Point", "properties": {"title": {"type": "string"}}})
{'properties': {'title': {'type': 'string'}}}
"""

from __future__ import annotations

import inspect
from functools import cache
from typing import TYPE_CHECKING
from typing import Any

from .inline_refs import inline_refs

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic.json_schema import GenerateJsonSchema

__all__ = [
    "class_doc",
    "core_titles_removed",
    "model_schema",
    "pydantic_base_model",
    "quiet_generator",
    "strip_titles",
]

# Values under these keys are data, so a "title" key inside them is not a schema title.
_DATA_KEYS = frozenset({"default", "const", "enum", "examples"})
# Values under these keys map names (which may well be "title") to sub-schemas.
_SCHEMA_MAPS = frozenset({"properties", "$defs", "definitions", "patternProperties"})


def pydantic_base_model() -> type[BaseModel]:
    from pydantic import BaseModel

    return BaseModel


def model_schema(
    model: type[BaseModel], generator: type[GenerateJsonSchema] | None = None
) -> dict[str, Any]:
    schema = model.model_json_schema(schema_generator=generator or quiet_generator())
    ref, defs = schema.get("$ref"), schema.get("$defs", {})
    if isinstance(ref, str) and ref.removeprefix("#/$defs/") in defs and len(schema) == 2:
        # A self-referencing model is all "$ref" at the top; lift it so the top is an object.
        schema = {**defs[ref.removeprefix("#/$defs/")], "$defs": defs}
    stripped: dict[str, Any] = strip_titles(schema)
    stripped.pop("description", None)  # the docstring, which becomes ToolSpec.description
    return inline_refs(stripped)


def core_titles_removed(node: dict[str, Any], parent: str = "") -> dict[str, Any]:
    """langchain-core's `_rm_titles` (what `convert_to_json_schema` sends): every
    `title` keyword dropped but a property named "title", looking into dicts only, so
    that the models inside a list (`anyOf`, `allOf`) keep their titles."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "title" and not (isinstance(value, dict) and parent == "properties"):
            continue
        out[key] = core_titles_removed(value, key) if isinstance(value, dict) else value
    return out


def class_doc(cls: type) -> str:
    # Not inspect.getdoc: that would hand a docstring-less model BaseModel's own docstring.
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


@cache
def quiet_generator() -> type[GenerateJsonSchema]:
    from pydantic.json_schema import GenerateJsonSchema

    class QuietSchema(GenerateJsonSchema):
        # A default with no JSON form is just left out; the parameter stays optional.
        ignored_warning_kinds = {"skipped-choice", "non-serializable-default"}

    return QuietSchema


def strip_titles(node: Any) -> Any:
    """Drop pydantic's generated ``title`` keywords; names come from the tool itself."""
    if isinstance(node, list):
        return [strip_titles(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: strip_titles(sub) for name, sub in value.items()}
        elif key in _DATA_KEYS:
            out[key] = value
        elif not (key == "title" and isinstance(value, str)):
            out[key] = strip_titles(value)
    return out
