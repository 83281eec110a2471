"""Helpers of the fault-injection suite: the fault plan, models pointed at the mock
server, and sync/async call helpers beside tests/_calls.py's (fixtures are in conftest.py).

Faults are planned per request *key* and attempt: a test sends `x-request-key` (through
the model's per-call `extra_headers`) and the plan injects `specs[n]` on attempt n+1,
using the server's own per-key attempt count. Requests without a key (a batch, whose
calls share one set of headers) are keyed on their last user message instead.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from chatplex import ChatModel
from chatplex.http import retry_policy
from chatplex.testing import MockServer
from chatplex.testing.mock_server import MockRequest
from tests._calls import mock_model

PROVIDERS = ("openai", "anthropic")
API_KEY = "sk-reliability-suite-0000"
#: Backoff in milliseconds rather than seconds, so hundreds of retries stay quick; a
#: server's retry-after still wins, as with the default policy (tested in tests/http).
FAST = retry_policy(2, initial_delay=0.005, max_delay=0.02)

parity = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])

#: Waits the tests rely on *not* ending: a stalled or slow server, a missing event. Far
#: longer than any timeout or deadline raced against them, so a loaded machine cannot
#: make the wrong side win; the server drops such connections when the client leaves.
NEVER = 60.0
#: Bounds for "ended at the timeout/deadline, did not wait for NEVER": generous, as they
#: only need to tell a few seconds from a minute.
PROMPTLY = 15.0
providers = pytest.mark.parametrize("provider", PROVIDERS)
_keys = itertools.count(1)


def own_key() -> str:
    """A request key no other request of the session carries: the server counts its
    requests (`mock.stats.attempts`) and a plan faults them apart from any other test's,
    even one an earlier test left on its way that the server reads late."""
    return f"req-{next(_keys)}"


def each_way(test: Any) -> Any:
    """`test` for each provider, sync and async (`providers`, `parity`)."""
    return providers(parity(test))


async def until(predicate: Callable[[], bool], what: str, timeout: float = PROMPTLY) -> None:
    """Yield to the loop until `predicate()` holds: a condition to wait for, not a guess
    at how long it takes (fails after `timeout` s, never hangs)."""
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, f"{what}: not within {timeout} s"
        await asyncio.sleep(0.005)


class VirtualTime:
    """A retry policy's clock and sleeps, virtual: each sleep advances the clock at once
    and is recorded, so retry decisions against a deadline are exact and instant."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.start + sum(self.slept)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.slept.append(seconds)

    def policy(self, max_retries: int) -> Any:
        return retry_policy(
            max_retries, sleep=self.sleep, asleep=self.asleep, clock=self.clock, jitter=0.0
        )


class FaultPlan:
    """What the server injects, per request key and attempt -- no randomness."""

    def __init__(self) -> None:
        self.by_key: dict[str, tuple[str | None, ...] | str] = {}
        self.by_text: dict[str, tuple[str | None, ...] | str] = {}
        self.text_attempts: Counter[str] = Counter()  # touched by the server thread only

    def on(self, *specs: str | None, key: str | None = None) -> dict[str, str]:
        """Inject `specs[n]` on attempt n+1 (None: answer normally; attempts past the
        list are answered normally). Returns the headers that carry the key."""
        key = key or own_key()
        self.by_key[key] = specs
        return {"x-request-key": key}

    def always(self, spec: str, *, key: str | None = None) -> dict[str, str]:
        """Inject `spec` on every attempt."""
        key = key or own_key()
        self.by_key[key] = spec
        return {"x-request-key": key}

    def for_text(self, text: str, *specs: str | None, always: str | None = None) -> None:
        """As `on` / `always`, for key-less requests whose last user message is `text`."""
        self.by_text[text] = always if always is not None else specs

    def __call__(self, request: MockRequest) -> str | None:
        key = request.key
        if key is not None:
            plan, attempt = self.by_key.get(key), request.attempt
        else:
            text = last_text(request.json)
            self.text_attempts[text] += 1
            plan, attempt = self.by_text.get(text), self.text_attempts[text]
        if plan is None or isinstance(plan, str):
            return plan
        return plan[attempt - 1] if attempt <= len(plan) else None


def last_text(body: dict[str, Any] | None) -> str:
    """The text of the request's last message (OpenAI and Anthropic shapes)."""
    content = ((body or {}).get("messages") or [{}])[-1].get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else ""


def make_model(server: MockServer, provider: str, **settings: Any) -> ChatModel:
    """A real OpenAI / Anthropic chat model talking to the mock server."""
    settings.setdefault("retry_policy", FAST)
    settings.setdefault("api_key", API_KEY)
    return mock_model(server, provider, **settings)


async def stream_into(seen: list[Any], model: Any, sync: bool, value: Any, **kw: Any) -> None:
    """Stream `value`, each chunk into `seen` as it comes: what arrived before a failure
    stays there for the test to read."""
    if sync:
        seen.extend(model.stream(value, **kw))
    else:
        async for chunk in model.astream(value, **kw):
            seen.append(chunk)


async def ask_batch(model: Any, sync: bool, values: list[Any], **kw: Any) -> list[Any]:
    return model.batch(values, **kw) if sync else await model.abatch(values, **kw)
