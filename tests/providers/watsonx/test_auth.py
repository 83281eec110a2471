"""The IBM Cloud IAM token (`providers/watsonx/auth.py`): the exchange IBM documents,
the cache until 80% of the token's lifetime (an injected clock), one exchange for
concurrent callers, sync and async, typed errors that never show the key, and the
bounded standard-library POST against a local server (hostile servers:
test_auth_bounds.py)."""

from __future__ import annotations

import asyncio
import http.server
import threading
import time
import urllib.parse
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any

import pytest

from chatplex.adapters.reading import MalformedReply
from chatplex.errors import APIConnectionError
from chatplex.errors import APIError
from chatplex.errors import AuthenticationError
from chatplex.errors import BadRequestError
from chatplex.providers.watsonx.auth import GRANT_TYPE
from chatplex.providers.watsonx.auth import IAM_URL
from chatplex.providers.watsonx.auth import IAMToken
from chatplex.providers.watsonx.auth import bounded_post
from chatplex.secret import Secret

KEY = "ibm-cloud-key-123"


class FakeIAM:
    """IAM's answers, in order; records what was posted."""

    def __init__(self, *answers: tuple[int, bytes]) -> None:
        self.answers = list(answers)
        self.posts: list[tuple[str, dict[str, str], Mapping[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, bytes]:
        self.posts.append((url, dict(urllib.parse.parse_qsl(body.decode())), headers))
        return self.answers.pop(0)


def _token(name: str, lifetime: int = 3600) -> tuple[int, bytes]:
    body = f'{{"access_token": "{name}", "token_type": "Bearer", "expires_in": {lifetime}}}'
    return 200, body.encode()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_key_is_exchanged_as_ibm_documents_it() -> None:
    iam = FakeIAM(_token("t-1"))
    token = IAMToken(Secret(KEY), post=iam)
    assert token.authorization().get() == "Bearer t-1"
    ((url, form, headers),) = iam.posts
    assert url == IAM_URL == "https://iam.cloud.ibm.com/identity/token"
    assert form == {"grant_type": GRANT_TYPE, "apikey": KEY}
    assert GRANT_TYPE == "urn:ibm:params:oauth:grant-type:apikey"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_the_token_is_cached_until_80_percent_of_its_lifetime() -> None:
    clock, iam = Clock(), FakeIAM(_token("t-1", 3600), _token("t-2", 3600))
    token = IAMToken(Secret(KEY), post=iam, clock=clock)
    assert token.authorization().get() == "Bearer t-1"
    clock.now += 0.8 * 3600 - 1  # still fresh: no second exchange
    assert token.authorization().get() == "Bearer t-1" and len(iam.posts) == 1
    clock.now += 1  # 80% gone: refreshed before it expires
    assert token.authorization().get() == "Bearer t-2" and len(iam.posts) == 2


def test_async_callers_share_one_exchange_made_off_the_loop() -> None:
    loop_threads: set[int] = set()
    iam = FakeIAM(_token("t-1"))

    def post(url: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, bytes]:
        loop_threads.add(threading.get_ident())
        return iam(url, body, headers)

    token = IAMToken(Secret(KEY), post=post)

    async def main() -> list[str]:
        found = await asyncio.gather(*(token.aauthorization() for _ in range(5)))
        return [f.get() for f in found]

    assert asyncio.run(main()) == ["Bearer t-1"] * 5
    assert len(iam.posts) == 1
    assert threading.get_ident() not in loop_threads  # a worker thread, not the loop's


def test_a_refused_key_is_a_typed_error_without_the_key() -> None:
    body = b'{"errorCode": "BXNIM0415E", "errorMessage": "Provided API key could not be found."}'
    token = IAMToken(Secret(KEY), post=FakeIAM((400, body)))
    with pytest.raises(BadRequestError, match="could not be found") as caught:
        token.authorization()
    assert caught.value.status == 400 and caught.value.code == "BXNIM0415E"
    echoed = IAMToken(Secret(KEY), post=FakeIAM((401, f"bad key {KEY}".encode())))
    with pytest.raises(AuthenticationError) as refused:
        echoed.authorization()
    assert KEY not in str(refused.value) and KEY not in repr(refused.value.__dict__)


def test_a_reply_without_a_token_or_with_wrong_types_is_an_error() -> None:
    with pytest.raises(APIError, match="no access_token"):
        IAMToken(Secret(KEY), post=FakeIAM((200, b'{"expires_in": 3600}'))).authorization()
    with pytest.raises(APIError, match="not a JSON object") as cut:
        IAMToken(Secret(KEY), post=FakeIAM((200, b'{"access'))).authorization()
    assert cut.value.retryable is True
    with pytest.raises(MalformedReply, match="expires_in"):
        bad = b'{"access_token": "t", "expires_in": "soon"}'
        IAMToken(Secret(KEY), post=FakeIAM((200, bad))).authorization()


def test_neither_key_nor_token_is_in_the_repr() -> None:
    token = IAMToken(Secret(KEY), post=FakeIAM(_token("tok-secret")))
    token.authorization()
    assert KEY not in repr(token) and "tok-secret" not in repr(token)
    assert repr(token) == f"IAMToken(url={IAM_URL!r})"


@pytest.fixture
def iam_server() -> Iterator[tuple[str, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers["Content-Length"])
            seen.append(dict(urllib.parse.parse_qsl(self.rfile.read(length).decode())))
            status, body = _token("local-1") if seen[-1]["apikey"] == KEY else (400, b"{}")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/identity/token", seen
    finally:
        server.shutdown()
        server.server_close()


def test_the_standard_library_post_against_a_local_server(
    iam_server: tuple[str, list[dict[str, str]]],
) -> None:
    url, seen = iam_server
    assert IAMToken(Secret(KEY), url=url).authorization().get() == "Bearer local-1"
    assert seen == [{"grant_type": GRANT_TYPE, "apikey": KEY}]
    with pytest.raises(BadRequestError):
        IAMToken(Secret("wrong"), url=url).authorization()
    status, _ = bounded_post(
        url, b"apikey=wrong", {}, until=time.monotonic() + 30, by_deadline=False
    )
    assert status == 400


def test_no_server_is_a_connection_error() -> None:
    with pytest.raises(APIConnectionError, match="could not be reached"):
        bounded_post(
            "http://127.0.0.1:9/identity/token",
            b"",
            {},
            until=time.monotonic() + 30,
            by_deadline=False,
        )
