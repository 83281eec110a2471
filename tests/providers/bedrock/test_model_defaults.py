"""`providers/bedrock/model_defaults.py`: what `ChatBedrockConverse` infers from the
model id (`provider`, `disable_streaming`, `supports_tool_choice_values`), compared with
the installed langchain-aws's class over plain ids, cross-region profiles, ARNs and
application inference profiles."""

from __future__ import annotations

import logging
from typing import Any
from unittest.mock import MagicMock

import pytest

import chatplex
import chatplex.langchain
from chatplex.providers.bedrock.model_defaults import base_model
from chatplex.providers.bedrock.model_defaults import disable_streaming
from chatplex.providers.bedrock.model_defaults import provider_of
from chatplex.providers.bedrock.model_defaults import tool_choice_values

KEYS = {
    "aws_access_key_id": "AKIDEXAMPLE",
    "aws_secret_access_key": "s",
    "region_name": "us-east-1",
}
_ARN = "arn:aws:bedrock:us-east-1:123456789012"
_AIP = f"{_ARN}:application-inference-profile/a1b2c3"
_CLAUDE = "anthropic.claude-3-5-haiku-20241022-v1:0"
_THINKING = {"additional_model_request_fields": {"thinking": {"type": "enabled"}}}

#: (model id, other keywords): every family langchain-aws names, and every id form.
MODELS: list[tuple[str, dict[str, Any]]] = [
    *(
        (model, {})
        for model in (
            "anthropic.claude-3-5-haiku-20241022-v1:0",
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
            "anthropic.claude-opus-4-8-v1:0",
            "anthropic.claude-sonnet-5-5-v1:0",
            "anthropic.claude-v2:1",
            "anthropic.claude-instant-v1",
            "meta.llama3-1-70b-instruct-v1:0",
            "meta.llama3-2-11b-instruct-v1:0",
            "meta.llama3-2-1b-instruct-v1:0",
            "meta.llama3-70b-instruct-v1:0",
            "meta.llama4-scout-17b-instruct-v1:0",
            "mistral.mistral-large-2407-v1:0",
            "mistral.mistral-7b-instruct-v0:2",
            "amazon.nova-lite-v1:0",
            "amazon.nova-2-lite-v1:0",
            "amazon.nova-sonic-v1:0",
            "amazon.titan-text-express-v1",
            "cohere.command-r-plus-v1:0",
            "cohere.command-text-v14",
            "ai21.jamba-1-5-large-v1:0",
            "ai21.jamba-instruct-v1:0",
            "deepseek.r1-v1:0",
            "deepseek.v3-v1:0",
            "qwen.qwen3-32b-v1:0",
            "moonshot.kimi-k2-thinking",
            "xai.grok-4-v1:0",
            "zai.glm-4.7",
            "zai.glm-5.3",
            "openai.gpt-oss-120b-1:0",
            "openai.gpt-5-v1:0",
            "writer.palmyra-x5-v1:0",
            "twelvelabs.pegasus-1-2-v1:0",
            "us.meta.llama3-1-70b-instruct-v1:0",
            "eu.anthropic.claude-3-7-sonnet-20250219-v1:0",
            "apac.amazon.nova-pro-v1:0",
            "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "us-gov.meta.llama3-2-90b-instruct-v1:0",
            "jp.mistral.mistral-large-2407-v1:0",
        )
    ),
    ("anthropic.claude-3-7-sonnet-20250219-v1:0", _THINKING),
    ("us.anthropic.claude-opus-4-8-v1:0", _THINKING),
    ("deepseek.v3-v1:0", {"additional_model_request_fields": {"reasoning_effort": "high"}}),
    ("us.meta.llama3-1-70b-instruct-v1:0", {"disable_streaming": False}),
    ("anthropic.claude-3-5-haiku-20241022-v1:0", {"supports_tool_choice_values": ["auto"]}),
    (f"{_ARN}::foundation-model/meta.llama3-1-70b-instruct-v1:0", {"provider": "meta"}),
    (f"{_ARN}:provisioned-model/p1", {"provider": "anthropic"}),
    (
        f"{_ARN}:provisioned-model/p1",
        {"provider": "anthropic", "base_model_id": "anthropic.claude-3-5-haiku-20241022-v1:0"},
    ),
    (_AIP, {"provider": "meta", "base_model_id": "meta.llama3-1-70b-instruct-v1:0"}),
    (_AIP, {"provider": "meta", "base_model": "us.meta.llama3-1-70b-instruct-v1:0"}),
    (
        _AIP,
        {
            "provider": "anthropic",
            "base_model_id": "anthropic.claude-3-5-haiku-20241022-v1:0",
            "disable_streaming": True,
        },
    ),
    (
        _AIP,
        {
            "provider": "meta",
            "base_model_id": "meta.llama3-1-70b-instruct-v1:0",
            "disable_streaming": False,
        },
    ),
    (_AIP, {"provider": "twelvelabs", "base_model_id": "twelvelabs.pegasus-1-2-v1:0"}),
]


