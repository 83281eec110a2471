"""Fault specs, provider error fields and the rate limiter of the mock server
(`testing/_mock_faults.py`)."""

from __future__ import annotations

import doctest
from email.utils import parsedate_to_datetime

import httpx
import pytest

from chatplex.testing import MockServer
from chatplex.testing import _mock_faults
from chatplex.testing._mock_faults import FAULTS
from chatplex.testing._mock_faults import Fault
from chatplex.testing._mock_faults import FaultMix
from chatplex.testing._mock_faults import MockUsageError
from chatplex.testing._mock_faults import TokenBucket
from chatplex.testing._mock_faults import WindowLimit
from chatplex.testing._mock_faults import error_fields
from chatplex.testing._mock_faults import html_page
from chatplex.testing._mock_faults import parse_fault
from chatplex.testing._mock_faults import retry_headers


def test_a_spec_parses_to_name_value_and_parameters() -> None:
    fault = parse_fault(" Status = 503 ; retry_after=2 ;should_retry=false; ")
    assert fault == Fault("status", "503", (("retry_after", "2"), ("should_retry", "false")))
    assert (fault.status, fault.get("retry_after"), fault.get("code")) == (503, "2", None)
    assert parse_fault("midstream_close;after=3").after == 3
    assert parse_fault("truncated_sse").after == 1
    assert parse_fault("stall=2.5").seconds == 2.5
    assert parse_fault("html_error").status == 502 and parse_fault("html_error=504").status == 504


def test_every_known_fault_parses() -> None:
    needs_value = {"status": "=500", "stall": "=1"}
    for name in FAULTS:
        assert parse_fault(name + needs_value.get(name, "")).name == name


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty fault spec"),
        ("explode", "unknown fault 'explode'; known:"),
        ("status", "value is required"),
        ("reset=1", "value is never"),
        ("status=abc", "bad number"),
        ("stall=-1", "finite and >= 0"),
        ("stall=inf", "finite and >= 0"),
        ("reset;after", "bad fault parameter 'after'"),
        ("reset;colour=red", "bad fault parameter 'colour=red'"),
        ("status=429;retry_after=soon", "bad number"),
    ],
)
def test_bad_specs_say_why(spec: str, message: str) -> None:
    with pytest.raises(MockUsageError, match=message):
        parse_fault(spec)


def test_an_out_of_range_status_is_refused() -> None:
    with pytest.raises(MockUsageError, match="status=200"):
        parse_fault("status=200")


def test_an_out_of_range_status_says_the_range() -> None:
    with pytest.raises(MockUsageError, match="400-599"):
        parse_fault("status=200")


def test_retry_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_mock_faults.time, "time", lambda: 1_000_000_000.2)
    fault = parse_fault("status=429;retry_after=1.5;retry_after_ms=1500;should_retry=true")
    assert retry_headers(fault) == [
        ("retry-after", "1.5"),
        ("retry-after-ms", "1500"),
        ("x-should-retry", "true"),
    ]
    [(name, date)] = retry_headers(parse_fault("status=503;retry_after_date=2"))
    assert name == "retry-after"
    assert parsedate_to_datetime(date).timestamp() == 1_000_000_003  # rounded up, never early
    assert retry_headers(parse_fault("reset")) == []


@pytest.mark.parametrize(
    ("provider", "status", "expected"),
    [
        (
            "openai",
            429,
            (
                "requests",
                "Rate limit reached for requests (mock). Please try again later.",
                "rate_limit_exceeded",
            ),
        ),
        (
            "openai",
            401,
            ("invalid_request_error", "Incorrect API key provided (mock).", "invalid_api_key"),
        ),
        (
            "openai",
            502,
            ("server_error", "The server had an error while processing your request (mock).", None),
        ),
        ("openai", 418, ("invalid_request_error", "Request failed (mock).", None)),
        ("anthropic", 529, ("overloaded_error", "Overloaded", None)),
        ("anthropic", 402, ("billing_error", "Request failed (mock).", None)),
        (
            "anthropic",
            503,
            ("api_error", "The server had an error while processing your request (mock).", None),
        ),
    ],
)
def test_error_fields_in_each_providers_words(
    provider: str, status: int, expected: tuple[str, str, str | None]
) -> None:
    assert error_fields(provider, status, None) == expected


