"""The Mistral AI preset: langchain-mistralai's `ChatMistralAI`, which reads the replies
with httpx."""

from __future__ import annotations

from ....specs import KeyOrder
from ....specs import OutputShape
from ....specs import dumped_under_aliases
from ....specs import field_names
from ..partner_tables import CLIENTS
from ..preset import NO_MAX_COMPLETION_TOKENS
from ..preset import DropIn
from ..preset import Preset
from ..preset import hosted
from ..preset import own_reading
from ..profile import TurnStyle

#: langchain-mistralai's pydantic aliases, alias -> field.
_ALIASES = {"api_key": "mistral_api_key", "base_url": "endpoint", "model_name": "model"}

#: langchain-mistralai's result: the finish reason alone as the generation's info, an
#: `llm_output` of the usage, `model_name` and `model`.
MISTRAL_SHAPE = OutputShape(
    info=("finish_reason",),
    output=("model_name", "model"),
    required=(("token_usage", {}),),
    combined=(),
    usage_each=True,
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
        function_calls_sent=False,  # langchain-mistralai converts no FunctionMessage (ValueError)
        tool_text_keys=frozenset({"type", "text"}),  # Mistral refuses other keys
        key_variables=("MISTRAL_API_KEY",),
        base_variables=("MISTRAL_BASE_URL",),
        # Mistral's API names the seed `random_seed` (its tool_choice takes
        # "required" as well as its own "any": each sent as given, as
        # langchain-mistralai sends them).
        renames={"seed": "random_seed"},
        # langchain-mistralai: the schema as a strict tool function; function
        # calling with tool_choice "any" (it names no tool).
        structured_trace="method",  # its structured runs name the method alone
        structured_trace_schema={
            "function_calling": "given",
            "json_schema": "given",
            "json_mode": "given",
        },
        json_schema_shape="function",
        structured_tool_choice="any",
        kept_tool_choices=("any",),
        binds_true_choice=True,  # langchain-mistralai's bind_tools: True stays True
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
            v1_provider="mistralai",  # its own v1 reasoning back as thinking parts
        ),
        # Mistral refuses any other id in a history (400).
        tool_call_id_pattern=r"[a-zA-Z0-9]{9}",
        forced_tool_settings=False,  # its with_structured_output binds the tool alone
        # ... and pops `strict=` first, whatever the method (its schema's function
        # is strict anyway).
        strict_dropped=frozenset({"function_calling", "json_schema", "json_mode"}),
        v1_stream_indexed="content",  # its `_convert_chunk_to_message_chunk`
        # langchain-mistralai reads the JSON itself (httpx, no SDK): the usage as
        # sent, no details, the raw tool calls kept, its errors httpx's.
        style=own_reading(
            "mistralai",
            model_asked_in=frozenset({"reply"}),  # its own `model`; a stream's the reply's
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
        # ... but not a stream's request: it is sent by the generator the retried
        # function returns, outside the retries.
        partner_retries_streams=False,
    ),
    langchain_class="ChatMistralAI",
    litellm_prefixes=("mistral",),
    retry_after_ms_header=None,  # langchain-mistralai's plain httpx client reads no wait
    # Its stream: the model's name on the finishing chunk, before the finish reason.
    stream_metadata_order=KeyOrder(first=("model_provider", "model_name", "finish_reason")),
    stream_finish_keys=("model_name",),
    otel_name="mistral_ai",
    llm_output=MISTRAL_SHAPE,
    model_prefixes=("mistral", "mixtral"),
    price_id="mistral",
    aliases=(("mistral_api_key", "api_key"), ("endpoint", "base_url")),
    ls_provider="mistral",
    body=(("random_seed", "random_seed"), ("safe_mode", "safe_prompt")),
    dropin=DropIn(
        profiles="mistralai",
        lifts_model_kwargs=2,  # langchain-core's build_model_kwargs (stacklevel=7)
        empty_stop_sent="never",  # (`if stop:` before it sends one)
        timeout_objects=False,  # (its `timeout` field takes seconds only)
        llm_type="mistralai-chat",
        lc_namespace=("langchain", "chat_models", "mistralai"),
        package="langchain-mistralai",
        partner_class="langchain_mistralai.chat_models:ChatMistralAI",
        partner_fields={
            "annotations": {"model": str, "temperature": float},
            "aliases": _ALIASES,
            "floats": frozenset({"temperature", "top_p"}),
            "defaults": {
                "max_retries": 5,
                "timeout": 120,
                "max_concurrent_requests": 64,
                "temperature": 0.7,
                "top_p": 1,
            },
            "secrets": {"mistral_api_key": "MISTRAL_API_KEY"},
            "fallbacks": {"endpoint": ("https://api.mistral.ai/v1", ("MISTRAL_BASE_URL",))},
            "inert": frozenset({"max_concurrent_requests"}),
            # Set by its validators whatever was given (its `exclude_unset` keeps it).
            "assigned": frozenset({"model_kwargs"}),
            "dump_aliases": dumped_under_aliases(_ALIASES),
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
            # Its repr's fields, in its order (`print(llm)`; `dumpd` writes it too).
            "shown": field_names(
                "name cache callbacks tags metadata custom_get_token_ids rate_limiter "
                "disable_streaming output_version profile client async_client mistral_api_key "
                "endpoint max_retries timeout max_concurrent_requests model temperature "
                "max_tokens stop top_p random_seed safe_mode streaming model_kwargs"
            ),
        },
        default_model="mistral-small",
        temperature=0.7,
        max_retries=5,
        timeout=120.0,
        refused=CLIENTS,
        # (langchain-mistralai's field, which nothing reads: `rate_limit=` caps calls here)
        unused=frozenset({"max_concurrent_requests"}),
        body_defaults={"top_p": 1},  # langchain-mistralai's default, always sent
        stream_usage_moved="unsent",  # langchain-mistralai has no stream_usage field
        # (nor `n`, `max_completion_tokens`, Mistral's `safe_prompt` (`safe_mode` is its
        # name for it) and `prompt_mode` ones; its `extra_body` is posted as given, which
        # Mistral refuses: sent as the fields here, tests/partners/compatible)
        moved=(*NO_MAX_COMPLETION_TOKENS, "n", "safe_prompt", "prompt_mode"),
    ),
)
