"""The server that enforces hidden per-minute limits (chatplex/testing/limited_server.py)."""

from __future__ import annotations

import httpx
import pytest

from chatplex.testing.limited_server import LimitedServer
from chatplex.testing.limited_server import request_tokens


def body(text: str, max_tokens: int = 10) -> dict[str, object]:
    return {"model": "m", "max_tokens": max_tokens, "messages": [{"role": "user", "content": text}]}


def test_tokens_are_counted_as_chatplex_estimates_them() -> None:
    from chatplex.adapters.request_types import HTTPRequest
    from chatplex.http._ratelimit import estimate_tokens

    sample = body("x" * 396, max_tokens=100)
    assert request_tokens(sample) == estimate_tokens(HTTPRequest("POST", "u", {}, sample))


def test_requests_over_the_limit_get_429_with_retry_after_and_are_counted() -> None:
    with LimitedServer(requests_per_minute=60, burst_seconds=2.0) as srv:
        url = srv.base_url + "/chat/completions"
        answers = [httpx.post(url, json=body(f"q{i}")) for i in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]  # 2 s of 1/s in the bucket
    assert float(answers[2].headers["retry-after"]) > 0
    reply = answers[0].json()
    assert reply["choices"][0]["message"]["content"] == "reply to q0"
    assert reply["usage"]["total_tokens"] == request_tokens(body("q0"))
    assert (srv.stats.requests, srv.stats.accepted, srv.stats.limited) == (3, 2, 1)


def test_the_token_limit_binds_too_and_reset_refills() -> None:
    with LimitedServer(requests_per_minute=6000, tokens_per_minute=600, burst_seconds=2.0) as srv:
        url = srv.base_url + "/chat/completions"  # 20 tokens in the bucket
        assert httpx.post(url, json=body("a", max_tokens=12)).status_code == 200
        assert httpx.post(url, json=body("a", max_tokens=12)).status_code == 429
        srv.reset()
        assert srv.stats.requests == 0
        assert httpx.post(url, json=body("a", max_tokens=12)).status_code == 200


def test_failing_inputs_are_answered_400_and_prompts_counted() -> None:
    with LimitedServer(requests_per_minute=6000, count_prompts=True) as srv:
        url = srv.base_url + "/chat/completions"
        bad = httpx.post(url, json=body("q PERMANENT-FAIL"))
        for _ in range(2):
            httpx.post(url, json=body("again"))
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "invalid_request_error"
    assert srv.stats.failed == 1 and srv.stats.prompts["again"] == 2


def test_it_listens_on_loopback_only_and_stops() -> None:
    with LimitedServer(requests_per_minute=60) as srv:
        assert srv.base_url.startswith("http://127.0.0.1:")
    with pytest.raises(httpx.ConnectError):
        httpx.post(srv.base_url + "/chat/completions", json=body("late"))
