"""`AzureChatOpenAI`: a chatplex chat model that takes langchain-openai's Azure constructor.

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

>>> model = AzureChatOpenAI(
...     azure_endpoint="https://res.openai.azure.com", azure_deployment="gpt4o",
...     api_version="2024-10-21", api_key="k",
... )
>>> model.get_name(), model.model, model.deployment_name
('AzureChatOpenAI', 'gpt4o', 'gpt4o')

Deliberate differences from langchain-openai: the model name defaults to the deployment
(LangChain's `model` is only a label there; chatplex names the call by it, and sends it as
the body's `model` only on Azure's v1 API, which needs it, or when it was given);
`OPENAI_API_KEY` and `OPENAI_API_BASE` are not read (only Azure's variables).

With no credential given or in the environment, it falls back to Azure workload identity
as langchain-openai does: when `AZURE_CLIENT_ID`, `AZURE_TENANT_ID` and
`AZURE_FEDERATED_TOKEN_FILE` are all set and `azure-identity` is installed, tokens come
from its `WorkloadIdentityCredential` (`_workload_identity`); otherwise a missing
credential is refused as there.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from importlib import import_module
from typing import TYPE_CHECKING
from typing import Any

from ...chat.dropin import dropin
from ...chat.dropin import spellings
from ...chat.params import SettingRefused
from ...secret.urls import shown_url
from .dropin import AdapterSettings
from .dropin import ChatOpenAI
from .dropin_record import AZURE_CHAT_OPENAI_RECORD

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...secret import Secret
    from .responses_adapter import OpenAIResponsesAdapter

__all__ = ["AzureChatOpenAI"]

#: `openai_api_type` values that mean Azure (the legacy setting; anything else is refused).
_AZURE_API_TYPES = (None, "azure", "azure_ad")
#: The credentials Azure's variables give; with neither set (nor one given), workload
#: identity is tried, where all of its variables are set.
_AZURE_CREDENTIAL_VARIABLES = ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN")
_WORKLOAD_IDENTITY_VARIABLES = ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE")
#: The scope of a token for Azure OpenAI (Cognitive Services).
_AZURE_OPENAI_SCOPE = "https://cognitiveservices.azure.com/.default"


@dropin(aliases=spellings(deployment_name="azure_deployment", openai_api_version="api_version"))
class AzureChatOpenAI(ChatOpenAI):
    """Azure OpenAI Chat Completions with langchain-openai's `AzureChatOpenAI`
    constructor: `ChatOpenAI`'s parameters plus Azure's (see the module docstring)."""

    partner_record = AZURE_CHAT_OPENAI_RECORD

    def langchain_profile(self, profile: dict[str, Any]) -> dict[str, Any] | None:
        profile.pop("mid_conversation_tools", None)  # as langchain-openai's Azure class
        return profile or None

    #: The token providers of the workload identity fallback (`_workload_identity`),
    #: which the partner's fields then hold.
    _workload_token_provider: Callable[[], str] | None = None
    _workload_async_token_provider: Callable[[], Awaitable[str]] | None = None

    calls_through_openai_proxy = False  # langchain-openai's Azure clients ignore it
    routes_langsmith_gateway = False  # (its validator does not look)

    def __init__(
        self,
        model: str | None = None,
        *,
        azure_endpoint: str | None = None,
        azure_deployment: str | None = None,
        api_version: str | None = None,
        azure_ad_token: str | Secret | None = None,
        azure_ad_token_provider: Callable[[], str] | None = None,
        azure_ad_async_token_provider: Callable[[], Awaitable[str]] | None = None,
        model_version: str = "",
        openai_api_type: str | None = None,
        validate_base_url: bool = True,
        **settings: Any,  # ChatOpenAI's parameters, checked there (its signature: @dropin)
    ) -> None:
        owner = type(self).__name__
        # (its field reads OPENAI_API_TYPE, which its clients never read: taken, unused)
        if openai_api_type not in (*_AZURE_API_TYPES, os.environ.get("OPENAI_API_TYPE")):
            raise SettingRefused(
                f"{owner}(openai_api_type={openai_api_type!r}) is not supported: "
                "this class speaks Azure ('azure'); use ChatOpenAI for other servers"
            )
        if not isinstance(model_version, str):
            raise TypeError(f"model_version must be a str, got {model_version!r}")
        self._azure: dict[str, Any] = {
            "azure_endpoint": azure_endpoint,
            "azure_deployment": azure_deployment,
            "api_version": api_version,
            "azure_ad_token": azure_ad_token,
            "azure_ad_token_provider": azure_ad_token_provider,
            "azure_ad_async_token_provider": azure_ad_async_token_provider,
            "model_version": model_version,
            # langchain-openai sends `model` in the body only when one was given.
            "body_model": model is not None or settings.get("model_name") is not None,
        }
        self._validate_base_url = validate_base_url
        #: The model named (None: the deployment's), as langchain-openai's `model_name`.
        self._named_model = model if model is not None else settings.get("model_name")
        if model is None and settings.get("model_name") is None:
            model = azure_deployment
        super().__init__(model, **settings)
        del self._azure
        #: LangChain's attribute names for the Azure settings.
        self.deployment_name = azure_deployment
        self.azure_endpoint = self.adapter.azure_endpoint  # type: ignore[union-attr]
        self.openai_api_version = self.adapter.api_version  # type: ignore[union-attr]
        self.model_version = model_version

    def langchain_model_name(self) -> str | None:
        return self._named_model

    def langchain_profile_names(self) -> tuple[str, ...]:
        # The model named, then the deployment (a model langchain-openai has no profile
        # of falls back to its deployment's, as its Azure class looks them up).
        return tuple(name for name in (self._named_model, self.deployment_name) if name)

    def _named_model_of(self, model: str | None, params: Mapping[str, Any]) -> str | None:
        # The model named, not the deployment standing in for it (as langchain-openai's
        # validators read `model_name`, None for a deployment alone).
        return self._named_model

    def _token_given(self) -> bool:
        azure = self._azure
        keys = ("azure_ad_token", "azure_ad_token_provider", "azure_ad_async_token_provider")
        return any(azure[key] is not None for key in keys)

    def _workload_identity(self) -> dict[str, Any]:
        """langchain-openai's last resort where no credential is given or set: token
        providers over azure-identity's `WorkloadIdentityCredential` when its three
        variables are set and it is installed (none otherwise: the adapter then says
        what is missing)."""
        if self._token_given() or any(map(os.environ.get, _AZURE_CREDENTIAL_VARIABLES)):
            return {}
        if not all(map(os.environ.get, _WORKLOAD_IDENTITY_VARIABLES)):
            return {}
        try:
            identity = import_module("azure.identity")
            identity_aio = import_module("azure.identity.aio")
        except ImportError:
            return {}
        self._workload_token_provider = identity.get_bearer_token_provider(
            identity.WorkloadIdentityCredential(), _AZURE_OPENAI_SCOPE
        )
        self._workload_async_token_provider = identity_aio.get_bearer_token_provider(
            identity_aio.WorkloadIdentityCredential(), _AZURE_OPENAI_SCOPE
        )
        return {
            "azure_ad_token_provider": self._workload_token_provider,
            "azure_ad_async_token_provider": self._workload_async_token_provider,
        }

    def _make_adapter(
        self, wanted: AdapterSettings
    ) -> tuple[Adapter, OpenAIResponsesAdapter | None]:
        """Azure's Chat Completions adapter, or (`wanted.responses`) its Responses
        adapter: the Responses translation over the same Azure connection; with (if
        `wanted.switchable`) the Responses adapter that built-in tools bound later switch
        to, as in langchain-openai."""
        from .azure import AzureOpenAIAdapter
        from .azure_responses import AzureResponsesAdapter

        if wanted.project is not None:
            raise SettingRefused(
                f"{type(self).__name__}(project=...) is not supported: Azure has no projects"
            )
        base_url = wanted.base_url
        if base_url is not None and self._validate_base_url:
            _check_base_url(base_url, self._azure["azure_deployment"])
        connection: dict[str, Any] = {
            **self._azure,
            # held by the adapters only, as a Secret; a token given wins over a key, as
            # langchain-openai hands the SDK no key then
            "api_key": None if self._token_given() else wanted.api_key,
            **(self._workload_identity() if wanted.api_key is None else {}),
            "base_url": base_url,
            "default_query": wanted.default_query,
            "organization": wanted.organization,
            "default_headers": wanted.default_headers,
        }
        # The Responses API names the model in the body (the deployment, unless `model`
        # was given) whenever there is one, as langchain-openai's payload does.
        chat_body_model = connection.pop("body_model")
        responses_body_model = chat_body_model or bool(connection["azure_deployment"])
        try:
            if wanted.responses:
                adapter = AzureResponsesAdapter(
                    **connection,
                    body_model=responses_body_model,
                    use_previous_response_id=wanted.use_previous_response_id,
                )
                return adapter, None
            chat = AzureOpenAIAdapter(
                **connection,
                body_model=chat_body_model,
                include_usage=wanted.include_usage,
                completion_tokens=True,  # as langchain-openai: max_completion_tokens
            )
            if not wanted.switchable:
                return chat, None
            return chat, AzureResponsesAdapter(**connection, body_model=responses_body_model)
        finally:
            connection.clear()


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
