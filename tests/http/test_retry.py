"""Retrying over HTTP: the attempt loop in send/asend/stream/astream under a retry policy,
and each attempt's rate-limit permit handed back (`_retry.py`). (The policy's own
decisions are tested in tests/core/test_retry.py.)

Sleeps are injected and recorded, so no test here waits for a backoff.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

import httpx
import pytest
from _httpkit import Body
from _httpkit import DeclaringAdapter
from _httpkit import FakeAdapter
from _httpkit import LocalServer
from _httpkit import answers
from _httpkit import call
from _httpkit import collect
from _httpkit import mock_clients
from _httpkit import sse

from chatplex.errors import APIConnectionError
from chatplex.errors import APIError
from chatplex.errors import AuthenticationError
from chatplex.errors import BadRequestError
from chatplex.errors import DeadlineExceededError
from chatplex.errors import RateLimitError
from chatplex.errors import ServerError
from chatplex.errors import StreamError
from chatplex.errors import StreamIdleTimeoutError
from chatplex.http import RetryPolicy
from chatplex.http import retry_policy
from chatplex.http._budget_shared import RateLimit
from chatplex.http._ratelimit import Budget
from chatplex.http._retry import release_failed
from chatplex.http._retry import stream_used_tokens
from chatplex.http._retry import used_tokens
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk

parity = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])


class Sleeps:
    """Stands in for time.sleep / asyncio.sleep: records the delays, never waits."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.delays.append(seconds)


def policy(sleeps: Sleeps, max_retries: int = 2, **kw: Any) -> RetryPolicy:
    kw.setdefault("random", lambda: 0.0)  # no jitter: exact delays
    return retry_policy(max_retries, sleep=sleeps.sleep, asleep=sleeps.asleep, **kw)


# ---- the attempt loop: send / asend ------------------------------------------------------


@parity
async def test_send_retries_then_succeeds_with_the_same_bytes(sync: bool) -> None:
    seen, handler = answers(
        httpx.Response(503, json={"error": "busy"}),
        httpx.ConnectError("refused"),
        httpx.Response(200, json={"text": "ok"}),
    )
    sleeps, adapter = Sleeps(), FakeAdapter()
    message = await call(
        sync, adapter, adapter.request(q="é"), clients=mock_clients(handler), retry=policy(sleeps)
    )
    assert message.text == "ok" and message.response_metadata["attempts"] == 3
    assert sleeps.delays == [0.5, 1.0]
    assert len({r.content for r in seen}) == 1 and len(seen) == 3
    assert {r.headers["authorization"] for r in seen} == {seen[0].headers["authorization"]}


async def failing(
    sync: bool, response: httpx.Response
) -> tuple[APIError, list[httpx.Request], Sleeps]:
    """The error a call with the usual policy raises when every attempt gets `response`;
    the requests sent and the sleeps between them."""
    seen, handler = answers(response)
    sleeps, adapter = Sleeps(), FakeAdapter()
    with pytest.raises(APIError) as info:
        await call(
            sync, adapter, adapter.request(), clients=mock_clients(handler), retry=policy(sleeps)
        )
    return info.value, seen, sleeps


@parity
async def test_the_last_error_reports_every_attempt(sync: bool) -> None:
    info, seen, _ = await failing(sync, httpx.Response(502, json={"error": "bad gateway"}))
    assert isinstance(info, ServerError)
    assert info.attempts == 3 and len(seen) == 3
    assert "attempts=3" in str(info)


@parity
async def test_a_bad_request_is_sent_once(sync: bool) -> None:
    info, seen, sleeps = await failing(sync, httpx.Response(400, json={"error": "bad"}))
    assert isinstance(info, BadRequestError)
    assert info.attempts == 1 and len(seen) == 1 and sleeps.delays == []


@parity
async def test_without_a_policy_one_attempt_is_made(sync: bool) -> None:
    seen, handler = answers(httpx.Response(503, json={"error": "busy"}))
    adapter = FakeAdapter()
    with pytest.raises(ServerError) as info:
        await call(sync, adapter, adapter.request(), clients=mock_clients(handler))
    assert info.value.attempts == 1 and len(seen) == 1


