"""A pydantic model's JSON schema as a tool's parameters (`adapters/pydantic_schema.py`):
pydantic's titles stripped, data left alone."""

from __future__ import annotations

import doctest
from typing import Literal

from pydantic import BaseModel

from chatplex.adapters import pydantic_schema


def test_title_stripping_leaves_data_alone() -> None:
    class Odd(BaseModel):
        """Defaults and enums are data."""

        meta: dict[str, str] = {"title": "kept"}
        kind: Literal["title", "name"] = "title"

    params = pydantic_schema.model_schema(Odd)
    assert params["properties"]["meta"]["default"] == {"title": "kept"}
    assert params["properties"]["kind"]["enum"] == ["title", "name"]


def test_docstring_examples() -> None:
    result = doctest.testmod(pydantic_schema, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_core_titles_removed_is_langchain_cores_rm_titles() -> None:
    from langchain_core.utils.function_calling import _rm_titles

    from chatplex.adapters.pydantic_schema import core_titles_removed

    schema = {
        "title": "Top",
        "properties": {
            "title": {"title": "Title", "type": "string"},
            "stop": {"anyOf": [{"title": "Stop", "properties": {}}, {"type": "null"}]},
        },
    }
    assert core_titles_removed(schema) == _rm_titles(schema)
    assert core_titles_removed(schema)["properties"]["stop"]["anyOf"][0]["title"] == "Stop"
