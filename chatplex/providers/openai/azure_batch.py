"""Azure OpenAI's Batch API: OpenAI's (`OpenAIBatches`), on the resource's URLs.

The files and batches of a resource live at `{endpoint}/openai/files` and
`{endpoint}/openai/batches` (or under `/openai/v1`), every call with the adapter's
`?api-version=`; request lines name the deployment as the body's `model` (added when the
adapter's body leaves it out, as langchain-openai's does on deployment URLs) and `url`
"/chat/completions" ("/v1/chat/completions" on the v1 API), as Azure's docs write them.
Rows are parsed by the Azure adapter, so a row keeps its content-filter results and a
filtered row is its `ContentFilterError`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeVar

from ...adapters.batch_api import Limits
from ...adapters.batch_api import RemoteState
from ...adapters.batch_api import Steps
from ...adapters.request_types import HTTPRequest
from .batch import LIMITS
from .batch import OpenAIBatches

if TYPE_CHECKING:
    from .azure import AzureOpenAIAdapter

T = TypeVar("T")

__all__ = ["AzureBatches"]


class AzureBatches(OpenAIBatches):
    """OpenAI's Batch API steps, each call's path given the adapter's query."""

    name = "azure_openai"

    def __init__(self, adapter: AzureOpenAIAdapter, limits: Limits = LIMITS) -> None:
        super().__init__(adapter, limits)
        self._azure = adapter  # `self.adapter`, typed as the Azure adapter it is
        self.endpoint = adapter.batch_endpoint
        self._query = adapter.batch_query()

    def _queried(self, steps: Steps[T]) -> Steps[T]:
        """`steps`, every call's path with the query appended (`?api-version=...`)."""
        query = self._query.get()
        try:
            call = next(steps)
            while True:
                if query:
                    joined = call.path + ("&" + query[1:] if "?" in call.path else query)
                    call = dataclasses.replace(call, path=joined)
                call = steps.send((yield call))
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        finally:
            steps.close()

    def request_line(self, cid: str, request: HTTPRequest) -> bytes:
        deployment = self._azure.azure_deployment
        if "model" not in request.json and deployment:
            request = dataclasses.replace(request, json={"model": deployment, **request.json})
        return super().request_line(cid, request)

    def create(self, requests_path: str, count: int, label: str) -> Steps[dict[str, Any]]:
        return self._queried(super().create(requests_path, count, label))

    def poll(self, job: Mapping[str, Any]) -> Steps[RemoteState]:
        return self._queried(super().poll(job))

    def cancel(self, job: Mapping[str, Any]) -> Steps[RemoteState]:
        return self._queried(super().cancel(job))

    def download(self, job: Mapping[str, Any], dest: str) -> Steps[list[str]]:
        return self._queried(super().download(job, dest))
