"""The OpenAI-compatible presets whose LangChain partner reads the provider's replies
itself (its own SDK, or httpx), not as langchain-openai does: Groq, Mistral AI,
Fireworks AI, Perplexity, SambaNova. Their profiles declare that reading
(`own_reading`), and their drop-ins their partner's own fields.

Pure data, read by `spec.py` (its import-linter contract holds for what this imports)."""

from __future__ import annotations

from ...specs import KeyOrder
from ...specs import LangSmithRule
from ...specs import SdkModel
from ...specs import field_names
from ..openai.spec import LANGCHAIN_OPENAI_DROPPED
from ..openai.spec import LANGCHAIN_OPENAI_FINISH_KEYS
from ..openai.spec import LANGCHAIN_OPENAI_STREAM_ORDER
from .partner_tables import CLIENTS
from .partner_tables import GROQ_BODY
from .partner_tables import GROQ_CREATE
from .partner_tables import GROQ_NULLS
from .partner_tables import GROQ_USAGE_EXTRAS
from .partner_tables import PROXY
from .partner_tables import SAMBANOVA_CREATE
from .preset import DropIn
from .preset import Preset
from .preset import hosted
from .preset import key_and_base
from .preset import openai_style_fields
from .preset import own_reading
from .preset import same_names
from .profile import SessionAffinity
from .profile import TurnStyle

#: The fields of the fireworks SDK's `UsageInfo`, in its declared order.
FIREWORKS_USAGE = ("prompt_tokens", "total_tokens", "completion_tokens", "prompt_tokens_details")
#: The fields of the sambanova SDK's `Usage`, in its declared order (its dump's).
SAMBANOVA_USAGE = (
    "acceptance_rate",
    "completion_tokens",
    "completion_tokens_after_first_per_sec",
    "completion_tokens_after_first_per_sec_first_ten",
    "completion_tokens_after_first_per_sec_graph",
    "completion_tokens_details",
    "completion_tokens_per_sec",
    "end_time",
    "is_last_response",
    "prompt_tokens",
    "prompt_tokens_details",
    "start_time",
    "stop_reason",
    "time_to_first_token",
    "time_to_first_token_graph",
    "total_latency",
    "total_tokens",
    "total_tokens_per_sec",
)

#: langchain-perplexity's search fields, sent in its body as named (and reported by its
#: `_default_params` where set).
PERPLEXITY_SEARCH_FIELDS = (
    "search_mode",
    "language_preference",
    "search_domain_filter",
    "return_images",
    "return_related_questions",
    "search_recency_filter",
    "search_after_date_filter",
    "search_before_date_filter",
    "last_updated_after_filter",
    "last_updated_before_filter",
    "disable_search",
    "enable_search_classifier",
)
#: The options its `_default_params` report where set, in its order (its
#: `web_search_options` as its model dumps it, Nones left out).
PERPLEXITY_SEARCH_OPTIONS = (
    PERPLEXITY_SEARCH_FIELDS[0],
    "reasoning_effort",
    *PERPLEXITY_SEARCH_FIELDS[1:],
    "web_search_options",
)