def test_a_fault_overrides_the_error_fields() -> None:
    quota = parse_fault("status=429;type=insufficient_quota;message=No money")
    assert error_fields("openai", 429, quota) == (
        "insufficient_quota",
        "No money",
        "insufficient_quota",
    )
    coded = parse_fault("status=400;code=context_length_exceeded")
    assert error_fields("openai", 400, coded)[2] == "context_length_exceeded"
    assert error_fields("anthropic", 400, coded)[2] is None  # Anthropic errors have no code


def test_html_page_is_what_a_proxy_sends() -> None:
    page = html_page(502)
    assert page.startswith(b"<html>") and b"<title>502 Bad Gateway</title>" in page
    assert b"nginx" in page


def test_token_bucket_refills_at_its_rate_per_key() -> None:
    now = [0.0]
    bucket = TokenBucket(clock=lambda: now[0])
    assert [bucket.take("a", rate=1.0, burst=2.0) for _ in range(2)] == [None, None]
    assert bucket.take("a", rate=1.0, burst=2.0) == 1.0  # empty: one token in one second
    assert bucket.take("b", rate=1.0, burst=None) is None  # another key, its own bucket
    now[0] = 0.5
    assert bucket.take("a", rate=1.0, burst=2.0) == 0.5
    now[0] = 10.0
    assert bucket.take("a", rate=1.0, burst=2.0) is None  # refilled, up to the burst only
    assert bucket.take("a", rate=1.0, burst=2.0) is None
    assert bucket.take("a", rate=1.0, burst=2.0) == 1.0
    assert bucket.take("a", rate=4.0, burst=2.0) is None  # a new rate starts a new bucket


def test_a_window_limit_is_strict_and_slides() -> None:
    now = [0.0]
    window = WindowLimit(clock=lambda: now[0])
    assert window.take("a", limit=2, window=60.0) is None
    now[0] = 30.0
    assert window.take("a", limit=2, window=60.0) is None
    now[0] = 59.0
    assert window.take("a", 2, 60.0) == 1.0  # full: until the oldest slides out
    assert window.take("b", 2, 60.0) is None  # another key, its own window
    now[0] = 60.0
    assert window.take("a", 2, 60.0) is None  # one slid out: one more, no more
    assert window.take("a", 2, 60.0) == 30.0


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(_mock_faults)
    assert failures == 0 and tried > 0


# ---- FaultMix: seeded sporadic faults and bursts -------------------------------------------


def _messages(i: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"row {i}"}]


def test_a_fault_mix_is_seeded_by_the_messages_not_the_order() -> None:
    shares = {"status=429;retry_after=0.05": 0.1, "status=503": 0.1}
    one, two = FaultMix(shares, seed=5), FaultMix(shares, seed=5)
    forward = [one.decide(_messages(i), now=0.0) for i in range(2000)]
    backward = [two.decide(_messages(i), now=0.0) for i in reversed(range(2000))][::-1]
    assert forward == backward
    assert 150 <= forward.count("status=503") <= 250  # about a tenth
    assert 150 <= forward.count("status=429;retry_after=0.05") <= 250
    other = [FaultMix(shares, seed=6).decide(_messages(i), now=0.0) for i in range(2000)]
    assert other != forward


def test_a_fault_mix_can_spare_retries_and_keep_to_a_span() -> None:
    firsts = FaultMix({"status=503": 1.0}, first_attempts_only=True)
    assert firsts.decide(_messages(1), now=0.0) == "status=503"
    assert firsts.decide(_messages(1), now=0.1) is None  # its retry succeeds
    burst = FaultMix({"status=529": 1.0}, start=3.0, duration=5.0)
    assert burst.decide(_messages(0), now=100.0) is None  # the span counts from here
    assert burst.began == 100.0
    assert burst.decide(_messages(1), now=103.5) == "status=529"
    assert burst.decide(_messages(2), now=108.0) is None


@pytest.mark.parametrize(
    ("shares", "message"),
    [({"status=429": 0.7, "status=503": 0.5}, "more than 1"), ({"bogus": 0.1}, "unknown fault")],
)
def test_a_fault_mix_checks_its_shares_and_specs(shares: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultMix(shares)


def test_a_fault_mix_faults_a_servers_first_attempts() -> None:
    plan = FaultMix({"status=503": 1.0}, first_attempts_only=True)
    with MockServer(fault_plan=plan) as srv:
        body = {"model": "m", "messages": _messages(1)}
        url = srv.openai_base_url + "/chat/completions"
        assert httpx.post(url, json=body).status_code == 503
        assert httpx.post(url, json=body).status_code == 200
