"""Fault specs, provider error types and the rate limiter of the mock server (private).

A fault spec is a short string, the same whether it arrives in the `x-mock-fault`
header or from a server's `fault_plan` callable::

    spec   := name ["=" value] (";" key "=" value)*
    e.g.      status=429;retry_after=1      midstream_close;after=3      stall=5

`FaultMix` is a ready-made `fault_plan`: a seeded share of requests faulted (sporadic
429s and 503s, or an overload burst for a few seconds).
"""

from __future__ import annotations

import collections
import hashlib
import json
import math
import time
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formatdate
from functools import lru_cache

from ._mock_http import MockUsageError
from ._mock_http import reason
from ._mock_replies import ANTHROPIC
from ._mock_types import MockRequest

__all__ = [
    "CONTENT_FILTERED",
    "FAULTS",
    "STREAM_FAULTS",
    "Fault",
    "FaultMix",
    "MockUsageError",
    "TokenBucket",
    "WindowLimit",
    "error_fields",
    "html_page",
    "parse_fault",
    "retry_headers",
]

STREAM_FAULTS = frozenset(
    {"midstream_close", "truncated_sse", "stream_error_event", "malformed_json"}
)
FAULTS = (
    frozenset({"status", "reset", "stall", "html_error", "error_payload_200", "content_filter"})
    | STREAM_FAULTS
)

#: The `content_filter` fault's message: Azure's words for a prompt its filter refuses.
CONTENT_FILTERED = (
    "The response was filtered due to the prompt triggering Azure OpenAI's content "
    "management policy. Please modify your prompt and retry. To learn more about our "
    "content filtering policies please read our documentation: "
    "https://go.microsoft.com/fwlink/?linkid=2198766"
)
# name -> does it take "=value" (required / optional / never)
_VALUES = {"status": "required", "stall": "required", "html_error": "optional"}
_PARAMS = frozenset(
    {"retry_after", "retry_after_date", "retry_after_ms", "should_retry", "type", "code"}
    | {"message", "after"}
)
_NUMERIC_PARAMS = ("retry_after", "retry_after_date", "retry_after_ms")

_ANTHROPIC_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
_OPENAI_TYPES: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "model_not_found"),
    429: ("requests", "rate_limit_exceeded"),
}
_MESSAGES = {
    400: "Invalid request (mock).",
    401: "Incorrect API key provided (mock).",
    403: "Permission denied (mock).",
    404: "The model does not exist or you do not have access to it (mock).",
    408: "Request timed out (mock).",
    413: "Request too large (mock).",
    429: "Rate limit reached for requests (mock). Please try again later.",
    529: "Overloaded",
}
# OpenAI reports an exhausted quota as a 429 whose type and code both say so.
_OPENAI_CODE_TYPES = frozenset({"insufficient_quota"})


@dataclass(frozen=True)
class Fault:
    """A parsed fault spec: `name`, the optional `=value`, and `key=value` parameters."""

    name: str
    value: str | None
    params: tuple[tuple[str, str], ...]

    def get(self, key: str) -> str | None:
        """The raw value of parameter `key`, if given."""
        for name, value in self.params:
            if name == key:
                return value
        return None

    @property
    def after(self) -> int:
        """How many content deltas a stream fault lets through first (default 1)."""
        raw = self.get("after")
        return 1 if raw is None else int(raw)

    @property
    def status(self) -> int:
        """The HTTP status of `status=` and `html_error=` faults (html_error defaults to 502)."""
        return int(self.value) if self.value is not None else 502

    @property
    def seconds(self) -> float:
        """The duration of a `stall=` fault."""
        return float(self.value or 0)


@lru_cache(maxsize=512)
def parse_fault(spec: str) -> Fault:
    """Parse and validate a fault spec; raise `MockUsageError` with a readable reason.

    >>> parse_fault("status=429;retry_after=1")
    Fault(name='status', value='429', params=(('retry_after', '1'),))
    """
    parts = [part.strip() for part in spec.split(";") if part.strip()]
    if not parts:
        raise MockUsageError("empty fault spec")
    name, sep, value = parts[0].partition("=")
    name = name.strip().lower()
    if name not in FAULTS:
        raise MockUsageError(f"unknown fault {name!r}; known: {', '.join(sorted(FAULTS))}")
    params: list[tuple[str, str]] = []
    for part in parts[1:]:
        key, has_value, raw = part.partition("=")
        key = key.strip().lower()
        if not has_value or key not in _PARAMS:
            raise MockUsageError(f"bad fault parameter {part!r} in {spec!r}")
        params.append((key, raw.strip()))
    fault = Fault(name, value.strip() if sep else None, tuple(params))
    _validate(fault, spec)
    return fault


