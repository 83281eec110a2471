"""pytest-xdist's `--dist loadgroup` scheduler, its bookkeeping kept in counts.

The controller's scheduler, on each test done, summed the tests left over every work unit
a worker was ever given (a list made of each unit's values), and, on each unit given,
looked each of its tests up in the whole collection (`list.index`). Both grow with the
run: over the suite's ~27k tests, ~25 s of the controller's CPU (measured by replaying
the suite's node ids through it), taken from the cores the workers run on. Here each
worker's units still open hold their count of tests left, and each worker's collection
its index of node ids: the same units, given in the same order.

A worker running low (2 tests left, as xdist's) is given units of `BATCH` tests or more
in one message, not one unit a message: most units are a test of no group, so xdist sent
a message for nearly every test done, ~15 % of the controller's CPU (py-spy, over
tests/providers, tests/core and tests/adapters, -n 4). With `BATCH` 4, the controller
took 1.7 s of CPU a thousand tests there, where it took 2.2 s (both runs at once, on a
loaded machine). A worker holds 6 tests at most, not 3: short ones, but for a group.
"""

from __future__ import annotations

from typing import Any

from xdist.scheduler import LoadGroupScheduling


class CountingGroupScheduling(LoadGroupScheduling):
    #: The fewest tests a worker running low is given in one message (a unit comes whole).
    BATCH = 4

    def __init__(self, config: Any, log: Any = None) -> None:
        super().__init__(config, log)
        #: Per workload (a worker's units, by id; kept here, so that no other takes its id,
        #: a lost worker's included): its units' tests left, for each unit with any.
        self._open: dict[int, tuple[dict[str, dict[str, bool]], dict[str, int]]] = {}
        #: Per worker: where each node id first is in its collection.
        self._positions: dict[Any, dict[str, int]] = {}

    def _open_of(self, workload: dict[str, dict[str, bool]]) -> dict[str, int]:
        entry = self._open.get(id(workload))
        if entry is None:
            left = {scope: n for scope, unit in workload.items() if (n := _left(unit))}
            entry = self._open[id(workload)] = (workload, left)
        return entry[1]

    def _pending_of(self, workload: dict[str, dict[str, bool]]) -> int:
        return sum(self._open_of(workload).values())

    def _assign_work_unit(self, node: Any) -> None:
        node.send_runtest_some(self._take_unit(node))

    def _take_unit(self, node: Any) -> list[int]:
        """The next unit of the queue, now `node`'s: the indices of its tests to run."""
        assert self.workqueue
        scope, work_unit = self.workqueue.popitem(last=False)
        assigned_to_node = self.assigned_work.setdefault(node, {})
        assigned_to_node[scope] = work_unit
        left = _left(work_unit)
        if left:
            self._open_of(assigned_to_node)[scope] = left
        positions = self._positions.get(node)
        if positions is None:
            positions = {}
            for index, nodeid in enumerate(self.registered_collections[node]):
                positions.setdefault(nodeid, index)
            self._positions[node] = positions
        return [positions[nodeid] for nodeid, completed in work_unit.items() if not completed]

    def _reschedule(self, node: Any) -> None:
        if node.shutting_down:
            return
        if not self.workqueue:
            node.shutdown()
            return
        if self._pending_of(self.assigned_work[node]) > 2:
            return
        indices = self._take_unit(node)
        while self.workqueue and len(indices) < self.BATCH:
            indices += self._take_unit(node)
        node.send_runtest_some(indices)

    def mark_test_complete(self, node: Any, item_index: int, duration: float = 0) -> None:
        nodeid = self.registered_collections[node][item_index]
        scope = self._split_scope(nodeid)
        workload = self.assigned_work[node]
        unit = workload[scope]
        if not unit[nodeid]:
            unit[nodeid] = True
            open_units = self._open_of(workload)
            open_units[scope] -= 1
            if not open_units[scope]:
                del open_units[scope]
        self._reschedule(node)


def _left(unit: dict[str, bool]) -> int:
    return sum(1 for completed in unit.values() if not completed)
