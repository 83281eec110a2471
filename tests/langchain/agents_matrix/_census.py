"""The matrix in numbers, for a closing note: `python -m tests.langchain.agents_matrix._census`.

Cells are the (scenario, wire) parameters of every file's tests; a gap or kept difference
counts where a cell has one (the shared tables and each family's own, `*_GAPS` /
`*_DIFFERENCES`); "distinct" counts the different texts of the kept differences.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections import defaultdict
from typing import Any

from . import _cells
from .test_cells import PACKAGE
from .test_cells import _cells_of
from .test_cells import _scenario_tables


def census() -> dict[str, Any]:
    cells: set[tuple[str, str]] = set()
    gaps: dict[tuple[str, str], Any] = dict(_cells.GAPS)
    kept: dict[tuple[str, str], Any] = dict(_cells.DIFFERENCES)
    tables = _scenario_tables()
    for name in tables:
        module = importlib.import_module(f"{PACKAGE}.{name}")
        cells |= _cells_of(module)
        for attr, value in vars(module).items():
            if attr.endswith("_GAPS") and not attr.startswith("FIELD"):
                gaps.update(value)
            if attr.endswith("_DIFFERENCES") and not attr.startswith("FIELD"):
                kept.update(value)
    gap_cells = sorted(k for k in gaps if k in cells)
    kept_cells = [k for k in kept if k in cells]
    distinct: dict[str, set[str]] = defaultdict(set)
    for key in kept_cells:
        distinct[kept[key].reason].add(kept[key].shows)
    return {
        "files": len(tables),
        "cells": len(cells),
        "gap cells": len(gap_cells),
        "gaps by scenario": dict(Counter(s for s, _ in gap_cells)),
        "kept cells by reason": dict(Counter(kept[k].reason for k in kept_cells)),
        "kept distinct by reason": {r: len(t) for r, t in distinct.items()},
    }


if __name__ == "__main__":
    for label, value in census().items():
        print(f"{label}: {value}")