@parity
@pytest.mark.parametrize(
    ("headers", "declared", "expected"),
    [
        ({"retry-after": "2"}, True, 2.0),
        ({"retry-after-ms": "250"}, True, 0.25),
        ({"retry-after": "7", "retry-after-ms": "30"}, True, 0.03),
        ({"retry-after": "7", "retry-after-ms": "30"}, False, 7.0),
        ({"retry-after": "3600"}, True, 60.0),
    ],
    ids=["seconds", "ms", "ms-first", "ms-undeclared", "capped"],
)
async def test_retry_after_headers_set_the_delay(
    sync: bool, headers: dict[str, str], declared: bool, expected: float
) -> None:
    _, handler = answers(
        httpx.Response(429, json={"error": "slow"}, headers=headers),
        httpx.Response(200, json={"text": "ok"}),
    )
    sleeps, adapter = Sleeps(), (DeclaringAdapter() if declared else FakeAdapter())
    await call(
        sync, adapter, adapter.request(), clients=mock_clients(handler), retry=policy(sleeps)
    )
    assert sleeps.delays == [expected]


@parity
@pytest.mark.parametrize(
    "headers",
    [{"retry-after": "0"}, {"retry-after-ms": "0"}, {"retry-after-ms": "0", "retry-after": "5"}],
    ids=["seconds", "ms", "ms-first"],
)
async def test_a_retry_after_of_zero_waits_the_backoff(sync: bool, headers: dict[str, str]) -> None:
    _, handler = answers(
        httpx.Response(429, json={"error": "slow"}, headers=headers),
        httpx.Response(503, json={"error": "busy"}, headers=headers),
        httpx.Response(200, json={"text": "ok"}),
    )
    sleeps, adapter = Sleeps(), DeclaringAdapter()
    await call(
        sync, adapter, adapter.request(), clients=mock_clients(handler), retry=policy(sleeps)
    )
    assert sleeps.delays == [0.5, 1.0]  # as the SDKs: "0" is no wait asked for


@parity
async def test_retry_after_as_an_http_date(sync: bool) -> None:
    when = formatdate(time.time() + 30, usegmt=True)
    _, handler = answers(
        httpx.Response(503, json={"error": "later"}, headers={"retry-after": when}),
        httpx.Response(200, json={"text": "ok"}),
    )
    sleeps, adapter = Sleeps(), FakeAdapter()
    await call(
        sync, adapter, adapter.request(), clients=mock_clients(handler), retry=policy(sleeps)
    )
    (delay,) = sleeps.delays
    assert 28.0 < delay <= 30.0  # whole-second resolution


@parity
async def test_a_retry_past_the_deadline_fails_at_once(sync: bool) -> None:
    seen, handler = answers(
        httpx.Response(503, json={"error": "later"}, headers={"retry-after": "30"})
    )
    sleeps, adapter = Sleeps(), FakeAdapter()
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError) as info:
        await call(
            sync,
            adapter,
            adapter.request(),
            clients=mock_clients(handler),
            retry=policy(sleeps),
            deadline=started + 5,
        )
    # At once: no sleep at all (the recorder), and not the 5 s until the deadline.
    assert time.monotonic() - started < 4 and sleeps.delays == [] and len(seen) == 1
    cause = info.value.__cause__
    assert isinstance(cause, ServerError) and cause.attempts == 1


@parity
async def test_each_attempt_gets_the_time_left_as_its_timeouts(sync: bool) -> None:
    reads: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        reads.append(request.extensions["timeout"]["read"])
        if len(reads) == 1:
            return httpx.Response(503, json={"error": "busy"})
        return httpx.Response(200, json={"text": "ok"})

    def slow_sleep(seconds: float) -> None:
        time.sleep(0.05)

    async def slow_asleep(seconds: float) -> None:
        time.sleep(0.05)

    adapter = FakeAdapter()
    await call(
        sync,
        adapter,
        adapter.request(),
        clients=mock_clients(handler),
        retry=retry_policy(2, sleep=slow_sleep, asleep=slow_asleep),
        deadline=time.monotonic() + 2,  # under the client's own 5 s timeouts
    )
    first, second = reads
    # The time left, clamped: at most the 2 s (even a slow start only makes it less), and
    # the retry's at least the 0.05 s really slept in between less than the first's.
    assert 0 < first <= 2 and second <= first - 0.05


# ---- the attempt loop: stream / astream --------------------------------------------------


def sse_response(body: Body | bytes) -> httpx.Response:
    stream = body if isinstance(body, Body) else Body([body])
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)


