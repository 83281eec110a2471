"""LangChain's mustache and jinja2 template formats in chatplex's prompts, compared with
langchain-core's prompts on the same templates: input variables, filled-in text and
messages, and what each refuses."""

import asyncio
import sys
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core import prompts as lc_prompts

from chatplex import core
from chatplex.core import template_formats

MUSTACHE = "Hi {{name}}{{#items}} - {{x}}{{/items}}{{^items}} none{{/items}} {{user.id}}"
JINJA2 = "Hi {{ name }}{% for i in items %} - {{ i.x }}{% endfor %} {{ user.id }}"
VALUES = {"name": "<Al>", "items": [{"x": 1}, {"x": 2}], "user": {"id": 7}}
FORMATS = [("mustache", MUSTACHE), ("jinja2", JINJA2)]


def _both(scenario: Callable[[Any], Any]) -> tuple[Any, Any]:
    return scenario(core), scenario(lc_prompts)


def _texts(value: Any) -> list[Any]:
    return [m.content for m in value.to_messages()]


@pytest.mark.parametrize(("fmt", "template"), FORMATS)
def test_a_prompt_template_as_langchains(fmt: str, template: str) -> None:
    def scenario(kit: Any) -> Any:
        prompt = kit.PromptTemplate.from_template(template, template_format=fmt)
        joined = prompt.partial(name="P") + " {{more}}"
        return (
            prompt.input_variables,
            prompt.format(**VALUES),
            prompt.invoke(VALUES).to_string(),
            prompt.invoke({**VALUES, "items": []}).to_string(),
            joined.input_variables,
            joined.invoke({**VALUES, "more": "<M>"}).to_string(),
        )

    ours, theirs = _both(scenario)
    assert ours == theirs
    assert ours[0] == ["items", "name", "user"]


@pytest.mark.parametrize(("fmt", "template"), FORMATS)
def test_a_chat_prompt_as_langchains(fmt: str, template: str) -> None:
    def scenario(kit: Any) -> Any:
        prompt = kit.ChatPromptTemplate.from_messages(
            [("system", "Be {{tone}}."), ("placeholder", "{history}"), ("human", template)],
            template_format=fmt,
        )
        single = kit.ChatPromptTemplate.from_template(template, template_format=fmt)
        message = kit.HumanMessagePromptTemplate.from_template(template, template_format=fmt)
        return (
            prompt.input_variables,
            prompt.optional_variables,
            _texts(prompt.invoke({**VALUES, "tone": "brief"})),
            single.input_variables,
            _texts(single.invoke(VALUES)),
            message.input_variables,
            message.format(**VALUES).content,
            message.prompt.template_format,
            message.prompt.input_variables,
        )

    ours, theirs = _both(scenario)
    assert ours == theirs
    assert ours[0] == ["items", "name", "tone", "user"]


@pytest.mark.parametrize("fmt", ["mustache", "jinja2"])
def test_content_parts_as_langchains(fmt: str) -> None:
    parts = [
        {"type": "text", "text": "Look: {{what}}"},
        {"type": "image_url", "image_url": "{{img}}"},
    ]

    def scenario(kit: Any) -> Any:
        prompt = kit.ChatPromptTemplate.from_messages([("human", parts)], template_format=fmt)
        return prompt.input_variables, _texts(prompt.invoke({"what": "this", "img": "http://i"}))

    ours, theirs = _both(scenario)
    assert ours == theirs
    assert ours[1] == [
        [
            {"type": "text", "text": "Look: this"},
            {"type": "image_url", "image_url": {"url": "http://i"}},
        ]
    ]


def test_a_dict_part_fills_by_mustache_and_is_refused_by_jinja2() -> None:
    parts = [{"type": "text", "text": "a"}, {"type": "data", "value": "{{b}}"}]

    def scenario(kit: Any) -> Any:
        prompt = kit.ChatPromptTemplate.from_messages(
            [("human", parts)], template_format="mustache"
        )
        return prompt.input_variables, _texts(prompt.invoke({"b": "B"}))

    assert (
        _both(scenario)
        == ((["b"], [[{"type": "text", "text": "a"}, {"type": "data", "value": "B"}]]),) * 2
    )
    for kit in (core, lc_prompts):
        with pytest.raises(ValueError, match="jinja2 is unsafe"):
            kit.ChatPromptTemplate.from_messages([("human", parts)], template_format="jinja2")


def test_formats_are_not_mixed() -> None:
    for kit in (core, lc_prompts):
        mustache = kit.PromptTemplate.from_template("{{a}}", template_format="mustache")
        with pytest.raises(ValueError, match="different formats"):
            mustache + kit.PromptTemplate.from_template("{b}")


def test_jinja2_is_sandboxed_as_langchains() -> None:
    def scenario(kit: Any) -> Any:
        template = "{{ ''.__class__ }}|{{ x.upper() }}"
        return kit.PromptTemplate.from_template(template, template_format="jinja2").format(x="a")

    assert _both(scenario) == ("|A", "|A")
    from jinja2.exceptions import SecurityError

    for kit in (core, lc_prompts):
        prompt = kit.PromptTemplate.from_template(
            "{{ x.__class__.__mro__ }}", template_format="jinja2"
        )
        with pytest.raises(SecurityError):
            prompt.format(x="a")


