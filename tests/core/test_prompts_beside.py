"""Prompt values beside langchain-core's: what a ported script prints of a filled-in
prompt (a callback printing a prompt's output, a `print(prompt.invoke(...))`) and how it
compares its messages."""

from __future__ import annotations

from typing import Any

from tests.core._families import same


def test_a_chat_prompt_value_prints_and_compares_as_langchains() -> None:
    def scenario(m: Any) -> Any:
        prompt = m.ChatPromptTemplate.from_messages([("system", "be {x}"), ("human", "hi")])
        value = prompt.invoke({"x": "brief"})
        return repr(value), str(value), value.messages == value.to_messages()

    same(scenario)


def test_a_string_prompt_value_prints_as_langchains() -> None:
    def scenario(m: Any) -> Any:
        value = m.PromptTemplate.from_template("say 'it' {x}").invoke({"x": 1})
        return repr(value), str(value), f"{[value]}"

    same(scenario)


def _templates(m: Any) -> list[Any]:
    return [
        m.PromptTemplate.from_template("{a} and {b}"),
        m.PromptTemplate.from_template("{{a}}", template_format="mustache"),
        m.PromptTemplate.from_template("hi {a} {b}").partial(b="B"),
        m.ChatPromptTemplate.from_messages([("system", "s {x}"), ("human", "{q}"), ("ai", "a")]),
        m.ChatPromptTemplate.from_messages([m.SystemMessage("fixed"), ("human", "{q}")]),
        m.ChatPromptTemplate.from_messages([("human", "{q}")]).partial(q="Q"),
        m.ChatPromptTemplate.from_messages([("human", [{"type": "text", "text": "{t}"}])]),
        m.ChatPromptTemplate.from_template("{q}").messages[0],
        m.MessagesPlaceholder("h"),
        m.MessagesPlaceholder("h", optional=True, n_messages=2),
    ]


def test_a_prompt_prints_as_langchains() -> None:
    # `print(prompt)` and its repr, as tutorials print them (a prompt with a placeholder
    # differs in `input_types`, which holds LangChain's message type annotation there).
    def scenario(m: Any) -> Any:
        return [(repr(t), str(t)) for t in _templates(m)]

    same(scenario)
