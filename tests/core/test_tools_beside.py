"""Tools beside langchain-core's: the schemas a ported script prints of a `@tool` (or a
runnable's `as_tool`), its arguments' and the one a model is shown."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from tests.core._families import same

# LangChain marks `as_tool` beta and warns; the warning is not what is compared.
pytestmark = pytest.mark.filterwarnings("ignore:This API is in beta")


class _Query(BaseModel):
    """The model's own doc."""

    q: str


def _tools(m: Any) -> list[Any]:
    def add(a: int, b: int = 1) -> int:
        """Add two integers.

        Mind the overflow.
        """
        return a + b

    def summed(a: int) -> int:
        """Sum it.

        Args:
            a: the number.
        """
        return a

    def ask(q: str) -> str:
        """Ask the tool."""
        return q

    def bare(x: int) -> int:
        return x

    return [
        m.tool(add),
        m.tool(description="told")(add),
        m.tool(parse_docstring=True)(summed),
        m.tool(args_schema=_Query)(ask),
        m.tool("named", description="given")(bare),
        m.RunnableLambda(lambda d: d["a"]).as_tool(
            name="lam", description="a lambda", arg_types={"a": int}
        ),
    ]


def test_a_tools_schemas_are_named_and_described_as_langchains() -> None:
    def scenario(m: Any) -> Any:
        return [
            (
                t.name,
                t.description,
                t.args_schema.model_json_schema(),
                t.tool_call_schema.model_json_schema(),
            )
            for t in _tools(m)
        ]

    same(scenario)
