"""The IAM token exchange sent as every call is (`chat/credentials.py`: the model's
HTTP client, timeout and retries, the call's deadline), against hostile IAM servers on
127.0.0.1, sync and async: an endless reply stops at `MAX_REPLY_BYTES`; a server
trickling a byte at a time is cut at the call's deadline (else at the exchange's own
`TIMEOUT`); an error that quotes the key shows it masked, with IAM's request id; a
token that is no header value, or a cut chunked body, is a typed error; concurrent
calls share one exchange; and a 401 from the model endpoint fetches a fresh token
once. No bound here depends on this machine's speed: each is a fraction of a second,
asserted within generous seconds."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import socketserver
import threading
import time
import urllib.parse
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from chatplex.chat.model import ChatModel
from chatplex.errors import APIError
from chatplex.errors import APITimeoutError
from chatplex.errors import AuthenticationError
from chatplex.errors import BadRequestError
from chatplex.errors import DeadlineExceededError
from chatplex.errors import ResponseTooLargeError
from chatplex.providers.watsonx import auth
from chatplex.providers.watsonx.adapter import WatsonxAdapter

KEY = "ibm-key-never-shown+/="
IAM_PATH = "/identity/token"
BASE = "https://us-south.ml.cloud.ibm.com"
CHAT = f"{BASE}/ml/v1/text/chat"
REPLY = {
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}],
    "model_id": "m",
}
#: "ended at the bound, not at the server's pace": generous, a loaded machine passes.
PROMPTLY = 10.0
SYNC = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])

Script = Callable[[socket.socket], None]


@pytest.fixture
def iam() -> Iterator[Callable[[Script], str]]:
    """`iam(script)`: the URL of a server on 127.0.0.1 running `script` on each
    connection (after reading the request's head), until the test ends."""
    servers: list[socketserver.ThreadingTCPServer] = []

    def start(script: Script) -> str:
        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                head = b""
                while b"\r\n\r\n" not in head:
                    part = self.request.recv(65536)
                    if not part:
                        return
                    head += part
                with contextlib.suppress(OSError):  # the client cut it: often what is tested
                    script(self.request)

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}{IAM_PATH}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _reply(status: int, body: bytes, *head: bytes) -> Script:
    def script(sock: socket.socket) -> None:
        lines = [b"HTTP/1.1 %d X" % status, b"content-length: %d" % len(body), *head]
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)

    return script


def _endless(sock: socket.socket) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n")
    while True:
        sock.sendall(b"a" * 65536)


def _trickle(sock: socket.socket) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nx-slow: " + b"a" * 10_000:
        sock.sendall(bytes([byte]))
        time.sleep(0.05)


def _exchange(url: str, sync: bool, **config: Any) -> Any:
    """A chat through a model whose key is exchanged at `url` (the chat endpoint is
    never reached when the exchange fails)."""
    adapter = WatsonxAdapter(
        api_key=KEY, base_url="http://127.0.0.1:9", project_id="p", iam_url=url
    )
    return _ask(ChatModel(adapter, "ibm/granite", max_retries=0), sync, **config)


@SYNC
def test_an_endless_reply_stops_at_the_size_bound(iam: Any, sync: bool) -> None:
    with pytest.raises(ResponseTooLargeError, match=str(auth.MAX_REPLY_BYTES)):
        _exchange(iam(_endless), sync)


@SYNC
def test_a_trickling_server_is_cut_at_the_calls_deadline(iam: Any, sync: bool) -> None:
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        _exchange(iam(_trickle), sync, timeout=0.5)
    assert time.monotonic() - started < PROMPTLY


@SYNC
def test_without_a_deadline_the_exchange_has_its_own_bound(
    iam: Any, sync: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth, "TIMEOUT", 0.5)
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="did not end within 0.5 s"):
        _exchange(iam(_trickle), sync)
    assert time.monotonic() - started < PROMPTLY


