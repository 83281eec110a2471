"""The OpenRouter preset: langchain-openrouter's `ChatOpenRouter`, which reads the
replies with the openrouter SDK (its `cost`, `created` and `object` in the metadata; no
`refusal` or `parsed` key)."""

from __future__ import annotations

from ....specs import KeyOrder
from ..partner_tables import CLIENTS
from ..partner_tables import OPENROUTER_SEND
from ..preset import DropIn
from ..preset import Preset
from ..preset import hosted
from ..preset import key_and_base
from ..profile import ReplyStyle
from ..profile import TurnStyle

#: ChatOpenRouter's fields of the request's own parameters, in its order: dumped, and
#: sent where set (its `_default_params`).
_OPENROUTER_PARAMETERS = (
    "temperature",
    "max_tokens",
    "max_completion_tokens",
    "top_p",
    "frequency_penalty",
    "presence_penalty",
    "seed",
    "stop",
)

#: langchain-openrouter's ChatOpenRouter's dumped fields, in its order (LangChain's first).
_OPENROUTER_DUMPED = (
    "name",
    "disable_streaming",
    "output_version",
    "openrouter_api_key",
    "openrouter_api_base",
    "app_url",
    "app_title",
    "app_categories",
    "request_timeout",
    "max_retries",
    "model_name",
    *_OPENROUTER_PARAMETERS,
    "n",
    "streaming",
    "stream_usage",
    "model_kwargs",
    "reasoning",
    "openrouter_provider",
    "route",
    "plugins",
    "session_id",
    "trace",
)

OPENROUTER = Preset(
    hosted(
        "openrouter",
        "OpenRouter",
        "https://openrouter.ai/api/v1",
        reasoning_field="reasoning",
        sdk_keywords=OPENROUTER_SEND,
        sdk_create=("Chat.send()", "Chat.send_async()"),
        # langchain-openrouter's structured runs name a function_calling schema as
        # langchain-core's OpenAI tool, a json_schema one as langchain-core's JSON schema.
        structured_trace_schema={"function_calling": "openai tool"},
        json_schema_shape="titled",  # (langchain-core's JSON schema, `strict` only when given)
        forced_single_call=False,  # (its forced tool binds `strict`, no `parallel_tool_calls`)
        style=ReplyStyle(
            "openrouter",
            # (in its order: what print shows of response_metadata)
            reply_keys=(
                *("model_name", "id", "created", "object", "finish_reason", "logprobs"),
                *("model_provider", "cost", "cost_details", "system_fingerprint"),
            ),
            finish_keys=("finish_reason", "id", "created", "object", "logprobs"),
            usage_nulls=(),
            detail_keys=("cache_read", "cache_creation", "reasoning"),
            empty_token_details=False,
            tiers_apart=False,
            refusal_key=False,
            parsed_key=False,
            when_set=frozenset({"id", "created", "object", "system_fingerprint"}),
            when_sent=frozenset({"logprobs", "cost", "cost_details"}),
            # Its reasoning's structured form (a model's signed thinking among them).
            message_fields=("reasoning_details",),
        ),
        # A turn's reasoning sent back, its text as `reasoning`, as langchain-openrouter.
        turns=TurnStyle(reasoning_key="reasoning", reasoning_details=True),
    ),
    adapter="OpenRouterAdapter",
    # LangChain's init_chat_model builds langchain-openrouter's class for the name.
    langchain_class="ChatOpenRouter",
    litellm_prefixes=("openrouter",),
    retry_after_ms_header=None,  # the openrouter SDK (Speakeasy's) reads `retry-after`
    # (its usage record's chunk names no provider: only the usage's cost, where sent)
    stream_usage_unmarked=True,
    # Its finishing chunk names the model and fingerprint, in its order; no other does.
    stream_finish_keys=("model_name", "system_fingerprint"),
    stream_metadata_order=KeyOrder(
        first=("finish_reason", "model_name", "system_fingerprint", "id", "created", "object"),
        last=("model_provider",),
    ),
    aliases=key_and_base("openrouter"),
    body=(
        ("reasoning", "reasoning"),
        ("openrouter_provider", "provider"),
        ("route", "route"),
        ("plugins", "plugins"),
        ("session_id", "session_id"),
        ("trace", "trace"),
    ),
    dropin=DropIn(
        adapter_settings=("app_url", "app_title", "app_categories"),
        body_if_true=frozenset({"session_id"}),  # (its `if self.session_id:`)
        llm_type="openrouter-chat",
        profiles="openrouter",  # its model profiles, looked up by the model's name
        lc_namespace=("langchain_openrouter", "chat_models"),  # serialized there
        package="langchain-openrouter",
        partner_class="langchain_openrouter.chat_models:ChatOpenRouter",
        refused=CLIENTS,
        # base_url=None: OPENROUTER_API_BASE unread (its field's); its SDK reads none
        unset_base_variables=(),
        # It takes json_mode as json_schema (with its warning): it has no json_mode.
        structured_methods={"json_mode": "json_schema"},
        structured_method_warnings={
            "json_mode": (
                "Unrecognized structured output method 'json_mode'. "
                "Defaulting to 'json_schema' method."
            )
        },
        # How its serializer writes it: its fields under their names, its key as a
        # reference, and the defaults it writes when not given.
        partner_fields={
            "aliases": {
                "api_key": "openrouter_api_key",
                "base_url": "openrouter_api_base",
                "model": "model_name",
                "stop_sequences": "stop",
                "timeout": "request_timeout",
            },
            "defaults": {
                "app_url": "https://docs.langchain.com",
                "app_title": "LangChain",
                "max_retries": 2,
                "n": 1,
                "stream_usage": True,
            },
            "secrets": {"openrouter_api_key": "OPENROUTER_API_KEY"},
            # Its validator sets `model_kwargs` whatever was given.
            "assigned": frozenset({"model_kwargs"}),
            # Its `n` field's bound (>= 1) and its validator's `n > 1 and streaming`.
            "checks_candidates": True,
            # Its `model_dump()`: its fields in its order, by alias under these.
            "dumped": _OPENROUTER_DUMPED,
            "dump_aliases": {
                "openrouter_api_key": "api_key",
                "openrouter_api_base": "base_url",
                "request_timeout": "timeout",
                "model_name": "model",
                "stop": "stop_sequences",
            },
            # Its `_identifying_params`: these fields, set or not.
            "identifying": {
                "always": {
                    "model": "model_name",
                    **{
                        f: f
                        for f in (
                            "temperature",
                            "max_tokens",
                            "top_p",
                            "streaming",
                            "reasoning",
                            "openrouter_provider",
                            "route",
                            "model_kwargs",
                        )
                    },
                },
            },
            # Its `_default_params`: the request's fields it sets, where set.
            "default_params": {
                "always": {"model": "model_name", "stream": "streaming"},
                "unless_none": {
                    "provider": "openrouter_provider",
                    **{
                        f: f
                        for f in (
                            *_OPENROUTER_PARAMETERS,
                            "reasoning",
                            "route",
                            "plugins",
                            "trace",
                        )
                    },
                },
                "unless_empty": {"session_id": "session_id"},
                "spread": "model_kwargs",
            },
        },
    ),
)