@parity
async def test_a_stream_is_retried_before_its_first_chunk(sync: bool) -> None:
    seen, handler = answers(
        httpx.Response(529, json={"error": "overloaded"}),
        sse_response(Body([sse("", done=False)], error=httpx.ReadError("reset"))),
        sse_response(sse("a", "b")),
    )
    sleeps, adapter = Sleeps(), FakeAdapter()
    chunks = await collect(
        sync, adapter, adapter.request(), clients=mock_clients(handler), retry=policy(sleeps)
    )
    assert [c.text for c in chunks] == ["a", "b"] and len(seen) == 3
    assert chunks[0].response_metadata["attempts"] == 3


@parity
@pytest.mark.parametrize("error", [httpx.ReadTimeout("stalled"), httpx.ReadError("reset")])
async def test_without_stream_bodies_retries_end_at_the_streams_headers(
    sync: bool, error: Exception
) -> None:
    # An SDK whose streamed create() returns at the headers (anthropic's) retries what
    # failed before them, never its events: a stall before the first event is one request.
    seen, handler = answers(
        httpx.Response(529, json={"error": "overloaded"}),
        sse_response(Body([], error=error)),
        sse_response(sse("never")),
    )
    sleeps, adapter = Sleeps(), FakeAdapter()
    with pytest.raises(APIError) as info:
        await collect(
            sync,
            adapter,
            adapter.request(),
            clients=mock_clients(handler),
            retry=policy(sleeps, stream_bodies=False),
        )
    assert len(seen) == 2 and info.value.attempts == 2 and sleeps.delays == [0.5]


@parity
async def test_leading_metadata_chunks_are_held_until_content(sync: bool) -> None:
    _, handler = answers(sse_response(sse("", "", "x", "")))
    adapter = FakeAdapter()
    chunks = await collect(sync, adapter, adapter.request(), clients=mock_clients(handler))
    assert [c.text for c in chunks] == ["", "", "x", ""]
    assert chunks[0].response_metadata["attempts"] == 1


@parity
async def test_after_the_first_chunk_a_failure_is_a_stream_error_with_the_partial(
    sync: bool,
) -> None:
    seen, handler = answers(
        sse_response(Body([sse("par", "tial", done=False)], error=httpx.ReadError("reset"))),
        sse_response(sse("never")),
    )
    sleeps, adapter = Sleeps(), FakeAdapter()
    got: list[str] = []
    with pytest.raises(StreamError) as info:
        if sync:
            from chatplex.http import stream

            for chunk in stream(
                adapter, adapter.request(), client=mock_clients(handler)[0], retry=policy(sleeps)
            ):
                got.append(chunk.text)
        else:
            from chatplex.http import astream

            async with astream(
                adapter, adapter.request(), client=mock_clients(handler)[1], retry=policy(sleeps)
            ) as chunks:
                async for chunk in chunks:
                    got.append(chunk.text)
    err = info.value
    assert got == ["par", "tial"] and len(seen) == 1 and err.attempts == 1
    assert err.partial is not None and err.partial.text == "partial" and err.retryable


@parity
async def test_a_stream_that_ends_early_before_any_content_is_retried(sync: bool) -> None:
    _, handler = answers(sse_response(sse("", done=False)), sse_response(sse("ok")))
    sleeps, adapter = Sleeps(), FakeAdapter()
    chunks = await collect(
        sync, adapter, adapter.request(), clients=mock_clients(handler), retry=policy(sleeps)
    )
    assert [c.text for c in chunks] == ["ok"] and sleeps.delays == [0.5]


@parity
@pytest.mark.parametrize(("code", "retried"), [(400, False), (402, False), (502, True)])
async def test_an_error_event_the_provider_declared_keeps_its_retryability(
    sync: bool, code: int, retried: bool
) -> None:
    """OpenRouter-style `{"error": {"code": N}}` (no `type`) before any content: the
    adapter's judgement of the code stands; only a stream cut short or garbled, which no
    provider declared, is made retryable by the stream loop."""
    from chatplex.adapters.request_types import CallSettings
    from chatplex.messages import HumanMessage
    from chatplex.providers.openai.adapter import OpenAIAdapter

    declared = b'data: {"error": {"code": %d, "message": "Provider returned error"}}\n\n' % code
    good = (
        b'data: {"id": "c", "choices": [{"index": 0, "delta": {"content": "ok"}, '
        b'"finish_reason": "stop"}]}\n\ndata: [DONE]\n\n'
    )
    seen, handler = answers(sse_response(declared), sse_response(good))
    adapter = OpenAIAdapter(api_key="sk-x", base_url="https://fake.test/v1")
    request = adapter.build_request([HumanMessage("hi")], CallSettings(model="m"), stream=True)
    sleeps = Sleeps()
    run = collect(sync, adapter, request, clients=mock_clients(handler), retry=policy(sleeps))  # type: ignore[arg-type]
    if retried:
        assert [c.text for c in await run if c.text] == ["ok"] and len(seen) == 2
    else:
        with pytest.raises(StreamError) as info:
            await run
        assert not info.value.retryable and info.value.code == code
        assert len(seen) == 1 and sleeps.delays == []


