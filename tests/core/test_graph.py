from __future__ import annotations

from typing import Any

from chatplex.core import ChatPromptTemplate
from chatplex.core import RunnableLambda
from chatplex.core import RunnableParallel
from chatplex.core import RunnablePassthrough
from chatplex.core import StrOutputParser
from chatplex.core.graph import Graph


def _shape(graph: Graph) -> tuple[list[str], list[tuple[str, str]]]:
    names = [n.name for n in graph.nodes.values()]
    edges = sorted((graph.nodes[e.source].name, graph.nodes[e.target].name) for e in graph.edges)
    return names, edges


def test_a_sequence_is_a_line_of_steps() -> None:
    chain = (
        ChatPromptTemplate.from_template("{t}") | RunnableLambda(lambda v: "x") | StrOutputParser()
    )
    names, edges = _shape(chain.get_graph())
    assert names == [
        "PromptInput",
        "ChatPromptTemplate",
        "Lambda",
        "StrOutputParser",
        "StrOutputParserOutput",
    ]
    assert ("ChatPromptTemplate", "Lambda") in edges and len(edges) == 4


def test_a_map_fans_out_and_back_in() -> None:
    par = RunnableParallel(a=RunnableLambda(lambda x: x), b=RunnablePassthrough())
    names, edges = _shape(par.get_graph())
    assert names == ["Parallel<a,b>Input", "Parallel<a,b>Output", "Lambda", "Passthrough"]
    assert edges == sorted(
        [
            ("Parallel<a,b>Input", "Lambda"),
            ("Lambda", "Parallel<a,b>Output"),
            ("Parallel<a,b>Input", "Passthrough"),
            ("Passthrough", "Parallel<a,b>Output"),
        ]
    )
    art = par.get_graph().draw_ascii()
    assert "| Parallel<a,b>Input |" in art and "Edges:" not in art  # the picture is exact


def test_wrappers_show_what_they_wrap() -> None:
    inner = RunnableLambda(lambda x: x, name="inner")
    for wrapped in (inner.with_config(tags=["t"]), inner.with_retry(), inner.with_listeners()):
        assert "inner" in [n.name for n in wrapped.get_graph().nodes.values()]


def test_draw_ascii_lines_up_a_sequence() -> None:
    art = (
        (RunnableLambda(lambda x: x, name="first") | RunnableLambda(lambda x: x, name="second"))
        .get_graph()
        .draw_ascii()
    )
    lines = art.splitlines()
    assert lines[1].strip() == "| first_input |"  # LangChain names a lowercase schema so
    assert "v" in [line.strip() for line in lines] and art.index("first |") < art.index("second |")


def test_an_ambiguous_picture_lists_its_edges() -> None:
    graph = Graph()
    a, b, c = (graph.add_node(None, id=name) for name in "abc")
    graph.add_edge(a, b)
    graph.add_edge(b, c)
    graph.add_edge(a, c)  # skips a row
    art = graph.draw_ascii()
    assert art.endswith("Edges:\n  a -> b\n  b -> c\n  a -> c")


def test_reid_and_trims() -> None:
    graph: Any = RunnableLambda(lambda x: x).get_graph()
    assert sorted(graph.reid().nodes) == ["Lambda", "LambdaInput", "LambdaOutput"]
    graph.trim_first_node()
    graph.trim_last_node()
    assert [n.name for n in graph.nodes.values()] == ["Lambda"]