GROQ = Preset(
    hosted(
        "groq",
        "Groq",
        "https://api.groq.com/openai/v1",
        dropped_input_blocks=frozenset(),  # langchain-groq sends every block
        text_extras_roles=frozenset({"user", "system", "assistant", "tool"}),  # each block as given
        rebuilt_text_roles=frozenset(),  # a reply's `id`, `annotations` too
        assistant_text_blocks=True,  # its assistant turn: `text_blocks or ""`
        empty_tool_list_sent=True,  # langchain-groq's bind_tools([]): `tools: []`
        true_choice_names_lone_tool=True,  # langchain-groq's tool_choice=True: that tool
        keeps_choice_without_tools=True,  # ... and any tool_choice beside it
        developer_role_sent=False,  # langchain-groq: every system message as "system"
        sdk_path="/openai/v1",
        json_schema_shape="titled",  # langchain-groq's response_format
        # langchain-groq reads stream usage from x_groq.usage; it sends no stream_options.
        stream_options=False,
        forced_tool_settings=False,  # its with_structured_output binds the tool alone
        bind_strict=False,  # langchain-groq's bind_tools drops strict=
        strict_dropped=frozenset({"json_mode"}),  # ... and JSON mode's, where OpenAI raises
        # ... and json_schema's but on these (langchain-groq's _STRICT_STRUCTURED_OUTPUT_MODELS)
        strict_schema_models=frozenset({"openai/gpt-oss-20b", "openai/gpt-oss-120b"}),
        streams_json_format=False,  # Groq streams no structured or JSON-mode reply
        style=own_reading(
            "groq",
            reply_keys=(
                "token_usage",
                "model_name",
                "system_fingerprint",
                "service_tier",
                "reasoning_effort",  # the effort asked (ReplyStyle.reasoning_effort)
                "finish_reason",
                "logprobs",
                "model_provider",
            ),
            stream_keys=(
                "model_provider",
                "finish_reason",
                "model_name",
                "system_fingerprint",
                "logprobs",
            ),
            usage_nulls=(("", GROQ_USAGE_EXTRAS),),
            # The groq SDK's CompletionUsage fields, as it declares them.
            usage_order=(
                "completion_tokens",
                "prompt_tokens",
                "total_tokens",
                *GROQ_USAGE_EXTRAS,
            ),
            detail_keys=("cache_read", "reasoning"),
            zero_details=False,
            usage_in_x_groq=True,
            service_tier="on_demand",
        ),
        sdk="groq",
        sdk_keywords=GROQ_CREATE,
        rejects={
            # console.groq.com/docs/openai: "not yet supported", a 400 if supplied.
            "logprobs": "Groq does not support logprobs",
            "top_logprobs": "Groq does not support logprobs",
            "logit_bias": "Groq does not support logit_bias",
        },
        reasoning_field="reasoning",
        rate_limit_headers="openai",
        batch_api=True,
    ),
    langchain_class="ChatGroq",
    # Its stream as langchain-openai's: the model's fields on the finishing chunk.
    stream_metadata_order=LANGCHAIN_OPENAI_STREAM_ORDER,
    stream_finish_keys=LANGCHAIN_OPENAI_FINISH_KEYS,
    # ... but that chunk's metadata is its generation info alone: no model_provider.
    stream_finish_unmarked=True,
    otel_name="groq",
    llm_output="completions_fields",  # langchain-groq's: no model_provider, no id
    aliases=key_and_base("groq"),
    body=same_names("reasoning_format", "reasoning_effort", "service_tier"),
    dropin=DropIn(
        profiles="groq",
        llm_type="groq-chat",
        lc_namespace=("langchain_groq", "chat_models"),
        package="langchain-groq",
        partner_class="langchain_groq.chat_models:ChatGroq",
        versions=(),  # langchain-groq names none
        partner_fields=openai_style_fields(
            "groq",
            annotations={"temperature": float},  # not Optional there
            defaults={"temperature": 0.7, "max_retries": 2, **GROQ_BODY},
            zero_temperature=1e-8,  # langchain-groq's validator raises 0 to it
            identifying=False,
            # Its `_default_params`: its request fields, unset ones as None.
            default_params={
                "always": {
                    "model": "model_name",
                    "stream": "streaming",
                    **{k: k for k in ("n", "temperature", "stop", "reasoning_format")},
                    **{k: k for k in ("reasoning_effort", "service_tier")},
                },
                "unless_none": {"max_tokens": "max_tokens"},
                "spread": "model_kwargs",
            },
            environment={"groq_api_base": "GROQ_API_BASE", "groq_proxy": "GROQ_PROXY"},
            dumped=field_names(
                "name disable_streaming output_version model_name temperature stop "
                "reasoning_format reasoning_effort model_kwargs groq_api_key "
                "groq_api_base groq_proxy request_timeout max_retries streaming n "
                "max_tokens service_tier default_headers default_query http_client "
                "http_async_client"
            ),
            # Its SDK clients, the groq package's, under its User-Agent.
            clients={
                "client": ("groq:Groq", "chat.completions"),
                "async_client": ("groq:AsyncGroq", "chat.completions"),
            },
            client_arguments={
                "api_key": "groq_api_key",
                "base_url": "groq_api_base",
                "timeout": "request_timeout",
                "max_retries": "max_retries",
                "default_headers": "default_headers",
                "default_query": "default_query",
            },
            client_headers={"User-Agent": "langchain/{partner_version}"},
        ),
        temperature=0.7,
        body_defaults=GROQ_BODY,
        body_nulls=GROQ_NULLS,
        refused={**CLIENTS, "groq_proxy": PROXY},
    ),
)