@parity
async def test_a_json_reply_to_a_stream_request_is_one_chunk(sync: bool) -> None:
    _, handler = answers(httpx.Response(200, json={"text": "all at once"}))
    adapter = FakeAdapter()
    chunks = await collect(sync, adapter, adapter.request(), clients=mock_clients(handler))
    assert [c.text for c in chunks] == ["all at once"]


@parity
async def test_an_idle_timeout_mid_stream_is_a_stream_error_with_the_partial(
    sync: bool, local: FakeAdapter, server: LocalServer
) -> None:
    sleeps = Sleeps()
    with pytest.raises(StreamIdleTimeoutError) as info:
        await collect(
            sync,
            local,
            local.request("/sse?n=1&stall=60"),
            # Long enough that the first event always arrives in time on a loaded
            # machine (else the timeout comes before any chunk, and is retried).
            idle_timeout=1.5,
            retry=policy(sleeps),
        )
    err = info.value
    assert isinstance(err, StreamError) and err.partial is not None
    assert err.partial.text == "t0 " and err.attempts == 1 and sleeps.delays == []


# ---- the rate-limit budget around each attempt -------------------------------------------


class RecordingBudget:
    """The Budget contract, recording every acquire and release."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def acquire(self, tokens: int, *, deadline: float | None = None) -> RecordingPermit:
        self.calls.append(("acquire", tokens, deadline))
        return RecordingPermit(self)

    async def aacquire(self, tokens: int, *, deadline: float | None = None) -> RecordingPermit:
        self.calls.append(("acquire", tokens, deadline))
        return RecordingPermit(self)


class RecordingPermit:
    def __init__(self, budget: RecordingBudget) -> None:
        self.budget = budget

    def release(
        self,
        *,
        used_tokens: int | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        headers: object = None,
    ) -> None:
        self.budget.calls.append(("release", used_tokens, status, retry_after))


Caller = Callable[..., Any]


@parity
@pytest.mark.parametrize("streaming", [False, True], ids=["send", "stream"])
async def test_every_attempt_acquires_and_releases_a_permit(sync: bool, streaming: bool) -> None:
    ok = sse_response(sse("ok")) if streaming else httpx.Response(200, json={"text": "ok"})
    _, handler = answers(
        httpx.Response(429, json={"error": "slow"}, headers={"retry-after-ms": "250"}), ok
    )
    budget, adapter = RecordingBudget(), DeclaringAdapter()  # (its spec names retry-after-ms)
    run: Caller = collect if streaming else call
    deadline = time.monotonic() + 30
    await run(
        sync,
        adapter,
        adapter.request(text=["x" * 40]),
        clients=mock_clients(handler),
        retry=policy(Sleeps()),
        budget=budget,
        deadline=deadline,
    )
    (_, tokens, seen_deadline) = budget.calls[0]
    assert tokens > 0 and seen_deadline == deadline
    assert budget.calls == [
        ("acquire", tokens, deadline),
        ("release", None, 429, 0.25),
        ("acquire", tokens, deadline),
        ("release", None, 200, None),
    ]


@parity
async def test_a_closed_stream_and_a_failure_give_the_slot_back(sync: bool) -> None:
    budget = Budget(RateLimit(requests_per_minute=6000, max_in_flight=1))
    _, handler = answers(sse_response(sse("a", "b", "c")))
    adapter = FakeAdapter()
    clients = mock_clients(handler)
    if sync:
        from chatplex.http import stream

        with stream(adapter, adapter.request(), client=clients[0], budget=budget) as chunks:
            next(iter(chunks))
            assert budget.in_flight == 1
    else:
        from chatplex.http import astream

        async with astream(adapter, adapter.request(), client=clients[1], budget=budget) as ach:
            await ach.__anext__()
            assert budget.in_flight == 1
    assert budget.in_flight == 0
    _, failing = answers(httpx.Response(401, json={"error": "no key"}))
    with pytest.raises(AuthenticationError):
        await call(sync, adapter, adapter.request(), clients=mock_clients(failing), budget=budget)
    assert budget.in_flight == 0


# ---- what an attempt hands back to its budget (`_retry.py`) -----------------------------


class Permit:
    def __init__(self) -> None:
        self.released: list[dict[str, Any]] = []

    def release(self, **kw: Any) -> None:
        self.released.append(kw)


def test_a_failed_attempt_returns_its_status_and_the_servers_retry_after() -> None:
    permit = Permit()
    release_failed(permit, RateLimitError("slow", status=429, retry_after=2.0))  # type: ignore[arg-type]
    release_failed(permit, APIConnectionError("reset"))  # type: ignore[arg-type]
    release_failed(permit, APIError("malformed body", status=200))  # type: ignore[arg-type]
    headers = {"x-ratelimit-limit-requests": "60"}
    release_failed(permit, RateLimitError("slow", status=429), headers)  # type: ignore[arg-type]
    assert permit.released == [
        # a 429 slows the budget, retry_after pauses it
        {"status": 429, "retry_after": 2.0, "headers": None},
        {"status": None, "retry_after": None, "headers": None},  # no answer: no status
        # a success status is no failure of the pace
        {"status": None, "retry_after": None, "headers": None},
        # the response's headers, for the limits they announce
        {"status": 429, "retry_after": None, "headers": headers},
    ]


def test_a_throttling_event_inside_a_200_stream_is_returned_as_a_429() -> None:
    permit = Permit()
    release_failed(permit, StreamError("ThrottlingException: slow", rate_limited=True))  # type: ignore[arg-type]
    release_failed(permit, StreamError("cut short", retryable=True))  # type: ignore[arg-type]
    assert [r["status"] for r in permit.released] == [429, None]


class FakeClock:
    """A budget's clock whose sleeps advance it: pacing without waiting."""

    def __init__(self) -> None:
        self.t = 1000.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds

    async def asleep(self, seconds: float) -> None:
        self.t += seconds


