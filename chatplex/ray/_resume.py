"""Resuming a run from its output: rows whose id is already in an earlier run's output
files (text or error: a finished row is never run twice) are left out of the next one.

Each filtering actor reads the earlier output's id column once (memory: its ids, ~8
bytes each for integers) and drops matching rows batch by batch.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads

__all__ = ["SkipDone", "done_ids"]


def done_ids(path: str, id_column: str) -> pa.Array:
    """The ids in the parquet output under `path` (empty if there is none yet)."""
    try:
        table = pads.dataset(path, format="parquet").to_table(columns=[id_column])
    except FileNotFoundError:
        return pa.array([])
    return pc.unique(table.column(id_column).combine_chunks())


class SkipDone:
    """A `map_batches` callable class: the batch without rows already in `path`."""

    def __init__(self, path: str, id_column: str) -> None:
        self.id_column = id_column
        self.done = done_ids(path, id_column)

    def __call__(self, batch: pa.Table) -> pa.Table:
        if len(self.done) == 0:
            return batch
        ids = batch.column(self.id_column)
        return batch.filter(pc.invert(pc.is_in(ids, value_set=self.done.cast(ids.type))))
