"""The Fireworks AI preset: langchain-fireworks' `ChatFireworks`, which reads the replies
with the fireworks SDK."""

from __future__ import annotations

from ....specs import OutputShape
from ....specs import field_names
from ...openai.spec import LANGCHAIN_OPENAI_DROPPED
from ...openai.spec import LANGCHAIN_OPENAI_STREAM
from ...openai.spec import completions_clients
from ..partner_tables import CLIENTS
from ..partner_tables import FIREWORKS_CREATE
from ..preset import NO_MAX_COMPLETION_TOKENS
from ..preset import DropIn
from ..preset import Preset
from ..preset import hosted
from ..preset import key_and_base
from ..preset import openai_style_fields
from ..preset import own_reading
from ..profile import SessionAffinity
from ..profile import TurnStyle

#: The fields of the fireworks SDK's `UsageInfo`, in its declared order.
FIREWORKS_USAGE = ("prompt_tokens", "total_tokens", "completion_tokens", "prompt_tokens_details")
#: The statuses langchain-fireworks retries: its tenacity retries the SDK's classes of a
#: 429 and of a 5xx.
FIREWORKS_RETRIED = frozenset({429, *range(500, 600)})


#: langchain-fireworks' result: the choice's finish reason and logprobs, an
#: `llm_output` of the usage, fingerprint and tier.
FIREWORKS_SHAPE = OutputShape(
    info=("finish_reason", "logprobs"),
    output=("system_fingerprint", "service_tier"),
    required=(("token_usage", {}), ("system_fingerprint", "")),
    streamed=("finish_reason", "model_name", "service_tier", "logprobs"),
    combined=("system_fingerprint",),
    usage_each=True,
    nulls_skipped=True,
    choice_keys=("model_provider", "model_name", "service_tier"),
)

