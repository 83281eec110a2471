"""Converse request bodies (`providers/bedrock/request.py`): a whole conversation with
tools, images and results, the inference config, extra fields (camelCase and LangChain's
snake_case), a call's model id, reasoning effort and cache points; every body accepted by
botocore's validation of the bedrock-runtime service model's Converse input. The turns,
tools and structured output have their own files (test_conversation.py,
test_tool_config.py, test_output_config.py)."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.bedrock.reasoning_effort import EffortRule
from chatplex.providers.bedrock.request import converse_body
from chatplex.providers.bedrock.request import converse_model

from ._converse_requests import PNG
from ._converse_requests import WEATHER
from ._converse_requests import botocore_accepts


def test_a_conversation_with_tools_images_and_results() -> None:
    messages = [
        SystemMessage("Be brief."),
        SystemMessage([{"type": "text", "text": "Use tools."}]),
        HumanMessage(
            [
                {"type": "text", "text": "Weather here?"},
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/jpeg", "data": PNG},
                },
                {"type": "image", "base64": PNG, "mime_type": "image/webp"},
            ]
        ),
        AIMessage(
            [
                {"type": "reasoning", "reasoning": "need tool", "signature": "sig"},
                {"type": "reasoning", "reasoning": "unsigned: not sent"},
                {"type": "text", "text": "Checking."},
            ],
            tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "tu-1"}],
        ),
        ToolMessage("18C", tool_call_id="tu-1"),
        ToolMessage("failed", tool_call_id="tu-2", status="error"),
        HumanMessage("Thanks"),
    ]
    settings = CallSettings(
        model="m",
        temperature=0.2,
        max_tokens=100,
        top_p=0.9,
        stop=("END",),
        tools=(WEATHER,),
        tool_choice="auto",
    )
    body = converse_body(messages, settings)
    assert body["system"] == [{"text": "Be brief."}, {"text": "Use tools."}]
    user, assistant, results = body["messages"]
    assert [b.get("text") for b in user["content"]] == ["Weather here?", None, None, None]
    assert [b["image"]["format"] for b in user["content"][1:]] == ["png", "jpeg", "webp"]
    assert user["content"][1]["image"]["source"] == {"bytes": PNG}
    assert assistant == {
        "role": "assistant",
        "content": [
            {"reasoningContent": {"reasoningText": {"text": "need tool", "signature": "sig"}}},
            {"text": "Checking."},
            {"toolUse": {"toolUseId": "tu-1", "name": "get_weather", "input": {"city": "Paris"}}},
        ],
    }
    # Tool results and the next user turn merge into one user turn (alternating roles).
    assert results["role"] == "user"
    assert results["content"] == [
        {"toolResult": {"toolUseId": "tu-1", "content": [{"text": "18C"}], "status": "success"}},
        {"toolResult": {"toolUseId": "tu-2", "content": [{"text": "failed"}], "status": "error"}},
        {"text": "Thanks"},
    ]
    assert body["inferenceConfig"] == {
        "maxTokens": 100,
        "temperature": 0.2,
        "topP": 0.9,
        "stopSequences": ["END"],
    }
    assert body["toolConfig"] == {
        "tools": [
            {
                "toolSpec": {
                    "name": "get_weather",
                    "description": "Weather of a city",
                    "inputSchema": {"json": WEATHER.parameters},
                }
            }
        ],
        "toolChoice": {"auto": {}},
    }
    botocore_accepts(body)
    botocore_accepts(body, "ConverseStream")


def test_extra_fields_in_either_spelling() -> None:
    extras = {
        "additional_model_request_fields": {"thinking": {"type": "enabled", "budget_tokens": 1024}},
        "top_k": 5,  # a model field: into additionalModelRequestFields, as langchain-aws does
        "guardrail_config": {
            "guardrailIdentifier": "g-1",
            "guardrailVersion": "1",
            "trace": "enabled",
        },
        "performanceConfig": {"latency": "optimized"},
        "request_metadata": {"team": "a"},
        "service_tier": "flex",
        "additional_model_response_field_paths": ["/stop_sequence"],
        "inferenceConfig": {"maxTokens": 7},
        "system": ["Extra system prompt"],
    }
    body = converse_body(
        [SystemMessage("Own prompt"), HumanMessage("hi")],
        CallSettings(model="m", temperature=0.5, extra_body=extras),
    )
    assert body["additionalModelRequestFields"] == {
        "thinking": {"type": "enabled", "budget_tokens": 1024},
        "top_k": 5,
    }
    assert body["guardrailConfig"]["guardrailIdentifier"] == "g-1"
    assert body["performanceConfig"] == {"latency": "optimized"}
    assert body["requestMetadata"] == {"team": "a"}
    assert body["serviceTier"] == {"type": "flex"}
    assert body["additionalModelResponseFieldPaths"] == ["/stop_sequence"]
    assert body["inferenceConfig"] == {"temperature": 0.5, "maxTokens": 7}
    assert body["system"] == [{"text": "Extra system prompt"}, {"text": "Own prompt"}]
    botocore_accepts(body)


def test_a_calls_model_id_is_the_urls_model_not_a_body_field() -> None:
    # langchain-aws sends `model_id=` per call as Converse's `modelId` (None: its own).
    for name in ("model_id", "modelId"):
        settings = CallSettings(model="m", extra_body={name: "other"})
        assert converse_model(settings) == "other"
        assert "additionalModelRequestFields" not in converse_body([HumanMessage("hi")], settings)
    assert converse_model(CallSettings(model="m", extra_body={"model_id": None})) == "m"
    assert converse_model(CallSettings(model="m")) == "m"


def test_camel_case_inference_keywords_go_in_inference_config() -> None:
    # As langchain-aws's _converse_params takes them, in its order; None keeps the own.
    settings = CallSettings(model="m", max_tokens=50, extra_body={"topP": 0.5, "maxTokens": 7})
    body = converse_body([HumanMessage("hi")], settings)
    assert list(body["inferenceConfig"].items()) == [("maxTokens", 7), ("topP", 0.5)]
    assert "additionalModelRequestFields" not in body
    kept = CallSettings(model="m", max_tokens=50, extra_body={"maxTokens": None})
    assert converse_body([HumanMessage("hi")], kept)["inferenceConfig"] == {"maxTokens": 50}


def test_a_none_reasoning_effort_is_not_sent() -> None:
    body = converse_body(
        [HumanMessage("hi")], CallSettings(model="m", extra_body={"reasoning_effort": None})
    )
    assert "additionalModelRequestFields" not in body


def test_a_calls_reasoning_effort_goes_by_the_models_rule() -> None:
    """With a ChatBedrockConverse's rule, a call's effort becomes its fields: over the
    model's request fields (camelCase), under the call's own (snake_case), as
    langchain-aws merges them; without one (chatplex's own models) it goes as it is."""
    rule = EffortRule(("low", "high"), "anthropic.claude-opus-4-7")
    model_fields = {"thinking": {"type": "enabled"}, "top_k": 5}
    extras = {"additionalModelRequestFields": model_fields, "reasoning_effort": "high"}

    def sent(extra: dict[str, Any], effort_rule: EffortRule | None = rule) -> Any:
        settings = CallSettings(model="m", extra_body=extra)
        body = converse_body([HumanMessage("hi")], settings, None, effort_rule)
        return body.get("additionalModelRequestFields")

    assert sent(extras) == {
        "thinking": {"type": "adaptive"},
        "top_k": 5,
        "output_config": {"effort": "high"},
    }
    call_fields = {"output_config": {"effort": "low"}, "top_k": 1}
    assert sent({**extras, "additional_model_request_fields": call_fields}) == {
        "thinking": {"type": "adaptive"},
        "top_k": 1,
        "output_config": {"effort": "low"},
    }
    assert sent(extras, None) == {**model_fields, "reasoning_effort": "high"}
    with pytest.raises(ValueError, match="Valid values: \\['low', 'high'\\]"):
        sent({"reasoning_effort": "max"})
    with pytest.warns(UserWarning, match="not supported for model m; ignoring"):
        assert sent({"reasoning_effort": "low"}, EffortRule((), "m")) is None


def test_high_reasoning_sends_no_max_tokens_as_langchain_aws() -> None:
    """Nova 2's reasoning enabled at "high" in the call's request fields (its effort's
    too), else in the model's: no `maxTokens`, as langchain-aws sends it; a call's own
    `inferenceConfig`, or fields of the call without it, keep it."""
    high = {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "high"}}
    rule = EffortRule(("low", "high"), "amazon.nova-2-lite-v1:0")

    def inference(extra: dict[str, Any]) -> Any:
        settings = CallSettings(model="m", max_tokens=100, temperature=0.5, extra_body=extra)
        return converse_body([HumanMessage("hi")], settings, None, rule)["inferenceConfig"]

    assert inference({"additionalModelRequestFields": high}) == {"temperature": 0.5}
    assert inference({"reasoning_effort": "high", "maxTokens": 9}) == {"temperature": 0.5}
    kept = {"maxTokens": 100, "temperature": 0.5}
    assert inference({"reasoning_effort": "low"}) == kept
    call = {"additionalModelRequestFields": high, "additional_model_request_fields": {"k": 1}}
    assert inference(call) == kept
    given = {"reasoning_effort": "high", "inferenceConfig": {"maxTokens": 7}}
    assert inference(given)["maxTokens"] == 7


