"""Draw a graph's nodes and edges as text, in layers from top to bottom.

Each node goes in the layer one below its deepest predecessor. A layer is a row of
boxes; between two rows, `|` leaves each box with an edge down, a `-` bar joins them
when several meet, and `v` enters each box an edge reaches. That picture is exact when
every node of one row links to every node of the next (sequences, parallel maps); when
it is not, or an edge skips a row or points back up, the drawing is followed by the
edge list ("A -> B"), so no edge is ever left to guesswork.

    +-------------+
    | PromptInput |
    +-------------+
           |
           v
    +--------------------+
    | ChatPromptTemplate |
    +--------------------+
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

__all__ = ["draw"]

_GAP = 3  # spaces between boxes in a row


def _layers(names: Mapping[str, str], edges: Sequence[Any]) -> list[list[str]]:
    """Longest-path layering; edges that close a cycle are ignored for placement."""
    preds: dict[str, list[str]] = {n: [] for n in names}
    for e in edges:
        if e.source in names and e.target in names and e.source != e.target:
            preds[e.target].append(e.source)
    depth: dict[str, int] = {}
    visiting: set[str] = set()

    def visit(node: str) -> int:
        if node in depth:
            return depth[node]
        visiting.add(node)
        d = 0
        for p in preds[node]:
            if p not in visiting:  # a back edge: no constraint
                d = max(d, visit(p) + 1)
        visiting.discard(node)
        depth[node] = d
        return d

    for node in names:
        visit(node)
    rows: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for node in names:  # insertion order within a row: the order nodes were added
        rows[depth[node]].append(node)
    return rows


def _row(
    nodes: list[str], names: Mapping[str, str], width: int
) -> tuple[list[str], dict[str, int]]:
    """Three text lines of boxes, centred in `width`; each node's centre column."""
    boxes = [f"| {names[n]} |" for n in nodes]
    total = sum(len(b) for b in boxes) + _GAP * (len(boxes) - 1)
    x = max(0, width // 2 - total // 2)  # one box per row: all centred on one column
    lines = ["", "", ""]
    centres: dict[str, int] = {}
    for node, box in zip(nodes, boxes, strict=True):
        border = "+" + "-" * (len(box) - 2) + "+"
        for i, text in enumerate((border, box, border)):
            lines[i] = lines[i].ljust(x) + text
        centres[node] = x + len(box) // 2
        x += len(box) + _GAP
    return [line.rstrip() for line in lines], centres


def _put(line: list[str], col: int, char: str) -> None:
    while len(line) <= col:
        line.append(" ")
    line[col] = char


def draw(names: Mapping[str, str], edges: Sequence[Any]) -> str:
    """`names`: node id → label; `edges`: objects with `source` and `target` ids."""
    if not names:
        return ""
    rows = _layers(names, edges)
    widths = [sum(len(names[n]) + 4 for n in row) + _GAP * (len(row) - 1) for row in rows]
    width = max(widths)
    layer = {n: i for i, row in enumerate(rows) for n in row}
    out: list[str] = []
    exact = True
    placed: list[dict[str, int]] = []
    for i, row in enumerate(rows):
        lines, centres = _row(row, names, width)
        placed.append(centres)
        if i > 0:
            down = [e for e in edges if layer.get(e.source) == i - 1 and layer.get(e.target) == i]
            sources = sorted({placed[i - 1][e.source] for e in down})
            targets = sorted({centres[e.target] for e in down})
            pairs = {(e.source, e.target) for e in down}
            if len(pairs) != len(rows[i - 1]) * len(row):
                exact = False
            pipe: list[str] = []
            for col in sources:
                _put(pipe, col, "|")
            out.append("".join(pipe).rstrip())
            if len(sources) > 1 or len(targets) > 1 or sources != targets:
                bar: list[str] = []
                cols = sources + targets
                for col in range(min(cols), max(cols) + 1):
                    _put(bar, col, "-")
                out.append("".join(bar))
            arrow: list[str] = []
            for col in targets:
                _put(arrow, col, "v")
            out.append("".join(arrow).rstrip())
        out.extend(lines)
    for e in edges:
        if layer.get(e.target, -1) - layer.get(e.source, -1) != 1:
            exact = False
    if not exact:
        out.append("")
        out.append("Edges:")
        out.extend(
            f"  {names.get(e.source, e.source)} -> {names.get(e.target, e.target)}" for e in edges
        )
    return "\n".join(out)
