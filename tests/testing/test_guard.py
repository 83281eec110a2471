"""The no-network guard (`testing/_guard.py`): chatplex's shared clients refuse unmocked
real requests, and nothing else changes (mocks, loopback, users' own HTTP)."""

from __future__ import annotations

import httpx
import pytest
import respx

import chatplex.http
from chatplex import init_chat_model
from chatplex.testing import MockServer
from chatplex.testing import NetworkBlockedError
from chatplex.testing import _guard
from tests.core import _twins as twins

pytest_plugins = ["pytester"]

OPENAI_URL = "https://api.openai.com/v1/chat/completions"


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("stream", [True, False])
async def test_unmocked_request_raises_naming_the_url(sync: bool, stream: bool) -> None:
    model = init_chat_model("openai:gpt-4o-mini", api_key="sk-test", max_retries=0)
    with pytest.raises(NetworkBlockedError) as caught:
        await (twins.stream(model, sync, "hi") if stream else twins.call(model, sync, "hi"))
    message = str(caught.value)
    assert "POST https://api.openai.com/v1/chat/completions" in message
    assert "chat_mock" in message and "CHATPLEX_ALLOW_NETWORK=1" in message
    assert "sk-test" not in message


def test_sync_batch_on_the_portal_loop_is_guarded_too() -> None:
    model = init_chat_model("anthropic:claude-sonnet-4-5", api_key="sk-test", max_retries=0)
    with pytest.raises(NetworkBlockedError, match="api.anthropic.com/v1/messages"):
        model.batch(["a", "b"])


def test_query_strings_are_not_shown() -> None:
    request = httpx.Request("POST", "https://gen.example.com/v1/chat/completions?key=SECRET")
    with pytest.raises(NetworkBlockedError) as caught:
        _guard.check(request)
    assert "SECRET" not in str(caught.value)


def test_allow_network_env_opts_out(monkeypatch: pytest.MonkeyPatch) -> None:
    request = httpx.Request("POST", OPENAI_URL)
    monkeypatch.setenv("CHATPLEX_ALLOW_NETWORK", "1")
    _guard.check(request)  # no error: the request would go out
    monkeypatch.setenv("CHATPLEX_ALLOW_NETWORK", "0")
    with pytest.raises(NetworkBlockedError):
        _guard.check(request)


def test_user_info_in_the_url_is_not_shown() -> None:
    request = httpx.Request("POST", "https://user:hunter2-pw@proxy.example.com/v1/chat/completions")
    with pytest.raises(NetworkBlockedError) as caught:
        _guard.check(request)
    assert "hunter2" not in str(caught.value)
    assert "https://proxy.example.com/v1/chat/completions" in str(caught.value)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "LOCALHOST", "[::1]"])
def test_loopback_is_allowed(host: str) -> None:
    _guard.check(httpx.Request("POST", f"http://{host}:8000/v1/chat/completions"))


@pytest.mark.parametrize("host", ["127.0.0.1.nip.io", "localhost.example.com", "10.0.0.1"])
def test_hosts_that_only_look_local_are_blocked(host: str) -> None:
    with pytest.raises(NetworkBlockedError):
        _guard.check(httpx.Request("POST", f"http://{host}:8000/v1/chat/completions"))


async def test_the_embedded_mock_server_works_under_the_guard() -> None:
    with MockServer() as server:
        model = init_chat_model("anthropic:claude-x", base_url=server.anthropic_base_url)
        assert model.invoke("hi").text == "Echo: hi"
        assert (await model.ainvoke("yo")).text == "Echo: yo"


@pytest.mark.parametrize("sync", [True, False])
async def test_a_plain_respx_mock_is_not_blocked(sync: bool) -> None:
    body = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "mocked"}}]}
    model = init_chat_model("openai:gpt-4o-mini", api_key="sk-test")
    with respx.mock:
        respx.post(OPENAI_URL).respond(json=body)
        reply = model.invoke("hi") if sync else await model.ainvoke("hi")
    assert reply.text == "mocked"


async def test_a_mock_of_one_send_path_does_not_cover_the_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Someone mocks only httpx's sync transport for their own code: a request of
    # chatplex's async client would still really go out, so it is still blocked.
    request = httpx.Request("POST", OPENAI_URL)
    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", lambda *a: httpx.Response(200))
    _guard._on_request(request)  # sync client: mocked, allowed
    with pytest.raises(NetworkBlockedError):
        await _guard._aon_request(request)

    monkeypatch.undo()

    async def answer(*args: object) -> httpx.Response:
        return httpx.Response(200)

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", answer)
    await _guard._aon_request(request)  # async client: mocked, allowed
    with pytest.raises(NetworkBlockedError):
        _guard._on_request(request)


def test_respx_reports_its_own_unmatched_requests() -> None:
    model = init_chat_model("openai:gpt-4o-mini", api_key="sk-test", max_retries=0)
    with respx.mock, pytest.raises(respx.models.AllMockedAssertionError):
        model.invoke("hi")


def test_users_own_http_is_untouched() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"choices": [{"message": {"content": "own client"}}]})

    with httpx.Client(transport=httpx.MockTransport(answer)) as own:
        assert own.post(OPENAI_URL).status_code == 200
        model = init_chat_model("openai:gpt-4o-mini", api_key="sk-test", http_client=own)
        assert model.invoke("hi").text == "own client"
    assert _guard._on_request not in own.event_hooks["request"]


async def test_shared_clients_carry_the_hooks() -> None:
    sync_client = chatplex.http.get_sync_client()
    async_client = chatplex.http.get_async_client()
    assert _guard._on_request in sync_client.event_hooks["request"]
    assert _guard._aon_request in async_client.event_hooks["request"]
    _guard.install(sync_client)  # idempotent
    assert sync_client.event_hooks["request"].count(_guard._on_request) == 1
