"""The retry policy (`core/retry.py`): which failures are retried, the backoff and its
jitter, the server's retry-after, the attempt count and the deadline. (The loops that
use it are tested with them: tests/http/test_retry.py, tests/core/test_reliability.py.)"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest
from tenacity import retry_if_exception_type
from tenacity import stop_after_attempt
from tenacity import wait_fixed

from chatplex.core.retry import RetryPolicy
from chatplex.core.retry import is_retryable
from chatplex.core.retry import retry_policy
from chatplex.core.retry import wait_jittered
from chatplex.core.retry import wait_retry_after
from chatplex.errors import APIConnectionError
from chatplex.errors import APIError
from chatplex.errors import APITimeoutError
from chatplex.errors import AuthenticationError
from chatplex.errors import BadRequestError
from chatplex.errors import DeadlineExceededError
from chatplex.errors import NotFoundError
from chatplex.errors import OverloadedError
from chatplex.errors import PermissionDeniedError
from chatplex.errors import RateLimitError
from chatplex.errors import ServerError
from chatplex.errors import StreamIdleTimeoutError
from chatplex.errors import status_error


def error(status: int, **kw: Any) -> APIError:
    return status_error(provider="p", status=status, message="m", **kw)


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 529])
def test_transient_statuses_are_retried(status: int) -> None:
    assert retry_policy().delay(error(status), attempt=1) is not None


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (422, BadRequestError),
    ],
)
def test_client_errors_are_not_retried(status: int, cls: type[APIError]) -> None:
    err = error(status)
    assert isinstance(err, cls)
    assert retry_policy().delay(err, attempt=1) is None


@pytest.mark.parametrize(
    "exc",
    [
        error(429, error_type="insufficient_quota"),
        error(503, headers={"x-should-retry": "false"}),
        DeadlineExceededError("late"),
        ValueError("not an API failure"),
        APIConnectionError("bad url", retryable=False),
    ],
    ids=["quota", "should-retry-false", "deadline", "value-error", "unretryable-connection"],
)
def test_what_says_do_not_retry_is_not_retried(exc: Exception) -> None:
    assert retry_policy().delay(exc, attempt=1) is None


@pytest.mark.parametrize(
    "exc",
    [
        error(400, headers={"x-should-retry": "true"}),
        APIConnectionError("reset"),
        APITimeoutError("read timeout"),
        StreamIdleTimeoutError("idle"),
        OverloadedError("overloaded", status=200, error_type="overloaded_error", retryable=True),
        APIError("malformed body", status=200, retryable=True),
    ],
    ids=["should-retry-true", "connection", "timeout", "idle", "overloaded", "malformed"],
)
def test_transport_failures_and_server_hints_are_retried(exc: Exception) -> None:
    assert retry_policy().delay(exc, attempt=1) is not None


def test_backoff_doubles_from_half_a_second_up_to_eight() -> None:
    p = retry_policy(10, random=lambda: 0.0)
    assert [p.delay(ServerError("x"), n) for n in range(1, 8)] == [0.5, 1, 2, 4, 8, 8, 8]


def test_jitter_shortens_the_backoff_by_up_to_a_quarter() -> None:
    assert retry_policy(random=lambda: 1.0).delay(ServerError("x"), 2) == 0.75
    real = retry_policy(5)
    delays = [real.delay(ServerError("x"), 3) for _ in range(200)]
    assert all(d is not None and 1.5 <= d <= 2.0 for d in delays)
    assert len(set(delays)) > 100  # actually random: clients that failed together spread out


@pytest.mark.parametrize(
    ("retry_after", "cap", "expected"),
    [(3.0, 60.0, 3.0), (0.0, 60.0, 0.5), (100.0, 60.0, 60.0), (10.0, 2.5, 2.5)],
)
def test_retry_after_wins_over_backoff_and_is_capped(
    retry_after: float, cap: float, expected: float
) -> None:
    p = retry_policy(max_retry_after=cap, random=lambda: 0.0)
    assert p.delay(RateLimitError("slow down", retry_after=retry_after), 1) == expected


def test_max_retries_counts_retries_not_attempts() -> None:
    p = retry_policy(2)
    assert p.delay(ServerError("x"), 2) is not None
    assert p.delay(ServerError("x"), 3) is None
    assert retry_policy(0).delay(ServerError("x"), 1) is None


def test_a_wait_that_would_end_past_the_deadline_fails_now() -> None:
    p = retry_policy(clock=lambda: 100.0)
    last = RateLimitError("slow down", retry_after=5.0)
    with pytest.raises(DeadlineExceededError, match="no time for attempt 2") as info:
        p.delay(last, 1, deadline=104.0)
    assert info.value.__cause__ is last
    assert p.delay(last, 1, deadline=106.0) == 5.0


def test_policies_are_built_once_and_validated() -> None:
    assert retry_policy(3, 10.0) is retry_policy(3, 10.0)
    with pytest.raises(ValueError, match="max_retries"):
        retry_policy(-1)
    with pytest.raises(ValueError, match="max_retry_after"):
        retry_policy(2, -1.0)


# ---- the strategies ------------------------------------------------------------------------


def test_is_retryable_only_for_chatplex_errors_that_say_so() -> None:
    assert is_retryable(ServerError("x"))
    assert not is_retryable(BadRequestError("x"))
    assert not is_retryable(TimeoutError("not an APIError"))


def test_a_policy_of_any_tenacity_strategies() -> None:
    policy = RetryPolicy(
        retry=retry_if_exception_type(KeyError),
        stop=stop_after_attempt(3),
        wait=wait_jittered(wait_fixed(2.0), fraction=0.5, random=lambda: 1.0),
        clock=lambda: 0.0,
    )
    assert policy.delay(KeyError("k"), 1) == 1.0  # 2 s shortened by half
    assert policy.delay(KeyError("k"), 3) is None  # the third attempt was the last
    assert policy.delay(ValueError("v"), 1) is None  # not a retried type
    with pytest.raises(DeadlineExceededError):
        policy.delay(KeyError("k"), 1, deadline=0.5)


def test_wait_retry_after_uses_the_errors_hint_else_the_fallback() -> None:
    policy = RetryPolicy(
        retry=retry_if_exception_type(APIError),
        stop=stop_after_attempt(5),
        wait=wait_retry_after(wait_fixed(7.0), cap=10.0),
    )
    assert policy.delay(ServerError("x", retry_after=3.0), 1) == 3.0
    assert policy.delay(ServerError("x", retry_after=30.0), 1) == 10.0
    assert policy.delay(ServerError("x", retry_after=-1.0), 1) == 7.0  # nonsense: ignored
    assert policy.delay(ServerError("x"), 1) == 7.0


def test_a_retry_after_of_zero_gets_the_backoff_as_in_the_sdks() -> None:
    # openai's and anthropic's `_calculate_retry_timeout` honour a server's wait only
    # when `0 < retry_after`: "retry now" to every client would be a retry storm.
    p = retry_policy(max_retries=3, random=lambda: 0.0)
    zero = [p.delay(RateLimitError("slow down", retry_after=0.0), n) for n in (1, 2, 3)]
    assert zero == [0.5, 1.0, 2.0]
    jittered = retry_policy(random=lambda: 1.0).delay(ServerError("x", retry_after=0.0), 1)
    assert jittered == 0.375  # the backoff's jitter too
    assert p.delay(RateLimitError("slow down", retry_after=0.001), 1) == 0.001  # a wait


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import retry

    failures, tried = doctest.testmod(retry)
    assert failures == 0 and tried > 0


def test_a_policy_copies_and_pickles_and_gives_the_same_delays() -> None:
    # A model holding one (retry_policy=...) copies and pickles with it.
    policy = retry_policy(2, initial_delay=0.5, max_delay=1.0, jitter=0)
    for other in (copy.deepcopy(policy), pickle.loads(pickle.dumps(policy))):
        assert [other.delay(ServerError("down"), n) for n in (1, 2, 3)] == [0.5, 1.0, None]


def test_only_narrows_what_is_retried() -> None:
    from chatplex.errors import APIConnectionError
    from chatplex.errors import ServerError

    policy = retry_policy(2, only=lambda exc: isinstance(exc, APIConnectionError))
    assert policy.delay(APIConnectionError("refused"), 1) is not None
    assert policy.delay(ServerError("down", status=500), 1) is None
    assert retry_policy(2).delay(ServerError("down", status=500), 1) is not None


def test_min_delay_holds_the_backoff_up() -> None:
    """`min_delay`: LangChain's base retry decorator's waits (1 s doubling, held
    between 4 and 10 s, no jitter)."""
    from chatplex.errors import ServerError

    policy = retry_policy(5, initial_delay=1.0, min_delay=4.0, max_delay=10.0, jitter=0.0)
    assert [policy.delay(ServerError("down"), n) for n in range(1, 6)] == [4, 4, 4, 8, 10]
    assert retry_policy(5, jitter=0.0).delay(ServerError("down"), 1) == 0.5  # none by default
