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
from its `WorkloadIdentityCredential` (`workload_identity`); otherwise a missing
credential is refused as there.

Its base, `ChatOpenAIEngine`, is ChatOpenAI's constructor as an engine class (as
langchain-openai's Azure class subclasses its ChatOpenAI): ChatOpenAI itself is built
from its record without it (`dropin.build`); it goes when this class does (decision 013,
slice 4).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING
from typing import Any

from ...chat.binding import merge_body
from ...chat.dropin import UNSET
from ...chat.dropin import check_refused
from ...chat.dropin import constructor_names
from ...chat.dropin import dropin
from ...chat.dropin import spellings
from ...chat.dropin_fields import take_params
from ...chat.langchain_hooks import settled_as_held
from ...chat.model import ChatModel
from ...chat.params import SettingRefused
from ...chat.params import check_api_parameters
from ...secret.urls import shown_url
from . import choices
from . import chunk_bound
from .choices import check_responses_only
from .choices import langchain_temperature
from .choices import responses_by_fields
from .choices import wants_responses_api
from .dropin import FIELDS
from .dropin import SENT
from .dropin import AdapterSettings
from .dropin import TiktokenCounted
from .dropin import builtin_tools_bound
from .dropin import builtin_tools_to_bind
from .dropin import chat_openai_profile
from .dropin import keep_response_headers
from .dropin import make_adapters
from .dropin import partner_settings
from .dropin import proxied
from .dropin import rebuilt_settings
from .dropin_record import AZURE_CHAT_OPENAI_RECORD
from .dropin_record import CHAT_OPENAI_RECORD
from .dropin_record import DEFAULT_MODEL
from .extra_body_layer import ExtraBodyLayer

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...secret import Secret
    from .adapter import OpenAIAdapter
    from .responses_adapter import OpenAIResponsesAdapter

__all__ = ["AzureChatOpenAI", "ChatOpenAIEngine"]

#: `openai_api_type` values that mean Azure (the legacy setting; anything else is refused).
_AZURE_API_TYPES = (None, "azure", "azure_ad")
#: The credentials Azure's variables give; with neither set (nor one given), workload
#: identity is tried, where all of its variables are set.
_AZURE_CREDENTIAL_VARIABLES = ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN")
_WORKLOAD_IDENTITY_VARIABLES = ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE")
#: The scope of a token for Azure OpenAI (Cognitive Services).
_AZURE_OPENAI_SCOPE = "https://cognitiveservices.azure.com/.default"


