"""`map_chat`: a chatplex runnable over a Ray Dataset, one outcome per row.

>>> run = map_chat(ds, model, concurrency=4)  # doctest: +SKIP
>>> run.dataset.write_parquet("out/")  # doctest: +SKIP
>>> run.report()  # doctest: +SKIP
TallyReport(started=100000, finished=100000, errors=5000, resent=0)
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import cast

import ray
import ray.data

from ._mapper import ChatMapper
from ._resume import SkipDone
from ._tally import TallyReport
from ._tally import tally_actor

__all__ = ["ChatRun", "map_chat"]


@dataclass(frozen=True)
class ChatRun:
    """A lazy run: consume `dataset` (write it, iterate it); then `report()` counts the
    rows sent, finished and failed, each row once, and the requests sent again after a
    worker died (`TallyReport`)."""

    dataset: ray.data.Dataset
    tally: str
    #: Held so the tally actor lives as long as the run (Ray ends an actor nobody holds).
    tally_handle: Any = field(repr=False, compare=False)

    def report(self) -> TallyReport:
        report: TallyReport = ray.get(self.tally_handle.report.remote())
        return report


def map_chat(
    ds: ray.data.Dataset,
    runnable: Any,
    *,
    input_column: str = "prompt",
    concurrency: int = 4,
    max_in_flight: int = 16,
    batch_size: int = 64,
    num_cpus: float = 0.5,
    config: Mapping[str, Any] | None = None,
    skip_done: str | None = None,
    id_column: str = "id",
) -> ChatRun:
    """Apply `runnable` to `input_column` of every row of `ds` on `concurrency` actors,
    each with up to `max_in_flight` rows in the air, adding `text`, `usage`, `cost` and
    `error` columns (one of text/error per row; a failing row never fails a task).

    `runnable`: a chatplex runnable holding no API key, or (for one that does: a key is
    never put in Ray's object store, which may spill to disk) a no-argument function that
    builds it on each actor, e.g. `functools.partial(ChatOpenAI, model=...)` reading the
    key from the workers' environment. (Elsewhere a model pickles with its key, as
    LangChain's does: the refusal is this boundary's.)

    Share one rate budget across the actors with the model's
    `rate_limit=RateLimit(..., scope="cluster")`. Memory: each actor holds about two
    batches of `batch_size` rows. `num_cpus`: per actor (the work is waiting on HTTP).
    `skip_done`: the path of an earlier run's parquet output; rows whose `id_column` is
    in it are skipped (a resumed run writes the rest; the union has every row once).
    """
    _check_picklable(runnable)
    tally = f"chatplex-rows-{uuid.uuid4().hex}"
    handle = tally_actor(tally)  # made by the driver, so it outlives any worker
    if skip_done is not None:
        ds = ds.map_batches(
            SkipDone,
            fn_constructor_kwargs={"path": skip_done, "id_column": id_column},
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=1),
            num_cpus=0,
        )
    mapped = ds.map_batches(
        ChatMapper,
        fn_constructor_kwargs={
            "runnable": runnable,
            "input_column": input_column,
            "max_in_flight": max_in_flight,
            "config": dict(config) if config else None,
            "tally": tally,
            "id_column": id_column,
        },
        batch_size=batch_size,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=concurrency),
        num_cpus=num_cpus,
    )
    return ChatRun(mapped, tally, handle)


def _check_picklable(runnable: Any) -> None:
    """Fail here, with what to do, rather than inside Ray's actor creation: a runnable
    Ray's own pickler cannot send, or one holding an API key (a `Secret`)."""
    if isinstance(runnable, type) or not hasattr(runnable, "ainvoke"):
        return  # a factory: what it builds is made on the actor
    import io
    import pickle

    from ray import cloudpickle

    from ..secret import Secret

    def refuse_keys(obj: Any) -> None:
        if isinstance(obj, Secret):
            raise TypeError("it holds an API key, which would land in Ray's object store")

    pickler = cast(Any, cloudpickle.Pickler)(io.BytesIO())  # Ray's own pickler
    pickler.persistent_id = refuse_keys  # asked of every object it pickles
    try:
        pickler.dump(runnable)
    except (TypeError, pickle.PicklingError) as exc:
        raise TypeError(
            f"map_chat cannot send this {type(runnable).__name__} to the workers ({exc}); "
            "pass a function that builds it on each worker instead, such as "
            "functools.partial(ChatOpenAI, model=...), with the key in the workers' "
            "environment"
        ) from None
