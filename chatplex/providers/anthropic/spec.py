"""Anthropic's provider name."""

from __future__ import annotations

from ...specs import KeyOrder
from ...specs import LangSmithRule
from ...specs import LimitHeaders
from ...specs import OutputShape
from ...specs import ProviderSpec

#: Body parameters of Anthropic Messages (`POST /v1/messages`), besides `model`,
#: `messages`, `max_tokens` and `stream`, which chatplex sets itself. `system` is the
#: messages' system message, unless one is given (to a call, or the constructor): that
#: one, as the SDK's `create()` names it and langchain-anthropic sends it.
_MESSAGES = frozenset(
    {
        "betas",
        "billing_policy",
        "cache_control",
        "compaction",
        "container",
        "context_management",
        "diagnostics",
        "effort",
        "fallback_credit_token",
        "fallbacks",
        "inference_geo",
        "mcp_servers",
        "metadata",
        "output_config",
        "reasoning_effort",
        "service_tier",
        "speed",
        "stop_sequences",
        "system",
        "temperature",
        "thinking",
        "thread",
        "tool_choice",
        "tools",
        "top_k",
        "top_p",
        "user_profile_id",
        "workspace_id",
    }
)

#: Body parameters only the SDK's beta client (`beta.messages.create`) names: sent with
#: the `betas` they need (langchain-anthropic, given none, calls the plain `create()`,
#: which refuses them: `betas.check_plain_call`).
BETA_ONLY = (
    "billing_policy",
    "compaction",
    "context_management",
    "fallback_credit_token",
    "fallbacks",
    "mcp_servers",
    "thread",
)

#: Parameters the API takes that the SDK's `create()` does not name, and why they are kept.
_BEYOND_SDK = (
    (
        "temperature",
        "the SDK dropped it from create() (anthropic>=1); the API still honours it for the "
        "models that take it, and LangChain's ChatAnthropic sends it",
    ),
    ("top_p", "as temperature"),
    ("top_k", "as temperature"),
    (
        "betas",
        "the SDK's beta.messages.create names it: the anthropic-beta header, over the model's",
    ),
    *((name, "a beta parameter (the SDK's beta.messages.create names it)") for name in BETA_ONLY),
    (
        "reasoning_effort",
        "langchain-anthropic's call keyword, sent as output_config.effort (the adapter "
        "moves it there)",
    ),
    ("effort", "as reasoning_effort (its alias there, winning over it)"),
)

#: Parameters the SDK sends as request headers, not in the body: name → header.
HEADER_PARAMETERS = (
    ("user_profile_id", "anthropic-user-profile-id"),
    ("workspace_id", "anthropic-workspace-id"),
)

#: LangChain settings of ChatAnthropic chatplex does not have, and why (none now).
_REFUSED: tuple[tuple[str, str], ...] = ()

SPECS = (
    ProviderSpec(
        "anthropic",
        "chatplex.providers.anthropic.adapter:AnthropicAdapter",
        langchain_class="ChatAnthropic",
        litellm_prefixes=("anthropic",),
        otel_name="anthropic",
        ls_rule=LangSmithRule(stop_setting=False),  # its stop is `stop_sequences`
        separate_system=True,  # `system`, apart from `messages`
        model_prefixes=("claude",),
        batch_discount=0.5,  # 50% off every model its Batch API serves
        setting_ranges=(("temperature", (0.0, 1.0)),),  # (its API's: 0 to 1)
        # langchain-anthropic's llm_output: the reply's fields
        llm_output=OutputShape(kind="reply_fields"),
        indexed_stream=True,  # langchain-anthropic streams the wire's indexed blocks
        finish_reason_written=False,  # langchain-anthropic keeps the reply's `stop_reason`
        stop_word_key="stop_reason",
        # The API version and the betas a request asks for change its reply.
        cache_key_headers=("anthropic-beta", "anthropic-version"),
        text_block_keys=("cache_control", "citations"),
        # The reply headers the anthropic SDK reads its request id and a wait from.
        request_id_header="request-id",
        retry_after_ms_header="retry-after-ms",
        # Resets as RFC 3339 times; limits per minute.
        limit_headers=LimitHeaders(
            requests=(
                "anthropic-ratelimit-requests-limit",
                "anthropic-ratelimit-requests-remaining",
                "anthropic-ratelimit-requests-reset",
            ),
            tokens=(
                "anthropic-ratelimit-tokens-limit",
                "anthropic-ratelimit-tokens-remaining",
                "anthropic-ratelimit-tokens-reset",
            ),
            reset="time",
        ),
        blocks="chatplex.providers.anthropic.response:reply_blocks",  # langchain-core's
        api_parameters=_MESSAGES,
        # effort, format and task_budget: independent settings of one object
        layered_body_fields=("output_config",),
        beyond_sdk=_BEYOND_SDK,
        header_parameters=HEADER_PARAMETERS,
        refused_settings=_REFUSED,
        # langchain-anthropic's: the SDK Message's dump (its fields as declared, usage's
        # too), then the model's names; a stream's first chunk names the model first.
        metadata_order=KeyOrder(
            first=(
                "id",
                "container",
                "context_management",  # a beta call's (`betas.BETA_MESSAGE_FIELDS`)
                "diagnostics",
                "model",
                "stop_details",
                "stop_reason",
                "stop_sequence",
                "usage",
                "input_transformations",
            ),
            last=("model_name", "model_provider"),
            inner=(
                (
                    "usage",
                    KeyOrder(
                        first=(
                            "cache_creation",
                            "cache_creation_input_tokens",
                            "cache_read_input_tokens",
                            "fallback_credit",  # a beta call's
                            "inference_geo",
                            "input_tokens",
                            "iterations",
                            "output_tokens",
                            "output_tokens_details",
                            "server_tool_use",
                            "service_tier",
                            "speed",
                        )
                    ),
                ),
            ),
        ),
        stream_metadata_order=KeyOrder(last=("model_provider",)),  # last on each chunk
    ),
)
