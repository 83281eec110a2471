"""Cohere's v2 Chat API (LangChain's `ChatCohere`, langchain-cohere)."""

from __future__ import annotations

from ...specs import LangSmithRule
from ...specs import ProviderSpec

SPECS = (
    ProviderSpec(
        "cohere",
        "chatplex.providers.cohere.adapter:CohereAdapter",
        langchain_class="ChatCohere",
        litellm_prefixes=("cohere", "cohere_chat"),
        otel_name="cohere",
        # LangChain's init_chat_model infers cohere for bare "command..." names.
        model_prefixes=("command",),
        setting_aliases=(("cohere_api_key", "api_key"),),
        # langchain-cohere reports a call's max_tokens only, never its own.
        ls_rule=LangSmithRule(max_tokens_setting=False),
        llm_output="reply_info",  # langchain-cohere's: the reply's info, no llm_output
    ),
)
