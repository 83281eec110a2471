"""The shared rate limiter: pacing, tokens, AIMD, pauses, the in-flight cap, deadlines,
cancellation, fairness and sharing across threads and event loops.

Pacing logic runs on a fake clock whose sleeps advance it (exact, instant); what needs
real concurrency (threads, loops, wake-ups) uses short real times and asserts only lower
bounds on elapsed time or orderings, never tight upper bounds.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from _httpkit import FakeClock

from chatplex.adapters.request_types import HTTPRequest
from chatplex.errors import DeadlineExceededError
from chatplex.http._budget_shared import RateLimit
from chatplex.http._pace_state import FLOOR
from chatplex.http._ratelimit import DEFAULT_OUTPUT_TOKENS
from chatplex.http._ratelimit import MEDIA_TOKENS
from chatplex.http._ratelimit import Budget
from chatplex.http._ratelimit import Permit
from chatplex.http._ratelimit import estimate_tokens
from chatplex.http._ratelimit import get_budget
from chatplex.http._schedule import BURST_REQUESTS
from chatplex.http._schedule import MAX_PAUSE

SYNC = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])


def fake_budget(**limit: Any) -> tuple[Budget, FakeClock]:
    clock = FakeClock()
    budget = Budget(RateLimit(**limit), clock=clock, sleep=clock.sleep, asleep=clock.asleep)
    return budget, clock


async def acquire(budget: Budget, sync: bool, tokens: int = 1, **kw: Any) -> Permit:
    return budget.acquire(tokens, **kw) if sync else await budget.aacquire(tokens, **kw)


async def admission_times(budget: Budget, clock: FakeClock, sync: bool, n: int) -> list[float]:
    """Clock offsets (from the start) at which n back-to-back requests were admitted."""
    start, times = clock.now, []
    for _ in range(n):
        permit = await acquire(budget, sync)
        times.append(round(clock.now - start, 9))
        permit.release(status=200)
    return times


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "condition not reached in time"
        time.sleep(0.002)


async def await_until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "condition not reached in time"
        await asyncio.sleep(0.002)


def waiting_is(budget: Budget, n: int) -> Callable[[], bool]:
    return lambda: budget.waiting == n


def unique_key() -> tuple[str, ...]:
    return ("test", "http://127.0.0.1", uuid.uuid4().hex, "m")


# ---- pacing ---------------------------------------------------------------------------


@SYNC
async def test_requests_are_spaced_evenly_after_a_small_burst(sync: bool) -> None:
    budget, clock = fake_budget(requests_per_minute=600)  # one per 0.1 s
    times = await admission_times(budget, clock, sync, 8)
    assert times == [0.0] * BURST_REQUESTS + [0.1, 0.2, 0.3, 0.4]
    assert budget.in_flight == 0 and budget.waiting == 0


async def test_slow_rates_get_no_more_than_a_second_of_burst() -> None:
    budget, clock = fake_budget(requests_per_minute=6)  # one per 10 s
    assert await admission_times(budget, clock, True, 3) == [0.0, 9.0, 19.0]


async def test_an_idle_spell_refills_only_the_burst() -> None:
    budget, clock = fake_budget(requests_per_minute=600)
    await admission_times(budget, clock, True, 6)
    clock.now += 60  # a minute idle is not 600 requests of credit
    assert await admission_times(budget, clock, True, 6) == [0.0] * 4 + [0.1, 0.2]


# ---- tokens ---------------------------------------------------------------------------


@SYNC
async def test_tokens_are_paced_and_a_big_request_still_goes(sync: bool) -> None:
    budget, clock = fake_budget(tokens_per_minute=600)  # 10 tokens/s, 1 s of burst
    big = await acquire(budget, sync, 10_000)  # far over the burst: admitted when idle
    assert clock.slept == []
    big.release(used_tokens=20)  # ...and corrected to what it really used
    await acquire(budget, sync, 5)  # 20 tokens = 2 s, minus 1 s of burst
    assert sum(clock.slept) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("used", "wait"),
    [(None, 2.0), (30, 2.0), (10, 0.0), (0, 0.0), (50, 4.0)],
    ids=["uncorrected", "exact", "refund", "full-refund", "charge"],
)
async def test_reported_usage_corrects_the_estimate(used: int | None, wait: float) -> None:
    budget, clock = fake_budget(tokens_per_minute=600)
    budget.acquire(30).release(used_tokens=used, status=200)  # 30 estimated = 3 s
    budget.acquire(1)
    assert sum(clock.slept) == pytest.approx(wait)


def test_a_permit_wants_the_usage_only_while_tokens_are_paced() -> None:
    """`wants_usage` is what settle's charge depends on: a tokens/min pace in force now."""
    paced, _ = fake_budget(tokens_per_minute=600)
    unpaced, _ = fake_budget(requests_per_minute=600)
    assert paced.acquire(1).wants_usage and not unpaced.acquire(1).wants_usage
    permit = unpaced.acquire(1)
    unpaced.set_limit(RateLimit(requests_per_minute=600, tokens_per_minute=600))
    assert permit.wants_usage  # the pace at release is what charges it