MISTRALAI = Preset(
    hosted(
        "mistralai",
        "Mistral AI",
        "https://api.mistral.ai/v1",
        dropped_input_blocks=frozenset(),  # langchain-mistralai sends every block
        empty_tool_list_sent=True,  # langchain-mistralai's bind_tools([]): `tools: []`
        keeps_choice_without_tools=True,  # ... and any tool_choice beside it
        developer_role_sent=False,  # langchain-mistralai: every system message as "system"
        tool_text_keys=frozenset({"type", "text"}),  # Mistral refuses other keys
        key_variables=("MISTRAL_API_KEY",),
        base_variables=("MISTRAL_BASE_URL",),
        # Mistral's API names the seed `random_seed` (its tool_choice takes
        # "required" as well as its own "any": each sent as given, as
        # langchain-mistralai sends them).
        renames={"seed": "random_seed"},
        # langchain-mistralai: the schema as a strict tool function; function
        # calling with tool_choice "any" (it names no tool).
        json_schema_shape="function",
        structured_tool_choice="any",
        kept_tool_choices=("any",),
        # Usage comes on the last chunk unasked (langchain-mistralai never sends it).
        stream_options=False,
        # langchain-mistralai's history: calls without `type` beside `content: ""`,
        # a tool result's `name`, thinking parts sent back as they came.
        turns=TurnStyle(
            empty_call_content=True,
            call_type=False,
            tool_name=True,
            turn_names=False,
            assistant_parts=True,
        ),
        # Mistral refuses any other id in a history (400).
        tool_call_id_pattern=r"[a-zA-Z0-9]{9}",
        forced_tool_settings=False,  # its with_structured_output binds the tool alone
        # langchain-mistralai reads the JSON itself (httpx, no SDK): the usage as
        # sent, no details, the raw tool calls kept, its errors httpx's.
        style=own_reading(
            "mistralai",
            reply_keys=(
                "token_usage",
                "model_provider",
                "model_name",
                "model",
                "finish_reason",
            ),
            stream_keys=("model_provider", "finish_reason", "model_name"),
            usage_nulls=(),
            detail_keys=(),
            split_reasoning=False,
            # Magistral's thinking parts stay in the content list, as it sent them.
            content_parts=True,
            raw_calls_as_sent=True,
            absent_usage={},  # `.get("usage", {})` of the JSON
        ),
        sdk="httpx",
        sdk_request_options=False,
        # langchain-mistralai's tenacity retries httpx's RequestError and StreamError
        # only: never a 429 or a 5xx.
        partner_retries=frozenset({"connection", "timeout"}),
        # ... `stop_after_attempt(max_retries)`: attempts, 4-10 s apart.
        partner_counts_attempts=True,
    ),
    langchain_class="ChatMistralAI",
    # Its stream: the model's name on the finishing chunk, before the finish reason.
    stream_metadata_order=KeyOrder(first=("model_provider", "model_name", "finish_reason")),
    stream_finish_keys=("model_name",),
    otel_name="mistral_ai",
    llm_output="model_and_usage",  # langchain-mistralai's: usage, model_name, model
    model_prefixes=("mistral", "mixtral"),
    price_id="mistral",
    aliases=(("mistral_api_key", "api_key"), ("endpoint", "base_url")),
    ls_provider="mistral",
    body=(("random_seed", "random_seed"), ("safe_mode", "safe_prompt")),
    dropin=DropIn(
        profiles="mistralai",
        llm_type="mistralai-chat",
        lc_namespace=("langchain", "chat_models", "mistralai"),
        package="langchain-mistralai",
        partner_class="langchain_mistralai.chat_models:ChatMistralAI",
        partner_fields={
            "annotations": {"model": str, "temperature": float},
            "aliases": {
                "api_key": "mistral_api_key",
                "base_url": "endpoint",
                "model_name": "model",
            },
            "floats": frozenset({"temperature", "top_p"}),
            "defaults": {
                "max_retries": 5,
                "timeout": 120,
                "max_concurrent_requests": 64,
                "temperature": 0.7,
                "top_p": 1,
            },
            "secrets": {"mistral_api_key": "MISTRAL_API_KEY"},
            # LangChain's `stream_usage`, which it moves there (`stream_usage_moved`).
            "kept_in": {"stream_usage": "model_kwargs"},
            "fallbacks": {"endpoint": ("https://api.mistral.ai/v1", ("MISTRAL_BASE_URL",))},
            "inert": frozenset({"max_concurrent_requests"}),
            # Set by its validators whatever was given (its `exclude_unset` keeps it).
            "assigned": frozenset({"model_kwargs"}),
            "dump_aliases": {
                "mistral_api_key": "api_key",
                "endpoint": "base_url",
                "model": "model_name",
            },
            # Its request defaults, those not None.
            "identifying": {
                "unless_none": {
                    "model": "model",
                    "temperature": "temperature",
                    "max_tokens": "max_tokens",
                    "top_p": "top_p",
                    "random_seed": "random_seed",
                    "safe_prompt": "safe_mode",
                },
                "spread": "model_kwargs",
            },
            "default_params": frozenset(),  # its identifying params are these
            "dumped": field_names(
                "name disable_streaming output_version mistral_api_key endpoint "
                "max_retries timeout max_concurrent_requests model temperature "
                "max_tokens stop top_p random_seed safe_mode streaming model_kwargs"
            ),
            # Its SDK clients are httpx's own, its key in their headers.
            "clients": {"client": ("httpx:Client",), "async_client": ("httpx:AsyncClient",)},
            "client_arguments": {"base_url": "endpoint", "timeout": "timeout"},
            "client_headers": {
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": "Bearer {mistral_api_key}",
            },
            "client_headers_keyword": "headers",
        },
        default_model="mistral-small",
        temperature=0.7,
        max_retries=5,
        timeout=120.0,
        refused={
            **CLIENTS,
            "max_concurrent_requests": "pass rate_limit={'max_in_flight': ...} instead",
        },
        body_defaults={"top_p": 1},  # langchain-mistralai's default, always sent
        stream_usage_moved=2,  # langchain-mistralai has no stream_usage field
    ),
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
        # langchain-fireworks' variable, then its SDK's.
        base_variables=("FIREWORKS_API_BASE", "FIREWORKS_BASE_URL"),
        # Its turns: the text blocks left after reasoning as a list, and content of
        # one text block as its text (any role).
        assistant_text_blocks=True,
        lone_text_as_string=True,
        # ...after each part is cut to its SDK's content part (Fireworks refuses
        # other keys), and no name on a turn (its API's message has none).
        content_part_keys=frozenset({"type", "text", "image_url", "video_url"}),
        # A hand-written call's `content: []` goes as it is.
        turns=TurnStyle(turn_names=False, empty_list_kept=True),
        sdk_path="/v1",
        json_schema_shape="json_object",  # langchain-fireworks' response_format
        # Fireworks' API takes "any" as well as "required"; langchain-fireworks
        # sends "any" as given.
        kept_tool_choices=("any",),
        forced_tool_settings=False,  # its with_structured_output binds the tool alone
        style=own_reading(
            "fireworks",
            absent_fingerprint="",  # its SDK's reply model has no such field
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
        # Its FireworksPromptCachingMiddleware's thread affinity, which its
        # ChatFireworks sends at request time.
        session_affinity=SessionAffinity(
            "langchain_fireworks.chat_models", "_PROMPT_CACHE_AFFINITY", "x-session-affinity"
        ),
    ),
    langchain_class="ChatFireworks",
    llm_output="fingerprint_fields",  # langchain-fireworks': usage, fingerprint, tier
    # Its stream as langchain-openai's: the model's fields on the finishing chunk.
    stream_metadata_order=LANGCHAIN_OPENAI_STREAM_ORDER,
    stream_finish_keys=LANGCHAIN_OPENAI_FINISH_KEYS,
    model_prefixes=("accounts/fireworks",),
    aliases=key_and_base("fireworks"),
    dropin=DropIn(
        profiles="fireworks",
        llm_type="fireworks-chat",
        body_nulls=("stop",),  # langchain-fireworks' `_default_params`, every body
        lc_namespace=("langchain", "chat_models", "fireworks"),
        package="langchain-fireworks",
        partner_class="langchain_fireworks.chat_models:ChatFireworks",
        partner_fields=openai_style_fields(
            "fireworks",
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
                "client": ("_sdk_client", "chat.completions"),
                "async_client": ("_async_sdk_client", "chat.completions"),
                "_sdk_client": ("fireworks:Fireworks", "", "fireworks-ai"),
                "_async_sdk_client": ("fireworks:AsyncFireworks", "", "fireworks-ai"),
            },
            client_arguments={
                "api_key": "fireworks_api_key",
                "base_url": "fireworks_api_base",
                "timeout": "request_timeout",
            },
            client_fixed={"max_retries": 0},
        ),
        api_fields=("reasoning_effort", "service_tier"),
        refused=CLIENTS,
        body_defaults={"n": 1},
    ),
)


