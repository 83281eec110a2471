"""`chat/proxied.py`: httpx clients through a proxy named by an environment variable,
for the clients not given."""

from __future__ import annotations

import httpx
import pytest

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
