"""Tools beside langchain-core's: the schemas a ported script prints of a `@tool` (or a
runnable's `as_tool`), its arguments' and the one a model is shown."""

from __future__ import annotations

import asyncio
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


def _failing(m: Any, handle: Any) -> Any:
    def risky(x: int) -> str:
        """Might fail."""
        if x < 0:
            raise m.ToolException(f"negative: {x}")
        return str(x)

    made = m.tool(risky)
    made.handle_tool_error = handle
    return made


@pytest.mark.parametrize(
    "handle", [True, "it failed", lambda e: f"handled {type(e).__name__}: {e}"]
)
def test_a_tool_exception_becomes_the_answer_as_langchains(handle: Any) -> None:
    def scenario(m: Any) -> Any:
        made = _failing(m, handle)
        call = {"name": "risky", "args": {"x": -2}, "id": "c1", "type": "tool_call"}
        message = made.invoke(call)
        return (
            made.invoke({"x": 1}),
            made.invoke({"x": -1}),
            asyncio.run(made.ainvoke({"x": -3})),
            (type(message).__name__, message.content, message.status, message.tool_call_id),
        )

    same(scenario)


def test_an_unhandled_tool_exception_is_raised_as_langchains() -> None:
    def scenario(m: Any) -> Any:
        with pytest.raises(m.ToolException, match="negative: -1"):
            _failing(m, False).invoke({"x": -1})
        return _failing(m, False).handle_tool_error

    same(scenario)


def test_run_and_arun_answer_as_langchains() -> None:
    """A tool's older calls (`search.run("query")`): the answer, a tool call's message
    with `tool_call_id`, and a run named, tagged and marked by `run`'s own arguments."""
    from chatplex.core import BaseCallbackHandler

    class Starts(BaseCallbackHandler):  # (LangChain's callback manager takes it too)
        def __init__(self) -> None:
            self.seen: list[Any] = []

        def on_tool_start(self, serialized: Any, input_str: str, **kwargs: Any) -> None:
            self.seen.append((input_str, kwargs.get("name"), kwargs.get("tags")))

        def on_tool_end(self, output: Any, **kwargs: Any) -> None:
            self.seen.append(output)

    def scenario(m: Any) -> Any:
        @m.tool
        def add(a: int, b: int) -> int:
            """Add two numbers."""
            return a + b

        @m.tool
        def shout(text: str) -> str:
            """Shout."""
            return text.upper()

        heard = Starts()
        answered = shout.run("x", callbacks=[heard], tags=["t"], metadata={"m": 1}, run_name="n")
        message = add.run({"a": 1, "b": 2}, tool_call_id="c1")
        return (
            add.run({"a": 1, "b": 2}),
            shout.run("hi"),
            asyncio.run(shout.arun("yo")),
            asyncio.run(add.arun({"a": 2, "b": 2}, config={"tags": ["c"]})),
            (message.content, message.tool_call_id, message.name),
            answered,
            heard.seen,
        )

    assert same(scenario)[-1] == [("x", "n", ["t"]), "X"]


def test_a_verbose_run_says_it_does_not_print() -> None:
    import chatplex

    @chatplex.tool
    def shout(text: str) -> str:
        """Shout."""
        return text.upper()

    with pytest.raises(NotImplementedError, match="callbacks"):
        shout.run("hi", verbose=True)
