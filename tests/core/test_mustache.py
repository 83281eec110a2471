"""chatplex's mustache against langchain-core's (`langchain_core.utils.mustache`, what
LangChain's prompts fill mustache templates with): the same text, the same top-level
variables, the same refusals, template by template."""

from typing import Any

import pytest
from langchain_core.prompts.string import mustache_template_vars
from langchain_core.utils import mustache as lc_mustache

from chatplex.core import mustache

CASES: list[tuple[str, dict[str, Any]]] = [
    ("Hi {{name}}", {"name": "<b>&\"x'"}),
    ("Hi {{{name}}} {{&name}}", {"name": "<b>&"}),
    (
        "{{user.name}} {{user.age}} {{missing}} {{user.missing.x}}",
        {"user": {"name": "Al", "age": 0}},
    ),
    (
        "{{#items}}- {{name}}: {{price}}\n{{/items}}",
        {"items": [{"name": "a", "price": 1}, {"name": "b", "price": 2.5}]},
    ),
    ("{{#items}}\n- {{.}}\n{{/items}}\ndone", {"items": ["x", "y"]}),
    ("{{^items}}none{{/items}}{{#items}}some{{/items}}", {"items": []}),
    ("{{^items}}none{{/items}}{{#items}}some{{/items}}", {"items": [1]}),
    ("{{#flag}}on {{name}}{{/flag}}{{^flag}}off{{/flag}}", {"flag": True, "name": "n"}),
    ("{{#flag}}on{{/flag}}{{^flag}}off{{/flag}}", {"flag": False}),
    ("{{#person}}{{name}} of {{city}}{{/person}}", {"person": {"name": "A"}, "city": "Paris"}),
    ("a {{! a comment }} b\n  {{! standalone }}\nc", {}),
    ("{{=<% %>=}}<% name %> {{name}}", {"name": "N"}),
    ("{{list.1}} {{list.9}} {{list.x}}", {"list": ["a", "b"]}),
    ("{{#a}}{{#b}}{{c}}{{/b}}{{/a}}", {"a": {"b": [{"c": 1}, {"c": 2}]}}),
    ("{{#a}}{{#a}}x{{/a}}{{/a}}", {"a": [[1], [2]]}),
    ("{{n}} {{f}} {{none}} {{z}} {{e}}", {"n": 0, "f": False, "none": None, "z": 0.0, "e": ""}),
    ("{{#s}}[{{.}}]{{/s}}", {"s": "str"}),
    ("{{#zero}}x{{/zero}}|{{^zero}}y{{/zero}}", {"zero": 0}),
    ("{{^missing}}[{{.}}]{{/missing}}", {}),
    ("  {{#a}}\n  line\n  {{/a}}\n", {"a": True}),
    ("x {{> part}} y\n  {{> part}}\n", {}),
    ("{{obj.attr}}|{{#obj}}{{attr}}{{/obj}}", {"obj": object()}),
    ("{{a}}{{", {"a": 1}),
    ("{{#d}}{{k}}{{/d}}", {"d": {"k": "v"}, "k": "outer"}),
    ("{{#d}}{{#e}}{{x}}{{/e}}{{^e}}{{x}}{{/e}}{{/d}}", {"d": "", "x": 1}),
    ("\t{{#a}}\r\nx\r\n{{/a}}\r\n", {"a": 1}),
    ("{{ spaced.name }}", {"spaced": {"name": 3}}),
    ("{{#rows}}{{#cells}}{{.}},{{/cells}};{{/rows}}", {"rows": [{"cells": [1, 2]}, {"cells": []}]}),
    ("{{#gen}}<{{.}}>{{/gen}}", {"gen": ("t", "u")}),
    ("{{{a}}", {"a": "<"}),
    ("no tags at all", {"unused": 1}),
    ("", {}),
]


@pytest.mark.parametrize(("template", "values"), CASES)
def test_fills_in_as_langchain(template: str, values: dict[str, Any]) -> None:
    assert mustache.render(template, values) == lc_mustache.render(template, values)


@pytest.mark.parametrize(("template", "values"), CASES)
def test_reads_the_variables_langchain_reads(template: str, values: dict[str, Any]) -> None:
    assert mustache.top_level_variables(template) == mustache_template_vars(template)


@pytest.mark.parametrize(
    "template", ["{{a", "{{#a}}x", "{{/a}}", "{{#a}}{{/b}}", "{{}}", "{{  }}", "{{=<% %>}}"]
)
def test_refuses_what_langchain_refuses(template: str) -> None:
    with pytest.raises(lc_mustache.ChevronError):
        lc_mustache.render(template, {})
    with pytest.raises(SyntaxError):
        mustache.render(template, {})


LAMBDAS: list[tuple[str, dict[str, Any]]] = [
    ("{{#up}}hi {{name}}{{/up}}", {"up": lambda text, render: render(text).upper(), "name": "b"}),
    ("{{#up}}hi {{name}}{{/up}}", {"up": lambda text, render: text.upper(), "name": "b"}),
    (
        "{{#wrap}}{{! c }}{{{raw}}} {{&raw}} {{#xs}}{{.}}{{/xs}}{{^no}}-{{/no}}{{> p}}{{/wrap}}",
        {"wrap": lambda text, render: f"<{text}>[{render(text)}]", "raw": "<i>", "xs": [1, 2]},
    ),
    ("{{#w}}{{n}}{{/w}}", {"w": lambda text, render: render(text, {"n": "given"}), "n": "outer"}),
    ("{{#w}}{{n}}{{/w}}", {"w": lambda text, render: render("[" + text + "]"), "n": "x"}),
    ("{{#items}}{{#b}}{{.}}{{/b}},{{/items}}", {"items": [1, 2], "b": lambda t, r: r(t) * 2}),
    ("{{=<% %>=}}<%#w%>in <%n%><%/w%>", {"w": lambda text, render: text, "n": 1}),
    ("{{#d}}{{#w}}{{k}}{{/w}}{{/d}}", {"d": {"k": "inner"}, "w": lambda t, r: r(t) + "!"}),
]


@pytest.mark.parametrize(("template", "values"), LAMBDAS)
def test_a_lambda_section_is_called_as_langchain_calls_it(
    template: str, values: dict[str, Any]
) -> None:
    """A callable as a section gets the section's text (its tags written back) and a
    `render` over the section's scopes."""
    assert mustache.render(template, values) == lc_mustache.render(template, values)


def test_the_schema_tree_nests_sections_and_dotted_names() -> None:
    tree = mustache.schema_tree("{{a}} {{b.c}} {{#l}}{{x}}{{/l}} {{#e}}{{/e}} {{a.d}}")
    assert tree == {"a": {"d": ""}, "b": {"c": ""}, "l": {"x": ""}, "e": {}}