@parity
@pytest.mark.parametrize(
    ("event", "slows"), [("throttlingException", True), ("internalServerException", False)]
)
async def test_bedrock_throttling_mid_stream_teaches_the_pace_as_a_429_does(
    sync: bool, event: str, slows: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    pytest.importorskip("botocore")
    from chatplex.adapters.request_types import CallSettings
    from chatplex.messages import HumanMessage
    from chatplex.providers.bedrock.adapter import BedrockAdapter
    from chatplex.testing._mock_aws import EVENT_STREAM
    from chatplex.testing._mock_aws import encode_message

    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    headers = {":exception-type": event, ":message-type": "exception"}
    body = encode_message(headers, b'{"message":"Too many requests, please wait."}')
    _, handler = answers(httpx.Response(200, content=body, headers={"content-type": EVENT_STREAM}))
    adapter = BedrockAdapter(
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    )
    request = adapter.build_request(
        [HumanMessage("hi")], CallSettings(model="amazon.nova-lite-v1:0"), stream=True
    )
    clock = FakeClock()
    budget = Budget(
        RateLimit(requests_per_minute=600), clock=clock.now, sleep=clock.sleep, asleep=clock.asleep
    )
    clients = mock_clients(handler)
    for _ in range(12):  # a share of 429s past the pace's bar once 10 answers came
        with pytest.raises(StreamError) as caught:
            await collect(sync, adapter, request, clients=clients, budget=budget)  # type: ignore[arg-type]
        assert caught.value.status is None  # the status line said 200
    # A whole share of throttled streams cuts the pace (to half: nothing was accepted to
    # measure a rate by), as a share of HTTP 429s does; other stream errors do not.
    assert budget.rate_factor == (0.5 if slows else 1.0)


def test_used_tokens_of_a_reply_and_of_a_stream() -> None:
    usage = {"input_tokens": 5, "output_tokens": 2, "total_tokens": 7}
    assert used_tokens(AIMessage("x", usage_metadata=usage)) == 7  # type: ignore[arg-type]
    assert used_tokens(AIMessage("x")) is None
    increments = [
        AIMessageChunk("a"),
        AIMessageChunk(
            "b", usage_metadata={"input_tokens": 5, "output_tokens": 0, "total_tokens": 5}
        ),
        AIMessageChunk(
            "", usage_metadata={"input_tokens": 0, "output_tokens": 2, "total_tokens": 2}
        ),
    ]
    assert stream_used_tokens(increments) == 7
    assert stream_used_tokens([AIMessageChunk("a"), AIMessageChunk("b")]) is None
    assert stream_used_tokens([]) is None
