"""`AzureChatOpenAI`: langchain-openai's Azure class as a record (`PartnerClass`), built
with ChatOpenAI's constructor (`dropin.build_as`): `chatplex.langchain.AzureChatOpenAI`
makes its LangChain chat model from it.

`ChatOpenAI`'s constructor (every setting, alias and check) plus Azure's settings, with
langchain-openai's names and aliases: `azure_endpoint` (`AZURE_OPENAI_ENDPOINT`),
`azure_deployment` / `deployment_name`, `api_version` / `openai_api_version`
(`OPENAI_API_VERSION`), `api_key` / `openai_api_key` (`AZURE_OPENAI_API_KEY`),
`azure_ad_token` (`AZURE_OPENAI_AD_TOKEN`), `azure_ad_token_provider`,
`azure_ad_async_token_provider`, `model_version`, `openai_api_type`, `validate_base_url`.
URLs, auth and content filters are the adapter's: see `chatplex.providers.openai.azure`.
The Responses API (`use_responses_api=True`, and where langchain-openai switches by
itself: `reasoning=`, `output_version="responses/v1"`, built-in tools bound...) is
`chatplex.providers.openai.azure_responses`: the same Azure connection.

>>> model = build({
...     "azure_endpoint": "https://res.openai.azure.com", "deployment_name": "gpt4o",
...     "openai_api_version": "2024-10-21", "openai_api_key": "k",
... })
>>> model.get_name(), model.model, model.adapter.azure_deployment
('AzureChatOpenAI', 'gpt4o', 'gpt4o')

Deliberate differences from langchain-openai: the model name defaults to the deployment
(LangChain's `model` is only a label there; chatplex names the call by it, and sends it as
the body's `model` only on Azure's v1 API, which needs it, or when it was given);
`OPENAI_API_KEY` and `OPENAI_API_BASE` are not read (only Azure's variables). As there,
a missing API version is refused when built (the adapter alone would call Azure's v1 API).

With no credential given or in the environment, it falls back to Azure workload identity
as langchain-openai does: when `AZURE_CLIENT_ID`, `AZURE_TENANT_ID` and
`AZURE_FEDERATED_TOKEN_FILE` are all set and `azure-identity` is installed, tokens come
from its `WorkloadIdentityCredential` (`workload_identity`); otherwise a missing
credential is refused as there.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Mapping
from importlib import import_module
from typing import TYPE_CHECKING
from typing import Any

from ...chat.dropin import pick
from ...chat.model import ChatModel
from ...chat.params import SettingRefused
from ...errors import MissingKeyError
from ...secret.urls import shown_url
from .azure import PARALLEL_CALLS_MODEL
from .base_chat_openai import data_of
from .dropin import AdapterSettings
from .dropin import ChatOpenAI
from .dropin import OpenAIWay
from .dropin import build_as
from .dropin_record import AZURE_CHAT_OPENAI_RECORD
from .sdk_account import sdk_project

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...secret import Secret
    from .dropin import MadeAdapters
    from .responses_adapter import OpenAIResponsesAdapter

__all__ = ["AzureChatOpenAI", "build"]

_OWNER = "AzureChatOpenAI"
#: The credentials Azure's variables give; with neither set (nor one given), workload
#: identity is tried, where all of its variables are set.
_AZURE_CREDENTIAL_VARIABLES = ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN")
_ENDPOINT_VARIABLE = "AZURE_OPENAI_ENDPOINT"
_WORKLOAD_IDENTITY_VARIABLES = ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE")
#: The scope of a token for Azure OpenAI (Cognitive Services).
_AZURE_OPENAI_SCOPE = "https://cognitiveservices.azure.com/.default"
#: Azure's credentials other than a key, handed to its adapters as given.
_TOKENS = ("azure_ad_token", "azure_ad_token_provider", "azure_ad_async_token_provider")


def build(keywords: dict[str, Any]) -> ChatModel:
    """langchain-openai's AzureChatOpenAI constructor: ChatOpenAI's (`build_as`) over
    Azure's adapters (`make_azure_adapters`), its model named by the deployment where
    no model is (the partner's `model_name` stays None: `BaseChatOpenAIData`)."""
    given = dict(keywords)
    model_version = given.pop("model_version", "")
    # (its `openai_api_type`, else OPENAI_API_TYPE, a label its clients never read: held,
    # shown in its `lc_attributes`, whatever it says)
    given.pop("openai_api_type", None)
    if not isinstance(model_version, str):
        raise TypeError(f"model_version must be a str, got {model_version!r}")
    spelled = {
        name: pick(_OWNER, **{name: given.pop(name, None), alias: given.pop(alias, None)})
        for name, alias in (
            ("deployment_name", "azure_deployment"),
            ("api_version", "openai_api_version"),
        )
    }
    deployment = spelled["deployment_name"]
    azure: dict[str, Any] = {
        "azure_endpoint": given.pop("azure_endpoint", None),
        "azure_deployment": deployment,
        "api_version": spelled["api_version"],
        **{name: given.pop(name, None) for name in _TOKENS},
        "model_version": model_version,
        # langchain-openai sends `model` in the body only when one was given.
        "body_model": any(given.get(name) is not None for name in ("model", "model_name")),
    }
    adapters = functools.partial(
        make_azure_adapters,
        _OWNER,
        azure=azure,
        validate_base_url=given.pop("validate_base_url", True),
    )
    way = OpenAIWay(
        _OWNER,
        AZURE_CHAT_OPENAI_RECORD,
        proxied=False,  # langchain-openai's Azure clients ignore it
        default_model=None,
        stand_in=deployment,
        adapters=adapters,
    )
    return build_as(way, given)


def structured_target(
    model: ChatModel, method: str | None, schema: Any
) -> tuple[ChatModel, str | None]:
    """`PartnerHooks.structured_target`: as the wire answers `method` for the model
    named (none for a deployment alone: no fallback, as there)."""
    from ...chat.structured import wire_method

    data = data_of(model)
    return model, wire_method(model, method, None if data is None else data.model_name)


# ---- Azure's own ways, as functions (its record's build and hooks call them) ---------


def azure_profile(model: ChatModel, profile: dict[str, Any]) -> dict[str, Any] | None:
    """Its profile, as langchain-openai's Azure class gives it: no
    `mid_conversation_tools`."""
    profile.pop("mid_conversation_tools", None)
    return profile or None


def azure_profile_names(model: ChatModel) -> tuple[str, ...]:
    """`PartnerHooks.profile_names`: the model named, then the deployment (a model
    langchain-openai has no profile of falls back to its deployment's, as its Azure
    class looks them up)."""
    data = data_of(model)
    deployment = getattr(model.adapter, "azure_deployment", None)
    return tuple(name for name in (None if data is None else data.model_name, deployment) if name)


def token_given(azure: Mapping[str, Any]) -> bool:
    """Whether Azure's keywords (`azure`) give a token or a token provider."""
    return any(azure[key] is not None for key in _TOKENS)


def workload_identity(azure: Mapping[str, Any]) -> dict[str, Any]:
    """langchain-openai's last resort where no credential is given or set: token
    providers over azure-identity's `WorkloadIdentityCredential` when its three
    variables are set and it is installed (none otherwise: the adapter then says
    what is missing)."""
    if token_given(azure) or any(map(os.environ.get, _AZURE_CREDENTIAL_VARIABLES)):
        return {}
    if not all(map(os.environ.get, _WORKLOAD_IDENTITY_VARIABLES)):
        return {}
    try:
        identity = import_module("azure.identity")
        identity_aio = import_module("azure.identity.aio")
    except ImportError:
        return {}
    return {
        "azure_ad_token_provider": identity.get_bearer_token_provider(
            identity.WorkloadIdentityCredential(), _AZURE_OPENAI_SCOPE
        ),
        "azure_ad_async_token_provider": identity_aio.get_bearer_token_provider(
            identity_aio.WorkloadIdentityCredential(), _AZURE_OPENAI_SCOPE
        ),
    }


def make_azure_adapters(
    owner: str, wanted: AdapterSettings, *, azure: Mapping[str, Any], validate_base_url: bool
) -> MadeAdapters:
    """Azure's Chat Completions adapter of ChatOpenAI's connection settings (`wanted`)
    and Azure's own keywords (`azure`, with `body_model`), or (`wanted.responses`) its
    Responses adapter: the Responses translation over the same Azure connection; with (if
    `wanted.switchable`) the Responses adapter that built-in tools bound later switch
    to, as in langchain-openai. Each holds the token providers workload identity gave
    (`workload_token_provider`, ...), which the partner's fields then hold."""
    from .azure import AzureOpenAIAdapter
    from .azure_responses import AzureResponsesAdapter

    if wanted.project is not None:
        raise SettingRefused(f"{owner}(project=...) is not supported: Azure has no projects")
    base_url = wanted.base_url
    if base_url is not None and validate_base_url:
        _check_base_url(base_url, azure["azure_deployment"])
    # An empty key is none given: langchain-openai hands the SDK a falsy key as None (it
    # then reads AZURE_OPENAI_API_KEY), and tries workload identity without one.
    api_key = wanted.api_key or None
    workload = workload_identity(azure) if api_key is None else {}
    if base_url is None and not (azure["azure_endpoint"] or os.environ.get(_ENDPOINT_VARIABLE)):
        # No endpoint: refused in the openai SDK's order and words, as langchain-openai's
        # clients are built (a credential, then the API version, then the endpoint).
        given = api_key or token_given(azure) or workload
        if not (given or any(map(os.environ.get, _AZURE_CREDENTIAL_VARIABLES))):
            raise MissingKeyError(
                "Azure OpenAI credentials missing", adapter_class=AzureOpenAIAdapter
            )
        _check_api_version(azure)
        raise ValueError(
            "Must provide one of the `base_url` or `azure_endpoint` arguments, or the "
            f"`{_ENDPOINT_VARIABLE}` environment variable"
        )
    connection: dict[str, Any] = {
        **azure,
        # held by the adapters only, as a Secret; a token given wins over a key, as
        # langchain-openai hands the SDK no key then
        "api_key": None if token_given(azure) else api_key,
        **workload,
        "base_url": base_url,
        "default_query": wanted.default_query,
        "organization": wanted.organization,
        "project": sdk_project(None),  # (its `project=` refused above)
        "default_headers": wanted.default_headers,
    }
    # The Responses API names the model in the body (the deployment, unless `model`
    # was given) whenever there is one, as langchain-openai's payload does.
    chat_body_model = connection.pop("body_model")
    responses_body_model = chat_body_model or bool(connection["azure_deployment"])
    made: tuple[Adapter, OpenAIResponsesAdapter | None]
    try:
        if wanted.responses:
            made = (
                AzureResponsesAdapter(
                    **connection,
                    body_model=responses_body_model,
                    use_previous_response_id=wanted.use_previous_response_id,
                ),
                None,
            )
        else:
            chat = AzureOpenAIAdapter(
                **connection,
                body_model=chat_body_model,
                include_usage=wanted.include_usage,
                completion_tokens=True,  # as langchain-openai: max_completion_tokens
            )
            switch = None
            if wanted.switchable:
                switch = AzureResponsesAdapter(**connection, body_model=responses_body_model)
            chat.responses_switch = switch  # (what `dropin.tools_to_bind` reads)
            made = (chat, switch)
    finally:
        connection.clear()
    _check_api_version(azure)
    for adapter in made:
        if isinstance(adapter, (AzureOpenAIAdapter, AzureResponsesAdapter)) and workload:
            adapter.workload_token_provider = workload["azure_ad_token_provider"]
            adapter.workload_async_token_provider = workload["azure_ad_async_token_provider"]
    return made


def _check_api_version(azure: Mapping[str, Any]) -> None:
    """The openai SDK's Azure clients refuse a missing API version when langchain-openai
    builds them (after a missing credential): the v1 API chatplex's own family calls then
    is never reached under LangChain's name."""
    if not azure["api_version"] and not os.environ.get("OPENAI_API_VERSION"):
        raise ValueError(
            "Must provide either the `api_version` argument or the `OPENAI_API_VERSION` "
            "environment variable"
        )


def _check_base_url(base_url: str | Secret, deployment: str | None) -> None:
    """langchain-openai's `validate_base_url` checks (its messages, shortened); a held
    URL (it carries a credential) is checked as shown."""
    if "/openai" not in shown_url(base_url):
        raise ValueError(
            "Azure endpoints are given as azure_endpoint=, not base_url= (a base_url "
            "must contain /openai); pass validate_base_url=False to send to it anyway"
        )
    if deployment:
        raise ValueError(
            "azure_deployment= goes with azure_endpoint=, not base_url=: pass "
            'azure_endpoint="https://xxx.openai.azure.com/", azure_deployment="my-deployment", '
            'or base_url="https://xxx.openai.azure.com/openai/deployments/my-deployment"'
        )


def default_disabled_params(held: Mapping[str, Any]) -> dict[str, Any]:
    """Its validator's `disabled_params` where none are given: `parallel_tool_calls` off
    for every model name but "gpt-4o" (there none, and the field not counted set). The
    adapter forces single calls the same way (`PARALLEL_CALLS_MODEL`)."""
    if held.get("disabled_params") is None and held.get("model_name") != PARALLEL_CALLS_MODEL:
        return {"disabled_params": {"parallel_tool_calls": None}}
    return {}


#: langchain-openai's `AzureChatOpenAI` as data: its record's facts and fields
#: (`dropin_record.py`), how its model is built, what it does its own way (ChatOpenAI's
#: but its profile and the model named: `BaseChatOpenAIData.model_name`).
AzureChatOpenAI = dataclasses.replace(
    AZURE_CHAT_OPENAI_RECORD,
    build=build,
    built_from_settings=ChatOpenAI.built_from_settings,
    hooks=dataclasses.replace(
        ChatOpenAI.hooks,
        profile_names=azure_profile_names,
        profile=azure_profile,
        structured_target=structured_target,
        validated=default_disabled_params,
    ),
)
