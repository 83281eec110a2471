"""Reading the rate limits servers announce in response headers (chatplex/http/_learn.py);
what a budget does with them is tests/http/test_ratelimit_adaptive.py."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import httpx
import pytest
from _httpkit import OPENAI_LIMITS as OPENAI

from chatplex.http._learn import parse_duration
from chatplex.http._learn import read_limits
from chatplex.http._learn import spent

# ---- reading the headers ------------------------------------------------------------------


def test_openai_headers() -> None:
    limits = read_limits(httpx.Headers(OPENAI))
    assert limits is not None
    assert limits.requests_limit == 600 and limits.requests_remaining == 599
    assert limits.requests_reset == pytest.approx(0.1)
    assert limits.tokens_limit == 60000 and limits.tokens_reset == 1.0


def test_anthropic_headers() -> None:
    reset = (datetime.now(UTC) + timedelta(seconds=30)).isoformat().replace("+00:00", "Z")
    limits = read_limits(
        {
            "anthropic-ratelimit-requests-limit": "50",
            "anthropic-ratelimit-requests-remaining": "49",
            "anthropic-ratelimit-requests-reset": reset,
            "anthropic-ratelimit-tokens-limit": "40000",
        }
    )
    assert limits is not None
    assert (limits.requests_limit, limits.requests_remaining, limits.tokens_limit) == (
        50,
        49,
        40000,
    )
    assert limits.requests_reset == pytest.approx(30, abs=2)


def test_cerebras_headers_give_tokens_per_minute_not_requests_per_day() -> None:
    # The example response of inference-docs.cerebras.ai/support/rate-limits.
    limits = read_limits(
        httpx.Headers(
            {
                "x-ratelimit-limit-requests-day": "1000000000",
                "x-ratelimit-limit-tokens-minute": "1000000000",
                "x-ratelimit-remaining-requests-day": "999997455",
                "x-ratelimit-remaining-tokens-minute": "999998298",
                "x-ratelimit-reset-requests-day": "33011.382867097855",
                "x-ratelimit-reset-tokens-minute": "11.382867097854614",
            }
        )
    )
    assert limits is not None
    assert limits.tokens_limit == 1e9 and limits.tokens_remaining == 999998298
    assert limits.tokens_reset == pytest.approx(11.382867)
    assert (limits.requests_limit, limits.requests_remaining, limits.requests_reset) == (
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [("1s", 1.0), ("6m0s", 360.0), ("20ms", 0.02), ("1h2m3.5s", 3723.5), ("0.5", 0.5)],
)
def test_reset_durations(raw: str, seconds: float) -> None:
    assert parse_duration(raw) == pytest.approx(seconds)


def test_no_or_garbled_headers_announce_nothing() -> None:
    assert read_limits({}) is None
    assert read_limits({"x-ratelimit-limit-requests": "lots"}) is None
    assert read_limits({"x-ratelimit-remaining-requests": "lots"}) is None
    assert parse_duration("soon") is None


def test_a_bare_remaining_count_is_read_without_a_limit() -> None:
    """A 429 telling only that nothing is left: evidence of a limit, though no pace."""
    told = read_limits({"anthropic-ratelimit-requests-remaining": "0"})
    assert told is not None and told.requests_remaining == 0 and told.requests_limit is None


def test_httpx_headers_without_limits_announce_nothing() -> None:
    """The common response: one scan of the raw names, no lookups."""
    assert read_limits(httpx.Headers({"content-type": "application/json"})) is None
    mixed_case = httpx.Headers({"X-RateLimit-Limit-Requests": "60"})
    limits = read_limits(mixed_case)
    assert limits is not None and limits.requests_limit == 60


def test_a_spent_quota_reads_as_nothing_remaining_and_keeps_what_was_announced() -> None:
    assert read_limits(spent(None)) == read_limits({"x-ratelimit-remaining-requests": "0"})
    told = httpx.Headers({"X-RateLimit-Limit-Requests": "600", "x-request-id": "r1"})
    limits = read_limits(spent(told))
    assert limits is not None and limits.requests_limit == 600.0
    assert limits.requests_remaining == 0.0 and spent(told)["x-request-id"] == "r1"


def test_the_header_sets_read_are_those_the_wires_declare() -> None:
    # `ProviderSpec.limit_headers`, tried in `WIRES` order; each name holds "ratelimit-",
    # which `_may_announce`'s one scan of a response's names looks for.
    from chatplex.specs import limit_headers
    from chatplex.specs import specs

    declared = limit_headers()
    assert set(declared) == {s.limit_headers for s in specs().values() if s.limit_headers}
    assert len(declared) == len(set(declared)) >= 2
    for headers in declared:
        names = [n for n in (*headers.requests, *headers.tokens) if n]
        assert names and all("ratelimit-" in n and n == n.lower() for n in names), names
        assert headers.reset in ("duration", "time")
        told = {names[0]: "7"}
        assert read_limits(told) is not None
