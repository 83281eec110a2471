"""A plain `respx.mock` -- default settings, as a user's test would write it -- must see
every request chatplex sends: sync, async, streaming, through the shared pools."""

from __future__ import annotations

import httpx
import pytest
import respx
from _httpkit import FakeAdapter, call, collect, sse

from chatplex.errors import APIConnectionError, ServerError
from chatplex.http import get_async_client, get_sync_client

parity = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
URL = "https://fake.test/chat"


@parity
async def test_plain_respx_mock_intercepts_send(sync: bool) -> None:
    adapter = FakeAdapter()
    with respx.mock:
        route = respx.post(URL).mock(return_value=httpx.Response(200, json={"text": "mocked"}))
        message = await call(sync, adapter, adapter.request())
    assert message.text == "mocked"
    assert route.call_count == 1
    assert route.calls.last.request.content == b'{"model":"m"}'


@parity
async def test_plain_respx_mock_intercepts_streams(sync: bool) -> None:
    adapter = FakeAdapter()
    body = sse("mo", "cked")
    with respx.mock:
        respx.post(URL).mock(
            return_value=httpx.Response(
                200, headers={"content-type": "text/event-stream"}, content=body
            )
        )
        chunks = await collect(sync, adapter, adapter.request(stream=True))
    assert "".join(c.text for c in chunks) == "mocked"


@parity
async def test_respx_sees_clients_created_before_the_mock(sync: bool) -> None:
    client = get_sync_client() if sync else get_async_client()
    adapter = FakeAdapter()
    with respx.mock:
        respx.post(URL).respond(200, json={"text": "late"})
        assert (await call(sync, adapter, adapter.request())).text == "late"
        assert (get_sync_client() if sync else get_async_client()) is client


@parity
async def test_respx_side_effects_map_per_attempt(sync: bool) -> None:
    """What a retry loop will see, attempt by attempt."""
    adapter = FakeAdapter()
    with respx.mock:
        respx.post(URL).mock(
            side_effect=[
                httpx.ConnectError("refused"),
                httpx.Response(503, json={"error": "later"}),
                httpx.Response(200, json={"text": "third time"}),
            ]
        )
        with pytest.raises(APIConnectionError) as first:
            await call(sync, adapter, adapter.request())
        with pytest.raises(ServerError) as second:
            await call(sync, adapter, adapter.request())
        third = await call(sync, adapter, adapter.request())
    assert first.value.retryable and second.value.retryable
    assert third.text == "third time"
