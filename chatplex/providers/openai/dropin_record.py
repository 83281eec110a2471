"""The LangChain partner classes of this folder's drop-ins as records (decision 013):
langchain-openai's `ChatOpenAI` and `AzureChatOpenAI`, each a `PartnerClass` whose build
and hooks its drop-in's module adds (`dropin.py`, `azure_dropin.py`), read only by
`chatplex.langchain`."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from pydantic import SecretStr

from ...chat.langsmith_gateway import GatewayReport
from ...chat.langsmith_gateway import GatewayRoute
from ...chat.partner_form import Fallback
from ...chat.partner_form import IdentifyingParams
from ...chat.partner_form import PartnerFields
from ...chat.partner_form import SdkClient
from ...chat.partner_form import SharedHttpClient
from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerField
from ...chat.sdk_agents import SdkForms
from ...chat.sdk_agents import stainless_headers
from ...specs import dumped_under_aliases
from ...specs import field_names
from .chunk_bound import CHUNK_BOUND_READ
from .spec import BASE_CHAT_OPENAI_CLIENTS
from .spec import BASE_CHAT_OPENAI_DEFAULT_PARAMS
from .spec import BASE_CHAT_OPENAI_DUMP_ALIASES
from .spec import BASE_CHAT_OPENAI_DUMPED
from .spec import BASE_CHAT_OPENAI_GATEWAY_REPORT
from .spec import BASE_CHAT_OPENAI_GIVEN
from .spec import BASE_CHAT_OPENAI_IDENTIFYING
from .spec import BASE_CHAT_OPENAI_PROXIED
from .spec import BASE_CHAT_OPENAI_SHOWN
from .spec import CHAT_OPENAI_CLIENT_ARGUMENTS

__all__ = [
    "AZURE_CHAT_OPENAI_RECORD",
    "CHAT_OPENAI_RECORD",
    "DEFAULT_MODEL",
    "UNNAMED_PARAMETERS",
]

#: langchain-openai's ChatOpenAI reports `BaseChatOpenAI`'s params, `max_tokens` under
#: the name it sends (`max_completion_tokens`).
CHAT_OPENAI_IDENTIFYING = IdentifyingParams(
    **{
        **BASE_CHAT_OPENAI_IDENTIFYING,
        "unless_none": {
            ("max_completion_tokens" if k == "max_tokens" else k): v
            for k, v in BASE_CHAT_OPENAI_IDENTIFYING["unless_none"].items()
        },
    }
)

#: LangChain's default model when none is named (`ChatOpenAI()`).
DEFAULT_MODEL = "gpt-3.5-turbo"

#: The fields that, given, keep langchain-openai's classes from asking a stream for its
#: usage (their `stream_usage` default is for OpenAI's own API only).
USAGE_UNLESS_GIVEN = ("openai_api_base", "openai_proxy", "http_client", "http_async_client")

#: Where langchain-openai's classes read the organization when none is given (or an
#: empty one): its variable, then (its validator's) the older one.
_ORGANIZATION = Fallback(None, ("OPENAI_ORG_ID", "OPENAI_ORGANIZATION"), empty=True)


#: The Chat Completions and Responses API parameters langchain-openai's classes have no
#: field for: given to the constructor, its validator (langchain-core's
#: `build_model_kwargs`) moves them into `model_kwargs` with its warning, serializes
#: them there and sends them from there. Warned, shown there, sent as given.
UNNAMED_PARAMETERS = frozenset(
    {"audio", "function_call", "functions", "modalities", "moderation", "prediction"}
    | {"parallel_tool_calls", "prompt_cache_key", "prompt_cache_retention"}
    | {"response_format", "safety_identifier", "stream_options", "tool_choice", "tools"}
    | {"user", "web_search_options"}
    | {"background", "background_options", "conversation", "image", "instructions"}
    | {"max_output_tokens", "max_tool_calls", "previous_response_id", "prompt", "text"}
    | {"access_programs"}
)

#: How langchain-openai's ChatOpenAI names, reads and writes its fields.
CHAT_OPENAI_FORM = PartnerFields(
    kept_in=dict.fromkeys(UNNAMED_PARAMETERS, "model_kwargs"),
    annotations={"model_name": str},
    attributes=("openai_organization", "openai_api_base", "openai_proxy"),
    aliases={
        "model": "model_name",
        "api_key": "openai_api_key",
        "base_url": "openai_api_base",
        "organization": "openai_organization",
        "timeout": "request_timeout",
        "max_completion_tokens": "max_tokens",
        "stop_sequences": "stop",
    },
    defaults={"model_name": DEFAULT_MODEL},
    checks_candidates=True,
    filled=CHUNK_BOUND_READ["filled"],
    excluded=CHUNK_BOUND_READ["excluded"],
    secrets={"openai_api_key": "OPENAI_API_KEY"},
    floats=frozenset({"temperature", "request_timeout"}) | CHUNK_BOUND_READ["floats"],
    identifying=CHAT_OPENAI_IDENTIFYING,
    default_params=BASE_CHAT_OPENAI_DEFAULT_PARAMS,
    # Usage in streams by default to OpenAI's own API only (its validator's test).
    fallbacks={
        "openai_api_base": Fallback(None, ("OPENAI_API_BASE",)),
        "openai_organization": _ORGANIZATION,
        "stream_usage": Fallback(
            True,
            unless=(
                *USAGE_UNLESS_GIVEN,
                "OPENAI_API_BASE",
                "OPENAI_BASE_URL",
                "OPENAI_PROXY",
            ),
        ),
    },
    # (whether its fields alone chose the Responses API, held by the adapter made)
    completed={"use_responses_api": "adapter.responses_by_fields"},
    # Its httpx clients through `openai_proxy` where none is given (its validator's).
    resolved=BASE_CHAT_OPENAI_PROXIED,
    dumped=BASE_CHAT_OPENAI_DUMPED,
    # Set by its validators whatever was given (its `exclude_unset` keeps them).
    assigned=frozenset(
        {"model_kwargs", "openai_api_base", "openai_api_key", "openai_organization"}
    ),
    dump_aliases=BASE_CHAT_OPENAI_DUMP_ALIASES,
    gateway_report=GatewayReport(*BASE_CHAT_OPENAI_GATEWAY_REPORT),
    langsmith_gateway=GatewayRoute(
        "openai_api_base",
        "openai_api_key",
        "openai/v1",
        base_variables=("OPENAI_API_BASE",),
        key_variables=("OPENAI_API_KEY",),
        when_routed={"stream_usage": True},
        routed_unless=(
            "stream_usage",
            *USAGE_UNLESS_GIVEN[1:],
            "OPENAI_PROXY",
            *BASE_CHAT_OPENAI_CLIENTS,
        ),
    ),
    clients={name: SdkClient(*made) for name, made in BASE_CHAT_OPENAI_CLIENTS.items()},
    client_arguments=CHAT_OPENAI_CLIENT_ARGUMENTS,
    client_optional=frozenset({"max_retries"}),
    client_proxy="openai_proxy",  # (given, else read from OPENAI_PROXY)
    client_given=BASE_CHAT_OPENAI_GIVEN,
    # One httpx client per base URL and timeout, shared by its models (its
    # `_get_default_httpx_client`); its TCP keep-alive socket options aside.
    client_shared=SharedHttpClient(
        ("openai:DefaultHttpxClient", "openai:DefaultAsyncHttpxClient"),
        base_url=Fallback("https://api.openai.com/v1", ("OPENAI_BASE_URL",)),
    ),
    shown=BASE_CHAT_OPENAI_SHOWN,
)


def redeclared(fields: tuple[PartnerField, ...], *own: PartnerField) -> tuple[PartnerField, ...]:
    """`fields` as a subclass declares them: `own` in place of those of the same name,
    the rest of `own` after them."""
    mine = {f.name: f for f in own}
    kept = tuple(mine.pop(f.name, f) for f in fields)
    return (*kept, *mine.values())


#: langchain-openai's BaseChatOpenAI's own fields (not `BaseChatModel`'s), as it
#: declares them: what its subclasses (langchain-deepseek's, -xai's, -together's,
#: -nebius') share. Its validator reads the key, base URL and organization's variables
#: (`CHAT_OPENAI_FIELDS`); a subclass's own validator replaces it.
BASE_CHAT_OPENAI_FIELDS: tuple[PartnerField, ...] = (
    PartnerField("client", Any, excluded=True),
    PartnerField("async_client", Any, excluded=True),
    PartnerField("root_client", Any, excluded=True),
    PartnerField("root_async_client", Any, excluded=True),
    PartnerField("model_name", str, DEFAULT_MODEL, alias="model"),
    PartnerField("temperature", float | None),
    PartnerField("model_kwargs", dict[str, Any], factory=dict),
    PartnerField(
        "openai_api_key",
        SecretStr | None | Callable[[], str] | Callable[[], Awaitable[str]],
        alias="api_key",
    ),
    PartnerField("openai_api_base", str | None, alias="base_url"),
    PartnerField("openai_organization", str | None, alias="organization"),
    PartnerField("openai_proxy", str | None, env=("OPENAI_PROXY",)),
    PartnerField("request_timeout", float | tuple[float, float] | Any | None, alias="timeout"),
    PartnerField("stream_usage", bool | None),
    PartnerField("max_retries", int | None),
    PartnerField("presence_penalty", float | None),
    PartnerField("frequency_penalty", float | None),
    PartnerField("seed", int | None),
    PartnerField("logprobs", bool | None),
    PartnerField("top_logprobs", int | None),
    PartnerField("logit_bias", dict[int, int] | None),
    PartnerField("streaming", bool, False),
    PartnerField("n", int | None),
    PartnerField("top_p", float | None),
    PartnerField("max_tokens", int | None),
    PartnerField("reasoning_effort", str | None),
    PartnerField("reasoning", dict[str, Any] | None),
    PartnerField("verbosity", str | None),
    PartnerField("tiktoken_model_name", str | None),
    PartnerField("default_headers", Mapping[str, str] | None),
    PartnerField("default_query", Mapping[str, object] | None),
    PartnerField("http_client", Any | None, excluded=True),
    PartnerField("http_async_client", Any | None, excluded=True),
    PartnerField("http_socket_options", Sequence[tuple[int, int, int]] | None, excluded=True),
    PartnerField(
        "stream_chunk_timeout",
        float | None,
        120.0,
        env=("LANGCHAIN_OPENAI_STREAM_CHUNK_TIMEOUT_S",),  # (a float: `chunk_bound.py`)
        excluded=True,
    ),
    PartnerField("stop", list[str] | str | None, alias="stop_sequences"),
    PartnerField("extra_body", Mapping[str, Any] | None),
    PartnerField("include_response_headers", bool, False),
    PartnerField("disabled_params", dict[str, Any] | None),
    PartnerField("context_management", list[dict[str, Any]] | None),
    PartnerField("include", list[str] | None),
    PartnerField("prompt_cache_options", dict[str, Any] | None),
    PartnerField("service_tier", str | None),
    PartnerField("store", bool | None),
    PartnerField("truncation", str | None),
    PartnerField("use_previous_response_id", bool, False),
    PartnerField("use_responses_api", bool | None),
)

#: langchain-openai's ChatOpenAI's: its base class's, `max_tokens` also spelled
#: `max_completion_tokens`, and the variables its validator reads (the key and base URL
#: through langchain-core's gateway settings, then the organization's two).
CHAT_OPENAI_FIELDS = redeclared(
    BASE_CHAT_OPENAI_FIELDS,
    dataclasses.replace(BASE_CHAT_OPENAI_FIELDS[7], env=("OPENAI_API_KEY",)),
    PartnerField("openai_api_base", str | None, alias="base_url", env=("OPENAI_API_BASE",)),
    PartnerField(
        "openai_organization",
        str | None,
        alias="organization",
        env=("OPENAI_ORG_ID", "OPENAI_ORGANIZATION"),
    ),
    PartnerField("max_tokens", int | None, alias="max_completion_tokens"),
)


#: Who the openai SDK's requests say is calling (`PartnerClass.sdk`): ChatOpenAI's and
#: every partner class's that calls through its client; langchain-openai reads its
#: replies through the SDK's raw-response wrapper.
OPENAI_SDK = SdkForms(
    ("OpenAI/Python {openai}", "AsyncOpenAI/Python {openai}"),
    stainless_headers("openai", **{"X-Stainless-Raw-Response": "true"}),
    versions=(("openai", "3.57.0"),),
)

#: langchain-openai's ChatOpenAI.
CHAT_OPENAI_RECORD = PartnerClass(
    llm_type="openai-chat",
    namespace=("langchain", "chat_models", "openai"),
    partner_class="langchain_openai.chat_models.base:ChatOpenAI",
    lifts_model_kwargs=2,  # (langchain-core's build_model_kwargs: stacklevel=7)
    fields=CHAT_OPENAI_FORM,
    profiles="openai",
    declared=CHAT_OPENAI_FIELDS,
    sdk=OPENAI_SDK,
)


#: langchain-openai's AzureChatOpenAI's pydantic aliases, alias -> field: ChatOpenAI's
#: and its deployment's and API version's.
_AZURE_ALIASES = {
    **CHAT_OPENAI_FORM.aliases,
    "azure_deployment": "deployment_name",
    "api_version": "openai_api_version",
}

#: langchain-openai's AzureChatOpenAI reports ChatOpenAI's params after its deployment.
_AZURE_IDENTIFYING = dataclasses.replace(
    CHAT_OPENAI_IDENTIFYING,
    always={"azure_deployment": "deployment_name", **CHAT_OPENAI_IDENTIFYING.always},
)


#: langchain-openai's AzureChatOpenAI's: ChatOpenAI's, its key read from Azure's variable
#: first and its model a label only, and Azure's own.
AZURE_CHAT_OPENAI_FIELDS = redeclared(
    CHAT_OPENAI_FIELDS,
    PartnerField("model_name", str | None, alias="model"),
    PartnerField(
        "openai_api_key",
        SecretStr | None,
        alias="api_key",
        env=("AZURE_OPENAI_API_KEY", "OPENAI_API_KEY"),
    ),
    PartnerField("openai_api_base", str | None, alias="base_url"),
    PartnerField("azure_endpoint", str | None, env=("AZURE_OPENAI_ENDPOINT",)),
    PartnerField("deployment_name", str | None, alias="azure_deployment"),
    PartnerField(
        "openai_api_version", str | None, alias="api_version", env=("OPENAI_API_VERSION",)
    ),
    PartnerField("azure_ad_token", SecretStr | None, env=("AZURE_OPENAI_AD_TOKEN",)),
    PartnerField("azure_ad_token_provider", Callable[[], str] | None),
    PartnerField("azure_ad_async_token_provider", Callable[[], Awaitable[str]] | None),
    PartnerField("model_version", str, ""),
    PartnerField("openai_api_type", str | None, "azure", env=("OPENAI_API_TYPE",)),
    PartnerField("validate_base_url", bool, True),
)


#: langchain-openai's AzureChatOpenAI: ChatOpenAI's, with its own names and form.
AZURE_CHAT_OPENAI_RECORD = dataclasses.replace(
    CHAT_OPENAI_RECORD,
    llm_type="azure-openai-chat",
    namespace=("langchain", "chat_models", "azure_openai"),
    partner_class="langchain_openai.chat_models.azure:AzureChatOpenAI",
    sdk=dataclasses.replace(OPENAI_SDK, agent="langchain-partner-python-azure-openai"),
    fields=dataclasses.replace(
        CHAT_OPENAI_FORM,
        attributes=(),  # its own, in place of ChatOpenAI's
        attributes_always=("openai_api_type", "openai_api_version"),
        aliases=_AZURE_ALIASES,
        defaults={
            **{k: v for k, v in CHAT_OPENAI_FORM.defaults.items() if k != "model_name"},
            "stream_usage": True,
            "openai_api_type": "azure",
            "validate_base_url": True,
        },
        inert=frozenset({"validate_base_url"}),
        langsmith_gateway=None,  # (its validator replaces ChatOpenAI's: no gateway)
        # Set by its validators whatever was given (its `exclude_unset` keeps them); its
        # `disabled_params` where it writes them (`azure_dropin.default_disabled_params`).
        assigned=frozenset({"model_kwargs", "openai_organization", "stream_usage"}),
        dump_aliases=dumped_under_aliases(_AZURE_ALIASES),
        # Its validator's workload identity fallback (held by its adapters).
        completed={
            **CHAT_OPENAI_FORM.completed,
            "azure_ad_token_provider": "adapter.workload_token_provider",
            "azure_ad_async_token_provider": "adapter.workload_async_token_provider",
        },
        annotations={},  # its model_name is `str | None`, as the drop-in's model
        secrets={
            "openai_api_key": "AZURE_OPENAI_API_KEY",
            "azure_ad_token": "AZURE_OPENAI_AD_TOKEN",
        },
        identifying=_AZURE_IDENTIFYING,
        # (its identifying params put its deployment before BaseChatOpenAI's)
        default_params=frozenset({"azure_deployment", "model_name"}),
        # Its validator reads no base URL variable: usage asked for unless a base URL,
        # proxy (its field reads OPENAI_PROXY) or HTTP client is given.
        fallbacks={
            "openai_organization": CHAT_OPENAI_FORM.fallbacks["openai_organization"],
            "stream_usage": Fallback(True, unless=(*USAGE_UNLESS_GIVEN, "OPENAI_PROXY")),
        },
        dumped=(
            *CHAT_OPENAI_FORM.dumped,
            *field_names(
                "azure_endpoint deployment_name openai_api_version azure_ad_token "
                "azure_ad_token_provider azure_ad_async_token_provider model_version "
                "openai_api_type validate_base_url"
            ),
        ),
        # Its SDK clients: the `openai` package's Azure ones, built as ChatOpenAI's but
        # with no proxy, under its own User-Agent.
        clients={
            "client": SdkClient("root_client", "chat.completions"),
            "async_client": SdkClient("root_async_client", "chat.completions"),
            "root_client": SdkClient("openai:AzureOpenAI"),
            "root_async_client": SdkClient("openai:AsyncAzureOpenAI"),
        },
        client_arguments={
            **CHAT_OPENAI_FORM.client_arguments,
            "api_version": "openai_api_version",
            "azure_endpoint": "azure_endpoint",
            "azure_deployment": "deployment_name",
            "azure_ad_token": "azure_ad_token",
            "azure_ad_token_provider": "azure_ad_token_provider",
        },
        client_headers={"User-Agent": "langchain-partner-python-azure-openai"},
        client_proxy="",
        client_shared=None,  # (its validator gives its clients its `http_client` only)
        shown=(),
    ),
    declared=AZURE_CHAT_OPENAI_FIELDS,
)
