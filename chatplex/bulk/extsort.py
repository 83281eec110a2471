"""Sorting more pairs of integers than should be held in memory: an external sort.

`PairSorter` takes `(a, b)` pairs of unsigned 64-bit integers and gives them back in
order (by `a`, then `b`). It holds at most `run_size` pairs at a time: each full run is
sorted and written to a file of 16-byte records (big-endian, so bytes compare as the
numbers do) in a folder the caller owns, and the runs are merged (`heapq.merge`), at most
`fan_in` at once: more runs than that are first merged into fewer, longer ones. Memory is
bounded by `run_size` and `fan_in`, not by how many pairs there are; the disk holds
16 bytes a pair (twice, while runs are merged into longer ones).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path

__all__ = ["FAN_IN", "RUN_SIZE", "PairSorter", "last_per_key"]

#: Pairs held at once (~45 bytes each as Python ints: ~6 MB).
RUN_SIZE = 1 << 17
#: Runs merged at once (each read through a buffer of `_CHUNK` records: ~1 MB).
FAN_IN = 64
_RECORD = 16
_CHUNK = 1024
_names = itertools.count()


def _records(path: Path) -> Iterator[bytes]:
    with path.open("rb") as file:
        while block := file.read(_RECORD * _CHUNK):
            for start in range(0, len(block), _RECORD):
                yield block[start : start + _RECORD]


class PairSorter:
    """`add` pairs, then iterate `sorted()` once; run files go in `folder`."""

    def __init__(self, folder: Path, *, run_size: int = RUN_SIZE, fan_in: int = FAN_IN) -> None:
        if run_size < 1 or fan_in < 2:
            raise ValueError("run_size must be at least 1 and fan_in at least 2")
        self._folder = folder
        self._run_size = run_size
        self._fan_in = fan_in
        self._held: list[int] = []
        self._runs: list[Path] = []
        #: The most pairs held in memory at once (what `run_size` bounds).
        self.most_held = 0

    def add(self, a: int, b: int) -> None:
        held = self._held
        held.append(a << 64 | b)
        if len(held) >= self._run_size:
            self._spill()

    def _new_run(self, records: Iterable[bytes]) -> Path:
        path = self._folder / f"run-{next(_names)}"  # (sorters may share a folder)
        records = iter(records)
        try:
            with path.open("wb") as file:
                while batch := b"".join(itertools.islice(records, _CHUNK)):
                    file.write(batch)
        except OSError as exc:  # a full disk fails in write() or close(): no file named
            if exc.filename is None:
                exc.filename = str(path)
            raise
        return path

    def _spill(self) -> None:
        self.most_held = max(self.most_held, len(self._held))  # (the most: just before)
        self._held.sort()
        self._runs.append(self._new_run(n.to_bytes(_RECORD, "big") for n in self._held))
        self._held = []

    def sorted(self) -> Iterator[tuple[int, int]]:
        """The pairs added, in order: the last run is written and too many runs merged
        into fewer now (nothing stays held), then merged as the pairs are read; each
        run file is removed once read."""
        if self._held:
            self._spill()
        runs, self._runs = self._runs, []
        while len(runs) > self._fan_in:
            group, runs = runs[: self._fan_in], runs[self._fan_in :]
            runs.append(self._new_run(heapq.merge(*map(_records, group))))
            for path in group:
                path.unlink()
        return self._merged(runs)

    @staticmethod
    def _merged(runs: list[Path]) -> Iterator[tuple[int, int]]:
        for record in heapq.merge(*map(_records, runs)):
            yield int.from_bytes(record[:8], "big"), int.from_bytes(record[8:], "big")
        for path in runs:
            path.unlink()


def last_per_key(pairs: Iterator[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Of sorted (key, value) pairs, the last of each key: its largest value (of row
    offsets, the later row)."""
    last: tuple[int, int] | None = None
    for pair in pairs:
        if last is not None and pair[0] != last[0]:
            yield last
        last = pair
    if last is not None:
        yield last
