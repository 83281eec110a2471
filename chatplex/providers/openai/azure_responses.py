"""Azure OpenAI's Responses API: the Responses translation behind Azure's connection.

`AzureResponsesAdapter` is `OpenAIResponsesAdapter` (messages, reasoning items, built-in
tools, streams, errors: all its own) whose connection is an `AzureOpenAIAdapter` (URL,
`?api-version=`, the `api-key` header or an Entra ID token, per-call token providers,
which credentials may leave for which host): neither is copied here. Where a call goes is
where the openai SDK's `AzureOpenAI` sends `client.responses.create`, which
langchain-openai's `AzureChatOpenAI(use_responses_api=True)` calls:
`{azure_endpoint}/openai/responses?api-version=...` (not under the deployment: the
deployment is the body's `model`), `{azure_endpoint}/openai/v1/responses` on Azure's v1
API, or `{base_url}/responses`.

>>> from chatplex.messages import HumanMessage
>>> from chatplex.adapters.request_types import CallSettings
>>> adapter = AzureResponsesAdapter(
...     azure_endpoint="https://res.openai.azure.com", azure_deployment="gpt4o",
...     api_version="2025-03-01-preview", api_key="k",
... )
>>> request = adapter.build_request([HumanMessage("Hi")], CallSettings(model="gpt4o"), stream=False)
>>> request.url, request.json["model"]
('https://res.openai.azure.com/openai/responses?api-version=2025-03-01-preview', 'gpt4o')
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import NoReturn

from ...adapters.keys import as_secret
from ...secret.urls import hold_url
from .azure import PARALLEL_CALLS_MODEL
from .azure import AsyncTokenProvider
from .azure import AzureOpenAIAdapter
from .azure import TokenProvider
from .responses_adapter import OpenAIResponsesAdapter

if TYPE_CHECKING:
    from ...adapters.base_url import BaseURL
    from ...adapters.batch_api import Limits
    from ...adapters.request_types import CallSettings
    from ...adapters.request_types import HTTPRequest
    from ...messages import BaseMessage
    from ...secret import Secret

__all__ = ["AzureResponsesAdapter"]

#: `AzureOpenAIAdapter`'s keywords that are Chat Completions' own, not the connection's
#: (`body_model` and `extra_block_types` this adapter takes as its own).
_CHAT_ONLY = frozenset({"include_usage", "completion_tokens"})
#: The connection keywords that may carry a credential, and how each is held.
_HELD: dict[str, Callable[[Any], Any]] = {
    "azure_endpoint": hold_url,
    "base_url": hold_url,
    "api_key": as_secret,
    "azure_ad_token": as_secret,
}


class AzureResponsesAdapter(OpenAIResponsesAdapter):
    """The Responses API on Azure OpenAI: `AzureOpenAIAdapter`'s connection settings
    (its keyword arguments but Chat Completions' own), `body_model`, and the Responses
    adapter's own (`use_previous_response_id`, `extra_block_types`). Replies, streams and
    error classes are the Responses API's, as langchain-openai reads them (Azure's Chat
    Completions content-filter metadata is not part of a Responses reply)."""

    #: The token providers workload identity gave where no credential was (its drop-in's
    #: fallback, as langchain-openai's validator's; its fields then hold them).
    workload_token_provider: TokenProvider | None = None
    workload_async_token_provider: AsyncTokenProvider | None = None

    #: The provider name users know it by (`provider` stays the wire's: openai_responses).
    registry_name = "azure_openai"

    #: The forced tool asks for a single call (`parallel_tool_calls=False`) only for
    #: "gpt-4o", as AzureChatOpenAI's default `disabled_params` (this adapter names the
    #: deployment as the model when none is given, so a deployment named "gpt-4o" counts
    #: as the model).
    structured = dataclasses.replace(
        OpenAIResponsesAdapter.structured, single_call_models=frozenset({PARALLEL_CALLS_MODEL})
    )

    def __init__(
        self,
        *,
        body_model: bool = True,
        extra_block_types: Sequence[str] = (),
        use_previous_response_id: bool = False,
        **connection: Any,  # AzureOpenAIAdapter's connection keywords (`__signature__`)
    ) -> None:
        # Held first: no local of this frame holds a credential in clear.
        for name, hold in _HELD.items():
            if connection.get(name) is not None:
                connection[name] = hold(connection[name])
        chat_only = sorted(connection.keys() & _CHAT_ONLY)
        if chat_only:
            raise TypeError(
                f"AzureResponsesAdapter() got an unexpected keyword argument {chat_only[0]!r}"
            )
        #: Whether the body names the model: langchain-openai's payload names it (the
        #: deployment unless `model` was given), and sends it null when neither was given.
        self._body_model = body_model
        try:
            self._connection: AzureOpenAIAdapter = AzureOpenAIAdapter(**connection)
        finally:
            connection.clear()
        super().__init__(
            extra_block_types=extra_block_types,
            use_previous_response_id=use_previous_response_id,
            connection=self._connection,
        )

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """The Responses request, its `model` null when none was given (see `body_model`)."""
        request = super().build_request(messages, settings, stream=stream)
        if self._body_model:
            return request
        return dataclasses.replace(request, json={**request.json, "model": None})

    def _responses_where(self) -> BaseURL:
        return self._connection.responses_where()

    @property
    def api_version(self) -> str | None:
        """The connection's `api_version` (None: Azure's v1 API without one)."""
        return self._connection.api_version

    @property
    def azure_endpoint(self) -> str | Secret | None:
        """The connection's endpoint (None when given as `base_url=`; held when it
        carries a credential)."""
        return self._connection.azure_endpoint

    @property
    def azure_deployment(self) -> str | None:
        """The connection's deployment (None: none given)."""
        return self._connection.azure_deployment

    def authorize(self, request: HTTPRequest) -> HTTPRequest:
        """A fresh Entra ID token for a sync call (see `AzureOpenAIAdapter.authorize`)."""
        return self._connection.authorize(request)

    async def aauthorize(self, request: HTTPRequest) -> HTTPRequest:
        """A fresh Entra ID token for an async call (see `AzureOpenAIAdapter.aauthorize`)."""
        return await self._connection.aauthorize(request)

    def batch_api_for(self, model: str, limits: Limits | None = None) -> NoReturn:
        """Not built: Azure's Batch API is reached through Chat Completions lines."""
        raise NotImplementedError(
            "Azure's Batch API with Responses API lines is not built in chatplex; submit "
            "the batch from an AzureChatOpenAI without use_responses_api"
        )


def _signature() -> inspect.Signature:
    """`AzureResponsesAdapter`'s constructor as callers and `adapter_parameters` see it:
    the connection keywords of `AzureOpenAIAdapter` (written there once), then its own."""
    own = inspect.signature(AzureResponsesAdapter.__init__).parameters
    chat = inspect.signature(AzureOpenAIAdapter.__init__).parameters
    shared = [p for name, p in chat.items() if name not in own and name not in _CHAT_ONLY]
    tail = [p for p in own.values() if p.kind is p.KEYWORD_ONLY]
    return inspect.Signature([own["self"], *shared, *tail])


AzureResponsesAdapter.__init__.__signature__ = _signature()  # type: ignore[attr-defined]
