"""Inputs and outputs serialized as LangChain's tracer sends them."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex import (
    AIMessage,
    AIMessageChunk,
    ChatPromptTemplate,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from chatplex.chat.callbacks import chat_result
from chatplex.core.string_prompts import PromptTemplate
from chatplex.tracing.serialize import (
    chain_inputs,
    chain_outputs,
    dumpd,
    jsonable,
    llm_result,
    usage_of,
)

USAGE = {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}


def reply() -> AIMessage:
    return AIMessage(
        "pong",
        usage_metadata=USAGE,  # type: ignore[arg-type]
        response_metadata={"model_provider": "openai", "model_name": "m", "finish_reason": "stop"},
    )


@pytest.mark.parametrize(
    "message",
    [
        HumanMessage("hi"),
        HumanMessage("hi", name="bob", id="h1"),
        SystemMessage("be brief"),
        ToolMessage("42", tool_call_id="call_1"),
        AIMessageChunk("par"),
        AIMessage(
            "",
            id="a1",
            tool_calls=[{"name": "f", "args": {"x": 1}, "id": "call_1", "type": "tool_call"}],
        ),
        reply(),
    ],
    ids=lambda m: type(m).__name__,
)
def test_messages_dump_as_langchains_do(message: Any) -> None:
    """Built without LangChain, equal to LangChain's own `to_json()` of the same message
    (chatplex's `to_json` converts through langchain-core)."""
    pytest.importorskip("langchain_core")
    assert dumpd(message) == message.to_json()


def test_prompt_values_and_messages_as_langsmith_shows_them() -> None:
    value = ChatPromptTemplate.from_messages([("human", "{q}")]).invoke({"q": "x"})
    assert jsonable(value) == {
        "messages": [
            {"content": "x", "additional_kwargs": {}, "response_metadata": {}, "type": "human"}
        ]
    }
    assert jsonable(PromptTemplate.from_template("a {q}").invoke({"q": "b"})) == {"text": "a b"}


def test_chain_inputs_and_outputs_wrap_non_dicts() -> None:
    assert chain_inputs({"q": 1}) == {"q": 1}
    assert chain_inputs("hi") == {"input": "hi"}
    assert chain_outputs(["a", ("b",)]) == {"output": ["a", ["b"]]}
    assert chain_outputs({"k": HumanMessage("x")})["k"]["content"] == "x"
    assert jsonable(ValueError("no")) == "ValueError('no')"


def test_an_llm_result_and_its_usage() -> None:
    out = llm_result(chat_result(reply()))
    assert out["type"] == "LLMResult" and out["run"] is None
    (generation,) = out["generations"][0]
    assert generation["text"] == "pong" and generation["type"] == "ChatGeneration"
    assert generation["message"]["id"][-1] == "AIMessage"
    assert generation["message"]["kwargs"]["usage_metadata"] == USAGE
    assert generation["generation_info"]["finish_reason"] == "stop"
    assert usage_of(chat_result(reply())) == USAGE
    assert usage_of(chat_result(AIMessage("no usage"))) is None
