"""Rows started and finished across a run (chatplex/ray/_tally.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("ray", reason="needs Ray: pip install 'chatplex[ray]'")

from chatplex.ray._tally import RowTally, TallyReport  # noqa: E402

pytestmark = pytest.mark.ray


def test_rows_started_twice_and_finished_once_are_resent() -> None:
    tally = RowTally()
    tally.start(20)  # a batch whose worker died...
    tally.start(20)  # ...run again
    tally.finish(20, errors=2)
    assert tally.report() == TallyReport(started=40, finished=20, errors=2)
    assert tally.report().resent == 20
