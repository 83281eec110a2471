"""chat/side_call.py: a model's non-chat call goes out as its chat calls do (its client,
retries, timeout, the ambient deadline, extra headers, typed errors) and its reply is
read by the caller."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from chatplex.adapters.request_types import HTTPRequest
from chatplex.chat.side_call import side_call
from chatplex.core.run_config import current_config
from chatplex.errors import APIError
from chatplex.errors import BadRequestError
from chatplex.errors import DeadlineExceededError
from chatplex.errors import ServerError
from chatplex.sdk_error_families import ErrorFamily
from tests.providers.google._gemini_fake import ChatGoogleGenerativeAI

URL = "http://127.0.0.1:9/v1beta/models/m:countTokens"


def model(answers: list[httpx.Response], seen: list[httpx.Request], **settings: Any) -> Any:
    """A model whose HTTP client answers with `answers` in turn, recording requests."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers[min(len(seen), len(answers)) - 1]

    client = httpx.Client(transport=httpx.MockTransport(handler))
    return ChatGoogleGenerativeAI(
        model="m", api_key="k", base_url="http://127.0.0.1:9", http_client=client, **settings
    )


def request() -> HTTPRequest:
    return HTTPRequest("POST", URL, headers={"x-goog-api-key": "k"}, json={"contents": []})


def total(body: bytes) -> int:
    return int(json.loads(body)["totalTokens"])


def test_the_reply_is_read_by_the_caller_and_extra_headers_go_along() -> None:
    seen: list[httpx.Request] = []
    llm = model([httpx.Response(200, json={"totalTokens": 5})], seen, extra_headers={"x-a": "b"})
    assert side_call(llm, request(), total) == 5
    assert [r.url.path for r in seen] == ["/v1beta/models/m:countTokens"]
    assert seen[0].headers["x-a"] == "b"
    assert json.loads(seen[0].content) == {"contents": []}


def test_a_url_outside_the_provider_gets_neither_extra_headers_nor_the_models_credentials() -> None:
    seen: list[httpx.Request] = []
    llm = model([httpx.Response(200, text="file")], seen, extra_headers={"x-token": "t"})
    fetch = HTTPRequest("GET", "https://storage.example/f.json", headers={}, content=b"")
    assert side_call(llm, fetch, bytes.decode, to_provider=False) == "file"
    assert "x-token" not in seen[0].headers and "x-goog-api-key" not in seen[0].headers
    assert seen[0].method == "GET" and seen[0].content == b""


def test_a_retryable_status_is_retried_with_the_models_retries() -> None:
    seen: list[httpx.Request] = []
    busy = httpx.Response(503, json={"error": {"code": 503, "message": "Busy."}})
    ok = httpx.Response(200, json={"totalTokens": 2}, headers={"retry-after": "0"})
    llm = model([busy, ok], seen, max_retries=2, max_retry_after=0.01)
    assert side_call(llm, request(), total) == 2
    assert len(seen) == 2


def test_an_error_status_is_the_adapters_typed_error_after_the_last_attempt() -> None:
    seen: list[httpx.Request] = []
    failing = httpx.Response(500, json={"error": {"code": 500, "message": "Down."}})
    llm = model([failing], seen, max_retries=2, max_retry_after=0.01)
    with pytest.raises(ServerError, match="Down.") as caught:
        side_call(llm, request(), total)
    assert caught.value.attempts == 2 and len(seen) == 2  # max_retries counts attempts
    seen.clear()
    bad = httpx.Response(400, json={"error": {"code": 400, "message": "Bad."}})
    with pytest.raises(BadRequestError):
        side_call(model([bad], seen, max_retries=5), request(), total)
    assert len(seen) == 1  # a 400 is not retried


def test_a_call_not_retried_makes_one_attempt() -> None:
    seen: list[httpx.Request] = []
    busy = httpx.Response(503, json={"error": {"code": 503, "message": "Busy."}})
    llm = model([busy], seen, max_retries=3, max_retry_after=0.01)
    with pytest.raises(ServerError):
        side_call(llm, request(), total, retried=False)
    assert len(seen) == 1


class _Marked(Exception):
    """A class the call's own error family picks."""


def test_the_calls_error_families_replace_the_adapters() -> None:
    import sys
    import types

    module = types.ModuleType("side_call_marks")
    module.Marked = _Marked  # type: ignore[attr-defined]
    family = ErrorFamily("side_call_marks", lambda err, mod: mod.Marked)
    sys.modules["side_call_marks"] = module
    try:
        bad = httpx.Response(400, json={"error": {"code": 400, "message": "Bad."}})
        with pytest.raises(_Marked):
            side_call(model([bad], []), request(), total, error_families=(family,))
    finally:
        del sys.modules["side_call_marks"]


@pytest.mark.parametrize("body", [b"not json", b'{"other": 1}'])
def test_a_reply_the_reader_cannot_read_is_a_malformed_reply(body: bytes) -> None:
    llm = model([httpx.Response(200, content=body)], [], max_retries=1)
    with pytest.raises(APIError, match="(?i)malformed|unexpected|could not"):
        side_call(llm, request(), total)


def test_a_model_without_an_adapter_cannot_send() -> None:
    from chatplex.chat.fake import FakeChatModel

    with pytest.raises(NotImplementedError, match="no adapter"):
        side_call(FakeChatModel(responses=["x"]), request(), total)


def test_the_ambient_deadline_bounds_it() -> None:
    seen: list[httpx.Request] = []
    llm = model([httpx.Response(200, json={"totalTokens": 1})], seen)
    token = current_config().set({"deadline": 0.0})  # long past
    try:
        with pytest.raises(DeadlineExceededError):
            side_call(llm, request(), total)
    finally:
        current_config().reset(token)
    assert seen == []


def test_a_timeout_given_bounds_this_call_over_the_models() -> None:
    seen: list[httpx.Request] = []
    llm = model([httpx.Response(200, json={"totalTokens": 1})], seen, timeout=30)
    side_call(llm, request(), total)
    side_call(llm, request(), total, timeout=2.5)
    assert [r.extensions["timeout"]["read"] for r in seen] == [30, 2.5]
