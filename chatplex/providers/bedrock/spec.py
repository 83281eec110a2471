"""AWS Bedrock's provider names: `bedrock_converse` (Converse, LangChain's
`ChatBedrockConverse`), and `bedrock` (LangChain's `ChatBedrock`: InvokeModel for
Anthropic models, Converse when `beta_use_converse_api` or for Nova)."""

from __future__ import annotations

from ...specs import LangSmithRule
from ...specs import ProviderSpec

SPECS = (
    ProviderSpec(
        "bedrock_converse",
        "chatplex.providers.bedrock.adapter:BedrockAdapter",
        langchain_class="ChatBedrockConverse",
        otel_name="aws.bedrock",
        ls_provider="amazon_bedrock",
        # Its stop is `stop_sequences`; it reports the model's vendor and region.
        ls_rule=LangSmithRule(
            stop_setting=False,
            model_attributes=("base_model_id",),
            invocation=(("provider", "provider_name"), ("region_name", "region_name")),
        ),
        separate_system=True,  # `system`, apart from `messages`
        init_class="chatplex.providers.bedrock.dropin:ChatBedrockConverse",
        blocks="chatplex.providers.bedrock.blocks:converse_blocks",
    ),
    ProviderSpec(
        "bedrock",
        "chatplex.providers.bedrock.invoke:BedrockInvokeAdapter",
        langchain_class="ChatBedrock",
        otel_name="aws.bedrock",
        ls_provider="amazon_bedrock",
        # Its stop is `stop_sequences`; an unset temperature is left out.
        ls_rule=LangSmithRule(
            stop_setting=False, temperature_unset=False, model_attributes=("base_model_id",)
        ),
        separate_system=True,  # `system`, apart from `messages`
        model_prefixes=("amazon.", "anthropic.", "meta."),
        init_class="chatplex.providers.bedrock.invoke_dropin:ChatBedrock",
    ),
)
