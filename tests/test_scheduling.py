"""tests/_scheduling.py gives the same work units to the same workers, in the same order,
as pytest-xdist's own --dist loadgroup scheduler, a worker lost midway included."""

from __future__ import annotations

from collections import deque
from types import SimpleNamespace
from typing import Any

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadGroupScheduling

from tests._scheduling import CountingGroupScheduling

#: Groups of several sizes (a group is one unit), tests of no group, a repeated node id.
COLLECTION = [
    *(f"t/test_a.py::test[{i}]@big" for i in range(40)),
    *(f"t/test_b.py::test[{i}]@mid" for i in range(9)),
    *(f"t/test_c.py::test_{i}" for i in range(60)),
    *(f"t/test_d.py::test[{i}]@small" for i in range(3)),
    "t/test_c.py::test_0",
]


class _Config:
    class option:
        loadscopereorder = False

    def getvalue(self, name: str) -> Any:
        return ["3*popen"] if name == "tx" else None


class _Worker:
    def __init__(self, name: str, log: list[Any]) -> None:
        self.name, self.log, self.queue, self.shutting_down = name, log, deque[int](), False
        self.gateway = SimpleNamespace(id=name)

    def send_runtest_some(self, indices: list[int]) -> None:
        self.queue.extend(indices)
        self.log.append((self.name, tuple(indices)))

    def shutdown(self) -> None:
        self.shutting_down = True
        self.log.append((self.name, "shutdown"))


def _run(kind: type[LoadGroupScheduling], lose_after: int | None) -> list[Any]:
    """What the scheduler asked of each worker, the tests run one by one in turn; the
    first worker lost (as if crashed) after `lose_after` tests done."""
    log: list[Any] = []
    scheduler = kind(_Config(), Producer("test", enabled=False))  # type: ignore[arg-type]
    workers = [_Worker(f"gw{i}", log) for i in range(3)]
    for worker in workers:
        scheduler.add_node(worker)  # type: ignore[arg-type]
    for worker in workers:
        scheduler.add_node_collection(worker, COLLECTION)  # type: ignore[arg-type]
    scheduler.schedule()
    done = 0
    while any(worker.queue for worker in workers):
        for worker in [worker for worker in workers if worker.queue]:
            if done == lose_after:
                log.append(("lost", scheduler.remove_node(workers[0])))  # type: ignore[arg-type]
                workers[0].queue.clear()
                done += 1
                continue
            scheduler.mark_test_complete(worker, worker.queue.popleft())  # type: ignore[arg-type]
            log.append(("pending", scheduler.has_pending, scheduler.tests_finished))
            done += 1
    return log


@pytest.mark.parametrize("lose_after", [None, 5, 50])
def test_the_same_units_go_to_the_same_workers_in_the_same_order(lose_after: int | None) -> None:
    expected = _run(LoadGroupScheduling, lose_after)
    assert len(expected) > len(COLLECTION)
    assert _run(CountingGroupScheduling, lose_after) == expected
