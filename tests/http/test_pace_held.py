"""A pace that holds a sequential caller back grows back (chatplex/http/_pace.py's
`_succeeded`): a pace slower than a request a RATE_WINDOW, or a call answered more than
RATE_WINDOW after its hold began, still binds. Pure rules on an injected clock."""

from __future__ import annotations

import pytest

from chatplex.http._budget_shared import Outcome
from chatplex.http._pace import Pace
from chatplex.http._pace_state import MIN_RPM
from chatplex.http._pace_state import RATE_WINDOW
from chatplex.http._schedule import Schedule
from chatplex.http._schedule import admit
from chatplex.http._schedule import settle


def _cut_pace(rpm: float, last_decrease: float) -> Pace:
    pace = Pace(None)
    state = pace.state
    state.confirmed, state.discovered_rpm, state.last_decrease = 1.0, rpm, last_decrease
    pace.refresh()
    return pace


@pytest.mark.parametrize(("wait", "call"), [(10.0, 0.5), (0.2, 5.0)])
def test_a_request_the_pace_held_back_grows_it_when_answered_late(wait: float, call: float) -> None:
    """Held `wait` s (a pace of 6/min), or answered `call` s after its admission (an LLM
    call): its success is one of a binding pace's, and grows it."""
    pace = _cut_pace(6.0, last_decrease=0.0)
    pace.held_back(100.0)
    admitted = 100.0 + wait
    pace.answered(200, admitted, None, now=admitted + call, in_flight=0)
    assert pace.state.discovered_rpm > 6.0


def test_a_request_nobody_held_back_does_not_grow_the_pace() -> None:
    pace = _cut_pace(6.0, last_decrease=0.0)
    pace.held_back(100.0)  # an earlier caller's hold, long before this request
    admitted = 100.0 + pace.per_request + RATE_WINDOW + 1.0
    pace.answered(200, admitted, None, now=admitted + 0.5, in_flight=0)
    assert pace.state.discovered_rpm == 6.0


def test_a_sequential_callers_waits_shrink_once_the_429s_stop() -> None:
    """A script calling one after another (each call 2 s) at a pace cut to 6/min: every
    call waits out the interval; with no 429 the pace grows and the waits shrink to none."""
    s = Schedule.fresh(0.0)
    s.confirmed, s.discovered_rpm, s.last_decrease, s.ceiling = 1.0, 6.0, 0.0, 6.0
    now, waits = 1.0, []
    for _ in range(30):
        waited = 0.0
        while (wait := admit(s, None, now=now, tokens=1, in_flight=0)) > 0.0:
            waited, now = waited + wait, now + wait
        admitted, now = now, now + 2.0
        settle(s, None, Outcome(status=200), now=now, admitted_at=admitted, tokens=1)
        waits.append(waited)
    assert waits[0] == 0.0  # nothing scheduled ahead: at once
    assert waits[1] == pytest.approx(8.0)  # 10 s an interval, 2 s of it spent in the call
    assert waits[-1] == 0.0
    assert all(b <= a for a, b in zip(waits[1:], waits[2:], strict=False))


def test_a_limit_that_never_lets_up_slows_a_script_to_a_bounded_wait() -> None:
    """The probe's server: every call's first attempt a 429 saying nothing is `remaining`
    (no limit, no reset, retry-after 0), its retry a 200. Each such 429 is a limit's
    evidence and cuts the pace learned from 429s alone -- halved while fewer than
    DISCOVER_MIN successes a minute tell a rate -- so a script's waits grow call after
    call, but never past MIN_RPM's interval a request, and the pace grows back between."""
    s = Schedule.fresh(0.0)
    now, nothing_left = 0.0, {"x-ratelimit-remaining-requests": "0"}
    waits: list[float] = []
    for _ in range(60):
        for status in (429, 200):
            waited = 0.0
            while (wait := admit(s, None, now=now, tokens=1, in_flight=0)) > 0.0:
                waited, now = waited + wait, now + wait
            admitted, now = now, now + 0.05
            headers = nothing_left if status == 429 else None
            answer = Outcome(status=status, retry_after=0.0, headers=headers)
            settle(s, None, answer, now=now, admitted_at=admitted, tokens=1)
            waits.append(waited)
            now += 0.5  # the retry's backoff, or the script's own work between calls
    assert s.discovered_rpm >= MIN_RPM
    assert max(waits) <= 60.0 / MIN_RPM
    assert waits[3] < waits[-1]  # grown, as designed: each 429 said the bucket was empty
    # ...and settled: the growth between two calls' 429s makes up for each cut.
    calls = [a + b for a, b in zip(waits[-20::2], waits[-19::2], strict=True)]
    assert max(calls) - min(calls) < 1e-6