FIREWORKS = Preset(
    hosted(
        "fireworks",
        "Fireworks AI",
        "https://api.fireworks.ai/inference/v1",
        # langchain-fireworks': langchain-openai's and `reasoning`.
        dropped_input_blocks=LANGCHAIN_OPENAI_DROPPED | {"reasoning"},
        empty_tool_list_sent=True,  # langchain-fireworks' bind_tools([]): `tools: []`
        true_choice_names_lone_tool=True,  # langchain-fireworks' tool_choice=True: that tool
        keeps_choice_without_tools=True,  # ... and any tool_choice beside it
        developer_role_sent=False,  # langchain-fireworks: every system message as "system"
        idless_calls_sent=True,  # its SDK's history tool call: `id: Optional[str]`
        # langchain-fireworks' variable, then its SDK's.
        base_variables=("FIREWORKS_API_BASE", "FIREWORKS_BASE_URL"),
        # Its turns: the text blocks left after reasoning as a list, and content of
        # one text block as its text (any role).
        assistant_text_blocks=True,
        lone_text_as_string=True,
        # ...after each part is cut to its SDK's content part (Fireworks refuses
        # other keys), and no name on a turn (its API's message has none).
        content_part_keys=frozenset({"type", "text", "image_url", "video_url"}),
        # A hand-written call's `content: []` goes as it is; an invalid call's arguments
        # that are no JSON object, wrapped in one.
        turns=TurnStyle(
            turn_names=False,
            empty_list_kept=True,
            reasoning_key="reasoning_content",
            reasoning_from="fireworks",
            wrapped_arguments=True,
        ),
        sdk_path="/v1",
        structured_trace="method",  # its structured runs name the method alone
        structured_trace_schema={"json_schema": "given", "json_mode": "given"},
        json_schema_shape="json_object",  # langchain-fireworks' response_format
        # Fireworks' API takes "any" as well as "required"; langchain-fireworks
        # sends "any" as given.
        kept_tool_choices=("any",),
        forced_tool_settings=False,  # its with_structured_output binds the tool alone
        # ... and pops `strict=` first, whatever the method.
        strict_dropped=frozenset({"function_calling", "json_schema", "json_mode"}),
        v1_stream_indexed="kinds",  # its `_format_chunk_for_v1`
        style=own_reading(
            "fireworks",
            model_asked_in=frozenset({"reply", "stream"}),  # its own `model_name`
            absent_fingerprint="",  # its SDK's reply model has no such field
            # A reply's list content as its SDK's `ContentUnionMember1` dumps each part.
            part_fields=(
                ("type", ()),
                ("image_url", ("url", "detail")),
                ("text", ()),
                ("video_url", ("url", "detail", "max_frames", "sample_fps", "spatial_limit")),
            ),
            reply_keys=(
                "token_usage",
                "system_fingerprint",
                "service_tier",
                "finish_reason",
                "logprobs",
                "model_provider",
                "model_name",
            ),
            # ...the last two set beside the counts alone, as its invoke sets them.
            counted_keys=("model_provider", "model_name"),
            stream_keys=("model_provider", "finish_reason", "model_name", "logprobs"),
            # The fireworks SDK's choice logprobs model: its completions-style fields.
            logprobs_nulls=(
                "text_offset",
                "token_ids",
                "token_logprobs",
                "tokens",
                "top_logprobs",
            ),
            usage_nulls=(("", FIREWORKS_USAGE),),
            usage_order=FIREWORKS_USAGE,  # its SDK's UsageInfo, as declared
            raw_call_keys=("function", "id", "type"),  # its SDK's tool call, as declared
            detail_keys=("cache_read", "reasoning"),
        ),
        sdk="fireworks",
        sdk_keywords=FIREWORKS_CREATE,
        sdk_create=("CompletionsResource.create()", "AsyncCompletionsResource.create()"),
        sdk_refusals_kept_out=frozenset({"stream_usage"}),
        # The fireworks SDK retries a stream that stalls after its headers, too.
        partner_retries_stream_bodies=True,
        # langchain-fireworks retries the SDK's RateLimitError and InternalServerError (a
        # 429, a 5xx) and no other status: a 408 or a 409 is raised at the first.
        partner_retried_statuses=FIREWORKS_RETRIED,
        # Its FireworksPromptCachingMiddleware's thread affinity, which its
        # ChatFireworks sends at request time.
        session_affinity=SessionAffinity(
            "langchain_fireworks.chat_models", "_PROMPT_CACHE_AFFINITY", "x-session-affinity"
        ),
    ),
    langchain_class="ChatFireworks",
    litellm_prefixes=("fireworks_ai",),
    llm_output=FIREWORKS_SHAPE,
    **LANGCHAIN_OPENAI_STREAM,
    model_prefixes=("accounts/fireworks",),
    aliases=key_and_base("fireworks"),
    dropin=DropIn(
        profiles="fireworks",
        lifts_model_kwargs=2,  # langchain-core's build_model_kwargs (stacklevel=7)
        llm_type="fireworks-chat",
        body_nulls=("stop",),  # langchain-fireworks' `_default_params`, every body
        empty_stop_sent="always",  # (its `stop` field sent as set, `[]` too)
        lc_namespace=("langchain", "chat_models", "fireworks"),
        package="langchain-fireworks",
        partner_class="langchain_fireworks.chat_models:ChatFireworks",
        partner_fields=openai_style_fields(
            "fireworks",
            attributes=("fireworks_api_base",),
            checks_candidates=True,
            required=frozenset({"model_name"}),
            # (a `GatewayRoute`'s fields in order: base and key fields, path, variables)
            langsmith_gateway=(
                "fireworks_api_base",
                "fireworks_api_key",
                "fireworks",
                ("FIREWORKS_API_BASE",),
                ("FIREWORKS_API_KEY",),
            ),
            defaults={"stream_usage": True, "n": 1, "max_retries": 2},
            # Its request defaults after `model_name`: `stop` even unset.
            identifying={
                "always": {
                    "model_name": "model_name",
                    "model": "model_name",
                    "stream": "streaming",
                    "n": "n",
                    "stop": "stop",
                },
                "unless_none": {
                    name: name
                    for name in (
                        "temperature",
                        "max_tokens",
                        "service_tier",
                        "reasoning_effort",
                    )
                },
                "spread": "model_kwargs",
                "invoked_first": {"model": ("model_name",)},
                "invoked_again": True,
            },
            default_params=frozenset({"model_name"}),  # (as BaseChatOpenAI's)
            dumped=field_names(
                "name disable_streaming output_version model_name temperature stop "
                "model_kwargs fireworks_api_key fireworks_api_base request_timeout "
                "streaming stream_usage n max_tokens max_retries service_tier "
                "reasoning_effort"
            ),
            # Its SDK clients, the fireworks package's, its roots private there (what
            # its `close()` closes); no SDK retries (it retries itself).
            clients={
                **completions_clients("_sdk_client", "_async_sdk_client"),
                "_sdk_client": ("fireworks:Fireworks", "", "fireworks-ai"),
                "_async_sdk_client": ("fireworks:AsyncFireworks", "", "fireworks-ai"),
            },
            closers={"close": ("_sdk_client",), "aclose": ("_async_sdk_client",)},
            client_arguments={
                "api_key": "fireworks_api_key",
                "base_url": "fireworks_api_base",
                "timeout": "request_timeout",
            },
            client_fixed={"max_retries": 0},
            # Its repr's fields, in its order (`print(llm)`; `dumpd` writes it too).
            shown=field_names(
                "name cache callbacks tags metadata custom_get_token_ids rate_limiter "
                "disable_streaming output_version profile client async_client model_name "
                "temperature stop model_kwargs fireworks_api_key fireworks_api_base "
                "request_timeout streaming stream_usage n max_tokens max_retries service_tier "
                "reasoning_effort"
            ),
        ),
        api_fields=("reasoning_effort", "service_tier"),
        refused=CLIENTS,
        body_defaults={"n": 1},
        # (no `top_p`, `extra_body`, `max_completion_tokens` fields)
        moved=(*NO_MAX_COMPLETION_TOKENS, "top_p", "extra_body"),
    ),
)
