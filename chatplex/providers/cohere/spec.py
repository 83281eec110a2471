"""Cohere's v2 Chat API (LangChain's `ChatCohere`, langchain-cohere)."""

from __future__ import annotations

from ...specs import LangSmithRule
from ...specs import OutputShape
from ...specs import ProviderSpec

#: langchain-cohere's result: the reply's id, finish reason, documents, plan, calls,
#: citations and token count as the generation's info (the message's additional_kwargs
#: too), no `llm_output`.
COHERE_SHAPE = OutputShape(
    info=("id", "finish_reason", "documents", "tool_plan", "tool_calls", "citations")
    + ("token_count",),
    output=None,
    # The stream's last piece: its finish, billed counts and the call's documents and
    # tool calls.
    streamed=("finish_reason", "token_count", "documents", "tool_calls"),
)

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
        llm_output=COHERE_SHAPE,
        retry_after_ms_header="retry-after-ms",  # read by the cohere SDK (Fern's)
        # Its API takes any non-negative temperature (the cohere SDK's `chat`: "a
        # non-negative float"), as langchain-cohere sends it.
        setting_ranges=(("temperature", (0.0, float("inf"))),),
    ),
)
