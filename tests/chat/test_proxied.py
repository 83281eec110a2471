"""`chat/proxied.py`: httpx clients through a proxy named by an environment variable,
and with socket options, for the clients not given."""

from __future__ import annotations

import socket
from typing import Any

import httpcore
import httpx
import pytest

from chatplex.chat.proxied import field_proxied
from chatplex.chat.proxied import proxied_clients


def test_clients_through_the_proxy_for_those_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_PROXY", "http://127.0.0.1:9")
    made = proxied_clients(None, "SOME_PROXY", {})
    assert isinstance(made["http_client"], httpx.Client)
    assert isinstance(made["http_async_client"], httpx.AsyncClient)
    own = httpx.Client()
    kept = proxied_clients(None, "SOME_PROXY", {"http_client": own})
    assert list(kept) == ["http_async_client"]
    for client in (*made.values(), *kept.values(), own):
        if isinstance(client, httpx.Client):
            client.close()
    monkeypatch.setenv("SOME_PROXY", "")  # empty: no proxy, as the partner reads it
    assert proxied_clients(None, "SOME_PROXY", {}) == {}
    monkeypatch.delenv("SOME_PROXY")
    assert proxied_clients(None, "SOME_PROXY", {}) == {}
    given = proxied_clients("http://127.0.0.1:9", "SOME_PROXY", {"http_async_client": 1})
    assert list(given) == ["http_client"]  # a proxy given: the variable not read
    given["http_client"].close()
    assert proxied_clients("", "SOME_PROXY", {}) == {}


SOCKET_OPTIONS = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]


def _pool(client: httpx.Client | httpx.AsyncClient, url: str) -> Any:
    """The connection pool `client` sends a request to `url` through."""
    return client._transport_for_url(httpx.URL(url))._pool  # type: ignore[attr-defined]


def test_socket_options_give_the_clients_a_transport_that_sets_them(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)
    made = proxied_clients(None, "SOME_PROXY", {}, SOCKET_OPTIONS)
    for client in made.values():
        pool = _pool(client, "https://api.example.com/v1")
        assert pool._socket_options == SOCKET_OPTIONS
        assert pool._max_connections == 1000  # (httpx reads no limits= beside a transport)
    kept = proxied_clients(None, "SOME_PROXY", {"http_async_client": object()}, SOCKET_OPTIONS)
    assert list(kept) == ["http_client"]
    assert not caplog.records  # no proxy variable was set: nothing to say
    for client in (*made.values(), *kept.values()):
        if isinstance(client, httpx.Client):
            client.close()


def test_socket_options_beside_a_proxy_go_through_it(monkeypatch: pytest.MonkeyPatch) -> None:
    made = field_proxied("openai_proxy", "SOME_PROXY", "http://127.0.0.1:9", {}, SOCKET_OPTIONS)
    for client in made.values():
        pool = _pool(client, "https://api.example.com/v1")
        assert isinstance(pool, (httpcore.HTTPProxy, httpcore.AsyncHTTPProxy))
        assert pool._socket_options == SOCKET_OPTIONS
        assert pool._proxy_url.port == 9
    made["http_client"].close()
    with pytest.raises(ValueError, match="Cannot specify 'openai_proxy'"):
        field_proxied("openai_proxy", "X", "http://127.0.0.1:9", {"http_client": 1}, SOCKET_OPTIONS)


def test_socket_options_say_that_the_environments_proxy_is_not_read(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    made = proxied_clients(None, "SOME_PROXY", {}, SOCKET_OPTIONS)
    assert "reads no proxy from the environment (HTTPS_PROXY)" in caplog.text
    direct = _pool(made["http_client"], "https://api.example.com/v1")
    assert isinstance(direct, httpcore.ConnectionPool)
    made["http_client"].close()