def test_a_missing_variable_is_a_key_error_in_every_format() -> None:
    for fmt, template in FORMATS:
        for kit in (core, lc_prompts):
            prompt = kit.PromptTemplate.from_template(template, template_format=fmt)
            with pytest.raises(KeyError, match="items"):
                prompt.invoke({"name": "n", "user": {}})


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="Invalid template format 'handlebars'"):
        core.ChatPromptTemplate.from_messages([("human", "{q}")], template_format="handlebars")
    with pytest.raises(ValueError, match="Invalid template format"):
        template_formats.fill("x", {}, "handlebars")


def test_jinja2_missing_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jinja2", None)
    monkeypatch.setitem(sys.modules, "jinja2.sandbox", None)
    template_formats._jinja2.cache_clear()  # (an environment built by an earlier test)
    for call in (
        lambda: template_formats.variables("{{ a }}", "jinja2"),
        lambda: template_formats.fill("{{ a }}", {"a": 1}, "jinja2"),
        lambda: core.PromptTemplate.from_template("{{ a }}", template_format="jinja2"),
    ):
        with pytest.raises(ImportError, match="pip install jinja2"):
            call()
    # mustache needs no package
    assert template_formats.fill("{{a}}", {"a": 1}, "mustache") == "1"


def test_f_string_is_unchanged() -> None:
    assert template_formats.variables("{b} {a} {b}") == ["b", "a", "b"]
    assert template_formats.fill("{a}", {"a": "<x>"}) == "<x>"


@pytest.mark.parametrize("html", [False, True])
@pytest.mark.parametrize(
    ("fmt", "template"),
    [("f-string", "{a} {{x}} {b}"), ("mustache", "{{a}} {{b.c}} {{#l}}{{x}}{{/l}}"), *FORMATS],
)
def test_pretty_repr_as_langchains(fmt: str, template: str, html: bool) -> None:
    def scenario(kit: Any) -> Any:
        chat = kit.ChatPromptTemplate.from_messages(
            [("system", "S"), ("human", template)], template_format=fmt
        )
        text = kit.PromptTemplate.from_template(template, template_format=fmt)
        partial = text.partial(**{text.input_variables[0]: "P"})
        return chat.pretty_repr(html=html), text.pretty_repr(html=html), partial.pretty_repr(html)

    ours, theirs = _both(scenario)
    assert ours == theirs


@pytest.mark.parametrize(
    "template",
    [
        MUSTACHE,
        "{{a}} {{b.c}} {{#l}}{{x}}{{/l}}",
        "{{#a.b}}{{c}}{{^d}}{{e.f}}{{/d}}{{/a.b}}{{a.g}}",
        "{{#empty}}{{/empty}}{{#dot}}{{.}}{{/dot}}{{x}}{{x.y}}",
    ],
)
def test_a_mustache_prompts_input_schema_as_langchains(template: str) -> None:
    def scenario(kit: Any) -> Any:
        prompt = kit.PromptTemplate.from_template(template, template_format="mustache")
        chat = kit.ChatPromptTemplate.from_template(template, template_format="mustache")
        schemas = (prompt.get_input_schema(), chat.get_input_schema())
        return [s.model_json_schema() for s in schemas]

    ours, theirs = _both(scenario)
    assert ours == theirs


def _image_parts(kit: Any) -> Any:
    part = {"type": "image_url", "image_url": {"url": "{{u}}", "detail": "{{d}}"}}
    prompt = kit.ChatPromptTemplate.from_messages([("human", [part])], template_format="mustache")
    # mustache escapes the URL's & as LangChain's does
    return prompt.input_variables, _texts(prompt.invoke({"u": "http://a?b&c", "d": "low"}))


def _mixed_formats(kit: Any) -> Any:
    system = kit.SystemMessagePromptTemplate.from_template("{{a}}", template_format="mustache")
    jinja = kit.AIMessagePromptTemplate.from_template("{{ c|upper }}", template_format="jinja2")
    prompt = kit.ChatPromptTemplate.from_messages([system, ("human", "{b}"), jinja])
    return prompt.input_variables, _texts(prompt.invoke({"a": "<A>", "b": "<B>", "c": "c"}))


def _jinja2_declared_names(kit: Any) -> Any:
    template = "{% set x = 1 %}{{ x }}{{ y|upper }}{% if z %}{{ w }}{% endif %}"
    prompt = kit.PromptTemplate.from_template(template, template_format="jinja2")
    return prompt.input_variables, prompt.format(y="y", z=True, w="w")


def _message_parts(kit: Any) -> Any:
    template = ["{{a}}", {"type": "text", "text": "{{b.c}}"}]
    message = kit.HumanMessagePromptTemplate.from_template(template, template_format="mustache")
    filled = message.format(a="", b={"c": "C"}).content
    return message.input_variables, [p.template_format for p in message.prompt], filled


def _partial_function(kit: Any) -> Any:
    partials = {"a": lambda: "F"}
    prompt = kit.PromptTemplate.from_template(
        "{{a}} {{b}}", template_format="mustache", partial_variables=partials
    )
    return (
        prompt.input_variables,
        prompt.format(b="B"),
        asyncio.run(prompt.ainvoke("B")).to_string(),
    )


@pytest.mark.parametrize(
    "scenario",
    [_image_parts, _mixed_formats, _jinja2_declared_names, _message_parts, _partial_function],
)
def test_more_scenarios_as_langchains(scenario: Callable[[Any], Any]) -> None:
    ours, theirs = _both(scenario)
    assert ours == theirs