PERPLEXITY = Preset(
    hosted(
        "perplexity",
        "Perplexity",
        "https://api.perplexity.ai",
        dropped_input_blocks=frozenset(),  # langchain-perplexity sends every block
        text_extras_roles=frozenset({"user", "system", "assistant", "tool"}),  # each block as given
        rebuilt_text_roles=frozenset(),  # a reply's `id`, `annotations` too
        empty_tool_list_sent=True,  # langchain-perplexity's bind_tools([]): `tools: []`
        keeps_choice_without_tools=True,  # ... and any tool_choice beside it
        key_variables=("PPLX_API_KEY", "PERPLEXITY_API_KEY"),
        base_variables=("PERPLEXITY_BASE_URL",),
        structured_output_method="json_schema",
        structured_tools_refused=(
            "langchain-perplexity answers method='function_calling' with a JSON schema"
        ),
        json_schema_shape="bare",  # langchain-perplexity's: the schema alone
        strict_dropped=frozenset({"json_schema"}),  # "currently ignored", it says
        think_stripped=True,  # its Reasoning... parsers: a reasoning model's <think>
        # No name on a turn: the perplexity SDK's ChatMessageInput has none, and
        # langchain-perplexity sends a HumanMessage(name=...) without it.
        turns=TurnStyle(turn_names=False),
        # langchain-perplexity builds its message itself from the SDK's reply: only
        # the model name as metadata, reasoning and citation tokens as the details,
        # a stream's deltas' raw tool calls kept whole.
        style=own_reading(
            "openai",
            reply_keys=("model_name",),
            stream_keys=("finish_reason", "model_name"),
            usage_nulls=(),
            empty_output_details=True,
            detail_keys=("reasoning", "citation_tokens"),
            usage_output_fields=(
                ("reasoning_tokens", "reasoning"),
                ("citation_tokens", "citation_tokens"),
            ),
            usage_metadata_fields=("num_search_queries", "search_context_size"),
        ),
        sdk="perplexity",
        # (in langchain-perplexity's order: what print shows of additional_kwargs)
        kept_fields=(
            "citations",
            "images",
            "related_questions",
            "search_results",
            "videos",
            "reasoning_steps",
        ),
        stream_null_fields=("citations", "search_results"),  # the SDK's StreamChunk's
        # (langchain-perplexity keeps these when the event names them, null too...)
        stream_named_fields=("images", "related_questions"),
        stream_set_fields=("videos", "reasoning_steps"),  # (... and these when set)
        # The SDK parses a reply's search results into its model (langchain-perplexity
        # keeps the objects; a stream's chunks are dumped: their dumps).
        kept_models={
            "search_results": SdkModel(
                "perplexity.generated.api:ApiPublicSearchResultOutput",
                field_names("date last_updated snippet source title url"),
            )
        },
    ),
    langchain_class="ChatPerplexity",
    otel_name="perplexity",
    model_prefixes=("sonar",),
    aliases=(("pplx_api_key", "api_key"),),
    # LangChain's default rule: a stop of its own (no field of its class) not reported.
    ls_rule=LangSmithRule(stop_setting=False),
    body=same_names(*PERPLEXITY_SEARCH_FIELDS, "media_response"),
    dropin=DropIn(
        profiles="perplexity",
        llm_type="perplexitychat",
        body_nulls=("max_tokens",),  # langchain-perplexity's `_default_params`
        lc_namespace=("langchain_perplexity", "chat_models"),  # its module: not serialized
        package="langchain-perplexity",
        partner_class="langchain_perplexity.chat_models:ChatPerplexity",
        # Not serialized by LangChain: its fields, for reading them only.
        partner_fields={
            "serialized": False,
            "identifying": False,  # LangChain's default: none
            # Its `_default_params`: these three, its search options where set.
            "default_params": {
                "always": {
                    "max_tokens": "max_tokens",
                    "stream": "streaming",
                    "temperature": "temperature",
                },
                "unless_empty": {name: name for name in PERPLEXITY_SEARCH_OPTIONS},
                "merged": {"extra_body": {"media_response": "media_response"}},
                "spread": "model_kwargs",
                "unset": {"temperature": 0.7},  # (its default: left out of its form)
            },
            "aliases": {"api_key": "pplx_api_key", "timeout": "request_timeout"},
            "annotations": {"model": str, "temperature": float},
            "floats": frozenset({"temperature", "request_timeout"}),
            "secrets": {"pplx_api_key": "PPLX_API_KEY"},
            # it has no `stop` or `top_p` field (warned, its validator moves them)
            "kept_in": {"stop": "model_kwargs", "top_p": "model_kwargs"},
            "assigned": frozenset({"model_kwargs"}),  # by its validator, whatever was given
            "dump_aliases": {"pplx_api_key": "api_key", "request_timeout": "timeout"},
            "unwritten": {
                "model": "sonar",
                "temperature": 0.7,
                "model_kwargs": {},
                "use_responses_api": None,
                "max_retries": 6,
                **dict.fromkeys(
                    (
                        "return_images",
                        "return_related_questions",
                        "disable_search",
                        "enable_search_classifier",
                    ),
                    False,
                ),
            },
            "shown": field_names(
                "name cache callbacks tags metadata custom_get_token_ids rate_limiter "
                "disable_streaming output_version profile client async_client model "
                "temperature model_kwargs pplx_api_key request_timeout max_retries "
                "streaming max_tokens use_responses_api search_mode reasoning_effort "
                "language_preference search_domain_filter return_images "
                "return_related_questions search_recency_filter "
                "search_after_date_filter search_before_date_filter "
                "last_updated_after_filter last_updated_before_filter disable_search "
                "enable_search_classifier web_search_options media_response"
            ),
            "shown_unless_none": frozenset({"output_version", "model_kwargs", "pplx_api_key"}),
            # Its SDK clients: the `perplexityai` package's, its base URL read by the
            # SDK itself (PERPLEXITY_BASE_URL).
            "clients": {
                "client": ("perplexity:Perplexity", "", "perplexityai"),
                "async_client": ("perplexity:AsyncPerplexity", "", "perplexityai"),
            },
            "client_arguments": {
                "api_key": "pplx_api_key",
                "max_retries": "max_retries",
                "timeout": "request_timeout",
            },
            "client_optional": frozenset({"timeout"}),
            "dumped": field_names(
                "name disable_streaming output_version model temperature model_kwargs "
                "pplx_api_key request_timeout max_retries streaming max_tokens "
                "use_responses_api search_mode reasoning_effort language_preference "
                "search_domain_filter return_images return_related_questions "
                "search_recency_filter search_after_date_filter "
                "search_before_date_filter last_updated_after_filter "
                "last_updated_before_filter disable_search enable_search_classifier "
                "web_search_options media_response"
            ),
        },
        api_fields=("reasoning_effort", "web_search_options"),
        default_model="sonar",
        temperature=0.7,
        max_retries=6,
        stream_usage=False,
        # Perplexity has neither tools nor a JSON mode: its one structured output.
        structured_methods={"json_mode": "json_schema", "function_calling": "json_schema"},
        refused={
            **CLIENTS,
            "use_responses_api": "chatplex speaks Perplexity's Chat Completions API only",
        },
    ),
)


