"""The mock server's value types and counters (`testing/_mock_types.py`)."""

from __future__ import annotations

import threading

import pytest

from chatplex.testing._mock_types import MockRequest
from chatplex.testing._mock_types import MockSettings
from chatplex.testing._mock_types import MockStats
from chatplex.testing._mock_types import StatsRecorder


def test_mock_request_key_and_stream() -> None:
    request = MockRequest("POST", "/v1/messages", {"x-request-key": "k1"}, {"stream": True}, 2)
    assert request.key == "k1" and request.stream
    assert MockRequest("POST", "/", {}, {"stream": "yes"}, 1).stream is False
    assert MockRequest("POST", "/", {}, None, 1).stream is False
    assert MockRequest("POST", "/", {}, None, 1).key is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"chunks": 0}, "chunks"),
        ({"chunks": 100_001}, "chunks"),
        ({"latency": -1}, "latency"),
        ({"chunk_delay": 3601}, "chunk_delay"),
        ({"rate_limit_rps": 0}, "rate_limit_rps"),
        ({"usage_details": {"audio": 1}}, "usage_details"),
        ({"usage_details": {"cached": -1}}, "usage_details"),
    ],
)
def test_settings_are_checked(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MockSettings(**kwargs)  # type: ignore[arg-type]


def test_settings_defaults() -> None:
    settings = MockSettings()
    assert settings.reply_text is None and settings.latency == 0.0
    assert settings.rate_limit_rps is None and settings.fault_plan is None
    assert settings.usage_details is None and settings.stop_at_limit is False


def test_stats_count_requests_attempts_statuses_and_faults() -> None:
    stats = StatsRecorder()
    assert stats.request("/v1/messages", None) == 1
    assert stats.request("/v1/messages", "k") == 1
    assert stats.request("/v1/chat/completions", "k") == 2  # attempts follow the key
    stats.status(200)
    stats.status(429)
    stats.status(429)
    stats.fault("reset")
    stats.rate_limit(accepted=True)
    stats.rate_limit(accepted=False)
    stats.connection()
    snapshot = stats.snapshot()
    assert snapshot == MockStats(
        requests=3,
        connections=1,
        by_path={"/v1/messages": 2, "/v1/chat/completions": 1},
        by_status={200: 1, 429: 2},
        faults={"reset": 1},
        too_many_requests=2,
        rate_limit_accepted=1,
        rate_limit_rejected=1,
        attempts={"k": 2},
    )
    assert snapshot.faults_total == 1
    stats.fault("reset")
    assert snapshot.faults == {"reset": 1}  # a snapshot does not move
    stats.reset()
    assert stats.snapshot() == MockStats()


def test_stats_are_exact_under_threads() -> None:
    stats = StatsRecorder()

    def hammer() -> None:
        for _ in range(500):
            stats.request("/p", "k")
            stats.status(200)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    snapshot = stats.snapshot()
    assert snapshot.requests == 4000 and snapshot.attempts == {"k": 4000}
    assert snapshot.by_status == {200: 4000}
