"""`_cells.py`'s tables are keyed by (scenario name, wire): a name two script sets both use
must be one scenario, or a row written for one set judges the other's cell too."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from ._cells import Difference
from ._cells import assert_rows_name_cells
from ._cells import family_test
from ._generated import Kept
from ._generated import check_kept_shapes
from ._generated import check_rows
from ._generated import named_cells

PACKAGE = "tests.langchain.agents_matrix"


def _scenario_tables() -> dict[str, dict[str, Any]]:
    """Each matrix file's scenarios, by module name: its `SCENARIOS` and any other table
    named so (`CLIENT_SCENARIOS`: those run on fewer wires)."""
    tables = {}
    for found in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if found.name.startswith("test_") and found.name != "test_cells":
            module = importlib.import_module(f"{PACKAGE}.{found.name}")
            scenarios = {
                name: scenario
                for attribute, table in vars(module).items()
                if attribute.endswith("SCENARIOS") and isinstance(table, dict)
                for name, scenario in table.items()
            }
            if scenarios:
                tables[found.name] = scenarios
    return tables


def _cells_of(module: Any) -> set[tuple[str, str]]:
    """The (scenario, wire) cells `module`'s tests are parametrized over."""
    found = set()
    for test in vars(module).values():
        marks = getattr(test, "pytestmark", [])
        for mark in marks if isinstance(marks, list) else [marks]:
            if mark.name == "parametrize" and tuple(mark.args[0]) == ("scenario", "wire"):
                found |= {tuple(param.values) for param in mark.args[1]}
    return found


def test_a_cell_means_one_scenario_in_every_file() -> None:
    meanings: dict[tuple[str, str], dict[Any, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, scenarios in _scenario_tables().items():
        module = importlib.import_module(f"{PACKAGE}.{name}")
        for scenario, wire in _cells_of(module):
            meanings[(scenario, wire)][scenarios[scenario]].append(name)
    assert len(meanings) > 2000, len(meanings)
    clashes = sorted(
        f"{scenario}-{wire}: {sorted(files for files in by_function.values())}"
        for (scenario, wire), by_function in meanings.items()
        if len(by_function) > 1
    )
    assert not clashes, "one cell, two scenarios (rename one):\n" + "\n".join(clashes)


def test_the_generated_files_row_checks_fail_on_a_stray_row() -> None:
    # _generated's checks, each generated file's last test: a row that names no cell of
    # the file, a kept shape that names no row; and a cell in two of a family's tables.
    kept = Difference("loses data", "it loses", lambda theirs: True)
    named = named_cells(["one", "two"], ("openai",), {"two": ("groq",)}, {})
    assert [c.id for c in named] == ["one-openai", "two-groq"]
    check_rows(named, {("two", "groq"): kept})
    with pytest.raises(AssertionError):
        check_rows(named, {("two", "openai"): kept})
    known = {("one", "openai"), ("two", "groq")}
    assert_rows_name_cells(known, {("one", "openai"): "a gap"}, {("two", "groq"): kept})
    with pytest.raises(AssertionError):
        assert_rows_name_cells(known, {("one", "openai"): "a gap"}, {("one", "openai"): kept})
    check_kept_shapes({"shape": Kept("two", lambda case, wire: True)}, {("two", "groq")})
    with pytest.raises(AssertionError):
        check_kept_shapes({"shape": Kept("three", lambda case, wire: True)}, {("two", "groq")})


def test_a_family_whose_table_names_a_cell_it_lacks_is_refused_where_it_is_made() -> None:
    # The row check of a family over its wires, made by `family_test` when the module
    # is collected: a stray row (a renamed scenario, a wire the family does not run on)
    # fails there.
    kept = Difference("loses data", "it loses", lambda theirs: True)
    scenarios: dict[str, Any] = {"one": None, "two": None}
    test = family_test(scenarios, ("openai",), differences={("two", "openai"): kept})
    assert [p.id for p in test.pytestmark[0].args[1]] == ["one-openai", "two-openai"]
    for stray in (("three", "openai"), ("one", "groq")):
        with pytest.raises(AssertionError):
            family_test(scenarios, ("openai",), differences={stray: kept})
