"""How many requests a failing call sends, side by side with the partner packages, where
they retry otherwise than chatplex's own family (each request is billed, counts against
a rate limit and makes the call longer): langchain-fireworks retries a 429 and a 5xx
alone, not a 408 or a 409; botocore (langchain-aws) a 429, 500, 502, 503 and 504, not a
409 or a 529, in either retry mode; the cohere SDK (langchain-cohere) retries a call's
408, 409, 429 and 5xx twice whatever `max_retries` says, and never a connection closed
without an answer; google-genai (langchain-google-genai) retries such a connection on
an async call alone (aiohttp's `ServerDisconnectedError`, not httpx's
`RemoteProtocolError`). What is compared: the requests the server counted and the class
raised (its name, and `except` of the partner's). No side waits: chatplex's backoff is
not slept (`chatplex_retries_at_once`), the cohere SDK's and google-genai's are set to
nothing; where the partner retries with waits of its own, it is not run here."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex.langchain
from tests._local_server import Answering
from tests._local_server import serving

pytestmark = [
    pytest.mark.usefixtures("chatplex_retries_at_once"),
    # google-genai's async client subclasses aiohttp's session, which aiohttp warns of.
    pytest.mark.filterwarnings("ignore:Inheritance class:DeprecationWarning"),
]

#: Bedrock's error type of a status (its `x-amzn-ErrorType` header); a 529 has none.
_AWS_TYPES = {409: "ConflictException", 503: "ServiceUnavailableException"}


class _Counting(Answering):
    """Counts the requests; fails the first `fails` of them (all by default), with the
    status `status` or, where it is 0, by closing the connection without an answer; then
    answers a chat reply of the wire (`reply`)."""

    status = 503
    fails = 1_000
    reply: bytes = b"{}"
    seen: list[str]

    def do_POST(self) -> None:
        self.read_body()
        self.seen.append(self.path)
        if len(self.seen) > self.fails:
            self.answer(200, self.reply)
            return
        if not self.status:
            self.close_connection = True
            return
        body = json.dumps({"message": "It failed.", "type": "error"}).encode()
        self.send_response(self.status)
        self.send_header("content-type", "application/json")
        if self.status in _AWS_TYPES:
            self.send_header("x-amzn-ErrorType", f"{_AWS_TYPES[self.status]}:")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _call(model: Any, how: str) -> Any:
    if how == "invoke":
        return model.invoke("Hi").content
    if how == "ainvoke":
        return asyncio.run(model.ainvoke("Hi")).content
    return "".join(str(chunk.content) for chunk in model.stream("Hi"))


def _run(make: Callable[[str], Any], how: str, **server: Any) -> tuple[int, str, Any]:
    """The requests sent, the class raised ("" for none) and the reply (None where it
    raised) of one call through a model `make(url)` builds."""
    seen: list[str] = []
    with serving(_Counting, seen=seen, **server) as url:
        model = make(url)
        try:
            reply = _call(model, how)
        except Exception as err:  # noqa: BLE001 - what was raised is compared
            return len(seen), type(err).__name__, err
    return len(seen), "", reply


def _both(
    partner: type, name: str, keywords: Callable[[str], dict[str, Any]], how: str, **server: Any
) -> tuple[tuple[int, str], tuple[int, str]]:
    ours_class = getattr(chatplex.langchain, name)
    theirs = _run(lambda url: partner(**keywords(url)), how, **server)
    ours = _run(lambda url: ours_class(**keywords(url)), how, **server)
    if theirs[1]:
        # (botocore makes a modeled error class per client: the name is compared)
        kind = type(theirs[2])
        if kind.__module__ == "botocore.errorfactory":
            kind = kind.__mro__[1]
        assert isinstance(ours[2], kind), (type(theirs[2]), type(ours[2]))
    else:
        assert ours[2] == theirs[2]
    return theirs[:2], ours[:2]


# ---- langchain-fireworks: a 408 and a 409 are not retried ---------------------------


@pytest.mark.parametrize("how", ["invoke", "ainvoke", "stream"])
@pytest.mark.parametrize("status", [408, 409])
def test_fireworks_raises_a_408_and_a_409_at_the_first(status: int, how: str) -> None:
    partner = pytest.importorskip("langchain_fireworks").ChatFireworks

    def keywords(url: str) -> dict[str, Any]:
        return {"model": "m", "api_key": "k", "base_url": url, "max_retries": 3}

    theirs, ours = _both(partner, "ChatFireworks", keywords, how, status=status)
    assert ours == theirs
    assert theirs[0] == 1


# ---- langchain-aws: botocore's statuses, whatever its retry mode ---------------------


@pytest.fixture
def aws_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")


@pytest.mark.usefixtures("aws_keys")
@pytest.mark.parametrize("mode", ["standard", "legacy"])
@pytest.mark.parametrize("name", ["ChatBedrockConverse", "ChatBedrock"])
@pytest.mark.parametrize("status", [409, 529])
def test_bedrock_raises_a_409_and_a_529_at_the_first(status: int, name: str, mode: str) -> None:
    from botocore.config import Config

    partner = getattr(pytest.importorskip("langchain_aws"), name)
    model_key = "model" if name == "ChatBedrockConverse" else "model_id"

    def keywords(url: str) -> dict[str, Any]:
        return {
            model_key: "anthropic.claude-3-haiku-20240307-v1:0",
            "endpoint_url": url,
            "region_name": "us-east-1",
            "config": Config(retries={"mode": mode, "max_attempts": 3}),
        }

    theirs, ours = _both(partner, name, keywords, "invoke", status=status)
    assert ours == theirs
    assert theirs[0] == 1


# ---- langchain-cohere: the cohere SDK's own retries ----------------------------------

_COHERE_REPLY = json.dumps(
    {
        "id": "x",
        "finish_reason": "COMPLETE",
        "message": {"role": "assistant", "content": [{"type": "text", "text": "OK"}]},
        "usage": {"tokens": {"input_tokens": 1, "output_tokens": 1}},
    }
).encode()


@pytest.fixture
def cohere_at_once(monkeypatch: pytest.MonkeyPatch) -> Iterator[type]:
    """langchain-cohere's class, its SDK's backoff (about 1 s, then 2 s) set to nothing:
    what it retries and how often are the SDK's own."""
    partner = pytest.importorskip("langchain_cohere").ChatCohere
    http_client = pytest.importorskip("cohere.core.http_client")
    monkeypatch.setattr(http_client, "_retry_timeout", lambda response, retries: 0.0)
    yield partner


