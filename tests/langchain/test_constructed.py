"""`constructed.py`: a reply's LangChain objects written directly are the objects
LangChain's own constructors and validation make."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.langchain.replies import chat_result
from chatplex.messages import AIMessage


def _as_held(model: Any) -> tuple[Any, ...]:
    """What a pydantic object holds: its fields in order with their types, the fields set,
    its extras and private attributes."""
    held = model.__dict__
    kinds = [(name, type(value)) for name, value in held.items()]
    return held, kinds, model.model_fields_set, model.__pydantic_extra__, model.__pydantic_private__


@pytest.mark.parametrize(
    "meta",
    [
        {"model_provider": "openai", "model_name": "gpt-4o-mini", "finish_reason": "stop"},
        {"model_provider": "anthropic", "model": "claude", "stop_reason": "end_turn"},
    ],
    ids=["chat_completions", "reply_fields"],
)
def test_a_text_reply_is_built_as_langchains_constructors_build_it(meta: dict[str, Any]) -> None:
    # The message, its generation and the result, built without LangChain's walks over
    # their fields: the same objects as its constructors (and validation) make.
    from langchain_core.messages import AIMessage as LCAIMessage
    from langchain_core.outputs import ChatGeneration
    from langchain_core.outputs import ChatResult

    usage = {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}
    reply = AIMessage(content="hi", response_metadata=meta, usage_metadata=usage, id="r-1")
    result = chat_result(reply, "m")
    message = result.generations[0].message
    fields = {name: getattr(message, name) for name in message.model_fields_set}
    assert _as_held(message) == _as_held(LCAIMessage.model_construct(**fields))
    for generation in result.generations:
        given = {k: getattr(generation, k) for k in generation.model_fields_set - {"text"}}
        made = ChatGeneration(**given)
        assert _as_held(generation) == _as_held(made)
    rebuilt = ChatResult(generations=result.generations, llm_output=result.llm_output)
    assert _as_held(result) == _as_held(rebuilt)
