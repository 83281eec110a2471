"""pytest-xdist's `--dist loadgroup` scheduler, its bookkeeping kept in counts.

The controller's scheduler, on each test done, summed the tests left over every work unit
a worker was ever given (a list made of each unit's values), and, on each unit given,
looked each of its tests up in the whole collection (`list.index`). Both grow with the
run: over the suite's ~27k tests, ~25 s of the controller's CPU (measured by replaying
the suite's node ids through it), taken from the cores the workers run on. Here each
worker's units still open hold their count of tests left, and each worker's collection
its index of node ids: the same units, given in the same order to the same workers.
"""

from __future__ import annotations

from typing import Any

from xdist.scheduler import LoadGroupScheduling


class CountingGroupScheduling(LoadGroupScheduling):
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
        node.send_runtest_some(
            [positions[nodeid] for nodeid, completed in work_unit.items() if not completed]
        )

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