def _validate(fault: Fault, spec: str) -> None:
    expected = _VALUES.get(fault.name, "never")
    if (expected == "required" and fault.value is None) or (
        expected == "never" and fault.value is not None
    ):
        raise MockUsageError(f"fault {fault.name!r} value is {expected}: {spec!r}")
    try:
        status = fault.status if fault.name in ("status", "html_error") else None
        checks = [fault.seconds, fault.after]
        checks += [float(fault.get(k) or 0) for k in _NUMERIC_PARAMS]
    except ValueError as exc:
        raise MockUsageError(f"bad number in fault spec {spec!r}") from exc
    # Outside the `try`: MockUsageError is a ValueError, and its reason must not be lost.
    if status is not None and not 400 <= status <= 599:
        raise MockUsageError(f"fault status must be 400-599: {spec!r}")
    if any(not 0 <= number < math.inf for number in checks):
        raise MockUsageError(f"fault numbers must be finite and >= 0: {spec!r}")


def retry_headers(fault: Fault) -> list[tuple[str, str]]:
    """The `retry-after` / `retry-after-ms` / `x-should-retry` headers a fault asks for."""
    headers: list[tuple[str, str]] = []
    seconds = fault.get("retry_after")
    if seconds is not None:
        headers.append(("retry-after", seconds))
    delta = fault.get("retry_after_date")
    if delta is not None:
        # HTTP-dates have whole seconds; round up so the client never retries early.
        when = math.ceil(time.time() + float(delta))
        headers.append(("retry-after", formatdate(when, usegmt=True)))
    millis = fault.get("retry_after_ms")
    if millis is not None:
        headers.append(("retry-after-ms", millis))
    should = fault.get("should_retry")
    if should is not None:
        headers.append(("x-should-retry", should))
    return headers


def error_fields(provider: str, status: int, fault: Fault | None) -> tuple[str, str, str | None]:
    """(error type, message, code) for an error with `status`, overridable by the fault.

    >>> error_fields("anthropic", 529, None)
    ('overloaded_error', 'Overloaded', None)
    """
    message = _MESSAGES.get(status) or (
        "The server had an error while processing your request (mock)."
        if status >= 500
        else "Request failed (mock)."
    )
    if provider == ANTHROPIC:
        type_ = _ANTHROPIC_TYPES.get(status) or (
            "api_error" if status >= 500 else "invalid_request_error"
        )
        code = None
    else:
        default = ("server_error", None) if status >= 500 else ("invalid_request_error", None)
        type_, code = _OPENAI_TYPES.get(status, default)
    if fault is not None:
        override = fault.get("type")
        if override is not None:
            type_ = override
            code = override if override in _OPENAI_CODE_TYPES else code
        code = fault.get("code") or code
        message = fault.get("message") or message
    return type_, message, None if provider == ANTHROPIC else code


def html_page(status: int) -> bytes:
    """An nginx-style error page, as proxies and load balancers send them."""
    title = f"{status} {reason(status)}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode()


@dataclass
class _Bucket:
    rate: float
    capacity: float
    tokens: float
    updated: float


