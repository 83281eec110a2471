"""A credential an adapter fetches over HTTP (`chat/credentials.py`), with a fake
token adapter: the exchange goes through the model's own HTTP client (here
`httpx.MockTransport`), once while its token is fresh, sync and async; an error status
is the adapter's typed error; an adapter without the protocol is only authorised; a
401 renews the token only when the adapter dropped it. watsonx's IAM over the same
path, against hostile servers: tests/providers/watsonx/test_auth_bounds.py."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from chatplex.adapters.base import CredentialFetch
from chatplex.adapters.base import FetchesCredential
from chatplex.adapters.request_types import HTTPRequest
from chatplex.chat.credentials import aauthorized
from chatplex.chat.credentials import authorized
from chatplex.chat.credentials import reauthorized
from chatplex.chat.model import ChatModel
from chatplex.errors import APIError
from chatplex.errors import AuthenticationError
from chatplex.errors import status_error
from tests.http._httpkit import FakeAdapter

TOKEN_URL = "https://auth.test/token"


class TokenAdapter(FakeAdapter):
    """A wire whose calls carry a token fetched at `TOKEN_URL`."""

    def __init__(self) -> None:
        super().__init__()
        self.token: str | None = None
        self.lock = threading.Lock()

    def credential_fetch(self) -> CredentialFetch | None:
        if self.token is not None:
            return None
        return CredentialFetch(
            request=HTTPRequest("POST", TOKEN_URL, {"accept": "application/json"}, {}),
            read=self._read,
            refused=self._refused,
            max_bytes=1024,
            timeout=30.0,
            lock=self.lock,
            holder=self,
        )

    def credential_refused(self, request: HTTPRequest) -> bool:
        self.token = None
        return True

    def authorize(self, request: HTTPRequest) -> HTTPRequest:
        assert self.token is not None, "authorised before its token was fetched"
        return HTTPRequest(request.method, request.url, {"authorization": self.token}, {})

    def _read(self, body: bytes) -> None:
        self.token = json.loads(body)["token"]

    def _refused(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        return status_error(provider="fake", status=status, message="token refused")


class Tokens:
    """The token endpoint: tok-1, tok-2... (or `status`)."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.count = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert str(request.url) == TOKEN_URL
        self.count += 1
        return httpx.Response(self.status, json={"token": f"tok-{self.count}"})


def _model(adapter: FakeAdapter, tokens: Tokens) -> ChatModel:
    transport = httpx.MockTransport(tokens)
    return ChatModel(
        adapter,
        "m",
        max_retries=0,
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
    )


def _authorized(model: ChatModel, sync: bool) -> HTTPRequest:
    adapter = model.adapter
    assert isinstance(adapter, FakeAdapter)
    if sync:
        return authorized(model, adapter, adapter.request(), None)
    return asyncio.run(aauthorized(model, adapter, adapter.request(), None))


SYNC = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])


@SYNC
def test_the_token_is_fetched_through_the_models_client_once(sync: bool) -> None:
    adapter, tokens = TokenAdapter(), Tokens()
    assert isinstance(adapter, FetchesCredential)
    model = _model(adapter, tokens)
    assert _authorized(model, sync).headers["authorization"] == "tok-1"
    assert _authorized(model, sync).headers["authorization"] == "tok-1"
    assert tokens.count == 1


@SYNC
def test_a_refused_exchange_is_the_adapters_typed_error(sync: bool) -> None:
    model = _model(TokenAdapter(), Tokens(status=401))
    with pytest.raises(AuthenticationError, match="token refused"):
        _authorized(model, sync)


@SYNC
def test_an_adapter_without_the_protocol_is_only_authorised(sync: bool) -> None:
    adapter, tokens = FakeAdapter(), Tokens()
    model = _model(adapter, tokens)
    request = adapter.request()
    assert _authorized(model, sync).headers == request.headers and tokens.count == 0


def test_concurrent_async_calls_share_one_exchange() -> None:
    adapter, tokens = TokenAdapter(), Tokens()
    model = _model(adapter, tokens)

    async def main() -> list[HTTPRequest]:
        return await asyncio.gather(
            *(aauthorized(model, adapter, adapter.request(), None) for _ in range(5))
        )

    assert {r.headers["authorization"] for r in asyncio.run(main())} == {"tok-1"}
    assert tokens.count == 1


def test_a_401_renews_the_token_only_when_the_adapter_dropped_it() -> None:
    adapter, tokens = TokenAdapter(), Tokens()
    model = _model(adapter, tokens)
    sent = _authorized(model, True)
    fresh = reauthorized(model, adapter, sent, None)
    assert fresh is not None and fresh.headers["authorization"] == "tok-2"
    plain: Any = FakeAdapter()
    assert reauthorized(model, plain, plain.request(), None) is None
