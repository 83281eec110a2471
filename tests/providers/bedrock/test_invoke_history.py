"""`with_thinking`: an assistant turn's thinking as langchain-aws's ChatBedrock sends it
back on InvokeModel (a Bedrock v1 reply's signed reasoning, a string reply's
`additional_kwargs["thinking"]`); every other message as it is."""

from __future__ import annotations

import doctest

from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.providers.bedrock import invoke_history
from chatplex.providers.bedrock.invoke_history import with_thinking

V1_BEDROCK = {"output_version": "v1", "model_provider": "bedrock"}
SIGNED = {"type": "reasoning", "reasoning": "Add.", "extras": {"signature": "s"}}
UNSIGNED = {"type": "reasoning", "reasoning": "Add."}
CALL = {"type": "tool_call", "name": "add", "args": {}, "id": "t1"}


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(invoke_history).failed == 0


def test_a_bedrock_v1_replys_signed_reasoning_goes_back_as_thinking() -> None:
    said = AIMessage([SIGNED, UNSIGNED, CALL], response_metadata=V1_BEDROCK)
    thinking = {"thinking": "Add.", "type": "thinking", "signature": "s"}
    assert with_thinking(said).content == [thinking, UNSIGNED, CALL]
    assert said.content == [SIGNED, UNSIGNED, CALL]  # (a copy: the history is the script's)


def test_reasoning_of_another_provider_or_output_version_is_left_as_it_is() -> None:
    for metadata in ({"model_provider": "bedrock"}, {**V1_BEDROCK, "model_provider": "openai"}):
        said = AIMessage([SIGNED, CALL], response_metadata=metadata)
        assert with_thinking(said) is said


def test_a_string_replys_kept_thinking_goes_first() -> None:
    kept = {"thinking": {"text": "Add.", "signature": "s"}}
    block = {"type": "thinking", "thinking": "Add.", "signature": "s"}
    assert with_thinking(AIMessage("", additional_kwargs=kept)).content == [block]
    for partial in ({"thinking": {"text": "Add."}}, {"thinking": {}}, {}):
        said = AIMessage("Three.", additional_kwargs=partial)
        assert with_thinking(said) is said
    human = HumanMessage("Hi")
    assert with_thinking(human) is human
