"""`ChatMapper`: the async callable class Ray Data's `map_batches` runs on each actor --
any chatplex runnable applied to one column of a batch, each row's outcome written as
columns (`_columns.py`), never as a failed task.

Every row is one `ainvoke` of the runnable with its own retries, deadline and rate
limit (give the model `rate_limit=RateLimit(..., scope="cluster")` and every actor of the
cluster shares one budget). At most `max_in_flight` rows of an actor are in the air;
Ray Data's `max_concurrent_batches` lets the next batch start while one finishes.

>>> ds.map_batches(ChatMapper, fn_constructor_kwargs={"runnable": model},
...                concurrency=4, batch_format="pyarrow")  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from ._columns import OUTPUT_COLUMNS, outcome_columns, row_outcome
from ._tally import tally_actor

__all__ = ["ChatMapper"]


class ChatMapper:
    """Apply `runnable` to `input_column` of every row (`ainvoke(value, config)`).

    `runnable`: a chatplex runnable (a model, a chain), or a no-argument function that
    builds one on the actor (for runnables that should not be pickled). `max_in_flight`:
    rows of this actor in the air at once. `tally`: the name of a `RowTally` actor to
    count rows in (see `_tally.py`), or None.
    """

    def __init__(
        self,
        runnable: Any,
        *,
        input_column: str = "prompt",
        max_in_flight: int = 16,
        config: Mapping[str, Any] | None = None,
        tally: str | None = None,
    ) -> None:
        if callable(runnable) and (isinstance(runnable, type) or not hasattr(runnable, "ainvoke")):
            runnable = runnable()  # a factory (a class is one too)
        if not hasattr(runnable, "ainvoke"):
            raise TypeError(f"runnable must have ainvoke(); got {type(runnable).__name__}")
        if max_in_flight < 1:
            raise ValueError(f"max_in_flight must be at least 1, got {max_in_flight}")
        self.runnable = runnable
        self.input_column = input_column
        self.config = dict(config) if config else None
        self._slots = asyncio.Semaphore(max_in_flight)
        self._tally = tally_actor(tally) if tally else None

    async def __call__(self, batch: pa.Table) -> pa.Table:
        for name in OUTPUT_COLUMNS:
            if name in batch.column_names:  # a re-run over an earlier output: fresh outcomes
                batch = batch.drop_columns([name])
        inputs = batch.column(self.input_column).to_pylist()
        if self._tally is not None:
            await self._tally.start.remote(len(inputs))
        results = await asyncio.gather(*(self._one(value) for value in inputs))
        outcomes = [row_outcome(result) for result in results]
        for name, column in outcome_columns(outcomes).items():
            batch = batch.append_column(name, column)
        if self._tally is not None:
            errors = sum(1 for outcome in outcomes if outcome[3] is not None)
            await self._tally.finish.remote(len(outcomes), errors)
        return batch

    async def _one(self, value: Any) -> Any:
        async with self._slots:
            try:
                return await self.runnable.ainvoke(value, self.config)
            except Exception as exc:  # the row's outcome: written to `error`, not raised
                return exc
