"""The Groq preset: langchain-groq's `ChatGroq`, which reads the replies with the groq SDK."""

from __future__ import annotations

from ....specs import MoveWarning
from ....specs import OutputShape
from ....specs import field_names
from ...openai.spec import LANGCHAIN_OPENAI_STREAM
from ...openai.spec import OPENAI_LIMITS
from ...openai.spec import completions_clients
from ...openai.spec import openai_client_arguments
from ..partner_tables import CLIENTS
from ..partner_tables import GROQ_BODY
from ..partner_tables import GROQ_CREATE
from ..partner_tables import GROQ_NULLS
from ..partner_tables import GROQ_USAGE_EXTRAS
from ..preset import BLOCKS_AS_GIVEN
from ..preset import NO_MAX_COMPLETION_TOKENS
from ..preset import DropIn
from ..preset import Preset
from ..preset import hosted
from ..preset import key_and_base
from ..preset import openai_style_fields
from ..preset import own_reading
from ..preset import partner_module
from ..preset import same_names
from ..profile import TurnStyle

#: langchain-groq's result: the Chat Completions fields without `model_provider` or `id`
#: (on a stream, its finishing chunk's).
GROQ_SHAPE = OutputShape(
    info=("finish_reason", "logprobs"),
    output=("model_name", "system_fingerprint", "service_tier", "reasoning_effort"),
    # The SDK model's dump has `usage`: None where the body has none.
    required=(("token_usage", None), ("system_fingerprint", "")),
    streamed=(
        "finish_reason",
        "model_name",
        "system_fingerprint",
        "service_tier",
        "reasoning_effort",
        "logprobs",
    ),
    combined=("system_fingerprint", "service_tier"),
    usage_each=True,
)

GROQ = Preset(
    hosted(
        "groq",
        "Groq",
        "https://api.groq.com/openai/v1",
        **BLOCKS_AS_GIVEN,
        assistant_text_blocks=True,  # its assistant turn: `text_blocks or ""`
        empty_tool_list_sent=True,  # langchain-groq's bind_tools([]): `tools: []`
        true_choice_names_lone_tool=True,  # langchain-groq's tool_choice=True: that tool
        keeps_choice_without_tools=True,  # ... and any tool_choice beside it
        developer_role_sent=False,  # langchain-groq: every system message as "system"
        # langchain-groq writes a v1 reply's lone text block as its text. (Its turns
        # without their `name`, which Groq takes, are a kept difference: names are sent.)
        turns=TurnStyle(
            v1_provider="groq",
            v1_lone_text=True,
            text_parts_only=True,
            v1_server_calls_dropped=True,
        ),
        sdk_path="/openai/v1",
        # langchain-groq's variable, then its SDK's (read where no base URL is given)
        base_variables=("GROQ_API_BASE", "GROQ_BASE_URL"),
        # Its structured runs name the method, and json_schema's strict where sent.
        structured_trace="method and schema strict",
        # (its json_mode binds the schema as given; its other methods, as traced)
        structured_trace_schema={"json_mode": "given"},
        json_schema_shape="titled",  # langchain-groq's response_format
        # langchain-groq reads stream usage from x_groq.usage; it sends no stream_options.
        stream_options=False,
        forced_tool_settings=False,  # its with_structured_output binds the tool alone
        bind_strict=False,  # langchain-groq's bind_tools drops strict=
        strict_dropped=frozenset({"json_mode"}),  # ... and JSON mode's, where OpenAI raises
        # ... and json_schema's but on these (langchain-groq's _STRICT_STRUCTURED_OUTPUT_MODELS)
        strict_schema_models=frozenset({"openai/gpt-oss-20b", "openai/gpt-oss-120b"}),
        strict_false_kept=frozenset({"json_schema"}),  # (`strict is True` dropped alone)
        streams_json_format=False,  # Groq streams no structured or JSON-mode reply
        style=own_reading(
            "groq",
            model_asked_in=frozenset({"reply", "stream"}),  # its own `model_name`
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
            executed_tools=True,  # (a compound model's searches and code runs)
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
        batch_api=True,
    ),
    limit_headers=OPENAI_LIMITS,
    langchain_class="ChatGroq",
    litellm_prefixes=("groq",),
    **LANGCHAIN_OPENAI_STREAM,
    # ... but that chunk's metadata is its generation info alone: no model_provider.
    stream_finish_unmarked=True,
    otel_name="groq",
    llm_output=GROQ_SHAPE,
    aliases=key_and_base("groq"),
    body=same_names("reasoning_format", "reasoning_effort", "service_tier"),
    dropin=DropIn(
        profiles="groq",
        llm_type="groq-chat",
        **partner_module("groq", "ChatGroq"),
        versions=(),  # langchain-groq names none
        partner_fields=openai_style_fields(
            "groq",
            annotations={"temperature": float},  # not Optional there
            checks_candidates=True,
            required=frozenset({"model_name"}),
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
            dumped=field_names(
                "name disable_streaming output_version model_name temperature stop "
                "reasoning_format reasoning_effort model_kwargs groq_api_key "
                "groq_api_base groq_proxy request_timeout max_retries streaming n "
                "max_tokens service_tier default_headers default_query http_client "
                "http_async_client"
            ),
            # Its SDK clients, the groq package's, under its User-Agent.
            clients=completions_clients("groq:Groq", "groq:AsyncGroq"),
            client_arguments=openai_client_arguments("groq_api_key", "groq_api_base"),
            client_headers={"User-Agent": "langchain/{partner_version}"},
            # Its repr's fields, in its order (`print(llm)`; `dumpd` writes it too).
            shown=field_names(
                "name cache callbacks tags metadata custom_get_token_ids rate_limiter "
                "disable_streaming output_version profile client async_client model_name "
                "temperature stop reasoning_format reasoning_effort model_kwargs groq_api_key "
                "groq_api_base groq_proxy request_timeout max_retries streaming n max_tokens "
                "service_tier default_headers default_query http_client http_async_client"
            ),
        ),
        temperature=0.7,
        body_defaults=GROQ_BODY,
        body_nulls=GROQ_NULLS,
        empty_stop_sent="always",  # (its `stop` field sent as set, `[]` too)
        refused=CLIENTS,
        unused=frozenset({"groq_proxy"}),  # (langchain-groq's field, which nothing reads)
        # base_url=None: GROQ_API_BASE unread (its field's), the groq SDK's variable read
        unset_base_variables=("GROQ_BASE_URL",),
        empty_key_variable="GROQ_API_KEY",  # api_key="": the groq SDK's variable read
        # langchain-groq has no stream_usage field (and its SDK refuses it: see `DropIn`)
        stream_usage_moved="taken",
        # (nor `top_p`, `extra_body`, `max_completion_tokens` fields)
        moved=(*NO_MAX_COMPLETION_TOKENS, "top_p", "extra_body"),
        moves=MoveWarning(outer=-3, indent=20),  # its own copy, stacklevel=2: pydantic's
    ),
)
