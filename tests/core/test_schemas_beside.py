"""Input schemas beside langchain-core's: what a ported script prints of a chain whose
first step reads keys of its input (a lambda, an `itemgetter`), and of a branch."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from tests.core._families import same


def _reads(d: Any) -> Any:
    x = d["a"]
    y = d.get("b", 1)
    z = len(d["c"])  # inside a call: not read, as LangChain's walk sees it
    return x, y, z, d["e"]["f"]


async def _areads(d: Any) -> Any:
    return d["h"]


def _typed(d: dict[str, Any]) -> Any:
    return d["i"]


def test_functions_reading_keys_have_langchains_input_schema() -> None:
    def scenario(m: Any) -> Any:
        functions: list[Any] = [
            lambda d: d["q"],
            lambda d: len(d["topic"]),
            lambda d: d.get("k") or d["m"],
            _reads,
            _areads,
            _typed,
            itemgetter("a"),
            itemgetter("a", "b"),
            itemgetter(0),
            lambda: 1,
        ]
        return [m.RunnableLambda(f).input_schema.model_json_schema() for f in functions]

    same(scenario)


def test_chains_take_the_schema_of_their_first_reads() -> None:
    def scenario(m: Any) -> Any:
        chains = [
            m.RunnablePassthrough.assign(n=lambda d: d["topic"]),
            m.RunnableParallel(a=lambda d: d["x"], b=itemgetter("y")),
            itemgetter("q") | m.RunnableLambda(str),
        ]
        return [c.input_schema.model_json_schema() for c in chains]

    same(scenario)


def test_a_branch_takes_the_first_schema_that_says_a_type() -> None:
    def scenario(m: Any) -> Any:
        branches = [
            m.RunnableBranch((lambda d: True, m.RunnableLambda(lambda d: 1)), lambda d: 2),
            m.RunnableBranch((lambda d: d["topic"], lambda d: d["q"]), lambda d: 2),
            m.RunnableBranch(
                (lambda d: True, m.ChatPromptTemplate.from_template("{a}")),
                m.ChatPromptTemplate.from_template("{b}"),
            ),
            m.RunnableBranch((lambda d: True, _typed), lambda d: 2),
        ]
        return [b.input_schema.model_json_schema() for b in branches]

    same(scenario)


def _typed_step(x: int) -> str:
    return str(x)


def test_an_assigns_output_schema_is_langchains() -> None:
    # An object input: its fields and the new keys, as RunnableAssignOutput; an input
    # of another type: the mapper's output.
    def scenario(m: Any) -> Any:
        assigns = [
            m.RunnablePassthrough.assign(ctx=itemgetter("q"), n=lambda d: d["r"]),
            m.RunnablePassthrough.assign(n=_typed_step),
        ]
        return [a.output_schema.model_json_schema() for a in assigns]

    same(scenario)
