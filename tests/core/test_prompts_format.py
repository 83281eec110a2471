"""LangChain's formatting methods on chat prompts, and nested templates as parts."""

from __future__ import annotations

import asyncio

from chatplex.core import ChatPromptTemplate
from chatplex.core import MessagesPlaceholder
from chatplex.messages import HumanMessage


def _prompt() -> ChatPromptTemplate:
    return ChatPromptTemplate.from_messages(
        [("system", "You are {role}."), MessagesPlaceholder("history"), ("human", "{q}")]
    )


def test_format_messages_prompt_and_text() -> None:
    prompt = _prompt()
    kw = {"role": "kind", "history": [HumanMessage("before")], "q": "why?"}
    assert [m.text for m in prompt.format_messages(**kw)] == ["You are kind.", "before", "why?"]
    assert prompt.format_prompt(**kw).to_messages() == prompt.invoke(kw).to_messages()
    assert prompt.format(**kw) == "System: You are kind.\nHuman: before\nHuman: why?"
    assert asyncio.run(prompt.aformat(**kw)) == prompt.format(**kw)
    assert len(asyncio.run(prompt.aformat_messages(**kw))) == 3


def test_a_chat_prompt_nests_in_another() -> None:
    inner = ChatPromptTemplate.from_messages([("human", "{a}"), ("ai", "ok")])
    outer = ChatPromptTemplate.from_messages([("system", "s"), inner, ("human", "{b}")])
    assert outer.input_variables == ["a", "b"]
    assert [m.type for m in outer.invoke({"a": 1, "b": 2}).to_messages()] == [
        "system",
        "human",
        "ai",
        "human",
    ]