class TokenBucket:
    """Per-key token buckets; `take` returns None when allowed, else seconds to wait.

    Only the server's event loop thread touches it, so it needs no lock.

    >>> bucket = TokenBucket(clock=lambda: 0.0)
    >>> bucket.take("/v1/messages", rate=2.0, burst=1.0), bucket.take("/v1/messages", 2.0, 1.0)
    (None, 0.5)
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str, rate: float, burst: float | None) -> float | None:
        now = self._clock()
        capacity = max(1.0, rate if burst is None else burst)
        bucket = self._buckets.get(key)
        if bucket is None or bucket.rate != rate or bucket.capacity != capacity:
            bucket = self._buckets[key] = _Bucket(rate, capacity, capacity, now)
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        return (1.0 - bucket.tokens) / rate

    def level(self, key: str) -> tuple[float, float, float]:
        """(tokens left, capacity, rate) of a bucket after its last `take`."""
        bucket = self._buckets[key]
        return bucket.tokens, bucket.capacity, bucket.rate


class WindowLimit:
    """Per-key strict sliding windows: at most `limit` requests accepted in any `window`
    seconds (a per-minute limit kept exactly: a burst then nothing until it slides out).
    `take` returns None when allowed, else seconds until the oldest one leaves.

    >>> window = WindowLimit(clock=lambda: 0.0)
    >>> window.take("/v1/chat", limit=1, window=60.0), window.take("/v1/chat", 1, 60.0)
    (None, 60.0)
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._accepted: dict[str, collections.deque[float]] = {}

    def take(self, key: str, limit: int, window: float) -> float | None:
        now = self._clock()
        accepted = self._accepted.setdefault(key, collections.deque())
        while accepted and accepted[0] <= now - window:
            accepted.popleft()
        if len(accepted) < limit:
            accepted.append(now)
            return None
        return accepted[0] + window - now


class FaultMix:
    """A server `fault_plan` that answers a seeded share of requests with faults.

    `shares` maps fault specs to the share of requests each gets (summing to at most 1),
    e.g. ``{"status=429;retry_after=0.05": 0.1, "status=503": 0.1}``. Whether a request
    is faulted, and with which spec, is decided by hashing `seed`, the request's messages
    and how many times those messages arrived before -- not by arrival order -- so two
    clients sending the same prompts meet the same faults, run after run.
    `first_attempts_only`: only the first arrival of some messages can be faulted (its
    retry succeeds). `start` / `duration` (seconds after the first request the plan sees):
    the faults happen only in that span, e.g. a 5 s overload burst.

    >>> mix = FaultMix({"status=503": 0.5}, seed=1)
    >>> seen = [mix.decide([{"role": "user", "content": f"row {i}"}], now=0.0) for i in range(8)]
    >>> seen.count("status=503") + seen.count(None)
    8
    """

    def __init__(
        self,
        shares: Mapping[str, float],
        *,
        seed: int = 0,
        first_attempts_only: bool = False,
        start: float = 0.0,
        duration: float = math.inf,
    ) -> None:
        for spec, share in shares.items():
            parse_fault(spec)  # MockUsageError naming a bad spec, before serving anything
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"the share of fault {spec!r} must be in 0..1, got {share!r}")
        if sum(shares.values()) > 1.0 + 1e-9:
            raise ValueError(f"fault shares add up to more than 1: {dict(shares)!r}")
        if not (start >= 0.0 and duration >= 0.0):
            raise ValueError("start and duration must be >= 0 seconds")
        self.shares = dict(shares)
        self.seed = seed
        self.first_attempts_only = first_attempts_only
        self.start, self.duration = start, duration
        self._arrivals: dict[bytes, int] = {}  # server thread only: no lock
        self._began: float | None = None

    @property
    def began(self) -> float | None:
        """When (`time.monotonic()`) the plan saw its first request; `start` counts from it."""
        return self._began

    def __call__(self, request: MockRequest) -> str | None:
        body = request.json or {}
        return self.decide(body.get("messages"), now=time.monotonic())

    def decide(self, messages: object, *, now: float) -> str | None:
        """The fault spec for a request with these `messages` arriving at `now` (None:
        answer normally)."""
        if self._began is None:
            self._began = now
        key = hashlib.blake2b(
            json.dumps(messages, sort_keys=True, default=str).encode(), digest_size=16
        ).digest()
        arrival = self._arrivals[key] = self._arrivals.get(key, 0) + 1
        since = now - self._began
        if not self.start <= since < self.start + self.duration:
            return None
        if self.first_attempts_only and arrival > 1:
            return None
        draw = hashlib.blake2b(
            key + arrival.to_bytes(4, "little"), digest_size=8, key=self.seed.to_bytes(8, "little")
        ).digest()
        point = int.from_bytes(draw, "little") / 2.0**64
        for spec, share in self.shares.items():
            if point < share:
                return spec
            point -= share
        return None
