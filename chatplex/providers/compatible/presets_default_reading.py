"""The OpenAI-compatible presets with no partner reading to match (no reply style of
their own: chatplex reads them as Chat Completions): OpenRouter, Hugging Face, the
local servers vLLM and LM Studio (those the other folders declare are `spec.py`'s own
rows), and Hyperbolic.

Pure data, read by `spec.py` (its import-linter contract holds for what this imports)."""

from __future__ import annotations

from .partner_tables import CLIENTS
from .preset import DropIn
from .preset import Preset
from .preset import hosted
from .preset import key_and_base
from .profile import Profile

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
        # langchain-openrouter's structured runs name a function_calling schema as
        # langchain-core's OpenAI tool, a json_schema one as langchain-core's JSON schema.
        structured_trace_schema={"function_calling": "openai tool"},
        json_schema_shape="titled",  # (langchain-core's JSON schema, `strict` only when given)
        forced_single_call=False,  # (its forced tool binds `strict`, no `parallel_tool_calls`)
    ),
    adapter="OpenRouterAdapter",
    # LangChain's init_chat_model builds langchain-openrouter's class for the name.
    langchain_class="ChatOpenRouter",
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
        llm_type="openrouter-chat",
        profiles="openrouter",  # its model profiles, looked up by the model's name
        lc_namespace=("langchain_openrouter", "chat_models"),  # serialized there
        package="langchain-openrouter",
        partner_class="langchain_openrouter.chat_models:ChatOpenRouter",
        refused=CLIENTS,
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


HUGGINGFACE = Preset(
    hosted(
        "huggingface",
        "Hugging Face",
        "https://router.huggingface.co/v1",
        key_variables=("HF_TOKEN", "HUGGINGFACEHUB_API_TOKEN"),
        base_variables=(),
    ),
    langchain_class="ChatHuggingFace",
)


VLLM = Preset(Profile("vllm", "vLLM", "http://localhost:8000/v1"))


LMSTUDIO = Preset(Profile("lmstudio", "LM Studio", "http://localhost:1234/v1"))


# Hyperbolic: no LangChain partner package, so its class is chatplex's own name.
HYPERBOLIC = Preset(
    hosted(
        "hyperbolic",
        "Hyperbolic",
        "https://api.hyperbolic.xyz/v1",
    ),
    langchain_class="ChatHyperbolic",
    langchain_init=False,
    dropin=DropIn(refused=CLIENTS),
)
