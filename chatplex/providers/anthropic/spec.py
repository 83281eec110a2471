"""Anthropic's provider name."""

from __future__ import annotations

from ...specs import ProviderSpec

SPECS = (
    ProviderSpec(
        "anthropic",
        "chatplex.providers.anthropic.adapter:AnthropicAdapter",
        langchain_class="ChatAnthropic",
        otel_name="anthropic",
        separate_system=True,  # `system`, apart from `messages`
        model_prefixes=("claude",),
        batch_discount=0.5,  # 50% off every model its Batch API serves
        llm_output="reply_fields",  # langchain-anthropic's llm_output: the reply's fields
        blocks="chatplex.messages:messages_api_blocks",  # langchain-core ships it
    ),
)
