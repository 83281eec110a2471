"""Counting rows across a Ray run, so rows re-sent after a worker died are reported.

Every batch tells a named actor how many rows it starts and, once they all have an
outcome, how many it finished. A batch whose worker dies is run again by Ray Data on
another worker: its rows are started twice but finished once, so at the end
`started - finished` is the number of rows sent again (their requests, and the tokens
they used, were spent twice). Two small calls per batch, not per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["RowTally", "TallyReport", "tally_actor"]


@dataclass(frozen=True)
class TallyReport:
    """`started`: rows handed to a worker (re-runs included); `finished`: rows that got an
    outcome; `errors`: of those, rows with an `error`; `resent` = started - finished
    (once the run is over: rows of batches whose worker died, run again)."""

    started: int
    finished: int
    errors: int

    @property
    def resent(self) -> int:
        return self.started - self.finished


class RowTally:
    """The actor's class (plain Python: tested without Ray)."""

    def __init__(self) -> None:
        self.started = self.finished = self.errors = 0

    def start(self, rows: int) -> None:
        self.started += rows

    def finish(self, rows: int, errors: int) -> None:
        self.finished += rows
        self.errors += errors

    def report(self) -> TallyReport:
        return TallyReport(self.started, self.finished, self.errors)


def tally_actor(name: str) -> Any:
    """The run's tally actor `name` (made on first use; it ends with the Ray job)."""
    import ray

    remote = ray.remote(RowTally)
    return remote.options(
        name=name, namespace="chatplex", get_if_exists=True, num_cpus=0, max_restarts=0
    ).remote()
