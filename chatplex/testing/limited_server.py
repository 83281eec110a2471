"""A local OpenAI-compatible server that enforces a requests/min and a tokens/min limit it
does not announce, answers 429 (with `retry-after`) beyond them, and counts what it saw:
what a budget shared by many processes is measured against.

Each limit is a token bucket refilled at its per-minute rate and holding `burst_seconds`
of it (real providers hold about a minute; a small bucket makes overshoot show at once).
A request is charged its tokens on arrival, as providers do: ``ceil(chars / 4)`` of the
message strings (roles too) ``+ 3`` per message ``+ max_tokens`` (16 if unset) -- the same
count as chatplex's own estimate, so an honest client's estimate is exact -- and its
usage reports that. A message containing `fail_marker` is answered 400 (a permanently
failing input). Listens on 127.0.0.1 only.

>>> with LimitedServer(requests_per_minute=600, tokens_per_minute=60_000) as srv:  # doctest: +SKIP
...     base_url = srv.base_url  # http://127.0.0.1:PORT/v1
"""

from __future__ import annotations

import asyncio
import collections
import json
import math
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from aiohttp import web

__all__ = ["LimitStats", "LimitedServer", "request_tokens"]

DEFAULT_MAX_TOKENS = 16


@dataclass
class LimitStats:
    """What the server saw: `requests` (all), `accepted`, `limited` (429), `failed` (400),
    `tokens` accepted, `first`/`last` accepted arrival (monotonic s), and how many times
    each prompt was answered when `count_prompts` is on (`prompts`)."""

    requests: int = 0
    accepted: int = 0
    limited: int = 0
    failed: int = 0
    tokens: int = 0
    first: float = math.inf
    last: float = -math.inf
    prompts: collections.Counter[str] = field(default_factory=collections.Counter)


def request_tokens(body: dict[str, Any]) -> int:
    """The tokens the server charges for a chat-completions `body` (see module doc)."""
    chars, messages = 0, body.get("messages") or []
    for message in messages:
        for value in message.values():
            if isinstance(value, str):
                chars += len(value)
    output = body.get("max_tokens") or body.get("max_completion_tokens") or DEFAULT_MAX_TOKENS
    return math.ceil(chars / 4) + 3 * len(messages) + int(output)


class _Bucket:
    __slots__ = ("capacity", "level", "rate", "stamp")

    def __init__(self, per_minute: float, burst_seconds: float, now: float) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate * burst_seconds)
        self.level = self.capacity
        self.stamp = now

    def refill(self, now: float) -> None:
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_for(self, amount: float) -> float:
        """Seconds until `amount` is in the bucket (0: now); a request bigger than the
        whole bucket is admitted when it is full."""
        need = min(amount, self.capacity) - self.level
        return max(0.0, need / self.rate)


@dataclass(eq=False, kw_only=True)  # a running server is itself, not its settings
class LimitedServer:
    """Run with `with LimitedServer(...) as srv:` (a thread with its own event loop).

    `latency`: seconds each accepted answer takes. `count_prompts`: keep a count per
    prompt in `stats.prompts` (memory grows with distinct prompts: tests and bench only).
    """

    requests_per_minute: float
    tokens_per_minute: float | None = None
    burst_seconds: float = 2.0
    latency: float = 0.0
    fail_marker: str = "PERMANENT-FAIL"
    count_prompts: bool = False

    def __post_init__(self) -> None:
        self.stats = LimitStats()
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._stop: asyncio.Event | None = None
        self._lock = threading.Lock()
        self._buckets: list[tuple[_Bucket, bool]] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reset(self) -> None:
        """Full buckets and zero counts (between runs against one server)."""
        with self._lock:
            self.stats = LimitStats()
            self._buckets = self._fresh_buckets()

    def _fresh_buckets(self) -> list[tuple[_Bucket, bool]]:
        now = time.monotonic()
        buckets = [(_Bucket(self.requests_per_minute, self.burst_seconds, now), False)]
        if self.tokens_per_minute:
            buckets.append((_Bucket(self.tokens_per_minute, self.burst_seconds, now), True))
        return buckets

    # ---- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> LimitedServer:
        self._buckets = self._fresh_buckets()
        started = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = self._loop = asyncio.new_event_loop()
            try:
                loop.run_until_complete(self._start())
            except BaseException as exc:  # reported to __enter__, which re-raises it
                failure.append(exc)
                started.set()
                return
            started.set()
            loop.run_until_complete(self._serve())
            loop.close()

        self._thread = threading.Thread(target=run, name="chatplex-limited-server", daemon=True)
        self._thread.start()
        if not started.wait(30.0):
            raise TimeoutError("LimitedServer did not start within 30 s")
        if failure:
            raise failure[0]
        return self

    def __exit__(self, *exc: object) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            loop.call_soon_threadsafe(stop.set)
        if self._thread is not None:
            self._thread.join(30.0)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._stop = asyncio.Event()

    async def _serve(self) -> None:
        assert self._stop is not None and self._runner is not None
        await self._stop.wait()
        await self._runner.cleanup()

    # ---- requests ---------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        tokens = request_tokens(body)
        prompt = _last_user_text(body)
        with self._lock:
            stats = self.stats
            stats.requests += 1
            now = time.monotonic()
            wait = 0.0
            for bucket, of_tokens in self._buckets:
                bucket.refill(now)
                wait = max(wait, bucket.wait_for(tokens if of_tokens else 1.0))
            if wait > 0:
                stats.limited += 1
            elif self.fail_marker in prompt:
                stats.failed += 1
            else:
                for bucket, of_tokens in self._buckets:
                    bucket.level -= tokens if of_tokens else 1.0
                stats.accepted += 1
                stats.tokens += tokens
                stats.first = min(stats.first, now)
                stats.last = now
                if self.count_prompts:
                    stats.prompts[prompt] += 1
        if wait > 0:
            return _error(429, "rate_limit_exceeded", "Rate limit reached", wait)
        if self.fail_marker in prompt:
            return _error(400, "invalid_request_error", "this input always fails", None)
        if self.latency:
            await asyncio.sleep(self.latency)
        output = int(body.get("max_tokens") or DEFAULT_MAX_TOKENS)
        reply = {
            "id": "chatcmpl-limited",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "limited"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": f"reply to {prompt}"},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": tokens - output,
                "completion_tokens": output,
                "total_tokens": tokens,
            },
        }
        return web.json_response(reply)


def _last_user_text(body: dict[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        content = message.get("content")
        if isinstance(content, str):
            return content
    return ""


def _error(status: int, code: str, message: str, retry_after: float | None) -> web.Response:
    headers = {}
    if retry_after is not None:
        headers["retry-after"] = f"{retry_after:.3f}"
        headers["retry-after-ms"] = str(max(1, math.ceil(retry_after * 1000)))
    error = {"error": {"message": message, "type": code, "code": code}}
    return web.Response(
        status=status, text=json.dumps(error), content_type="application/json", headers=headers
    )
