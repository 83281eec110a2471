"""Google's provider names: the Gemini Developer API and Vertex AI, and Anthropic's
Claude on Vertex AI (Anthropic's Messages wire there: its facts are Anthropic's)."""

from __future__ import annotations

import dataclasses

from ...specs import LangSmithRule
from ...specs import OutputShape
from ...specs import ProviderSpec
from ...specs import SettingDefault
from ..anthropic.spec import SPECS as _ANTHROPIC_SPECS

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

#: langchain-google-genai's result: the candidate's finish reason, model version, safety
#: ratings and grounding as the generation's info, an `llm_output` of the prompt
#: feedback alone.
GENAI_SHAPE = OutputShape(
    info=("finish_reason", "model_name", "safety_ratings", "grounding_metadata"),
    output=("prompt_feedback",),
    streamed=None,
    usage_each=True,
)
#: ChatVertexAI's candidate keys, invoked and streamed alike (a chunk's info has no bool
#: `is_blocked`, which would not merge, and keeps the grounding a reply's moves out).
_CANDIDATE_KEYS = ("safety_ratings", "citation_metadata", "usage_metadata") + (
    "finish_reason",
    "finish_message",
    "avg_logprobs",
)
#: ChatVertexAI's result: the candidate's blocking, ratings, citations, raw usage,
#: finish reason and message, and log probabilities as the generation's info, no
#: `llm_output`.
VERTEX_SHAPE = OutputShape(
    info=("is_blocked", *_CANDIDATE_KEYS, "logprobs_result"),
    output=None,
    streamed=(*_CANDIDATE_KEYS, "grounding_metadata"),
)

#: How its replies' `content_blocks` read (langchain-core's Google translator, as far as
#: chatplex reads it: the best-effort reading, a blocked reply's refusal).
_BLOCKS = "chatplex.providers.google.response:reply_blocks"

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
        llm_output=GENAI_SHAPE,
        finish_words=_FINISH_WORDS,
        # Its stream: ratings on every chunk, the model's version on the finishing one.
        stream_finish_keys=("model_name",),
        stream_empty_lists=("safety_ratings",),
        separate_system=True,  # `systemInstruction`, apart from `contents`
        blocks=_BLOCKS,
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
        llm_output=VERTEX_SHAPE,
        # LangChain's choice for bare "gemini..." names (it warns it will be google_genai).
        model_prefixes=("gemini",),
        langchain_inferred_warning=(
            "Inferred `model_provider='google_vertexai'` from {model!r}. This default will "
            "change to 'google_genai' in the next major release.To keep current behavior, "
            "pass `model_provider='google_vertexai'` (or use the prefix form, e.g. "
            "'google_vertexai:{model}'); for AI Studio / Gemini API, use 'google_genai' "
            "instead."
        ),
        finish_words=_FINISH_WORDS,
        separate_system=True,  # `systemInstruction`, apart from `contents`
        # A text part's signature, where langchain-google-vertexai writes it (its
        # -genai sibling's is in LangChain's standard `extras`).
        text_block_keys=("thought_signature",),
        blocks=_BLOCKS,
    ),
    # Claude on Vertex AI (langchain-google-vertexai's model garden): Anthropic's
    # Messages wire and replies, at Vertex AI's endpoints with Google's credentials.
    dataclasses.replace(
        _ANTHROPIC_SPECS[0],
        name="google_anthropic_vertex",
        adapter="chatplex.providers.google.anthropic_vertex:AnthropicVertexAdapter",
        langchain_class="ChatAnthropicVertex",
        litellm_prefixes=(),
        otel_name="gcp.vertex_ai",
        model_prefixes=(),  # (a bare "claude..." is Anthropic's own API)
        batch_discount=None,  # no Batch API on Vertex AI's Anthropic endpoint
        # Vertex AI's reply headers name no Anthropic rate limits.
        limit_headers=None,
        # Its class keeps LangChain's default `_get_ls_params` (the provider named from
        # the class, a call's `max_tokens`, no temperature unless set).
        ls_provider="anthropicvertex",
        ls_rule=LangSmithRule(stop_setting=False, temperature_unset=False),
        setting_aliases=(("api_endpoint", "base_url"), ("additional_headers", "default_headers")),
    ),
)