async def test_release_counts_once() -> None:
    budget, clock = fake_budget(tokens_per_minute=600)
    permit = budget.acquire(30)
    permit.release(used_tokens=50, status=200)
    permit.release(used_tokens=500, status=429)  # ignored: only the first release counts
    assert permit.released and budget.in_flight == 0 and budget.rate_factor == 1.0
    budget.acquire(1)
    assert sum(clock.slept) == pytest.approx(4.0)


async def test_a_429_refunds_the_estimate() -> None:
    budget, clock = fake_budget(tokens_per_minute=600)
    budget.acquire(30).release(status=429)  # rejected: nothing was processed
    budget.acquire(1)
    assert clock.slept == []  # 30 tokens refunded, the (spent) burst only


#: What a 429 at a real limit carries: nothing left in the server's bucket.
EMPTY = {"x-ratelimit-remaining-requests": "0"}


# ---- AIMD -----------------------------------------------------------------------------


async def test_a_429_halves_the_pace_once_per_round_trip_down_to_a_floor() -> None:
    """A 429 whose headers say the server's bucket is empty: evidence of the limit."""
    budget, clock = fake_budget(requests_per_minute=600)
    early, late = budget.acquire(1), budget.acquire(1)
    early.release(status=429, headers=EMPTY)
    assert budget.current_rate_per_minute == 300
    late.release(status=429, headers=EMPTY)  # sent before the cut: the same news, no second cut
    assert budget.current_rate_per_minute == 300
    budget.acquire(1).release(status=429, headers=EMPTY)  # sent after it: the pace halves again
    assert budget.current_rate_per_minute == 150
    for _ in range(10):
        budget.acquire(1).release(status=429, headers=EMPTY)
    assert budget.rate_factor == FLOOR
    assert budget.current_rate_per_minute == pytest.approx(600 * FLOOR)


async def test_successes_probe_the_pace_back_up_while_it_binds() -> None:
    budget, clock = fake_budget(requests_per_minute=600)
    budget.acquire(1).release(status=429, headers=EMPTY)
    rates: list[float] = []
    for _ in range(400):
        budget.acquire(1).release(status=200)  # each waits for the pace: it binds
        rates.append(budget.current_rate_per_minute or 0.0)
    assert 300 < rates[0] < 302  # + LEARN_GROWTH requests/s per success, gently
    assert rates == sorted(rates) and rates[-1] == 600  # back, and never above
    budget.acquire(1).release(status=500)  # neither a success nor a 429: no change
    budget.acquire(1).release()
    assert budget.current_rate_per_minute == 600


