"""IBM watsonx.ai's chat API (LangChain's `ChatWatsonx`, langchain-ibm)."""

from __future__ import annotations

from ...specs import LangSmithRule
from ...specs import ProviderSpec

SPECS = (
    ProviderSpec(
        # LangChain's init_chat_model name ("ibm:<model id>" builds ChatWatsonx).
        "ibm",
        "chatplex.providers.watsonx.adapter:WatsonxAdapter",
        langchain_class="ChatWatsonx",
        # (its `model=` names a model of IBM's Model Gateway)
        langchain_model_keyword="model_id",
        # OpenTelemetry's well-known `gen_ai.provider.name` for IBM watsonx.ai.
        otel_name="ibm.watsonx.ai",
        ls_provider="ibm",
        # langchain-core's rule, which langchain-ibm keeps: an unset temperature unsaid.
        ls_rule=LangSmithRule(temperature_unset=False),
        setting_aliases=(("apikey", "api_key"), ("url", "base_url")),
    ),
)