class ChatOpenAIEngine(TiktokenCounted):
    """ChatOpenAI's constructor as an engine class, for `AzureChatOpenAI` to extend
    (`dropin.build` is the same constructor as a function: the parameters, aliases,
    checks and adapters, documented there)."""

    partner_record = CHAT_OPENAI_RECORD
    #: Whether its partner sends through LangSmith's gateway when LANGSMITH_GATEWAY is
    #: on and no base URL is given (langchain-openai's ChatOpenAI; not its Azure class).
    routes_langsmith_gateway = True
    #: Whether `openai_proxy=` (else `OPENAI_PROXY`) carries its calls, as
    #: langchain-openai's ChatOpenAI builds its httpx clients through it (its
    #: AzureChatOpenAI does not: False there, the keyword refused as before).
    calls_through_openai_proxy = True

    @classmethod
    def langchain_settings(cls, settings: dict[str, Any]) -> dict[str, Any]:
        return partner_settings(settings)

    @classmethod
    def langchain_rebuilt_settings(cls, settings: dict[str, Any]) -> dict[str, Any]:
        return rebuilt_settings(settings)

    def langchain_profile(self, profile: dict[str, Any]) -> dict[str, Any] | None:
        return chat_openai_profile(self, profile)

    def __init__(
        self,
        model: str | None = None,
        *,
        logit_bias: Mapping[Any, int] | None = None,
        verbosity: str | None = None,
        store: bool | None = None,
        organization: str | None = None,
        project: str | None = None,
        stream_chunk_timeout: float | None = UNSET,
        stream_idle_timeout: float | None = None,
        use_responses_api: bool | None = None,
        output_version: str | None = None,
        reasoning: Mapping[str, Any] | None = None,
        include: Sequence[str] | None = None,
        truncation: str | None = None,
        context_management: Any = None,
        use_previous_response_id: bool = False,
        tiktoken_model_name: str | None = None,
        openai_proxy: str | None = None,
        include_response_headers: bool = False,
        **params: Any,
    ) -> None:
        self.tiktoken_model_name = tiktoken_model_name  # counting only (TiktokenCounted)
        self.stream_chunk_timeout = chunk_bound.stream_chunk_timeout(
            stream_chunk_timeout, was_given=stream_chunk_timeout is not UNSET
        )
        if not settled_as_held():  # (as held: the rule ran at construction, or never)
            langchain_temperature(self._named_model_of(model, params), params, reasoning)
        if openai_proxy not in (None, os.environ.get("OPENAI_PROXY")) and not (
            self.calls_through_openai_proxy
        ):  # (refused: `check_refused`; its field reads the variable, which goes unused)
            params["openai_proxy"] = openai_proxy
        taken = take_params(self, params, FIELDS, timeout_objects=True)
        owner, given = taken.owner, taken.given
        if self.routes_langsmith_gateway:
            choices.refuse_langsmith_gateway(owner, given["base_url"], "OPENAI_API_BASE")
        api_params = taken.api_params = check_refused(owner, "openai", taken.api_params)
        responses_only = {
            "reasoning": reasoning,
            "include": list(include) if include is not None else None,
            "truncation": truncation,
            "context_management": context_management,
        }
        responses = wants_responses_api(
            use_responses_api,
            output_version,
            use_previous_response_id=use_previous_response_id,
            body={**(given["model_kwargs"] or {}), **api_params, **responses_only},
            model=model,
        )
        # (use_previous_response_id on Chat Completions: unused, as langchain-openai has it)
        check_responses_only(owner, responses, responses_only)
        by_fields = responses_by_fields(  # (held by the adapter, read by its form)
            use_responses_api,
            output_version,
            use_previous_response_id=use_previous_response_id,
            body=responses_only,
            model=model,
        )
        if output_version not in (None, "v0", "responses/v1"):
            raise ValueError(
                f"output_version must be 'v0' or 'responses/v1', got {output_version!r}"
            )
        wire = "openai_responses" if responses else "openai"
        check_api_parameters(wire, api_params, settings=constructor_names(type(self)), owner=owner)
        named = {
            "n": choices.candidates(given["n"], given["streaming"]),
            **taken.sent(SENT),
            "logit_bias": logit_bias,
            "verbosity": verbosity,
            "store": store,
        }
        body: dict[str, Any] = {k: v for k, v in named.items() if v is not None}
        # What langchain-openai's validators fill in from the fields given and the
        # environment (the form's fallbacks, which the fields read back answer from too):
        # stream usage asked for of OpenAI's own host only, the organization's variables.
        form = self.partner_record.fields
        assert form is not None  # (its record's, or a subclass's: each declares one)
        keywords = {**given, **taken.tail.settings, "openai_proxy": openai_proxy}
        filled = form.fallen_back(
            {form.name(k) for k, v in keywords.items() if v is not None}, os.environ
        )
        asks_usage = given["stream_usage"]
        if asks_usage is None:
            asks_usage = bool(filled.get("stream_usage"))
        #: The Responses adapter, for `bind_tools` with built-in tools (None: not allowed).
        self._responses_adapter: OpenAIResponsesAdapter | None
        adapter, self._responses_adapter = self._make_adapter(
            AdapterSettings(
                api_key=given["api_key"],
                base_url=given["base_url"],
                organization=organization
                if organization is not None
                else filled.get("openai_organization"),
                project=project,
                default_headers=given["default_headers"],
                default_query=given["default_query"],
                include_usage=asks_usage,
                responses=responses,
                use_previous_response_id=use_previous_response_id,
                switchable=use_responses_api is None,  # built-in tools bound later switch
                model=model or DEFAULT_MODEL,
            )
        )
        adapter.responses_by_fields = by_fields
        if include_response_headers:
            keep_response_headers(adapter, self._responses_adapter)
        if output_version == "v0":
            from .responses_adapter import replies_v03

            replies_v03(adapter, self._responses_adapter)
        if responses:
            body.update({k: v for k, v in responses_only.items() if v is not None})
        extra_body, given["extra_body"] = given["extra_body"], None  # (merged last, below)
        taken.settle(
            self,
            adapter,
            model or DEFAULT_MODEL,
            stream_idle_timeout=stream_idle_timeout,
            stream_usage=asks_usage,
            **body,
            **self._proxied(openai_proxy, taken.tail.settings),
        )
        self._extra_body_layer = ExtraBodyLayer.over(self.extra_body, extra_body)
        merge_body(self, "extra_body", extra_body)

    def _named_model_of(self, model: str | None, params: Mapping[str, Any]) -> str | None:
        """The model the constructor names (langchain-openai's `model_name`), which its
        validators read."""
        return model if model is not None else params.get("model_name")

    def _proxied(self, proxy: str | None, settings: Mapping[str, Any]) -> dict[str, Any]:
        if not self.calls_through_openai_proxy:
            return {}
        return proxied(proxy, settings)

    def _make_adapter(
        self, wanted: AdapterSettings
    ) -> tuple[OpenAIAdapter | OpenAIResponsesAdapter, OpenAIResponsesAdapter | None]:
        """`make_adapters`: `AzureChatOpenAI` overrides it; everything else is shared."""
        return make_adapters(wanted)

    @property
    def model_name(self) -> str:
        """LangChain's name for `model`."""
        return self.model

    def _tools_to_bind(self, tools: Sequence[Any], tool_choice: Any) -> tuple[Sequence[Any], Any]:
        return builtin_tools_to_bind(self, self._responses_adapter, tools, tool_choice)

    def _finish_binding(
        self, clone: ChatModel, tools: Sequence[Any], tool_choice: Any
    ) -> ChatModel:
        return builtin_tools_bound(clone, self._responses_adapter, tools, tool_choice)


