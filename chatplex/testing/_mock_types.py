"""The mock server's public value types and its thread-safe counters (private module).

`MockServer` re-exports `MockRequest`, `MockSettings` and `MockStats`; `StatsRecorder`
is written by the server's event loop thread and read (as snapshots) by test threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from .script import MockScript

__all__ = [
    "LOOPBACK",
    "MAX_CHUNKS",
    "MAX_SECONDS",
    "MockRequest",
    "MockSettings",
    "MockStats",
    "StatsRecorder",
]

LOOPBACK = "127.0.0.1"
MAX_SECONDS = 3600.0
MAX_CHUNKS = 100_000


@dataclass(frozen=True)
class MockRequest:
    """What a `fault_plan` sees of a request.

    `headers` has lower-cased names; `json` is the parsed body (None if it is not a
    JSON object); `attempt` counts requests carrying the same `x-request-key`
    header, starting at 1 (always 1 without the header).
    """

    method: str
    path: str
    headers: Mapping[str, str]
    json: dict[str, Any] | None
    attempt: int

    @property
    def key(self) -> str | None:
        """The `x-request-key` header, if the client sent one."""
        return self.headers.get("x-request-key")

    @property
    def stream(self) -> bool:
        """Whether the body asks for a stream."""
        return self.json is not None and self.json.get("stream") is True


@dataclass
class MockSettings:
    """Server-wide behaviour; read on every request, so it may be changed while serving."""

    reply_text: str | None = None
    reply: Callable[[dict[str, Any]], str] | None = None
    chunks: int | None = None
    latency: float = 0.0
    chunk_delay: float = 0.0
    fault_plan: Callable[[MockRequest], str | None] | None = None
    rate_limit_rps: float | None = None
    rate_limit_burst: float | None = None
    #: Scripted mode (`chatplex.testing.script`): rules that choose replies.
    script: MockScript | None = None
    rate_limit_announce: bool = False
    #: With `rate_limit_rps`: a strict sliding window of this many seconds holding
    #: ``rps * window`` requests instead of the token bucket; its 429s say only
    #: ``retry-after: 1`` (a hidden per-minute limit, as issue 40 met it).
    rate_limit_window: float | None = None
    #: The usage details every reply reports: `{"cached": N}` input tokens read from the
    #: prompt cache, `{"reasoning": N}` output tokens spent reasoning (within the counts).
    usage_details: Mapping[str, int] | None = None
    #: Every reply says it stopped at the output-token limit, in each wire's word
    #: (OpenAI's "length", Anthropic's "max_tokens", ...).
    stop_at_limit: bool = False
    #: A reply written out whole, for what planning cannot say (a provider's own fields:
    #: reasoning text, citations, built-in tools' items): given the request, a JSON body
    #: (bytes, answered 200) or a stream's frames (a list of bytes, each sent as it is),
    #: or None for the usual reply. Faults and rate limits still come first.
    raw_reply: Callable[[MockRequest], bytes | list[bytes] | None] | None = None

    def __post_init__(self) -> None:
        if self.chunks is not None and not 1 <= self.chunks <= MAX_CHUNKS:
            raise ValueError(f"chunks must be in 1..{MAX_CHUNKS}")
        if not (0 <= self.latency <= MAX_SECONDS and 0 <= self.chunk_delay <= MAX_SECONDS):
            raise ValueError("latency and chunk_delay must be between 0 and 3600 seconds")
        if self.rate_limit_rps is not None and not self.rate_limit_rps > 0:
            raise ValueError("rate_limit_rps must be > 0")
        if self.rate_limit_window is not None and not self.rate_limit_window > 0:
            raise ValueError("rate_limit_window must be > 0")
        details = self.usage_details or {}
        if set(details) - {"cached", "reasoning"} or any(
            not isinstance(n, int) or n < 0 for n in details.values()
        ):
            raise ValueError("usage_details takes 'cached' and 'reasoning' counts (ints >= 0)")


@dataclass(frozen=True)
class MockStats:
    """A snapshot of the server's counters (see `MockServer.stats`)."""

    requests: int = 0
    connections: int = 0
    by_path: Mapping[str, int] = field(default_factory=dict)
    by_status: Mapping[int, int] = field(default_factory=dict)
    faults: Mapping[str, int] = field(default_factory=dict)
    too_many_requests: int = 0
    rate_limit_accepted: int = 0
    rate_limit_rejected: int = 0
    attempts: Mapping[str, int] = field(default_factory=dict)

    @property
    def faults_total(self) -> int:
        """How many faults were injected, all kinds together."""
        return sum(self.faults.values())


class StatsRecorder:
    """Counters written by the loop thread and read (as snapshots) by any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._requests = self._connections = self._too_many = 0
        self._accepted = self._rejected = 0
        self._by_path: dict[str, int] = {}
        self._by_status: dict[int, int] = {}
        self._faults: dict[str, int] = {}
        self._attempts: dict[str, int] = {}

    def reset(self) -> None:
        with self._lock:
            self._reset()

    def request(self, path: str, key: str | None) -> int:
        """Count a request; return its attempt number for `key`."""
        with self._lock:
            self._requests += 1
            self._by_path[path] = self._by_path.get(path, 0) + 1
            if key is None:
                return 1
            attempt = self._attempts[key] = self._attempts.get(key, 0) + 1
            return attempt

    def status(self, status: int) -> None:
        with self._lock:
            self._by_status[status] = self._by_status.get(status, 0) + 1
            self._too_many += status == 429

    def fault(self, name: str) -> None:
        with self._lock:
            self._faults[name] = self._faults.get(name, 0) + 1

    def rate_limit(self, accepted: bool) -> None:
        with self._lock:
            self._accepted += accepted
            self._rejected += not accepted

    def connection(self) -> None:
        with self._lock:
            self._connections += 1

    def snapshot(self) -> MockStats:
        with self._lock:
            return MockStats(
                requests=self._requests,
                connections=self._connections,
                by_path=dict(self._by_path),
                by_status=dict(self._by_status),
                faults=dict(self._faults),
                too_many_requests=self._too_many,
                rate_limit_accepted=self._accepted,
                rate_limit_rejected=self._rejected,
                attempts=dict(self._attempts),
            )
