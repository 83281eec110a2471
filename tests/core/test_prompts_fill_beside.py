"""Chat prompts filled in beside langchain-core's: optional placeholders, partial
variables, templates inside content blocks, and the error a missing variable raises."""

from __future__ import annotations

from typing import Any

import pytest

import chatplex
from tests.core._families import langchain
from tests.core._families import same

pytest.importorskip("langchain_core")


def _messages(value: Any) -> list[Any]:
    return [(type(m).__name__, m.content) for m in value.to_messages()]


def test_an_optional_placeholder_may_be_left_out() -> None:
    def scenario(m: Any) -> Any:
        prompt = m.ChatPromptTemplate.from_messages(
            [
                ("system", "s {a}"),
                m.MessagesPlaceholder("history", optional=True),
                ("placeholder", "{more}"),
                ("human", "{q}"),
            ]
        )
        return (
            prompt.input_variables,
            sorted(prompt.optional_variables),
            _messages(prompt.invoke({"a": 1, "q": "x"})),
            _messages(prompt.invoke({"a": 1, "q": "x", "history": [("ai", "before")]})),
        )

    assert same(scenario)[2] == [("SystemMessage", "s 1"), ("HumanMessage", "x")]


def test_partial_variables_fill_in_and_leave_the_inputs() -> None:
    def scenario(m: Any) -> Any:
        prompt = m.ChatPromptTemplate.from_messages([("system", "{a} {b}"), ("human", "{q}")])
        partial = prompt.partial(a="A", b=lambda: "B")
        text = m.PromptTemplate(
            template="{a}{b}", input_variables=["b"], partial_variables={"a": "x"}
        )
        return (
            partial.input_variables,
            _messages(partial.invoke({"q": 1})),
            text.invoke({"b": 1}).to_string(),
        )

    assert same(scenario)[1] == [("SystemMessage", "A B"), ("HumanMessage", "1")]


@pytest.mark.parametrize(
    "image",
    [{"url": "{img}"}, {"url": "{img}", "detail": "high"}, "{img}", {"url": "data:,{img}"}],
    ids=["dict", "detail", "string", "data-url"],
)
def test_variables_in_text_and_image_blocks_are_filled_in(image: Any) -> None:
    def scenario(m: Any) -> Any:
        prompt = m.ChatPromptTemplate.from_messages(
            [
                ("system", [{"type": "text", "text": "sys {what}"}]),
                (
                    "human",
                    [
                        {"type": "text", "text": "Describe {what}"},
                        {"type": "image_url", "image_url": image},
                    ],
                ),
            ]
        )
        return sorted(prompt.input_variables), _messages(
            prompt.invoke({"what": "a cat", "img": "u"})
        )

    assert same(scenario)[0] == ["img", "what"]


def test_an_image_variable_named_url_is_filled_in_where_langchain_refuses() -> None:
    """Kept difference: langchain-core refuses a template whose image variable is named
    `url`, `path` or `detail` (ValueError when the prompt is made); chatplex fills it in."""
    blocks = [
        {"type": "text", "text": "Describe"},
        {"type": "image_url", "image_url": {"url": "{url}"}},
    ]
    with pytest.raises(ValueError, match="cannot contain any of 'url'"):
        langchain().ChatPromptTemplate.from_messages([("human", blocks)])
    prompt = chatplex.ChatPromptTemplate.from_messages([("human", blocks)])
    assert prompt.invoke({"url": "u"}).to_messages()[0].content[1] == {
        "type": "image_url",
        "image_url": {"url": "u"},
    }


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.ChatPromptTemplate.from_messages([("human", "{q} {r}")]),
        lambda m: m.ChatPromptTemplate.from_messages(
            [m.MessagesPlaceholder("r"), ("human", "{q}")]
        ),
        lambda m: m.PromptTemplate.from_template("{q} {r}"),
    ],
    ids=["chat", "placeholder", "string"],
)
def test_a_missing_variable_raises_key_error(make: Any) -> None:
    def scenario(m: Any) -> Any:
        with pytest.raises(KeyError) as info:
            make(m).invoke({"q": 1})
        return [c.__name__ for c in type(info.value).__mro__]

    same(scenario)


def test_a_prompt_fills_one_variable_from_a_bare_value_only() -> None:
    def scenario(m: Any) -> Any:
        one = m.ChatPromptTemplate.from_messages([("human", "{q}")])
        with pytest.raises(TypeError):
            m.ChatPromptTemplate.from_messages([("human", "{q}{r}")]).invoke("hi")
        with pytest.raises(ValueError):
            m.ChatPromptTemplate.from_messages([m.MessagesPlaceholder("h")]).invoke({"h": "hi"})
        return _messages(one.invoke("hi")), _messages(one.invoke({"q": 1, "extra": 2}))

    same(scenario)


def test_an_optional_placeholder_given_none_is_left_out_where_langchain_refuses() -> None:
    """Kept difference: langchain-core raises ValueError for `None` given to an optional
    placeholder; chatplex reads it as left out, as a missing key is."""

    def make(m: Any) -> Any:
        return m.ChatPromptTemplate.from_messages(
            [m.MessagesPlaceholder("history", optional=True), ("human", "{q}")]
        )

    with pytest.raises(ValueError, match="list of base messages"):
        make(langchain()).invoke({"q": 1, "history": None})
    assert _messages(make(chatplex).invoke({"q": 1, "history": None})) == [("HumanMessage", "1")]