def test_cache_control_places_cache_points_by_the_models_own_base_model() -> None:
    """A call's `cache_control` is no body field: its cache points follow the base model
    (an inference profile's `base_model_id`), Nova's without a ttl or a tools point."""
    settings = CallSettings(
        model="arn:aws:bedrock:us-east-1:1:application-inference-profile/p",
        tools=(WEATHER,),
        extra_body={"cache_control": {"type": "ephemeral", "ttl": "1h"}},
    )
    messages = [SystemMessage("Be brief."), HumanMessage("Hi")]
    nova = converse_body(messages, settings, "amazon.nova-pro-v1:0")
    claude = converse_body(messages, settings, "anthropic.claude-sonnet-4-v1:0")
    assert nova["system"][-1] == {"cachePoint": {"type": "default"}}
    assert nova["toolConfig"]["tools"][-1] != {"cachePoint": {"type": "default"}}
    assert claude["toolConfig"]["tools"][-1] == {"cachePoint": {"type": "default", "ttl": "1h"}}
    assert "additionalModelRequestFields" not in nova and "cache_control" not in claude


def test_a_choice_beside_a_bound_empty_tool_list_is_dropped_as_langchain_aws_drops_it() -> None:
    # A drop-in's bind_tools([], tool_choice="any") (`Adapter.keeps_choice_without_tools`):
    # no toolConfig, as langchain-aws sends it; a choice bound without a tool list still
    # fails before sending.
    from chatplex.providers.bedrock.adapter import BedrockAdapter

    assert BedrockAdapter.keeps_choice_without_tools
    hi = [HumanMessage("hi")]
    for choice in ("any", "required"):
        body = converse_body(hi, CallSettings("m", tool_choice=choice, tool_list_bound=True))
        assert "toolConfig" not in body and body["messages"]
        with pytest.raises(ValueError, match="needs tools"):
            converse_body(hi, CallSettings("m", tool_choice=choice))