@SYNC
def test_an_error_quoting_the_key_shows_it_masked(iam: Any, sync: bool) -> None:
    quoted = urllib.parse.quote_plus(KEY)
    body = {
        "errorCode": "BXNIM0415E",
        "errorMessage": f"Provided API key {KEY} could not be found (apikey={quoted})",
        "context": {"requestId": "iam-req-1"},
    }
    with pytest.raises(BadRequestError, match="could not be found") as caught:
        _exchange(iam(_reply(400, json.dumps(body).encode())), sync)
    err = caught.value
    assert err.status == 400 and err.code == "BXNIM0415E" and err.request_id == "iam-req-1"
    for text in (str(err), repr(err), repr(vars(err))):
        assert KEY not in text and quoted not in text
    with pytest.raises(AuthenticationError) as refused:
        _exchange(iam(_reply(401, f"no such key {quoted}".encode())), sync)
    assert quoted not in str(refused.value) and KEY not in str(refused.value)


@SYNC
@pytest.mark.parametrize(
    "access",
    ["tok\r\nX-Injected: yes", "tok\n", "tok\x00", "tök"],
    ids=["crlf", "lf", "nul", "utf8"],
)
def test_a_token_that_is_no_header_value_is_refused(iam: Any, sync: bool, access: str) -> None:
    body = json.dumps({"access_token": access, "expires_in": 3600}).encode()
    with pytest.raises(APIError, match="not a header value") as caught:
        _exchange(iam(_reply(200, body, b"content-type: application/json")), sync)
    assert access not in str(caught.value)


@SYNC
def test_a_cut_chunked_reply_is_a_typed_error(iam: Any, sync: bool) -> None:
    def cut(sock: socket.socket) -> None:
        sock.sendall(b'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n40\r\n{"access')

    with pytest.raises(APIError) as caught:
        _exchange(iam(cut), sync)
    assert "IncompleteRead" not in type(caught.value).__name__


@respx.mock
def test_concurrent_calls_share_one_exchange(respx_mock: Any) -> None:
    exchange = respx_mock.post(auth.IAM_URL).mock(
        return_value=httpx.Response(200, json={"access_token": "tok-1", "expires_in": 3600})
    )
    respx_mock.post(url__startswith=CHAT).mock(return_value=httpx.Response(200, json=REPLY))
    adapter = WatsonxAdapter(api_key=KEY, base_url=BASE, project_id="p-1")
    model = ChatModel(adapter, "ibm/granite", max_retries=0)

    async def main() -> list[Any]:
        return await asyncio.gather(*(model.ainvoke("hi") for _ in range(5)))

    assert [m.content for m in asyncio.run(main())] == ["ok"] * 5
    assert exchange.call_count == 1
    assert model.invoke("hi").content == "ok" and exchange.call_count == 1  # still fresh


@SYNC
def test_the_calls_deadline_reaches_the_exchange_through_the_model(iam: Any, sync: bool) -> None:
    adapter = WatsonxAdapter(api_key=KEY, base_url=BASE, project_id="p-1", iam_url=iam(_trickle))
    model = ChatModel(adapter, "ibm/granite", max_retries=0)
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        if sync:
            model.invoke("hi", config={"timeout": 0.5})
        else:
            asyncio.run(model.ainvoke("hi", config={"timeout": 0.5}))
    assert time.monotonic() - started < PROMPTLY


class _IAM:
    """IAM's tokens in turn, tok-1, tok-2...: a respx side effect."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        return httpx.Response(200, json={"access_token": f"tok-{self.count}", "expires_in": 3600})


def _first_token_revoked(
    respx_mock: Any, url: str, answer: Callable[[], httpx.Response]
) -> tuple[Any, _IAM, ChatModel]:
    """The chat route at `url`, which refuses IAM's first token (tok-1, revoked early)
    with a 401 and gives `answer()` to any other; IAM's tokens; a model over both."""

    def chat(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] == "Bearer tok-1":  # revoked early
            return httpx.Response(401, json={"errors": [{"code": "x", "message": "expired"}]})
        return answer()

    route = respx_mock.post(url__startswith=url).mock(side_effect=chat)
    tokens = _IAM()
    respx_mock.post(auth.IAM_URL).mock(side_effect=tokens)
    adapter = WatsonxAdapter(api_key=KEY, base_url=BASE, project_id="p-1")
    return route, tokens, ChatModel(adapter, "ibm/granite", max_retries=0)


