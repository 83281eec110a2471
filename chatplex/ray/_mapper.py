"""`ChatMapper`: the async callable class Ray Data's `map_batches` runs on each actor --
any chatplex runnable applied to one column of a batch, each row's outcome written as
columns (`_columns.py`), never as a failed task.

Every row is one `ainvoke` of the runnable with its own retries, deadline and rate
limit (give the model `rate_limit=RateLimit(..., scope="cluster")` and every actor of the
cluster shares one budget). At most `max_in_flight` rows of an actor are in the air;
Ray Data's `max_concurrent_batches` lets the next batch start while one finishes. With a
tally, each row is counted once by its key (the `id_column` value, else its place in its
batch), and its attempt is counted just before its first request goes out (`_tally.py`).

>>> ds.map_batches(ChatMapper, fn_constructor_kwargs={"runnable": model},
...                concurrency=4, batch_format="pyarrow")  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
from collections.abc import Hashable
from collections.abc import Mapping
from typing import Any
from typing import cast

import pyarrow as pa

from ..core import collector
from ._columns import OUTPUT_COLUMNS
from ._columns import outcome_columns
from ._columns import row_outcome
from ._tally import SendLog
from ._tally import tally_actor

__all__ = ["ChatMapper"]


class ChatMapper:
    """Apply `runnable` to `input_column` of every row (`ainvoke(value, config)`).

    `runnable`: a chatplex runnable (a model, a chain), or a no-argument function that
    builds one on the actor (for runnables that should not be pickled). `max_in_flight`:
    rows of this actor in the air at once. `tally`: the name of a `RowTally` actor to
    count rows in (see `_tally.py`), or None. `id_column`: the column naming each row
    for the tally (when the batch has no such column, a row is named by its place in its
    batch: Ray Data runs a lost batch again with the same rows).
    """

    def __init__(
        self,
        runnable: Any,
        *,
        input_column: str = "prompt",
        max_in_flight: int = 16,
        config: Mapping[str, Any] | None = None,
        tally: str | None = None,
        id_column: str = "id",
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
        self.id_column = id_column
        self._tally = tally_actor(tally) if tally else None
        self._sends = SendLog(self._tally) if self._tally is not None else None
        if self._sends is not None:
            from ..http import add_client_hook

            add_client_hook(_hook_client)

    async def __call__(self, batch: pa.Table) -> pa.Table:
        for name in OUTPUT_COLUMNS:
            if name in batch.column_names:  # a re-run over an earlier output: fresh outcomes
                batch = batch.drop_columns([name])
        inputs = batch.column(self.input_column).to_pylist()
        keys: list[Hashable] = [None] * len(inputs)
        if self._tally is not None:
            keys = self._row_keys(batch, inputs)
        with collector.batching():  # a block is a batch (chatplex.core.collector)
            results = await asyncio.gather(
                *(self._one(v, k) for v, k in zip(inputs, keys, strict=True))
            )
        outcomes = [row_outcome(result) for result in results]
        for name, column in outcome_columns(outcomes).items():
            batch = batch.append_column(name, column)
        if self._tally is not None:
            errors = [outcome[3] is not None for outcome in outcomes]
            await self._tally.finish.remote(keys, errors)
        return batch

    async def _one(self, value: Any, key: Hashable) -> Any:
        async with self._slots:
            told = None
            if self._sends is not None:
                told = _RowSend(self._sends, key)
                _row_send.set(told)  # this row's task (and the tasks it makes) only
            try:
                result = await self.runnable.ainvoke(value, self.config)
            except Exception as exc:  # the row's outcome: written to `error`, not raised
                result = exc
            if told is not None:  # no request of chatplex's was seen (another client, no
                await told.tell()  # HTTP at all): the run is counted now
            return result

    def _row_keys(self, batch: pa.Table, inputs: list[Any]) -> list[Hashable]:
        """Each row's name for the tally: its id, else (the batch's digest, its place)."""
        if self.id_column in batch.column_names:
            return [_hashable(v) for v in batch.column(self.id_column).to_pylist()]
        digest = hashlib.sha256(repr(inputs).encode()).hexdigest()[:16]
        return [f"{digest}:{i}" for i in range(len(inputs))]


class _RowSend:
    """A row's attempt, told to the tally once: by the shared HTTP clients' request hook
    just before its first request goes out (after the rate limiter let it), else when
    the row ends."""

    def __init__(self, sends: SendLog, key: Hashable) -> None:
        self.sends, self.key, self.told = sends, key, False

    async def tell(self) -> None:
        if not self.told:
            self.told = True
            await self.sends.sent(self.key)


_row_send: contextvars.ContextVar[_RowSend | None] = contextvars.ContextVar(
    "chatplex_ray_row_send", default=None
)


async def _before_request(request: Any) -> None:
    """An httpx request hook of the shared async clients: tell the tally of the row whose
    task sends this request (retries of the same attempt are not counted again)."""
    told = _row_send.get()
    if told is not None and not told.told:
        await told.tell()


def _hook_client(client: Any) -> None:
    """Add `_before_request` to a shared async client (idempotent; sync ones: no rows)."""
    if not hasattr(client, "aclose"):
        return
    hooks = client.event_hooks
    requests = hooks.get("request", [])
    if _before_request not in requests:
        client.event_hooks = {**hooks, "request": [*requests, _before_request]}


def _hashable(value: Any) -> Hashable:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return cast(Hashable, value)