def _cohere(max_retries: int | None) -> Callable[[str], dict[str, Any]]:
    def keywords(url: str) -> dict[str, Any]:
        given = {"model": "m", "cohere_api_key": "k", "base_url": url}
        return given if max_retries is None else {**given, "max_retries": max_retries}

    return keywords


@pytest.mark.parametrize("how", ["invoke", "ainvoke"])
@pytest.mark.parametrize("max_retries", [0, 1, 3])
def test_cohere_retries_twice_whatever_max_retries_says(
    cohere_at_once: type, max_retries: int, how: str
) -> None:
    theirs, ours = _both(cohere_at_once, "ChatCohere", _cohere(max_retries), how, status=503)
    assert ours == theirs
    assert theirs[0] == 3


@pytest.mark.parametrize("how", ["invoke", "ainvoke"])
def test_cohere_gets_the_reply_after_a_failed_attempt_with_no_retries_asked(
    cohere_at_once: type, how: str
) -> None:
    theirs, ours = _both(
        cohere_at_once, "ChatCohere", _cohere(0), how, status=503, fails=1, reply=_COHERE_REPLY
    )
    assert ours == theirs == (2, "")


@pytest.mark.parametrize("how", ["invoke", "ainvoke"])
@pytest.mark.parametrize("fails", [1, 1_000])
def test_cohere_sends_a_closed_connections_request_once(
    cohere_at_once: type, fails: int, how: str
) -> None:
    theirs, ours = _both(
        cohere_at_once,
        "ChatCohere",
        _cohere(None),
        how,
        status=0,
        fails=fails,
        reply=_COHERE_REPLY,
    )
    assert ours == theirs
    assert theirs[0] == 1


# ---- langchain-google-genai: a connection closed unanswered, sync and async ----------

_GEMINI_REPLY = json.dumps(
    {
        "candidates": [
            {"content": {"parts": [{"text": "OK"}], "role": "model"}, "finishReason": "STOP"}
        ],
        "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1},
    }
).encode()


@pytest.fixture
def gemini_at_once(monkeypatch: pytest.MonkeyPatch) -> type:
    """langchain-google-genai's class, google-genai's backoff (1 s, plus up to 1 s of
    jitter) set to nothing: what it retries and how often are the SDK's own."""
    partner = pytest.importorskip("langchain_google_genai").ChatGoogleGenerativeAI
    genai_client = pytest.importorskip("google.genai._api_client")
    monkeypatch.setattr(genai_client, "_RETRY_INITIAL_DELAY", 0.0)
    monkeypatch.setattr(genai_client, "_RETRY_JITTER", 0)
    return partner


def _gemini(url: str) -> dict[str, Any]:
    return {"model": "m", "google_api_key": "k", "base_url": url, "max_retries": 3}


@pytest.mark.parametrize("how", ["invoke", "stream"])
@pytest.mark.parametrize("fails", [1, 1_000])
def test_gemini_sends_a_closed_connections_request_once_on_a_sync_call(
    gemini_at_once: type, fails: int, how: str
) -> None:
    server = {"status": 0, "fails": fails, "reply": _GEMINI_REPLY}
    theirs, ours = _both(gemini_at_once, "ChatGoogleGenerativeAI", _gemini, how, **server)
    assert ours == theirs
    assert theirs == (1, "RemoteProtocolError")


def test_gemini_retries_a_closed_connection_on_an_async_call(gemini_at_once: type) -> None:
    server = {"status": 0, "fails": 1, "reply": _GEMINI_REPLY}
    theirs, ours = _both(gemini_at_once, "ChatGoogleGenerativeAI", _gemini, "ainvoke", **server)
    assert ours == theirs == (2, "")
