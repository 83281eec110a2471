"""Request lines written to local job files, split where a provider's limits say.

Lines are appended to the current job file until the next one would pass the limit on
requests or bytes (counting what the job's body adds around its lines); then that file
is closed as one job and a new one begins. Only the open file's counters are in memory,
whatever the input size. A single line over the byte limit is refused before anything
is sent, naming the row.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from typing import Any

from ..adapters.batch_api import Limits

__all__ = ["Spooler", "iter_lines", "iter_lines_at", "to_ranges"]


def to_ranges(indices: Iterable[int]) -> list[list[int]]:
    """Sorted, distinct `indices` as `[start, stop)` runs (how the handle stores them).

    >>> to_ranges([0, 1, 2, 7, 9, 10])
    [[0, 3], [7, 8], [9, 11]]
    """
    ranges: list[list[int]] = []
    for index in indices:
        if ranges and ranges[-1][1] == index:
            ranges[-1][1] = index + 1
        elif ranges and index < ranges[-1][1]:
            raise ValueError(f"indices must increase, got {index} after {ranges[-1][1] - 1}")
        else:
            ranges.append([index, index + 1])
    return ranges


def iter_lines(path: str | Path) -> Iterator[bytes]:
    """The non-empty lines of a local JSONL file, streamed."""
    for _, line in iter_lines_at(path):
        yield line


def iter_lines_at(path: str | Path) -> Iterator[tuple[int, bytes]]:
    """(byte offset, line) of each non-empty line: where to seek to read it again."""
    position = 0
    with open(path, "rb") as handle:
        for line in handle:
            if line.strip():
                yield position, line
            position += len(line)


class Spooler:
    """Writes `(index, line)` pairs into job files in `directory` named `<stem>-<k>.jsonl`.

    `add` returns the job record of a file it had to close to make room; `close` returns
    the last one (or None). Records are the handle's job dicts, not yet submitted.
    """

    def __init__(self, directory: Path, stem: str, limits: Limits, framing: tuple[int, int]):
        self.directory = directory
        self.stem = stem
        self.limits = limits
        self.once, self.per_line = framing
        self.files = 0
        self._out: IO[bytes] | None = None
        self._path: Path | None = None
        self._indices: list[int] = []
        self._bytes = 0

    def add(self, index: int, line: bytes) -> dict[str, Any] | None:
        size = len(line) + self.per_line
        if size + self.once > self.limits.max_bytes:
            raise ValueError(
                f"input row {index} makes a request of {size} bytes, over the provider's "
                f"limit of {self.limits.max_bytes} bytes per batch job"
            )
        closed = None
        full = len(self._indices) >= self.limits.max_requests
        if self._out is not None and (full or self._bytes + size > self.limits.max_bytes):
            closed = self.close()
        if self._out is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._path = self.directory / f"{self.stem}-{self.files}.jsonl"
            self._out = open(self._path, "wb")  # noqa: SIM115 - closed by close()
            self._bytes = self.once
            self.files += 1
        self._out.write(line + b"\n")
        self._bytes += size
        self._indices.append(index)
        return closed

    def close(self) -> dict[str, Any] | None:
        """Close the open job file; its record, or None if none was open."""
        if self._out is None or self._path is None:
            return None
        self._out.close()
        record: dict[str, Any] = {
            "id": None,
            "requests": str(self._path),
            "count": len(self._indices),
            "bytes": self._bytes,
            "ranges": to_ranges(sorted(self._indices)),
            "status": "unsent",
            "ended": False,
            "counts": {},
            "results": [],
            "collected": False,
        }
        self._out, self._path, self._indices, self._bytes = None, None, [], 0
        return record