# langchain-openai's fields sent as any API parameter is (listed in the signature).
dropin(
    ChatOpenAIEngine,
    # `max_retries` None: 2; `stream_usage` None: asked of OpenAI's own host only.
    fields=FIELDS,
    declared=("prompt_cache_options",),
    aliases=spellings(
        "model_name",
        "max_completion_tokens",
        "stop_sequences",
        "request_timeout",
        "openai_api_key",
        "openai_api_base",
        "openai_organization",
    ),
)


@dropin(aliases=spellings(deployment_name="azure_deployment", openai_api_version="api_version"))
class AzureChatOpenAI(ChatOpenAIEngine):
    """Azure OpenAI Chat Completions with langchain-openai's `AzureChatOpenAI`
    constructor: `ChatOpenAI`'s parameters plus Azure's (see the module docstring)."""

    partner_record = AZURE_CHAT_OPENAI_RECORD

    def langchain_profile(self, profile: dict[str, Any]) -> dict[str, Any] | None:
        return azure_profile(self, profile)

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
        check_azure_keywords(type(self).__name__, openai_api_type, model_version)
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
        return azure_profile_names(self._named_model, self.deployment_name)

    def _named_model_of(self, model: str | None, params: Mapping[str, Any]) -> str | None:
        # The model named, not the deployment standing in for it (as langchain-openai's
        # validators read `model_name`, None for a deployment alone).
        return self._named_model

    def _make_adapter(
        self, wanted: AdapterSettings
    ) -> tuple[OpenAIAdapter | OpenAIResponsesAdapter, OpenAIResponsesAdapter | None]:
        return make_azure_adapters(
            type(self).__name__, wanted, self._azure, validate_base_url=self._validate_base_url
        )


# ---- Azure's own ways, as functions (what its record's build and hooks will call) -----


def check_azure_keywords(owner: str, openai_api_type: str | None, model_version: Any) -> None:
    """Its refusals of Azure's own keywords: an API type not Azure's, a model version
    not a str."""
    # (its field reads OPENAI_API_TYPE, which its clients never read: taken, unused)
    if openai_api_type not in (*_AZURE_API_TYPES, os.environ.get("OPENAI_API_TYPE")):
        raise SettingRefused(
            f"{owner}(openai_api_type={openai_api_type!r}) is not supported: "
            "this class speaks Azure ('azure'); use ChatOpenAI for other servers"
        )
    if not isinstance(model_version, str):
        raise TypeError(f"model_version must be a str, got {model_version!r}")


def azure_profile(model: ChatModel, profile: dict[str, Any]) -> dict[str, Any] | None:
    """Its profile, as langchain-openai's Azure class gives it: no
    `mid_conversation_tools`."""
    profile.pop("mid_conversation_tools", None)
    return profile or None


def azure_profile_names(named: str | None, deployment: str | None) -> tuple[str, ...]:
    """The names its profile is looked up by: the model named, then the deployment (a
    model langchain-openai has no profile of falls back to its deployment's, as its
    Azure class looks them up)."""
    return tuple(name for name in (named, deployment) if name)


def token_given(azure: Mapping[str, Any]) -> bool:
    """Whether Azure's keywords (`azure`) give a token or a token provider."""
    keys = ("azure_ad_token", "azure_ad_token_provider", "azure_ad_async_token_provider")
    return any(azure[key] is not None for key in keys)


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
    owner: str, wanted: AdapterSettings, azure: Mapping[str, Any], *, validate_base_url: bool
) -> tuple[OpenAIAdapter | OpenAIResponsesAdapter, OpenAIResponsesAdapter | None]:
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
    workload = workload_identity(azure) if wanted.api_key is None else {}
    connection: dict[str, Any] = {
        **azure,
        # held by the adapters only, as a Secret; a token given wins over a key, as
        # langchain-openai hands the SDK no key then
        "api_key": None if token_given(azure) else wanted.api_key,
        **workload,
        "base_url": base_url,
        "default_query": wanted.default_query,
        "organization": wanted.organization,
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
    for adapter in made:
        if isinstance(adapter, (AzureOpenAIAdapter, AzureResponsesAdapter)) and workload:
            adapter.workload_token_provider = workload["azure_ad_token_provider"]
            adapter.workload_async_token_provider = workload["azure_ad_async_token_provider"]
    return made


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
