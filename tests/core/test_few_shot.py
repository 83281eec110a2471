from __future__ import annotations

from typing import Any

import pytest

from chatplex.core import ChatPromptTemplate
from chatplex.core import FewShotChatMessagePromptTemplate

EXAMPLE = ChatPromptTemplate.from_messages([("human", "{input}"), ("ai", "{output}")])


def test_examples_become_turns_inside_a_chat_prompt() -> None:
    few = FewShotChatMessagePromptTemplate(
        example_prompt=EXAMPLE,
        examples=[
            {"input": "1+1", "output": "2", "extra": "ignored"},
            {"input": "2+2", "output": "4"},
        ],
    )
    assert few.format() == "Human: 1+1\nAI: 2\nHuman: 2+2\nAI: 4"
    assert [m.text for m in few.invoke({}).to_messages()] == ["1+1", "2", "2+2", "4"]
    final = ChatPromptTemplate.from_messages([("system", "Math."), few, ("human", "{input}")])
    messages = final.invoke({"input": "3+3"}).to_messages()
    assert [m.type for m in messages] == ["system", "human", "ai", "human", "ai", "human"]
    assert final.input_variables == ["input"]


def test_an_example_selector_chooses_per_call() -> None:
    class Shortest:
        def select_examples(self, values: dict[str, Any]) -> list[dict[str, str]]:
            return [{"input": values["input"][:1], "output": "x"}]

    few = FewShotChatMessagePromptTemplate(
        example_prompt=EXAMPLE, example_selector=Shortest(), input_variables=["input"]
    )
    assert few.format(input="abc") == "Human: a\nAI: x"


def test_bad_setups_are_refused() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        FewShotChatMessagePromptTemplate(example_prompt=EXAMPLE)
    with pytest.raises(TypeError, match="chat prompt template"):
        FewShotChatMessagePromptTemplate(example_prompt="{x}", examples=[])
    few = FewShotChatMessagePromptTemplate(example_prompt=EXAMPLE, examples=[{"input": "a"}])
    with pytest.raises(KeyError, match="lacks"):
        few.format()


async def test_the_async_formatting_methods_are_langchains_too() -> None:
    # LangChain's few-shot template is a BaseChatPromptTemplate: aformat_prompt and
    # aformat come with it, as they do with chatplex's chat prompts.
    from langchain_core.prompts import FewShotChatMessagePromptTemplate as LCFewShot

    few = FewShotChatMessagePromptTemplate(
        example_prompt=EXAMPLE, examples=[{"input": "1+1", "output": "2"}]
    )
    for name in ("aformat_messages", "aformat_prompt", "aformat"):
        assert callable(getattr(LCFewShot, name))
    assert await few.aformat() == "Human: 1+1\nAI: 2"
    value = await few.aformat_prompt()
    assert [m.text for m in value.to_messages()] == ["1+1", "2"]
    assert [m.text for m in await few.aformat_messages()] == ["1+1", "2"]
