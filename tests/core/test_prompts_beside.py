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
