"""Azure OpenAI's Batch API: OpenAI's (`OpenAIBatches`), on the resource's URLs.

The files and batches of a resource live at `{endpoint}/openai/files` and
`{endpoint}/openai/batches` (or under `/openai/v1`), every call with the adapter's query
(`?api-version=`, and a credential the URL gave), which the base URL carries
(`AzureOpenAIAdapter.batch_base_url`, held as a `Secret`: no call's path holds it).
Request lines name the deployment as the body's `model` (where the adapter's body has it
null, as langchain-openai's does on deployment URLs) and `url`
"/chat/completions" ("/v1/chat/completions" on the v1 API), as Azure's docs write them.
Rows are parsed by the Azure adapter, so a row keeps its content-filter results and a
filtered row is its `ContentFilterError`.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol
from typing import runtime_checkable

from ...adapters.base import Adapter
from ...adapters.batch_api import Limits
from ...adapters.request_types import HTTPRequest
from .batch import LIMITS
from .batch import OpenAIBatches

__all__ = ["AzureBatches"]


@runtime_checkable
class AzureWire(Protocol):
    """What these steps read of the Azure adapter (`azure.AzureOpenAIAdapter`, which
    builds them, so it is not imported here): its deployment and its lines' `url`."""

    @property
    def azure_deployment(self) -> str | None: ...
    @property
    def batch_endpoint(self) -> str: ...


class AzureBatches(OpenAIBatches):
    """OpenAI's Batch API steps, each request line naming its deployment."""

    name = "azure_openai"

    def __init__(self, adapter: Adapter, limits: Limits = LIMITS) -> None:
        if not isinstance(adapter, AzureWire):
            raise TypeError(f"AzureBatches needs an Azure adapter, got {type(adapter).__name__}")
        super().__init__(adapter, limits)
        self._azure = adapter  # `self.adapter`, typed as the Azure adapter it is
        self.endpoint = adapter.batch_endpoint

    def request_line(self, cid: str, request: HTTPRequest) -> bytes:
        deployment = self._azure.azure_deployment
        if request.json.get("model") is None and deployment:
            request = dataclasses.replace(request, json={**request.json, "model": deployment})
        return super().request_line(cid, request)
