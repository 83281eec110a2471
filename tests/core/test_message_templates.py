"""Message prompt templates (`core/message_templates.py`): LangChain's
`SystemMessagePromptTemplate` / `HumanMessagePromptTemplate` / `AIMessagePromptTemplate`,
the parts of a chat prompt."""

from __future__ import annotations

import doctest
from typing import Any

import pytest

import chatplex
from chatplex import ChatPromptTemplate
from chatplex import HumanMessage
from chatplex import HumanMessagePromptTemplate
from chatplex import PromptTemplate
from chatplex import SystemMessagePromptTemplate
from chatplex.core import message_templates

PARTS = [("system", "You are {role}"), ("user", "{q} in {n} words"), ("assistant", "ok {q}")]


def _read(kit: Any) -> dict[str, Any]:
    """What a script reads of a chat prompt's message templates, on either library."""
    prompt = kit.ChatPromptTemplate.from_messages(
        [*PARTS, kit.HumanMessagePromptTemplate.from_template("more {q}")]
    )
    first = prompt.messages[0]
    read = {
        "classes": [type(m).__name__ for m in prompt.messages],
        "templates": [m.prompt.template for m in prompt.messages],
        "variables": [m.input_variables for m in prompt.messages],
        "prompt_variables": [m.prompt.input_variables for m in prompt.messages],
        "format": [(m.type, m.content) for m in [first.format(role="r")]],
        "format_messages": [(m.type, m.content) for m in first.format_messages(role="r")],
        "item": type(prompt[1]).__name__,
        "slice": [type(m).__name__ for m in prompt[1:3].messages],
        "len": len(prompt),
    }
    first.prompt.template = "You are {role}, always"  # a script's edit of a loaded prompt
    values = {"role": "r", "q": "why", "n": 3}
    read["edited"] = [(m.type, m.content) for m in prompt.format_messages(**values)]
    given = kit.SystemMessagePromptTemplate(prompt=kit.PromptTemplate.from_template("S {x}"))
    read["given"] = (given.prompt.template, given.format(x=1).content)
    return read


def test_a_chat_prompts_message_templates_read_as_langchains() -> None:
    # They were one private class with no `prompt`, `input_variables` or `format`, and
    # LangChain's names could not be imported from chatplex.
    lc_prompts = pytest.importorskip("langchain_core.prompts")
    ours = _read(chatplex)
    theirs = _read(lc_prompts)
    assert ours == theirs
    assert ours["classes"] == [
        "SystemMessagePromptTemplate",
        "HumanMessagePromptTemplate",
        "AIMessagePromptTemplate",
        "HumanMessagePromptTemplate",
    ]


def test_a_template_of_content_parts_fills_each_part() -> None:
    parts = [{"type": "text", "text": "look at {thing}"}, {"type": "text", "text": "{other}"}]
    template = HumanMessagePromptTemplate.from_template(parts)
    assert template.input_variables == ["other", "thing"]
    assert [p.template for p in template.prompt] == ["look at {thing}", "{other}"]
    filled = template.format(thing="this", other="that")
    assert filled == HumanMessage(
        [{"type": "text", "text": "look at this"}, {"type": "text", "text": "that"}]
    )


def test_templates_compare_by_class_role_and_content() -> None:
    assert HumanMessagePromptTemplate.from_template("{q}") == HumanMessagePromptTemplate(
        prompt=PromptTemplate("{q}")
    )
    assert HumanMessagePromptTemplate.from_template("{q}") != SystemMessagePromptTemplate(
        content="{q}"
    )
    prompt = ChatPromptTemplate.from_messages([("human", "{q}")])
    assert prompt.messages == [HumanMessagePromptTemplate.from_template("{q}")]


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: message_templates.MessagePromptTemplate(content="x"), TypeError),
        (lambda: HumanMessagePromptTemplate(prompt="a", content="b"), TypeError),
        (lambda: HumanMessagePromptTemplate(content=3), TypeError),
        (lambda: HumanMessagePromptTemplate.from_template("{{q}}", "handlebars"), ValueError),
    ],
)
def test_what_a_template_refuses(build: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        build()


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(message_templates)
    assert failures == 0 and tried > 0


def test_a_message_templates_additional_kwargs_are_its_messages_as_langchains() -> None:
    """`additional_kwargs=` (from_template's or the constructor's) are the filled
    message's, shown in the repr and compared, as in LangChain."""
    from tests.core._families import same

    def scenario(m: Any) -> Any:
        made = m.HumanMessagePromptTemplate.from_template("{x}", additional_kwargs={"k": 1})
        message = made.format(x="a")
        in_chat = m.ChatPromptTemplate.from_messages([made]).invoke({"x": "b"}).to_messages()
        return (
            (message.content, message.additional_kwargs),
            in_chat[0].additional_kwargs,
            repr(made),
            made == m.HumanMessagePromptTemplate.from_template("{x}"),
        )

    assert same(scenario)[:2] == (("a", {"k": 1}), {"k": 1})


def test_a_message_templates_partial_variables_are_filled_first_as_langchains() -> None:
    """`from_template(partial_variables=)`, or a `PromptTemplate` with partials given as
    its prompt: the partials (a function called at each fill) are filled in unless the
    call gives the variable, and are not the template's (nor its chat prompt's) inputs."""
    from tests.core._families import same

    def scenario(m: Any) -> Any:
        counted = iter(range(10))
        made = m.HumanMessagePromptTemplate.from_template(
            "{a} {b} {c}", partial_variables={"b": "B", "c": lambda: str(next(counted))}
        )
        given = m.AIMessagePromptTemplate(
            prompt=m.PromptTemplate.from_template("{a}{b}", partial_variables={"b": "!"})
        )
        chat = m.ChatPromptTemplate.from_messages([made, given])
        with pytest.raises(ValueError, match="not supported for list"):
            m.SystemMessagePromptTemplate.from_template(
                [{"type": "text", "text": "{a}"}], partial_variables={"a": "x"}
            )
        return (
            made.input_variables,
            made.format(a="A").content,
            made.format(a="A", b="X").content,
            given.input_variables,
            given.format(a="A").content,
            chat.input_variables,
            [m.content for m in chat.invoke({"a": "A"}).to_messages()],
            made == m.HumanMessagePromptTemplate.from_template("{a} {b} {c}"),
            repr(given),
        )

    assert same(scenario)[1:3] == ("A B 0", "A X 1")
