"""tests/_scheduling.py gives the same work units to the same workers, in the same order,
as pytest-xdist's own --dist loadgroup scheduler, a worker lost midway included, when it
gives one unit a message; giving several, it runs each test once, in fewer messages."""

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


class _OneUnitAMessage(CountingGroupScheduling):
    BATCH = 1


@pytest.mark.parametrize("lose_after", [None, 5, 50])
def test_the_same_units_go_to_the_same_workers_in_the_same_order(lose_after: int | None) -> None:
    expected = _run(LoadGroupScheduling, lose_after)
    assert len(expected) > len(COLLECTION)
    assert _run(_OneUnitAMessage, lose_after) == expected


def _sent(log: list[Any]) -> list[tuple[int, ...]]:
    return [entry[1] for entry in log if isinstance(entry[1], tuple)]


@pytest.mark.parametrize("lose_after", [None, 5, 50])
def test_several_units_a_message_run_each_test_once_in_fewer_messages(
    lose_after: int | None,
) -> None:
    one_a_message = _run(_OneUnitAMessage, lose_after)
    log = _run(CountingGroupScheduling, lose_after)
    run = [index for indices in _sent(log) for index in indices]
    # The lost worker's tests not yet done are sent again, to another: none is missed.
    assert sorted(set(run)) == sorted(set(range(len(COLLECTION))) - {len(COLLECTION) - 1})
    assert len(_sent(log)) < len(_sent(one_a_message)) / 2
    assert log[-1] == one_a_message[-1] == ("pending", False, True)
    assert sum(entry[1] == "shutdown" for entry in log) == 3 - (lose_after is not None)
