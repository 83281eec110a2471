"""The `Interrupter` (`core/interrupt.py`): a consumer's handle on a producer thread --
stop its waits, abort the blocking work it registered."""

from __future__ import annotations

import threading

import pytest

from chatplex.core.interrupt import ConsumerGone
from chatplex.core.interrupt import Interrupter
from chatplex.core.interrupt import interrupter_of
from chatplex.core.retry import retry_policy
from chatplex.errors import ServerError


class Work:
    def __init__(self) -> None:
        self.aborted = 0

    def abort(self) -> None:
        self.aborted += 1


def test_consumer_gone_is_not_an_exception() -> None:
    # Code catching Exception in a user's function must not swallow the stop signal.
    assert issubclass(ConsumerGone, BaseException)
    assert not issubclass(ConsumerGone, Exception)


def test_check_raises_once_stopped() -> None:
    interrupter = Interrupter()
    interrupter.check()
    assert not interrupter.stopped
    interrupter.stop()
    assert interrupter.stopped
    with pytest.raises(ConsumerGone):
        interrupter.check()


def test_stop_aborts_the_registered_work_once() -> None:
    interrupter = Interrupter()
    kept, done = Work(), Work()
    assert interrupter.register(kept) and interrupter.register(done)
    interrupter.unregister(done)
    interrupter.stop()
    interrupter.stop()
    assert (kept.aborted, done.aborted) == (1, 0)


def test_nothing_is_registered_after_stop() -> None:
    interrupter = Interrupter()
    interrupter.stop()
    late = Work()
    assert interrupter.register(late) is False
    interrupter.stop()
    assert late.aborted == 0  # not tracked: the caller cleans up itself


def test_sleep_returns_unless_stopped() -> None:
    interrupter = Interrupter()
    interrupter.sleep(0)
    interrupter.stop()
    with pytest.raises(ConsumerGone):
        interrupter.sleep(0)


def test_stop_from_another_thread_ends_a_long_sleep() -> None:
    interrupter = Interrupter()
    stopper = threading.Timer(0.01, interrupter.stop)
    stopper.start()
    try:
        with pytest.raises(ConsumerGone):
            interrupter.sleep(600)  # would hang the test if stop() did not wake it
    finally:
        stopper.join()


def test_retry_policy_sleeps_through_the_interrupter() -> None:
    interrupter = Interrupter()
    original = retry_policy(3)
    policy = interrupter.retry_policy(original)
    assert policy is not original and policy.sleep == interrupter.sleep
    assert original.sleep is not policy.sleep  # the shared, cached policy is untouched
    assert policy.delay(ServerError("x"), 1) is not None  # same decisions
    interrupter.stop()
    with pytest.raises(ConsumerGone):
        policy.sleep(5)


def test_interrupter_of_finds_the_event_streams_handle() -> None:
    interrupter = Interrupter()

    class Watching:
        pass

    watching = Watching()
    watching.interrupter = interrupter  # type: ignore[attr-defined]
    other = Watching()
    other.interrupter = "not an interrupter"  # type: ignore[attr-defined]
    assert interrupter_of({}) is None
    assert interrupter_of({"callbacks": []}) is None
    assert interrupter_of({"callbacks": [object(), other]}) is None
    assert interrupter_of({"callbacks": [object(), watching]}) is interrupter
    assert interrupter_of({"callbacks": watching}) is interrupter
