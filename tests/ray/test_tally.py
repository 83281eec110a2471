"""Rows counted once across a run, and the rows sent again (chatplex/ray/_tally.py)."""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("ray", reason="needs Ray: pip install 'chatplex[ray]'")

from _raykit import FakeTally  # noqa: E402

from chatplex.ray._tally import RowTally  # noqa: E402
from chatplex.ray._tally import SendLog  # noqa: E402
from chatplex.ray._tally import TallyReport  # noqa: E402

pytestmark = pytest.mark.ray


def test_a_batch_run_again_counts_each_row_once_and_its_sends_twice() -> None:
    tally = RowTally()
    tally.sent([1, 2, 3])  # a worker sends three rows and dies before handing them back
    tally.finish([1, 2, 3], [False, True, False])  # (it had finished them: counted once)
    tally.sent([1, 2, 3, 4])  # the batch, run again on another worker
    tally.finish([1, 2, 3, 4], [False, False, False, True])
    report = tally.report()
    assert report == TallyReport(started=7, finished=4, errors=1, resent=3)
    assert report.answered + report.errors == 4  # the last outcome of row 2 is an answer


def test_a_row_sent_once_but_finished_in_two_attempts_is_not_resent() -> None:
    tally = RowTally()
    tally.sent(["a"])
    tally.finish(["a", "b"], [False, False])  # "b" never reached a model call...
    tally.finish(["a", "b"], [False, False])  # ...in either attempt
    assert tally.report() == TallyReport(started=1, finished=2, errors=0, resent=0)


async def test_sends_are_recorded_before_sent_returns_many_rows_a_call() -> None:
    fake = FakeTally()
    log = SendLog(fake)
    await asyncio.gather(*(log.sent(i) for i in range(50)))
    assert fake.tally.sends == dict.fromkeys(range(50), 1)
    assert fake.calls == 1  # the 50 rows arrived together: one call
    first = asyncio.ensure_future(log.sent("late-1"))
    await asyncio.sleep(0)  # its call is on the way...
    rest = [asyncio.ensure_future(log.sent(f"late-{i}")) for i in range(2, 12)]
    await asyncio.gather(first, *rest)  # ...the next ten go together in the next one
    assert fake.calls == 3
    assert len(fake.tally.sends) == 61


async def test_a_tally_that_cannot_be_told_never_fails_or_holds_a_row(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeTally()
    fake.broken = True
    await asyncio.wait_for(SendLog(fake).sent("k"), 30)
    assert "could not count 1 row sends" in caplog.text