@SYNC
@respx.mock
def test_a_401_fetches_a_fresh_token_once(respx_mock: Any, sync: bool) -> None:
    route, tokens, model = _first_token_revoked(
        respx_mock, CHAT, lambda: httpx.Response(200, json=REPLY)
    )
    reply = model.invoke("hi") if sync else asyncio.run(model.ainvoke("hi"))
    assert reply.content == "ok" and tokens.count == 2 and route.call_count == 2
    assert route.calls.last.request.headers["authorization"] == "Bearer tok-2"

    respx_mock.post(url__startswith=CHAT).mock(
        return_value=httpx.Response(401, json={"errors": [{"code": "x", "message": "no"}]})
    )
    with pytest.raises(AuthenticationError):  # refused again: once only, then raised
        model.invoke("hi") if sync else asyncio.run(model.ainvoke("hi"))
    assert tokens.count == 3


FAMILIES = pytest.mark.parametrize("family", ["chatplex", "dropin"])


def _model(family: str, url: str, iam_url: str) -> Any:
    """A watsonx model of either family, its key exchanged at `iam_url`."""
    if family == "dropin":
        from chatplex.langchain import ChatWatsonx

        return ChatWatsonx(
            model_id="ibm/granite", url=url, api_key=KEY, project_id="p", iam_url=iam_url
        )
    from chatplex import init_chat_model

    return init_chat_model(
        "ibm:ibm/granite", base_url=url, api_key=KEY, project_id="p", iam_url=iam_url
    )


def _ask(model: Any, sync: bool, **config: Any) -> Any:
    if sync:
        return model.invoke("hi", config=config or None)
    return asyncio.run(model.ainvoke("hi", config=config or None))


@SYNC
@FAMILIES
def test_a_plain_reply_with_the_exchange_is_prompt(iam: Any, sync: bool, family: str) -> None:
    """Issue 65's "a plain reply took 120 s": the time was the IAM exchange's (a key
    given, IAM unanswered: 30 s a call, unbounded by the call's deadline), not the
    reply's. With IAM answering, a plain reply is as prompt as any call."""
    token = json.dumps({"access_token": "tok-1", "expires_in": 3600}).encode()
    url = iam(_reply(200, json.dumps(REPLY).encode(), b"content-type: application/json"))
    started = time.monotonic()
    reply = _ask(_model(family, url.removesuffix(IAM_PATH), iam(_reply(200, token))), sync)
    assert reply.content == "ok" and time.monotonic() - started < PROMPTLY


def _stall(sock: socket.socket) -> None:
    time.sleep(60)


@SYNC
def test_an_unanswered_exchange_ends_at_the_calls_deadline(iam: Any, sync: bool) -> None:
    model = _model("chatplex", "http://127.0.0.1:9", iam(_stall))
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        _ask(model, sync, timeout=0.5)
    assert time.monotonic() - started < PROMPTLY


@SYNC
def test_a_dropins_unanswered_exchange_ends_at_its_own_bound(
    iam: Any, sync: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The drop-in's run-config `timeout` does not reach its engine yet (issue 65 carries
    that promise onto the LangChain class): the exchange ends at its own bound."""
    monkeypatch.setattr(auth, "TIMEOUT", 0.5)
    model = _model("dropin", "http://127.0.0.1:9", iam(_stall))
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="did not end within 0.5 s"):
        _ask(model, sync)
    assert time.monotonic() - started < PROMPTLY


@SYNC
@respx.mock
def test_a_stream_refused_with_401_fetches_a_fresh_token_once(respx_mock: Any, sync: bool) -> None:
    from tests.providers.watsonx.test_adapter import STREAM

    def streamed() -> httpx.Response:
        headers = {"content-type": "text/event-stream"}
        return httpx.Response(200, content=STREAM.encode(), headers=headers)

    route, tokens, model = _first_token_revoked(
        respx_mock, f"{BASE}/ml/v1/text/chat_stream", streamed
    )

    async def collect() -> str:
        return "".join([str(c.content) async for c in model.astream("hi")])

    text = "".join(str(c.content) for c in model.stream("hi")) if sync else asyncio.run(collect())
    assert text == "Hello" and tokens.count == 2 and route.call_count == 2