SAMBANOVA = Preset(
    hosted(
        "sambanova",
        "SambaNova",
        "https://api.sambanova.ai/v1",
        dropped_input_blocks=frozenset(),  # langchain-sambanova sends every block
        text_extras_roles=frozenset({"user", "system", "tool"}),
        rebuilt_text_roles=frozenset(),  # its tool result's blocks as given
        empty_tool_list_sent=True,  # langchain-sambanova's bind_tools([]): `tools: []`
        true_choice_names_lone_tool=True,  # langchain-sambanova's tool_choice=True: that tool
        keeps_choice_without_tools=True,  # ... and any tool_choice beside it
        developer_role_sent=False,  # langchain-sambanova: every system message as "system"
        # langchain-sambanova sends stream_options only when its field is set.
        stream_options=False,
        says_stream_false=False,  # langchain-sambanova's body has no "stream" then
        # No name on a turn (SambaNova's message is a role and its content); an
        # assistant's list content as its text joined, where langchain-sambanova
        # sends "" or null (the text lost: a kept difference).
        turns=TurnStyle(turn_names=False, joined_text=True),
        forced_tool_settings=False,  # its with_structured_output binds the tool alone
        # ...and pops `strict` from its kwargs, whatever the method.
        strict_dropped=frozenset({"function_calling", "json_schema"}),
        # langchain-sambanova reads the SDK's reply itself: no provider name, the
        # SDK's usage fields (speed figures) as null, no usage details, the raw
        # tool calls kept, reasoning in additional_kwargs.
        style=own_reading(
            "sambanova",
            absent_fingerprint="",  # as langchain-sambanova reads it: .get(..., "")
            reply_keys=(
                "token_usage",
                "model_name",
                "system_fingerprint",
                "finish_reason",
                "logprobs",
            ),
            stream_keys=("finish_reason", "model_name", "system_fingerprint", "logprobs"),
            usage_nulls=(
                (
                    "",
                    (
                        "acceptance_rate",
                        "completion_tokens_details",
                        "prompt_tokens_details",
                        "completion_tokens_after_first_per_sec",
                        "completion_tokens_after_first_per_sec_first_ten",
                        "completion_tokens_after_first_per_sec_graph",
                        "completion_tokens_per_sec",
                        "end_time",
                        "is_last_response",
                        "start_time",
                        "stop_reason",
                        "time_to_first_token",
                        "time_to_first_token_graph",
                        "total_latency",
                        "total_tokens_per_sec",
                    ),
                ),
            ),
            usage_order=SAMBANOVA_USAGE,  # its SDK's Usage, as declared
            detail_keys=(),
            raw_call_keys=("function", "id", "index", "type"),  # its SDK's, as declared
        ),
        # ChatSambaNova's default method, with langchain-groq's response format.
        structured_output_method="json_schema",
        json_schema_shape="titled",
        sdk="sambanova",
        sdk_keywords=SAMBANOVA_CREATE,
        sdk_create=("CompletionsResource.create()", "AsyncCompletionsResource.create()"),
        reasoning_field="reasoning",
    ),
    langchain_class="ChatSambaNova",
    # langchain-groq's result: finish reason and logprobs, usage/model/fingerprint.
    llm_output="completions_fields",
    # Its stream as langchain-openai's: the model's fields on the finishing chunk.
    stream_metadata_order=LANGCHAIN_OPENAI_STREAM_ORDER,
    stream_finish_keys=LANGCHAIN_OPENAI_FINISH_KEYS,
    aliases=key_and_base("sambanova"),
    body=same_names("top_k", "reasoning_effort", "stream_options"),
    # langchain-sambanova's ChatSambaNova (ChatSambaNovaCloud was removed in 1.0).
    dropin=DropIn(
        llm_type="sambanova-chat",
        lc_namespace=("langchain_sambanova", "chat_models"),
        package="langchain-sambanova",
        partner_class="langchain_sambanova.chat_models:ChatSambaNova",
        versions=(),  # langchain-sambanova names none
        partner_fields=openai_style_fields(
            "sambanova",
            annotations={"temperature": float},  # not Optional there
            aliases={
                "retries": "max_retries",
                "integration_source": "sambanova_integration_source",
            },
            defaults={
                "max_tokens": 1024,
                "temperature": 0.7,
                "max_retries": 2,
                "sambanova_integration_source": "langchain",
            },
            inert=frozenset({"sambanova_integration_source"}),
            identifying=False,
            # Its `_default_params`: its request fields where set.
            default_params={
                "unless_none": {
                    "model": "model_name",
                    **{k: k for k in ("max_tokens", "temperature", "top_p", "top_k")},
                    **{k: k for k in ("stream_options", "reasoning_effort")},
                },
                "unless_empty": {"stop": "stop"},
                "spread": "model_kwargs",
            },
            dumped=field_names(
                "name disable_streaming output_version sambanova_api_base "
                "sambanova_api_key model_name max_tokens temperature top_p top_k stop "
                "streaming stream_options reasoning_effort default_headers "
                "default_query max_retries request_timeout http_client "
                "http_async_client model_kwargs sambanova_integration_source"
            ),
        ),
        default_model="Llama-4-Maverick-17B-128E-Instruct",
        temperature=0.7,
        max_tokens=1024,
        refused={
            **CLIENTS,
            "integration_source": "an analytics header of the sambanova SDK",
            "sambanova_integration_source": "an analytics header of the sambanova SDK",
        },
        stream_usage=False,
    ),
)