async def test_a_slower_pace_spaces_requests_wider() -> None:
    budget, clock = fake_budget(requests_per_minute=600)
    budget.acquire(1).release(status=429, headers=EMPTY)  # now one per 0.2 s, burst spent
    start = clock.now
    times = []
    for _ in range(3):
        budget.acquire(1).release()
        times.append(round(clock.now - start, 9))
    assert times == [0.2, 0.4, 0.6]


# ---- pauses ---------------------------------------------------------------------------


@SYNC
async def test_retry_after_pauses_the_budget_then_resumes_without_a_burst(sync: bool) -> None:
    budget, clock = fake_budget(requests_per_minute=600)
    start = clock.now
    (await acquire(budget, sync)).release(status=429, retry_after=2.5, headers=EMPTY)
    assert budget.paused_until == start + 2.5
    times = []
    for _ in range(3):
        (await acquire(budget, sync)).release()
        times.append(round(clock.now - start, 9))
    assert times[0] == 2.5  # exactly when the server said
    assert times[1] - times[0] == pytest.approx(0.2)  # at the halved pace, no burst
    assert budget.paused_until is None


def test_a_pause_holds_every_caller_sync_and_async() -> None:
    budget = Budget(RateLimit(max_in_flight=10))
    budget.acquire(1).release(status=429, retry_after=0.3, headers=EMPTY)
    paused_at = time.monotonic()
    assert budget.current_rate_per_minute is None and budget.rate_factor == 1.0
    admitted: list[float] = []

    def sync_caller() -> None:
        budget.acquire(1).release(status=200)
        admitted.append(time.monotonic())

    async def async_callers() -> None:
        async def one() -> None:
            (await budget.aacquire(1)).release(status=200)
            admitted.append(time.monotonic())

        await asyncio.gather(one(), one())

    threads = [threading.Thread(target=sync_caller) for _ in range(2)]
    threads.append(threading.Thread(target=asyncio.run, args=(async_callers(),)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(admitted) == 4
    assert min(admitted) - paused_at >= 0.29


async def test_pauses_are_capped() -> None:
    budget, clock = fake_budget(requests_per_minute=600)
    budget.acquire(1).release(status=429, retry_after=86_400, headers=EMPTY)
    assert budget.paused_until == clock.now + MAX_PAUSE


@SYNC
async def test_a_sporadic_429_or_503_is_its_own_requests_delay(sync: bool) -> None:
    """No evidence of a limit (no headers, a rare share): nobody else waits or slows."""
    budget, clock = fake_budget(requests_per_minute=600)
    (await acquire(budget, sync)).release(status=429, retry_after=2.5)
    (await acquire(budget, sync)).release(status=503, retry_after=2.5)
    (await acquire(budget, sync)).release(status=529)
    assert budget.paused_until is None and budget.rate_factor == 1.0
    assert budget.learned is None
    (await acquire(budget, sync)).release(status=200)
    assert clock.slept == []


# ---- in-flight cap, deadlines, cancellation -------------------------------------------


def test_in_flight_cap_blocks_until_a_release() -> None:
    budget = Budget(RateLimit(max_in_flight=2))
    held = [budget.acquire(1), budget.acquire(1)]
    got: list[Permit] = []
    thread = threading.Thread(target=lambda: got.append(budget.acquire(1)))
    thread.start()
    wait_until(lambda: budget.waiting == 1)
    assert not got and budget.in_flight == 2
    held[0].release()
    thread.join(5)
    assert len(got) == 1 and budget.in_flight == 2 and budget.waiting == 0


async def test_in_flight_cap_async() -> None:
    budget = Budget(RateLimit(max_in_flight=1))
    held = await budget.aacquire(1)
    task = asyncio.create_task(budget.aacquire(1))
    await await_until(lambda: budget.waiting == 1)
    assert not task.done()
    held.release()
    (await asyncio.wait_for(task, 30)).release()
    assert budget.in_flight == 0


@SYNC
async def test_deadline_fails_fast_when_the_pace_cannot_make_it(sync: bool) -> None:
    budget, clock = fake_budget(requests_per_minute=60)  # one a second, 1 s of burst
    await acquire(budget, sync)
    await acquire(budget, sync)
    with pytest.raises(DeadlineExceededError):
        await acquire(budget, sync, deadline=clock.now + 0.5)  # next slot is 1 s away
    assert clock.slept == [] and budget.waiting == 0 and budget.in_flight == 2
    await acquire(budget, sync, deadline=clock.now + 1.5)
    assert clock.slept == [1.0]


@SYNC
async def test_deadline_while_waiting_for_an_in_flight_slot(sync: bool) -> None:
    budget = Budget(RateLimit(max_in_flight=1))
    held = budget.acquire(1)
    start = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        await acquire(budget, sync, deadline=start + 0.1)
    assert time.monotonic() - start >= 0.09
    assert budget.waiting == 0 and budget.in_flight == 1
    held.release()
    (await acquire(budget, sync, deadline=time.monotonic() + 5)).release()


async def cancelled(task: asyncio.Task[Any]) -> None:
    """Cancel `task` and see it end cancelled."""
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_cancelled_waiter_holds_nothing() -> None:
    budget = Budget(RateLimit(max_in_flight=1))
    held = await budget.aacquire(1)
    first = asyncio.create_task(budget.aacquire(1))  # the head of the line
    await await_until(lambda: budget.waiting == 1)
    second = asyncio.create_task(budget.aacquire(1))
    await await_until(lambda: budget.waiting == 2)
    await cancelled(first)
    assert budget.waiting == 1 and budget.in_flight == 1
    held.release()  # the slot goes to the next in line, not to the cancelled one
    (await asyncio.wait_for(second, 30)).release()
    assert budget.waiting == 0 and budget.in_flight == 0


async def test_when_the_head_leaves_the_next_in_line_moves_up() -> None:
    budget = Budget(RateLimit(requests_per_minute=120))  # one per 0.5 s, 1 s of burst
    for _ in range(3):
        budget.acquire(1)  # the burst: the next slot is ~0.5 s away
    head = asyncio.create_task(budget.aacquire(1))  # sleeping until that slot
    await await_until(lambda: budget.waiting == 1)
    second = asyncio.create_task(budget.aacquire(1))  # waiting for its turn
    await await_until(lambda: budget.waiting == 2)
    await cancelled(head)
    (await asyncio.wait_for(second, 30)).release()  # woken as the new head, it takes the slot


async def test_cancelling_a_paced_waiter_leaves_the_schedule_alone() -> None:
    budget = Budget(RateLimit(requests_per_minute=60))  # real clock: next slot in ~1 s
    budget.acquire(1)
    budget.acquire(1)
    schedule = budget._numbers.request_tat
    task = asyncio.create_task(budget.aacquire(1))
    await await_until(lambda: budget.waiting == 1)
    await cancelled(task)
    assert budget.waiting == 0 and budget.in_flight == 2
    assert budget._numbers.request_tat == schedule  # the slot it waited for is still free


def test_a_waiter_whose_loop_closed_is_dropped() -> None:
    budget = Budget(RateLimit(max_in_flight=1))
    held = budget.acquire(1)
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(lambda loop, context: None)  # "Task was destroyed" at gc
    task = loop.create_task(budget.aacquire(1))
    loop.run_until_complete(asyncio.sleep(0.01))
    assert budget.waiting == 1
    loop.close()  # without cancelling the task: nobody will ever wait there again
    held.release()
    assert budget.waiting == 0
    budget.acquire(1, deadline=time.monotonic() + 5).release()
    task.get_coro().close()  # type: ignore[union-attr, unused-ignore]  # Optional on 3.12+


# ---- fairness and sharing -------------------------------------------------------------


def test_waiters_are_served_in_arrival_order() -> None:
    budget = Budget(RateLimit(max_in_flight=1))
    held = budget.acquire(1)
    order: list[int] = []

    def caller(i: int) -> None:
        permit = budget.acquire(1)
        order.append(i)
        permit.release()

    threads = []
    for i in range(6):
        threads.append(threading.Thread(target=caller, args=(i,)))
        threads[-1].start()
        wait_until(waiting_is(budget, i + 1))
    held.release()
    for t in threads:
        t.join(5)
    assert order == list(range(6))


async def test_a_newcomer_does_not_jump_the_line() -> None:
    budget = Budget(RateLimit(max_in_flight=1))
    held = budget.acquire(1)
    queued = asyncio.create_task(budget.aacquire(1))
    await await_until(lambda: budget.waiting == 1)
    held.release()  # the slot is free, and promised to `queued` (it runs once we yield)
    with pytest.raises(DeadlineExceededError):
        budget.acquire(1, deadline=time.monotonic())  # would be admitted if it could jump
    (await asyncio.wait_for(queued, 30)).release()
    assert budget.in_flight == 0 and budget.waiting == 0


async def test_sync_and_async_waiters_share_one_line() -> None:
    budget = Budget(RateLimit(max_in_flight=1))
    held = budget.acquire(1)
    order: list[str] = []

    async def async_caller(name: str) -> None:
        permit = await budget.aacquire(1)
        order.append(name)
        permit.release()

    def sync_caller(name: str) -> None:
        permit = budget.acquire(1)
        order.append(name)
        permit.release()

    tasks, threads = [], []
    for i in range(4):
        if i % 2:
            threads.append(threading.Thread(target=sync_caller, args=(f"sync{i}",)))
            threads[-1].start()
        else:
            tasks.append(asyncio.create_task(async_caller(f"async{i}")))
        await await_until(waiting_is(budget, i + 1))
    held.release()
    await asyncio.wait_for(asyncio.gather(*tasks), 30)
    for t in threads:
        t.join(5)
    assert order == ["async0", "sync1", "async2", "sync3"]


def test_get_budget_is_one_per_key_across_threads() -> None:
    key, limit = unique_key(), RateLimit(requests_per_minute=6000)
    seen: list[Budget] = []
    threads = [threading.Thread(target=lambda: seen.append(get_budget(key, limit))) for _ in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert len(seen) == 2 and seen[0] is seen[1] is get_budget(key, limit)
    assert get_budget(unique_key(), limit) is not seen[0]


def test_get_budget_with_a_new_limit_updates_the_shared_budget() -> None:
    key = unique_key()
    budget = get_budget(key, RateLimit(requests_per_minute=60))
    assert get_budget(key, RateLimit(requests_per_minute=120, max_in_flight=3)) is budget
    assert budget.limit == RateLimit(requests_per_minute=120, max_in_flight=3)
    assert budget.current_rate_per_minute == 120


def test_threads_share_the_pace() -> None:
    budget = get_budget(unique_key(), RateLimit(requests_per_minute=6000))  # one per 10 ms

    def caller() -> None:
        for _ in range(6):
            budget.acquire(1).release(status=200)

    threads = [threading.Thread(target=caller) for _ in range(4)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    # 24 requests: 4 of burst, then 20 intervals of 10 ms, whichever thread sent them.
    assert time.monotonic() - start >= 0.19
    assert budget.in_flight == 0 and budget.waiting == 0


def test_two_event_loops_in_two_threads_share_one_budget() -> None:
    key = unique_key()
    limit = RateLimit(requests_per_minute=6000, max_in_flight=1)
    lock, active, peak, done = threading.Lock(), [0], [0], [0]

    async def worker() -> None:
        budget = get_budget(key, limit)  # looked up from each loop: the same budget
        for _ in range(8):
            permit = await budget.aacquire(1)
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            await asyncio.sleep(0.003)
            with lock:
                active[0] -= 1
                done[0] += 1
            permit.release(status=200)

    threads = [threading.Thread(target=asyncio.run, args=(worker(),)) for _ in range(2)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert done[0] == 16 and peak[0] == 1  # the cap held across loops; wake-ups crossed them
    assert time.monotonic() - start >= 0.12  # and the shared pace: 12 intervals of 10 ms
    budget = get_budget(key, limit)
    assert budget.in_flight == 0 and budget.waiting == 0


# ---- configuration --------------------------------------------------------------------


def test_coerce_accepts_a_dict_or_a_rate_limit() -> None:
    limit = RateLimit.coerce({"requests_per_minute": 500, "tokens_per_minute": 2e5})
    assert limit == RateLimit(500, 200_000.0)
    assert RateLimit.coerce(limit) is limit
    assert RateLimit.coerce({"max_in_flight": 4}) == RateLimit(max_in_flight=4)


@pytest.mark.parametrize("value", [None, {}, RateLimit(), {"requests_per_minute": None}])
def test_nothing_limited_means_no_budget(value: Any) -> None:
    assert RateLimit.coerce(value) is None


def test_unknown_keys_are_named() -> None:
    with pytest.raises(ValueError, match="'rpm'") as info:
        RateLimit.coerce({"rpm": 5})
    assert "requests_per_minute" in str(info.value)  # and the valid names are listed
    with pytest.raises(ValueError, match="'rpm', 'tpm'"):
        RateLimit.coerce({"tpm": 1, "rpm": 5, "max_in_flight": 2})


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        ({"requests_per_minute": 0}, ValueError),
        ({"requests_per_minute": -5}, ValueError),
        ({"tokens_per_minute": float("inf")}, ValueError),
        ({"tokens_per_minute": float("nan")}, ValueError),
        ({"max_in_flight": 0}, ValueError),
        ({"requests_per_minute": "60"}, TypeError),
        ({"requests_per_minute": True}, TypeError),
        ({"max_in_flight": 2.0}, TypeError),
    ],
)
def test_bad_values_are_rejected(settings: dict[str, Any], error: type[Exception]) -> None:
    name = next(iter(settings))
    with pytest.raises(error, match=name):
        RateLimit.coerce(settings)


def test_coerce_rejects_other_types() -> None:
    with pytest.raises(TypeError, match="RateLimit or a dict"):
        RateLimit.coerce(60)  # type: ignore[arg-type]


# ---- token estimates ------------------------------------------------------------------


def request(**body: Any) -> HTTPRequest:
    return HTTPRequest("POST", "http://127.0.0.1/v1/chat/completions", {}, body)


def test_estimate_counts_message_text_and_max_tokens() -> None:
    text = "x" * 396  # + "user" = 400 chars = 100 tokens, + 3 for the message
    assert estimate_tokens(request(messages=[{"role": "user", "content": text}])) == (
        100 + 3 + DEFAULT_OUTPUT_TOKENS
    )
    body = {"messages": [{"role": "user", "content": text}], "max_completion_tokens": 50}
    assert estimate_tokens(request(**body)) == 153


def test_estimate_walks_blocks_system_and_tools_and_skips_media() -> None:
    image = {"type": "base64", "media_type": "image/png", "data": "A" * 100_000}
    body = {
        "system": "s" * 40,
        "max_tokens": 10,
        "messages": [
            {"role": "user", "content": [{"type": "image", "source": image}]},
            {"role": "assistant", "content": [{"type": "text", "text": "t" * 31}]},
        ],
        "tools": [{"name": "n" * 8, "input_schema": {"type": "object"}}],
    }
    chars = 40 + len("user") + len("image") + len("assistant") + 4 + 31 + 8 + 6
    expected = -(-chars // 4) + 2 * 3 + MEDIA_TOKENS + 10
    assert estimate_tokens(request(**body)) == expected


def test_estimate_ignores_a_bool_max_tokens() -> None:
    assert estimate_tokens(request(messages=[], max_tokens=True)) == DEFAULT_OUTPUT_TOKENS


def test_docstring_examples() -> None:
    import doctest

    from chatplex.http import _ratelimit

    failures, tried = doctest.testmod(_ratelimit)
    assert failures == 0 and tried > 0
