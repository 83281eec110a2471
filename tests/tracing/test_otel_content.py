"""otel_content: messages in the GenAI conventions' content shapes (no OpenTelemetry
needed): roles and parts, tool calls and results, system instructions apart where the
provider takes them apart, and the output message's finish reason."""

from __future__ import annotations

import pytest

from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.specs import specs
from chatplex.tracing.otel_content import input_content
from chatplex.tracing.otel_content import output_message
from chatplex.tracing.otel_content import own_stop_word

HISTORY = [
    SystemMessage("Be brief."),
    HumanMessage("hi"),
    AIMessage("", tool_calls=[{"id": "c1", "name": "f", "args": {"a": 1}}]),
    ToolMessage([{"type": "text", "text": "done"}], tool_call_id="c1"),
]


def test_system_stays_among_the_messages_where_the_api_keeps_it_there() -> None:
    system, messages = input_content(HISTORY, "openai")
    assert system == []
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "tool"]
    assert messages[2]["parts"] == [
        {"type": "tool_call", "id": "c1", "name": "f", "arguments": {"a": 1}}
    ]
    # A tool result's content blocks: their text is the response.
    assert messages[3]["parts"] == [{"type": "tool_call_response", "id": "c1", "response": "done"}]


#: The providers whose APIs take system instructions apart, as their specs declare.
SEPARATE = sorted(name for name, declared in specs().items() if declared.separate_system)


def test_the_apis_that_take_system_apart_are_declared() -> None:
    assert {"anthropic", "google_genai", "google_vertexai", "bedrock_converse"} <= set(SEPARATE)
    assert "openai" not in SEPARATE and "cohere" not in SEPARATE


@pytest.mark.parametrize("provider", SEPARATE)
def test_system_instructions_apart_where_the_api_takes_them_apart(provider: str) -> None:
    system, messages = input_content(HISTORY, provider)
    assert system == [{"type": "text", "content": "Be brief."}]
    assert [m["role"] for m in messages] == ["user", "assistant", "tool"]


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"finish_reason": "stop", "raw_finish_reason": "end_turn"}, "stop"),
        ({"finish_reason": "length", "raw_finish_reason": "MAX_TOKENS"}, "length"),
        ({"finish_reason": "content_filter", "raw_finish_reason": "SAFETY"}, "content_filter"),
        ({"finish_reason": "tool_calls"}, "tool_call"),
        ({"finish_reason": "pause_turn", "raw_finish_reason": "pause_turn"}, "pause_turn"),
        # A drop-in's reply: the partner's own key only (a max_tokens stop stays one).
        ({"stop_reason": "max_tokens", "model_provider": "anthropic"}, "max_tokens"),
        ({"done_reason": "length", "model_provider": "ollama"}, "length"),
        ({"stopReason": "max_tokens", "model_provider": "bedrock_converse"}, "max_tokens"),
        ({}, "stop"),
    ],
)
def test_the_output_message_says_why_the_model_stopped(
    metadata: dict[str, str], expected: str
) -> None:
    out = output_message(AIMessage("ok", response_metadata=metadata))
    assert out == {
        "role": "assistant",
        "parts": [{"type": "text", "content": "ok"}],
        "finish_reason": expected,
    }


def test_the_partner_stop_keys_read_are_those_the_wires_declare() -> None:
    # `ProviderSpec.stop_word_key`: each wire names its partner's key; no other is read.
    declared = {s.stop_word_key for s in specs().values() if s.stop_word_key}
    assert declared == {"stop_reason", "done_reason", "stopReason"}
    for key in declared:
        assert own_stop_word({key: "max_tokens"}) == "max_tokens"
    assert own_stop_word({"status": "incomplete", "reason": "x"}) is None


def test_a_reply_calling_tools_stopped_for_them_whatever_the_provider_said() -> None:
    reply = AIMessage(
        "",
        tool_calls=[{"id": "c1", "name": "f", "args": {}}],
        response_metadata={"finish_reason": "stop", "raw_finish_reason": "STOP"},
    )
    assert output_message(reply)["finish_reason"] == "tool_call"


def test_a_streamed_reply_is_the_assistant() -> None:
    assert output_message(AIMessageChunk("x"))["role"] == "assistant"
