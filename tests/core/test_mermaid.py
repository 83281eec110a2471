from chatplex.core import RunnableLambda


def test_a_chain_draws_as_a_mermaid_flowchart() -> None:
    chain = RunnableLambda(lambda x: x, name="first") | RunnableLambda(lambda x: x, name="second")
    text = chain.get_graph().draw_mermaid()
    assert text.startswith("---\nconfig:\n  flowchart:\n    curve: linear\n---\ngraph TD;\n")
    assert "\tfirst_input([first_input]):::first\n" in text
    assert "\tfirst --> second;\n" in text
    assert text.endswith("\tclassDef last fill:#bfb6fc\n")


def test_options_change_the_text() -> None:
    graph = RunnableLambda(lambda x: x, name="f").get_graph()
    assert graph.draw_mermaid(with_styles=False) == (
        "graph TD;\n\tf_input --> f;\n\tf --> f_output;\n"
    )
    styled = graph.draw_mermaid(
        curve_style="basis",
        node_colors={"last": "fill:#000"},
        frontmatter_config={"config": {"theme": "neutral"}},
    )
    assert "    curve: basis\n  theme: neutral\n" in styled
    assert "\tclassDef last fill:#000\n" in styled
