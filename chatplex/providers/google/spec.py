"""Google's provider names: the Gemini Developer API and Vertex AI."""

from __future__ import annotations

from ...specs import LangSmithRule
from ...specs import ProviderSpec
from ...specs import SettingDefault

#: langchain-google-vertexai's and -genai's transport switches: REST is what chatplex
#: speaks, so "rest" changes nothing (grpc is refused).
_REST_ONLY = (None, "rest")

#: Both LangChain classes' names for settings chatplex's model takes otherwise.
_GOOGLE_ALIASES = (("n", "candidate_count"), ("additional_headers", "default_headers"))

#: Gemini's finishReason words (kept in replies, as langchain-google-genai keeps them) →
#: chatplex's common words.
_FINISH_WORDS = (
    ("STOP", "stop"),
    ("MAX_TOKENS", "length"),
    ("MALFORMED_FUNCTION_CALL", "tool_calls"),
    ("UNEXPECTED_TOOL_CALL", "tool_calls"),
    *(
        (word, "content_filter")
        for word in (
            "SAFETY",
            "RECITATION",
            "PROHIBITED_CONTENT",
            "BLOCKLIST",
            "SPII",
            "IMAGE_SAFETY",
            "IMAGE_PROHIBITED_CONTENT",
            "IMAGE_RECITATION",
            "MODEL_ARMOR",
        )
    ),
)

SPECS = (
    ProviderSpec(
        "google_genai",
        "chatplex.providers.google.adapter:GeminiAdapter",
        langchain_class="ChatGoogleGenerativeAI",
        litellm_prefixes=("gemini",),
        otel_name="gcp.gen_ai",
        # langchain-google-genai's request defaults: temperature 0.7 (none for Gemini 3
        # and later, which keep the model's own) and one candidate, always sent.
        init_defaults=(
            SettingDefault(
                "temperature", 0.7, unless="chatplex.providers.google.response:gemini_3_or_later"
            ),
            SettingDefault("candidate_count", 1),
        ),
        inert_settings=(("transport", _REST_ONLY),),
        setting_aliases=(("google_api_key", "api_key"), *_GOOGLE_ALIASES),
        # Its max tokens are `max_output_tokens`; its own stop is not reported.
        ls_rule=LangSmithRule(
            stop_setting=False, max_tokens_keyword="max_output_tokens", model_prefix="models/"
        ),
        llm_output="candidate_fields",  # the candidate's finish reason, model, ratings
        finish_words=_FINISH_WORDS,
        # Its stream: ratings on every chunk, the model's version on the finishing one.
        stream_finish_keys=("model_name",),
        stream_empty_lists=("safety_ratings",),
        separate_system=True,  # `systemInstruction`, apart from `contents`
    ),
    ProviderSpec(
        "google_vertexai",
        "chatplex.providers.google.vertex_adapter:VertexAIAdapter",
        langchain_class="ChatVertexAI",
        litellm_prefixes=("vertex_ai",),
        otel_name="gcp.vertex_ai",
        inert_settings=(("api_transport", _REST_ONLY), ("transport", _REST_ONLY)),
        setting_aliases=(("api_endpoint", "base_url"), *_GOOGLE_ALIASES),
        # langchain-google-vertexai's endpoint version, where Vertex AI's newest fields are.
        init_defaults=(SettingDefault("api_version", "v1beta1"),),
        ls_rule=LangSmithRule(max_tokens_keyword="max_output_tokens"),
        llm_output="candidate_info",  # the candidate's fields as generation_info
        # LangChain's choice for bare "gemini..." names (it warns it will be google_genai).
        model_prefixes=("gemini",),
        finish_words=_FINISH_WORDS,
        separate_system=True,  # `systemInstruction`, apart from `contents`
        # A text part's signature, where langchain-google-vertexai writes it (its
        # -genai sibling's is in LangChain's standard `extras`).
        text_block_keys=("thought_signature",),
    ),
)
