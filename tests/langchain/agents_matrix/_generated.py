"""The plumbing the generated differentials (`test_generated_*.py`) share.

Each of those files draws seeded cases on its wires and runs each on both sides (the
partner package's class and chatplex's, `_kit.run_cell`), compared; what the cases found
is a named scenario (a cell judged against the file's GAPS / DIFFERENCES tables, which
stay in the file), and the generator keeps that shape out of its draws only by a named
predicate (`Kept`) pointing at the row that holds it. What is here is the same in every
file: the cells, the two tests' bodies and the checks that the tables and the
predicates agree.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Generic
from typing import TypeVar

import pytest

from chatplex.testing import MockServer

from ._cells import Table
from ._cells import assert_rows_name_cells
from ._cells import cells
from ._cells import family_test
from ._cells import where_they_differ
from ._kit import WIRES
from ._kit import Scenario
from ._kit import run_cell

#: A file's generated case (each file has its own class).
Case = TypeVar("Case")


@dataclass(frozen=True)
class Kept(Generic[Case]):
    """A shape the generator keeps out (`where(case, wire)`), and the row holding it:
    a named cell (`scenario` on the wire), of the file's own tables or another's."""

    scenario: str
    where: Callable[[Case, str], bool]


def kept_out(kept: Mapping[str, Kept[Case]], case: Case, wire: str) -> bool:
    """Whether a shape `kept` names keeps `case` out of the draws on `wire`."""
    return any(shape.where(case, wire) for shape in kept.values())


def named_cells(
    scenarios: Iterable[str],
    wires: tuple[str, ...],
    only: Mapping[str, tuple[str, ...]],
    differences: Table,
) -> list[Any]:
    """The `(scenario, wire)` parameters of a file's named scenarios: each on `wires`, or
    on the wires `only` gives it."""
    return [
        cell
        for name in scenarios
        for cell in cells([name], only.get(name, wires), differences=differences)
    ]


def numbered_cases(wires: Iterable[str], count: int, prefix: str = "case") -> list[Any]:
    """The `(wire, number)` parameters of a file's generated cases, `count` per wire, each
    named `{prefix}{number}-{wire}`."""
    return [pytest.param(w, n, id=f"{prefix}{n}-{w}") for w in wires for n in range(count)]


def assert_same_case(
    scenario: Scenario, case: object, number: int, wire: str, server: MockServer
) -> None:
    """A generated case: both sides of its `scenario` on `wire` are the same; where not,
    the case is printed with each place they differ."""
    theirs, ours = run_cell(scenario, WIRES[wire], server)
    assert ours == theirs, f"case {number} on {wire} differs:\n{case}\n" + "\n".join(
        where_they_differ(theirs, ours)
    )


def generated_test(
    wires: Iterable[str],
    count: int,
    generate: Callable[[str, int], Case],
    scenario: Callable[[Case], Scenario],
    prefix: str = "case",
) -> Callable[[MockServer, str, int], None]:
    """The test of a file's generated cases, for the file to name `test_*`: `count` per
    wire of `wires` (`numbered_cases`), each `generate(wire, number)` run as
    `scenario(case)` on both sides and compared (`assert_same_case`)."""

    @pytest.mark.parametrize(("wire", "number"), numbered_cases(wires, count, prefix))
    def test(server: MockServer, wire: str, number: int) -> None:
        case = generate(wire, number)
        assert_same_case(scenario(case), case, number, wire, server)

    return test


def check_rows(named: list[Any], differences: Table) -> None:
    """Every row of a file's kept differences is one of its named cells."""
    assert_rows_name_cells({(c.values[0], c.values[1]) for c in named}, differences)


def check_kept_shapes(kept: Mapping[str, Kept[Any]], rows: Iterable[tuple[str, str]]) -> None:
    """Every shape a file's generator keeps out names a scenario with a row in `rows` (the
    tables that may hold it)."""
    scenarios = {scenario for scenario, _ in rows}
    for name, shape in kept.items():
        assert shape.scenario in scenarios, f"{name}: no row for {shape.scenario}"


@dataclass(frozen=True)
class NamedFamily:
    """A file's named scenarios (`scenarios` on `wires`, or on the wires `only` gives one)
    judged against its own tables: their cells, the test of them, and the check that the
    tables name those cells."""

    scenarios: Mapping[str, Scenario]
    wires: tuple[str, ...]
    only: Mapping[str, tuple[str, ...]]
    differences: Table

    def cells(self) -> list[Any]:
        return named_cells(self.scenarios, self.wires, self.only, self.differences)

    def test(self) -> Callable[[MockServer, str, str], None]:
        """The test of the named cells, for the file to name `test_*`."""
        return family_test(self.scenarios, params=self.cells(), differences=self.differences)

    def check_rows(self) -> None:
        """Every row of the file's kept differences is one of its named cells."""
        check_rows(self.cells(), self.differences)

    def check_rows_and_kept(
        self, kept: Mapping[str, Kept[Any]], rows: Iterable[tuple[str, str]]
    ) -> None:
        """`check_rows`, and every shape `kept` keeps out names a scenario with a row in
        `rows` (the tables that may hold it, the file's own and others')."""
        self.check_rows()
        check_kept_shapes(kept, rows)


def assert_same_reply(
    theirs: Any,
    ours: Any,
    case: object,
    body: Callable[[], bytes],
    events: Callable[[], list[bytes]],
) -> None:
    """A generated reply: both sides' outcomes are the same; where not, each place they
    differ is printed with the draw and the reply it was rendered as (its JSON `body`,
    its stream's `events`)."""
    if ours != theirs:
        json_body = body().decode()
        stream = b"".join(events()).decode("utf-8", "replace")
        differs = "\n".join(where_they_differ(theirs, ours))
        pytest.fail(f"differs:\n{differs}\n{case}\nJSON body: {json_body}\nstream: {stream}")
