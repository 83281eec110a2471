"""IBM watsonx.ai's chat API (LangChain's `ChatWatsonx`, langchain-ibm)."""

from __future__ import annotations

from ...specs import LangSmithRule
from ...specs import OutputShape
from ...specs import ProviderSpec

#: langchain-ibm's result (`_create_chat_result`): each choice's finish reason, and its
#: logprobs where the choice has them, as its generation's info (each of several
#: choices' messages shows those alone); an `llm_output` of the usage, `model_name` and
#: `system_fingerprint`; on a stream, the finishing chunk's finish reason, model and
#: fingerprint, and a chunk's logprobs. `generate()` combines nothing (LangChain's `{}`).
WATSONX_SHAPE = OutputShape(
    info=("finish_reason", "logprobs"),
    output=("model_name", "system_fingerprint"),
    required=(("token_usage", {}), ("model_name", None), ("system_fingerprint", "")),
    streamed=("finish_reason", "model_name", "system_fingerprint", "logprobs"),
    usage_each=True,
)

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
        ls_rule=LangSmithRule(temperature_unset=False, zero_max_tokens=True),
        setting_aliases=(("apikey", "api_key"), ("url", "base_url")),
        llm_output=WATSONX_SHAPE,
        # Its API reads `max_tokens=0` as the model's own limit, as langchain-ibm sends it.
        setting_ranges=(("max_tokens", (0, float("inf"))),),
    ),
)
