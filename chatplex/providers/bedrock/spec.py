"""AWS Bedrock's provider names: `bedrock_converse`, and `bedrock` (LangChain's
`ChatBedrock`; chatplex speaks Converse for both)."""

from __future__ import annotations

from ...specs import ProviderSpec

SPECS = (
    ProviderSpec(
        "bedrock_converse",
        "chatplex.providers.bedrock.adapter:BedrockAdapter",
        langchain_class="ChatBedrockConverse",
        otel_name="aws.bedrock",
        ls_provider="amazon_bedrock",
        separate_system=True,  # `system`, apart from `messages`
        init_class="chatplex.providers.bedrock.dropin:ChatBedrockConverse",
    ),
    ProviderSpec(
        "bedrock",
        "chatplex.providers.bedrock.adapter:BedrockAdapter",
        langchain_class="ChatBedrock",
        otel_name="aws.bedrock",
        ls_provider="amazon_bedrock",
        separate_system=True,  # `system`, apart from `messages`
        model_prefixes=("amazon.", "anthropic.", "meta."),
    ),
)
