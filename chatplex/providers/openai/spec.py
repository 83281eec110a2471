"""OpenAI's provider names: Chat Completions, the Responses API (LangChain's
`ChatOpenAI(use_responses_api=True)`), Azure OpenAI."""

from __future__ import annotations

from ...specs import ProviderSpec

SPECS = (
    ProviderSpec(
        "openai",
        "chatplex.providers.openai.adapter:OpenAIAdapter",
        langchain_class="ChatOpenAI",
        otel_name="openai",
        model_prefixes=("gpt-", "o1", "o3", "o4", "chatgpt", "text-davinci"),
        batch_discount=0.5,  # 50% off every model its Batch API serves
        responses_adapter="chatplex.providers.openai.responses_adapter:OpenAIResponsesAdapter",
        llm_output="chat_completions",  # langchain-openai's llm_output and generation_info
        blocks="chatplex.providers.openai.blocks:reply_blocks",  # langchain-core ships it
    ),
    ProviderSpec(
        "openai_responses",
        "chatplex.providers.openai.responses_adapter:OpenAIResponsesAdapter",
        langchain_class="ChatOpenAI",
        otel_name="openai",
        ls_provider="openai",
        price_id="openai",
        batch_discount=0.5,
    ),
    ProviderSpec(
        "azure_openai",
        "chatplex.providers.openai.azure:AzureOpenAIAdapter",
        langchain_class="AzureChatOpenAI",
        otel_name="azure.ai.openai",
        ls_provider="azure",
        responses_adapter="chatplex.providers.openai.azure_responses:AzureResponsesAdapter",
    ),
)
