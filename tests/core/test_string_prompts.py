from __future__ import annotations

import asyncio

import pytest

from chatplex.chat import FakeChatModel
from chatplex.core import PromptTemplate
from chatplex.core import StringPromptValue


def test_from_template_format_and_invoke() -> None:
    prompt = PromptTemplate.from_template("Translate {text} to {lang}.")
    assert prompt.input_variables == ["lang", "text"]  # sorted, as LangChain lists them
    assert prompt.format(text="hi", lang="French") == "Translate hi to French."
    value = prompt.invoke({"text": "hi", "lang": "German"})
    assert value == StringPromptValue("Translate hi to German.")
    assert [m.type for m in value.to_messages()] == ["human"]
    assert (
        asyncio.run(prompt.ainvoke({"text": "a", "lang": "b"})).to_string() == "Translate a to b."
    )


def test_one_variable_takes_a_bare_value_and_partials_fill_in() -> None:
    prompt = PromptTemplate.from_template("{a} and {b}")
    assert prompt.partial(b="B").invoke("A").to_string() == "A and B"
    assert prompt.partial(b=lambda: "now").format(a="x") == "x and now"


def test_constructor_form_add_and_errors() -> None:
    legacy = PromptTemplate(input_variables=["a"], template="A={a}")
    assert (legacy + " B").format(a=1) == "A=1 B"
    assert (legacy + PromptTemplate.from_template(" {c}")).input_variables == ["a", "c"]
    with pytest.raises(ValueError, match="not among input_variables"):
        PromptTemplate(input_variables=["a"], template="{b}", validate_template=True)
    with pytest.raises(ValueError, match="Invalid template format 'jinja'"):
        PromptTemplate.from_template("{{ a }}", template_format="jinja")
    with pytest.raises(KeyError, match="missing variable"):
        PromptTemplate.from_template("{a}{b}").invoke({"a": 1})


def test_a_chat_model_takes_the_value() -> None:
    chain = PromptTemplate.from_template("say {x}") | FakeChatModel(responses=["ok"])
    assert chain.invoke({"x": "hi"}).text == "ok"
