"""langchain-anthropic's `ChatAnthropic` as data (`PartnerClass`): the facts its LangChain
class reports, how it writes its fields, and its own pydantic fields, read only by
`chatplex.langchain` through the engine (`dropin.ChatAnthropic.partner_record`).

>>> CHAT_ANTHROPIC.llm_type, CHAT_ANTHROPIC.distribution
('anthropic-chat', 'langchain-anthropic')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import Literal

from pydantic import SecretStr

from ...chat.partner_form import Fallback
from ...chat.partner_form import IdentifyingParams
from ...chat.partner_form import PartnerFields
from ...chat.partner_form import SdkClient
from ...chat.partner_form import SharedHttpClient
from ...chat.partner_record import REQUIRED
from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerField
from ...specs import dumped_under_aliases
from ...specs import field_names

__all__ = ["CHAT_ANTHROPIC", "UNNAMED_PARAMETERS"]

#: The Messages API parameters langchain-anthropic's class has no field for: given to
#: its constructor, its validator (langchain-core's `_build_model_kwargs`) moves them
#: into `model_kwargs` with its warning and sends them from there. Warned, shown there,
#: and sent as any API parameter is.
UNNAMED_PARAMETERS = frozenset(
    {"cache_control", "diagnostics", "service_tier", "speed", "system", "tool_choice", "tools"}
    | {"workspace_id"}
)

#: langchain-anthropic's pydantic aliases, alias -> field.
_ALIASES = {
    "model_name": "model",
    "max_tokens_to_sample": "max_tokens",
    "timeout": "default_request_timeout",
    "stop": "stop_sequences",
    "base_url": "anthropic_api_url",
    "api_key": "anthropic_api_key",
    "effort": "reasoning_effort",
}


CHAT_ANTHROPIC = PartnerClass(
    llm_type="anthropic-chat",
    namespace=("langchain", "chat_models", "anthropic"),
    partner_class="langchain_anthropic.chat_models:ChatAnthropic",
    fields=PartnerFields(
        kept_in=dict.fromkeys(UNNAMED_PARAMETERS, "model_kwargs"),
        annotations={"model": str},
        required=frozenset({"model"}),
        aliases=_ALIASES,
        defaults={"max_retries": 2, "stream_usage": True},
        filled={"max_tokens": "adapter.default_max_tokens"},
        secrets={
            "anthropic_api_key": "ANTHROPIC_API_KEY",
            "mcp_servers": "ANTHROPIC_MCP_SERVERS",
        },
        floats=frozenset({"temperature", "default_request_timeout"}),
        fallbacks={
            "anthropic_api_url": Fallback(
                "https://api.anthropic.com", ("ANTHROPIC_API_URL", "ANTHROPIC_BASE_URL")
            )
        },
        # Set by its validators whatever was given (its `exclude_unset` keeps them).
        assigned=frozenset({"model_kwargs", "max_tokens"}),
        dump_aliases=dumped_under_aliases(_ALIASES),
        # Its fields, unset ones too; its `reasoning_effort` inside `output_config`.
        identifying=IdentifyingParams(
            always={
                name: name
                for name in (
                    "model",
                    "max_tokens",
                    "temperature",
                    "top_k",
                    "top_p",
                    "model_kwargs",
                    "streaming",
                    "max_retries",
                    "default_request_timeout",
                    "thinking",
                    "output_config",
                )
            },
            unset={"model_kwargs": {}},
            merged={"output_config": {"effort": "reasoning_effort"}},
        ),
        dumped=field_names(
            "name disable_streaming output_version model max_tokens temperature top_k "
            "top_p default_request_timeout max_retries stop_sequences anthropic_api_url "
            "anthropic_api_key anthropic_proxy default_headers betas model_kwargs "
            "streaming stream_usage thinking output_config reasoning_effort mcp_servers "
            "context_management container reuse_last_container inference_geo "
            "user_profile_id"
        ),
        # Its repr's fields, in its order (`print(llm)`; `dumpd` writes it too).
        shown=field_names(
            "name cache callbacks tags metadata custom_get_token_ids rate_limiter "
            "disable_streaming output_version profile model max_tokens temperature top_k "
            "top_p default_request_timeout max_retries stop_sequences anthropic_api_url "
            "anthropic_api_key anthropic_proxy default_headers betas model_kwargs "
            "streaming stream_usage thinking output_config reasoning_effort mcp_servers "
            "context_management container reuse_last_container inference_geo "
            "user_profile_id"
        ),
        # Its SDK clients, private there (`llm._client.models.list()`), under its
        # User-Agent.
        clients={
            "_client": SdkClient("anthropic:Anthropic"),
            "_async_client": SdkClient("anthropic:AsyncAnthropic"),
        },
        client_arguments={
            "api_key": "anthropic_api_key",
            "base_url": "anthropic_api_url",
            "max_retries": "max_retries",
            "default_headers": "default_headers",
            "timeout": "default_request_timeout",
        },
        client_headers={"User-Agent": "langchain-anthropic/{partner_version}"},
        client_proxy="anthropic_proxy",  # (given, else read from ANTHROPIC_PROXY)
        client_proxy_classes=(
            "anthropic:DefaultHttpxClient",
            "anthropic:DefaultAsyncHttpxClient",
        ),
        # One httpx client per base URL, timeout and proxy, shared by its models (its
        # `_get_default_httpx_client`).
        client_shared=SharedHttpClient(
            ("anthropic:DefaultHttpxClient", "anthropic:DefaultAsyncHttpxClient"),
            base_url=Fallback("https://api.anthropic.com", ("ANTHROPIC_BASE_URL",)),
            proxied=True,
        ),
    ),
    profiles="anthropic",
    lifts_model_kwargs=0,  # (langchain-core's build_model_kwargs)
    # Its own pydantic fields, in its order. `max_tokens` left None is the model's output
    # limit (its "before" validator); the base URL and key are read by its gateway
    # validator (langchain-core's `_apply_gateway_config`), the URL defaulting to
    # https://api.anthropic.com there (LangSmith's gateway variables aside).
    declared=(
        PartnerField("model", str, REQUIRED, alias="model_name"),
        PartnerField("max_tokens", int | None, alias="max_tokens_to_sample"),
        PartnerField("temperature", float | None),
        PartnerField("top_k", int | None),
        PartnerField("top_p", float | None),
        PartnerField("default_request_timeout", float | None, alias="timeout"),
        PartnerField("max_retries", int, 2),
        PartnerField("stop_sequences", list[str] | None, alias="stop"),
        PartnerField(
            "anthropic_api_url",
            str | None,
            alias="base_url",
            env=("ANTHROPIC_API_URL", "ANTHROPIC_BASE_URL"),
        ),
        PartnerField(
            "anthropic_api_key",
            SecretStr,
            SecretStr(""),
            alias="api_key",
            env=("ANTHROPIC_API_KEY",),
        ),
        PartnerField("anthropic_proxy", str | None, env=("ANTHROPIC_PROXY",)),
        PartnerField("default_headers", Mapping[str, str] | None),
        PartnerField("betas", list[str] | None),
        PartnerField("model_kwargs", dict[str, Any], factory=dict),
        PartnerField("streaming", bool, False),
        PartnerField("stream_usage", bool, True),
        PartnerField("thinking", dict[str, Any] | None),
        PartnerField("output_config", dict[str, Any] | None),
        PartnerField(
            "reasoning_effort",
            Literal["max", "xhigh", "high", "medium", "low"] | None,
            alias="effort",
        ),
        PartnerField("mcp_servers", list[dict[str, Any]] | None),
        PartnerField("context_management", dict[str, Any] | None),
        PartnerField("container", dict[str, Any] | str | None),
        PartnerField("reuse_last_container", bool | None),
        PartnerField("inference_geo", str | None),
        PartnerField("user_profile_id", str | None),
    ),
)
