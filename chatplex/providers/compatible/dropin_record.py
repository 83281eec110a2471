"""The LangChain partner classes of the OpenAI-compatible presets as records (decision
013): a preset's class's record is made from its `DropIn` row (`preset_record`, its
facts and its form) and its partner class's own pydantic fields, declared here
(`DECLARED`, by provider name: the rows are pure data, which this module is not). Those
of langchain-openai's BaseChatOpenAI subclasses are its fields (`BASE_CHAT_OPENAI_FIELDS`)
and their own. ChatHyperbolic has no partner class: it declares its own settings."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal

import httpx
from pydantic import SecretStr

from ...chat.partner_form import partner_fields
from ...chat.partner_record import REQUIRED
from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerField
from ...chat.partner_record import PartnerHooks
from ...chat.sdk_agents import SdkForms
from ...chat.sdk_agents import stainless_headers
from ..openai.dropin_record import BASE_CHAT_OPENAI_FIELDS
from ..openai.dropin_record import OPENAI_SDK
from ..openai.dropin_record import redeclared
from .preset import DropIn

if TYPE_CHECKING:
    from ...chat.model import ChatModel

__all__ = ["DECLARED", "declared_value", "preset_record"]

_TIMEOUT = float | tuple[float, float] | Any | None
_CLIENTS = (
    PartnerField("client", Any, excluded=True),
    PartnerField("async_client", Any, excluded=True),
)
_HTTP_CLIENTS = (
    PartnerField("http_client", Any | None),
    PartnerField("http_async_client", Any | None),
)


def _renamed_chat_openai(row: DropIn) -> tuple[PartnerField, ...]:
    """A BaseChatOpenAI under another name (`preset.renamed_chat_openai`): its row's
    default model, its key `<name>_api_key` and base URL `<name>_api_base` (its row's
    default) from its variables."""
    name = row.provider
    return redeclared(
        BASE_CHAT_OPENAI_FIELDS,
        PartnerField("model_name", str, row.default_model, alias="model"),
        PartnerField(
            f"{name}_api_key", SecretStr | None, alias="api_key", env=(f"{name.upper()}_API_KEY",)
        ),
        PartnerField(
            f"{name}_api_base",
            str,
            row.renamed_base,
            alias="base_url",
            env=(f"{name.upper()}_API_BASE",),
        ),
    )


_GROQ = (
    *_CLIENTS,
    PartnerField("model_name", str, REQUIRED, alias="model"),
    PartnerField("temperature", float, 0.7),
    PartnerField("stop", list[str] | str | None, alias="stop_sequences"),
    PartnerField("reasoning_format", Literal["parsed", "raw", "hidden"] | None),
    PartnerField("reasoning_effort", str | None),
    PartnerField("model_kwargs", dict[str, Any], factory=dict),
    PartnerField("groq_api_key", SecretStr | None, alias="api_key", env=("GROQ_API_KEY",)),
    PartnerField("groq_api_base", str | None, alias="base_url", env=("GROQ_API_BASE",)),
    PartnerField("groq_proxy", str | None, env=("GROQ_PROXY",)),
    PartnerField("request_timeout", _TIMEOUT, alias="timeout"),
    PartnerField("max_retries", int, 2),
    PartnerField("streaming", bool, False),
    PartnerField("n", int, 1),
    PartnerField("max_tokens", int | None),
    PartnerField("service_tier", Literal["on_demand", "flex", "auto"], "on_demand"),
    PartnerField("default_headers", Mapping[str, str] | None),
    PartnerField("default_query", Mapping[str, object] | None),
    *_HTTP_CLIENTS,
)

_DEEPSEEK = redeclared(
    BASE_CHAT_OPENAI_FIELDS,
    PartnerField("model_name", str, REQUIRED, alias="model"),
    PartnerField("api_key", SecretStr | None, env=("DEEPSEEK_API_KEY",)),
    PartnerField(
        "api_base",
        str,
        "https://api.deepseek.com/v1",
        alias="base_url",
        env=("DEEPSEEK_API_BASE",),
    ),
)

_XAI = redeclared(
    BASE_CHAT_OPENAI_FIELDS,
    PartnerField("model_name", str, "grok-4", alias="model"),
    PartnerField("openai_api_key", SecretStr | None),  # (no alias: its own key has it)
    PartnerField("openai_api_base", str | None),
    PartnerField("xai_api_key", SecretStr | None, alias="api_key", env=("XAI_API_KEY",)),
    PartnerField(
        "xai_api_base", str, "https://api.x.ai/v1/", alias="base_url", env=("XAI_API_BASE",)
    ),
    PartnerField("search_parameters", dict[str, Any] | None),
)

_MISTRALAI = (
    PartnerField("client", httpx.Client, excluded=True),
    PartnerField("async_client", httpx.AsyncClient, excluded=True),
    PartnerField("mistral_api_key", SecretStr | None, alias="api_key", env=("MISTRAL_API_KEY",)),
    # (its validator reads MISTRAL_BASE_URL where none is given)
    PartnerField("endpoint", str | None, alias="base_url", env=("MISTRAL_BASE_URL",)),
    PartnerField("max_retries", int, 5),
    PartnerField("timeout", int | float, 120),  # (a kept difference: its int refuses 2.5)
    PartnerField("max_concurrent_requests", int, 64),
    PartnerField("model", str, "mistral-small", alias="model_name"),
    PartnerField("temperature", float, 0.7),
    PartnerField("max_tokens", int | None),
    PartnerField("stop", list[str] | None),
    PartnerField("top_p", float, 1),
    PartnerField("random_seed", int | None),
    PartnerField("safe_mode", bool | None),
    PartnerField("streaming", bool, False),
    PartnerField("model_kwargs", dict[str, Any], factory=dict),
)

_FIREWORKS = (
    *_CLIENTS,
    PartnerField("model_name", str, REQUIRED, alias="model"),
    PartnerField("temperature", float | None),
    PartnerField("stop", str | list[str] | None, alias="stop_sequences"),
    PartnerField("model_kwargs", dict[str, Any], factory=dict),
    # (both read by its validator, through langchain-core's gateway settings)
    PartnerField(
        "fireworks_api_key", SecretStr, SecretStr(""), alias="api_key", env=("FIREWORKS_API_KEY",)
    ),
    PartnerField("fireworks_api_base", str | None, alias="base_url", env=("FIREWORKS_API_BASE",)),
    PartnerField("request_timeout", _TIMEOUT, alias="timeout"),
    PartnerField("streaming", bool, False),
    PartnerField("stream_usage", bool, True),
    PartnerField("n", int, 1),
    PartnerField("max_tokens", int | None),
    PartnerField("max_retries", int | None, 2),
    PartnerField("service_tier", str | None),
    PartnerField("reasoning_effort", str | None),
)

_PERPLEXITY = (
    *_CLIENTS,
    PartnerField("model", str, "sonar"),
    PartnerField("temperature", float, 0.7),
    PartnerField("model_kwargs", dict[str, Any], factory=dict),
    PartnerField("pplx_api_key", SecretStr | None, alias="api_key", env=("PPLX_API_KEY",)),
    PartnerField("request_timeout", float | tuple[float, float] | None, alias="timeout"),
    PartnerField("max_retries", int, 6),
    PartnerField("streaming", bool, False),
    PartnerField("max_tokens", int | None),
    PartnerField("use_responses_api", bool | None),
    PartnerField("search_mode", Literal["web", "academic", "sec"] | None),
    PartnerField("reasoning_effort", Literal["low", "medium", "high"] | None),
    PartnerField("language_preference", str | None),
    PartnerField("search_domain_filter", list[str] | None),
    PartnerField("return_images", bool, False),
    PartnerField("return_related_questions", bool, False),
    PartnerField("search_recency_filter", Literal["day", "week", "month", "year"] | None),
    PartnerField("search_after_date_filter", str | None),
    PartnerField("search_before_date_filter", str | None),
    PartnerField("last_updated_after_filter", str | None),
    PartnerField("last_updated_before_filter", str | None),
    PartnerField("disable_search", bool, False),
    PartnerField("enable_search_classifier", bool, False),
    # (its package's own types there: chatplex imports no partner package)
    PartnerField("web_search_options", Any),
    PartnerField("media_response", Any),
)

_SAMBANOVA = (
    *_CLIENTS,
    PartnerField("sambanova_api_base", str | None, alias="base_url", env=("SAMBANOVA_API_BASE",)),
    PartnerField(
        "sambanova_api_key", SecretStr | None, alias="api_key", env=("SAMBANOVA_API_KEY",)
    ),
    PartnerField("model_name", str, "Llama-4-Maverick-17B-128E-Instruct", alias="model"),
    PartnerField("max_tokens", int, 1024),
    PartnerField("temperature", float, 0.7),
    PartnerField("top_p", float | None),
    PartnerField("top_k", int | None),
    PartnerField("stop", list[str] | str | None, alias="stop_sequences"),
    PartnerField("streaming", bool, False),
    PartnerField("stream_options", dict[str, Any] | None),
    PartnerField("reasoning_effort", str | None),
    PartnerField("default_headers", Mapping[str, str] | None),
    PartnerField("default_query", Mapping[str, object] | None),
    PartnerField("max_retries", int, 2, alias="retries"),
    PartnerField("request_timeout", _TIMEOUT, alias="timeout"),
    *_HTTP_CLIENTS,
    PartnerField("model_kwargs", dict[str, Any], factory=dict),
    PartnerField("sambanova_integration_source", str, "langchain", alias="integration_source"),
)

# (langchain-cerebras 0.8.2's and langchain-openrouter 0.2.9's: the declared-fields test
# compares them with the installed classes.)
_CEREBRAS = redeclared(
    BASE_CHAT_OPENAI_FIELDS,
    PartnerField("model_name", str, REQUIRED, alias="model"),
    PartnerField("cerebras_api_key", SecretStr | None, alias="api_key", env=("CEREBRAS_API_KEY",)),
    PartnerField(
        "cerebras_api_base",
        str,
        "https://api.cerebras.ai/v1/",
        alias="base_url",
        env=("CEREBRAS_API_BASE",),
    ),
    PartnerField("cerebras_proxy", str, "", env=("CEREBRAS_PROXY",)),
    PartnerField("reasoning_effort", Literal["low", "medium", "high"] | None),
    PartnerField("disable_reasoning", bool | None),
)

_OPENROUTER = (
    PartnerField("client", Any, excluded=True),
    PartnerField(
        "openrouter_api_key", SecretStr | None, alias="api_key", env=("OPENROUTER_API_KEY",)
    ),
    PartnerField("openrouter_api_base", str | None, alias="base_url", env=("OPENROUTER_API_BASE",)),
    PartnerField("app_url", str | None, "https://docs.langchain.com", env=("OPENROUTER_APP_URL",)),
    PartnerField("app_title", str | None, "LangChain", env=("OPENROUTER_APP_TITLE",)),
    PartnerField("app_categories", list[str] | None),
    PartnerField("request_timeout", int | None, alias="timeout"),
    PartnerField("max_retries", int, 2),
    PartnerField("model_name", str, REQUIRED, alias="model"),
    PartnerField("temperature", float | None),
    PartnerField("max_tokens", int | None),
    PartnerField("max_completion_tokens", int | None),
    PartnerField("top_p", float | None),
    PartnerField("frequency_penalty", float | None),
    PartnerField("presence_penalty", float | None),
    PartnerField("seed", int | None),
    PartnerField("stop", list[str] | str | None, alias="stop_sequences"),
    PartnerField("n", int, 1),
    PartnerField("streaming", bool, False),
    PartnerField("stream_usage", bool, True),
    PartnerField("model_kwargs", dict[str, Any], factory=dict),
    PartnerField("reasoning", dict[str, Any] | None),
    PartnerField("openrouter_provider", dict[str, Any] | None),
    PartnerField("route", str | None),
    PartnerField("plugins", list[dict[str, Any]] | None),
    PartnerField("default_headers", Mapping[str, str] | None, excluded=True),
    PartnerField("session_id", str | None, env=("OPENROUTER_SESSION_ID",)),
    PartnerField("trace", dict[str, Any] | None),
)

#: ChatHyperbolic's own fields (no partner class declares them): the settings its record's
#: `build` takes before chatplex's own, under its names and LangChain's other spellings,
#: defaulting as there; its key from HYPERBOLIC_API_KEY is its adapter's read (sent only
#: to its own host), its base URL read from HYPERBOLIC_API_BASE as there.
_HYPERBOLIC = (
    PartnerField("model", str | None, alias="model_name"),
    PartnerField("temperature", float | None),
    PartnerField("max_tokens", int | None),
    PartnerField("top_p", float | None),
    PartnerField("stop", list[str] | str | None, alias="stop_sequences"),
    PartnerField("n", int | None),
    PartnerField("timeout", float | None, alias="request_timeout"),
    PartnerField("max_retries", int, 2),
    PartnerField("api_key", SecretStr | None),
    PartnerField("base_url", str, "https://api.hyperbolic.xyz/v1", env=("HYPERBOLIC_API_BASE",)),
    PartnerField("default_headers", Mapping[str, str] | None),
    PartnerField("default_query", Mapping[str, object] | None),
    PartnerField("streaming", bool, False),
    PartnerField("stream_usage", bool | None),
    PartnerField("model_kwargs", dict[str, Any], factory=dict),
    PartnerField("extra_body", dict[str, Any] | None),
    *_HTTP_CLIENTS,
)

#: Provider name -> its partner class's own pydantic fields (`PartnerClass.declared`); a
#: renamed BaseChatOpenAI's are made from its row (`_renamed_chat_openai`).
DECLARED: dict[str, tuple[PartnerField, ...]] = {
    "groq": _GROQ,
    "deepseek": _DEEPSEEK,
    "xai": _XAI,
    "mistralai": _MISTRALAI,
    "fireworks": _FIREWORKS,
    "perplexity": _PERPLEXITY,
    "sambanova": _SAMBANOVA,
    "cerebras": _CEREBRAS,
    "openrouter": _OPENROUTER,
    "hyperbolic": _HYPERBOLIC,
}

#: Who each preset's partner package says is calling (`PartnerClass.sdk`), by provider
#: name; a name not here sends chatplex's own User-Agent (Hyperbolic: no partner package).
SDK_FORMS: dict[str, SdkForms] = {
    # (their clients are the openai SDK's; DeepSeek's reports its default read timeout)
    **dict.fromkeys(("xai", "together", "nebius", "cerebras"), OPENAI_SDK),
    "deepseek": dataclasses.replace(OPENAI_SDK, read_timeout="600"),
    # langchain-groq sets its own User-Agent.
    "groq": SdkForms(
        "langchain/{langchain-groq}",
        stainless_headers("groq"),
        versions=(("langchain-groq", "1.1.3"), ("groq", "0.37.1")),
    ),
    # langchain-fireworks retries with tenacity around calls the SDK does not retry.
    "fireworks": SdkForms(
        ("Fireworks/Python {fireworks-ai}", "AsyncFireworks/Python {fireworks-ai}"),
        stainless_headers("fireworks-ai", **{"x-stainless-retry-count": "0"}),
        versions=(("fireworks-ai", "1.2.30"),),
    ),
    "sambanova": SdkForms(
        ("SambaNova/Python {sambanova}", "AsyncSambaNova/Python {sambanova}"),
        stainless_headers("sambanova", **{"X-Integration-Source": "langchain"}),
        versions=(("sambanova", "1.13.0"),),
    ),
    "perplexity": SdkForms(
        ("Perplexity/Python {perplexityai}", "AsyncPerplexity/Python {perplexityai}"),
        stainless_headers(
            "perplexityai", **{"X-Source": "perplexity-py", "X-Title": "Perplexity Python SDK"}
        ),
        read_timeout="900",  # its SDK's default
        versions=(("perplexityai", "0.46.1"),),
    ),
    # langchain-mistralai calls through a plain httpx client.
    "mistralai": SdkForms("python-httpx/{httpx}", versions=(("httpx", "0.28.1"),)),
    # langchain-openrouter calls through the openrouter SDK (Speakeasy's): its generator's
    # and API document's versions are those of the release the form was read from.
    "openrouter": SdkForms(
        "speakeasy-sdk/python {openrouter} 2.788.4 1.0.0 openrouter",
        versions=(("openrouter", "0.10.8"),),
    ),
}


#: The facts a row states under its record's own names (`llm_type`, `package`...), each
#: the record's as the row holds it.
_ROW_FACTS = tuple(
    field.name
    for field in dataclasses.fields(PartnerClass)
    if field.name in {own.name for own in dataclasses.fields(DropIn)}
)


def preset_record(
    row: DropIn,
    form: Mapping[str, Any],
    build: Callable[[dict[str, Any]], ChatModel] | None = None,
    hooks: PartnerHooks | None = None,
) -> PartnerClass:
    """The record of a preset's class: its row's facts, its `form` (the row's
    `partner_fields` as the drop-in reads them), its declared fields, and how its model
    is built (`build`, `hooks`: `dropin.py`'s, of its row)."""
    facts = {name: getattr(row, name) for name in _ROW_FACTS}
    return PartnerClass(
        **facts,
        namespace=row.lc_namespace,
        fields=partner_fields(form),
        declared=_renamed_chat_openai(row) if row.renamed_base else DECLARED.get(row.provider, ()),
        build=build,
        hooks=PartnerHooks() if hooks is None else hooks,
        sdk=SDK_FORMS.get(row.provider),
        # (langchain-openai's `output_version`, where its class can go over the Responses
        # API: "responses/v1" sends it there, "v0" shapes its replies)
        built_from_settings=frozenset({"output_version"}) if row.responses_api else frozenset(),
    )


def declared_value(record: PartnerClass, name: str) -> Any:
    """What its partner class holds in its declared field `name` where it is not given,
    as its default factory reads it (langchain-core's `from_env`): its first variable
    set (an empty one too), else its default; None where it declares no such field.

    >>> record = PartnerClass("x", declared=(PartnerField("title", str, "LangChain"),))
    >>> declared_value(record, "title"), declared_value(record, "other")
    ('LangChain', None)
    """
    field = next((f for f in record.declared if f.name == name), None)
    if field is None:
        return None
    variable = next((v for v in field.env if v in os.environ), None)
    return field.default_value() if variable is None else os.environ[variable]
