"""AWS Bedrock's provider names: `bedrock_converse` (Converse, LangChain's
`ChatBedrockConverse`), `bedrock` (LangChain's `ChatBedrock`: InvokeModel for
Anthropic models, Converse when `beta_use_converse_api` or for Nova), and
`anthropic_bedrock` (LangChain's `ChatAnthropicBedrock`: Anthropic's Messages API over
InvokeModel, as the anthropic SDK's `AnthropicBedrock` sends it)."""

from __future__ import annotations

from typing import Any

from ...specs import KeyOrder
from ...specs import LangSmithRule
from ...specs import OutputShape
from ...specs import ProviderSpec

#: langchain-aws's settings naming the model's vendor and base model (an ARN's, a
#: cross-region profile's), which the adapter holds: cache points and replies follow them.
_ADAPTER_ATTRIBUTES = (("provider", "vendor"), ("base_model_id", "base_model_id"))
#: langchain-aws's other names: ChatBedrock's `region`, both classes' `base_model`.
_ALIASES = (("region", "region_name"), ("base_model", "base_model_id"))


def _bedrock(name: str, adapter: str, blocks: str | None = None, **fields: Any) -> ProviderSpec:
    """One of Bedrock's two APIs ("module:name" paths inside this folder), with `fields`
    of its own: both report as AWS Bedrock (OpenTelemetry's `aws.bedrock`, LangSmith's
    `amazon_bedrock`) and take `system` apart from `messages`."""
    here = "chatplex.providers.bedrock."
    return ProviderSpec(
        name,
        here + adapter,
        blocks=here + blocks if blocks else None,
        otel_name="aws.bedrock",
        ls_provider="amazon_bedrock",
        separate_system=True,
        # langchain-aws's names for what the adapter holds, and for its settings.
        adapter_attributes=_ADAPTER_ATTRIBUTES,
        setting_aliases=_ALIASES,
        partner_settings=("supports_tool_choice_values",),
        finish_reason_written=False,  # langchain-aws keeps the model's own stop reason
        retry_after_ms_header="x-amz-retry-after",  # botocore's wait, in milliseconds
        **fields,
    )


#: ChatBedrock's result: no generation info, an `llm_output` of the body's usage, stop
#: reason and model id (the same dict as the message's additional_kwargs); its
#: `generate()` merges the rows, their usage summed.
CHATBEDROCK_SHAPE = OutputShape(
    info=(), output=("usage", "stop_reason", "model_id"), merged_sum="usage"
)

SPECS = (
    _bedrock(
        "bedrock_converse",
        "adapter:BedrockAdapter",
        langchain_class="ChatBedrockConverse",
        litellm_prefixes=("bedrock", "bedrock/converse"),
        blocks="blocks:converse_blocks",
        # Its stop is `stop_sequences`; it reports the model's vendor and region.
        ls_rule=LangSmithRule(
            stop_setting=False,
            model_attributes=("adapter.base_model_id",),
            invocation=(("provider", "adapter.vendor"), ("region_name", "adapter.region_name")),
        ),
        # langchain-aws': botocore's record first (the reply's dict as boto3 returns it),
        # its model names last; a stream's chunk: metrics before the model's name,
        # model_provider last (the first chunk has it, so the merged reply starts with it).
        metadata_order=KeyOrder(first=("ResponseMetadata",), last=("model_provider", "model_name")),
        stream_metadata_order=KeyOrder(
            first=("stopReason", "metrics", "model_name", "ResponseMetadata"),
            last=("model_provider",),
        ),
        # ChatBedrockConverse parses a forced call with langchain-aws's repairing parsers
        # (ChatBedrock only when streaming=True: `whole_reply_tool_parser`).
        repairing_tool_parsers=True,
        stop_word_key="stopReason",  # Converse's own
    ),
    _bedrock(
        "bedrock",
        "invoke:BedrockInvokeAdapter",
        langchain_class="ChatBedrock",
        litellm_prefixes=("bedrock/invoke",),
        # Its stop is `stop_sequences`; an unset temperature is left out.
        ls_rule=LangSmithRule(
            stop_setting=False,
            temperature_unset=False,
            model_attributes=("adapter.base_model_id",),
        ),
        model_prefixes=("amazon.", "anthropic.", "meta."),
        # Converse where langchain-aws's ChatBedrock speaks it (Nova, beta_use_converse_api).
        responses_adapter="chatplex.providers.bedrock.adapter:BedrockAdapter",
        wire_choice="chatplex.providers.bedrock.model_defaults:converse_choice",
        llm_output=CHATBEDROCK_SHAPE,
        # Its forced call parsed whole by ToolsOutputParser unless streaming=True.
        whole_reply_tool_parser=True,
        stop_word_key="stop_reason",  # the InvokeModel body's (Anthropic's models)
    ),
    # Its wire is Anthropic's (the adapter's `provider`): its body parameters, reply
    # metadata and errors are that name's; this row holds what Bedrock changes.
    ProviderSpec(
        "anthropic_bedrock",
        "chatplex.providers.bedrock.anthropic_bedrock:AnthropicBedrockAdapter",
        langchain_class="ChatAnthropicBedrock",
        otel_name="aws.bedrock",  # (the anthropic SDK's Bedrock client's)
        ls_provider="anthropic-bedrock",
        ls_rule=LangSmithRule(stop_setting=False),  # its stop is `stop_sequences`
        separate_system=True,
        setting_aliases=(("region", "region_name"),),
        finish_reason_written=False,
        stop_word_key="stop_reason",
        request_id_header="request-id",  # (the anthropic SDK's; Bedrock sends none)
        retry_after_ms_header="retry-after-ms",
    ),
)