def _defaults(model: Any) -> tuple[Any, ...]:
    return (model.provider, model.disable_streaming, tuple(model.supports_tool_choice_values))


def _built(cls: Any, model: str, kwargs: dict[str, Any], caplog: Any) -> tuple[Any, ...]:
    """The model's defaults and the warnings logged while building it."""
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        built = cls(model=model, **KEYS, **kwargs)
    return (*_defaults(built), [r.getMessage() for r in caplog.records])


@pytest.mark.parametrize(("model", "kwargs"), MODELS)
def test_the_defaults_are_langchain_aws_s(model: str, kwargs: dict[str, Any], caplog: Any) -> None:
    aws = pytest.importorskip("langchain_aws")
    ours = _built(chatplex.langchain.ChatBedrockConverse, model, kwargs, caplog)
    # Its clients stubbed: an application profile's base model is given, none is looked up.
    theirs = _built(
        aws.ChatBedrockConverse, model, {**kwargs, "bedrock_client": MagicMock()}, caplog
    )
    assert ours == theirs


def test_the_partner_compared_is_not_trivially_equal() -> None:
    """The defaults differ by model, so the comparison above can fail."""
    assert disable_streaming("meta", "meta.llama3-1-70b-instruct-v1:0") == "tool_calling"
    assert disable_streaming("anthropic", "anthropic.claude-3-5-haiku") is False
    assert disable_streaming("twelvelabs", "twelvelabs.pegasus-1-2-v1:0") is True
    assert disable_streaming("cohere", "cohere.command-r-v1:0") is False
    assert disable_streaming("cohere", "cohere.command-text-v14") == "tool_calling"


def test_ids_read_as_langchain_aws_reads_them() -> None:
    assert provider_of("us-gov.meta.llama3-2-90b") == "meta"
    assert provider_of("zai.glm-4.7") == "zai"  # not the part before the last dot
    assert provider_of("anthropic.claude-v2:1") == "anthropic"
    assert base_model("global.anthropic.claude-sonnet-4-5") == "anthropic.claude-sonnet-4-5"
    assert base_model("anthropic.claude-sonnet-4-5") == "anthropic.claude-sonnet-4-5"


def test_thinking_takes_the_forced_tool_away() -> None:
    claude = "anthropic.claude-3-7-sonnet-20250219-v1:0"
    assert tool_choice_values(claude, {}) == ("auto", "any", "tool")
    assert tool_choice_values(claude, {"thinking": {"type": "adaptive"}}) == ("auto",)
    assert tool_choice_values(claude, {"thinking": "on"}) == ("auto", "any", "tool")
    assert tool_choice_values("deepseek.v3-v1:0", {"reasoning_effort": "LOW"}) == ("auto", "any")


def test_chat_bedrock_keeps_langchain_s_default() -> None:
    """langchain-aws's ChatBedrock (InvokeModel) sets no per-model `disable_streaming`."""
    llama: Any = chatplex.langchain.ChatBedrock(model="meta.llama3-1-70b-instruct-v1:0", **KEYS)
    assert llama.disable_streaming is False
    aws = pytest.importorskip("langchain_aws")
    theirs = aws.ChatBedrock(model="meta.llama3-1-70b-instruct-v1:0", **KEYS)
    assert theirs.disable_streaming is False


@pytest.mark.parametrize(
    ("model", "settings", "wire"),
    [
        ("us.amazon.nova-lite-v1:0", {}, "bedrock_converse"),  # Nova: Converse by default
        ("arn:aws:bedrock:x", {"base_model": "amazon.nova-pro-v1:0"}, "bedrock_converse"),
        ("us.amazon.nova-lite-v1:0", {"beta_use_converse_api": False}, "bedrock"),
        (_CLAUDE, {"beta_use_converse_api": True}, "bedrock_converse"),
        (_CLAUDE, {}, "bedrock"),
    ],
)
def test_chatplex_s_own_bedrock_speaks_the_api_chat_bedrock_speaks(
    model: str, settings: dict[str, Any], wire: str
) -> None:
    # As langchain-aws's ChatBedrock chooses (`converse_choice`, its spec's wire_choice);
    # the switch itself is never sent.
    built = chatplex.init_chat_model(f"bedrock:{model}", **KEYS, **settings)
    assert built.provider == wire
    if wire == "bedrock_converse":
        assert "beta_use_converse_api" not in str(built.build_request("hi").json)
