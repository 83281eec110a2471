"""The watsonx suites' server: langchain-ibm's SDK takes only `https://` URLs of IBM
Cloud's regions, so its requests to `*.cloud.ibm.com` are sent to the local server (its
httpx transports, patched for the module)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.partners._sidebyside import ScriptedServer


@pytest.fixture(scope="module")
def cloud(server: ScriptedServer) -> Iterator[ScriptedServer]:
    """`server`, which langchain-ibm's requests to IBM Cloud reach for the module."""
    target = httpx.URL(server.url)

    def local(request: httpx.Request) -> None:
        if request.url.host.endswith(".cloud.ibm.com"):
            request.url = request.url.copy_with(scheme="http", host=target.host, port=target.port)

    sync, asynchronous = (
        httpx.HTTPTransport.handle_request,
        httpx.AsyncHTTPTransport.handle_async_request,
    )

    def handle(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        local(request)
        return sync(self, request)

    async def handle_async(
        self: httpx.AsyncHTTPTransport, request: httpx.Request
    ) -> httpx.Response:
        local(request)
        return await asynchronous(self, request)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx.HTTPTransport, "handle_request", handle)
        patch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", handle_async)
        yield server
