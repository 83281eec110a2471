"""A Batch API transport whose headers hold a value no header may (a key with its
file's newline, a crafted CR/LF) refuses them before any call, sync and async, with
`InvalidHeaderError` naming the header, never its value."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from chatplex.adapters.batch_api import Call
from chatplex.adapters.batch_api import Reply
from chatplex.adapters.batch_api import Steps
from chatplex.batches.transport import Transport
from chatplex.core.retry import retry_policy
from chatplex.errors import InvalidHeaderError
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.secret import MaskedHeaders

KEY = "sk-batch-never-shown"
ADAPTER = OpenAIAdapter(api_key="sk-fine", base_url="http://batch.test/v1")


def _steps() -> Steps[Reply]:
    reply = yield Call("GET", "/batches/b-1")
    return reply


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize(
    "value", [f"Bearer {KEY}\r\nX-Injected: yes", f"Bearer {KEY}\n"], ids=["crlf", "newline"]
)
def test_a_header_no_request_may_carry_is_refused_before_any_call(sync: bool, value: str) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    headers = MaskedHeaders({"Authorization": value})
    mock = httpx.MockTransport(handler)
    policy = retry_policy(0)

    async def arun() -> Reply:
        async with httpx.AsyncClient(transport=mock) as client:
            transport = Transport(
                ADAPTER, "http://batch.test/v1", headers, retry=policy, async_client=client
            )
            return await transport.arun(_steps())

    with pytest.raises(InvalidHeaderError) as caught:
        if sync:
            with httpx.Client(transport=mock) as client:
                Transport(
                    ADAPTER, "http://batch.test/v1", headers, retry=policy, client=client
                ).run(_steps())
        else:
            asyncio.run(arun())
    assert caught.value.header == "Authorization" and KEY not in str(caught.value)
    assert sent == []
