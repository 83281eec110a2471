"""The output file as a journal: what is in it is done, so a rerun carries on from there.

Each finished row is appended as one line with one unbuffered `write`, so a SIGKILL
loses only the rows in flight: what the kernel has, a killed process keeps. (No fsync
per row: a power cut may lose the last seconds of rows, which the next run sends again.)
Opening a journal reads the ids already there (8 bytes each, see `idset`) and repairs
a torn last line (a write cut short: no newline at the end) by cutting it off, with a
warning; its row simply runs again. A broken line anywhere else is an error naming it:
the file is not silently rewritten.

`retry_failed=True` first rewrites the file without its error rows (a temporary file
then an atomic rename, so a crash leaves the old or the new file, whole), so those rows
run again and the file keeps one line per id.

`export_sorted` writes the rows in input order to another file.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .idset import IdSet, id_key
from .records import encode

__all__ = ["Journal", "JournalError", "JournalState", "export_sorted"]

_log = logging.getLogger("chatplex.bulk")


class JournalError(ValueError):
    """The output file holds something that is not a journal line; names the line."""


@dataclass(slots=True)
class JournalState:
    """What an existing output file holds, as found when it was opened."""

    done: IdSet
    succeeded: int = 0
    failed: int = 0
    dropped_failed: int = 0
    torn_bytes: int = 0


def _parse(line: bytes, path: Path, line_no: int) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise JournalError(
            f"{path}:{line_no}: not a JSON line ({exc}); fix or move the file"
        ) from None
    if not isinstance(record, dict) or "id" not in record:
        raise JournalError(f"{path}:{line_no}: not an output row (no 'id'); fix or move the file")
    return record


def _cut_torn_tail(path: Path) -> int:
    """Cut a last line that has no newline (a write cut short); the bytes cut."""
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb+") as file:
        file.seek(size - 1)
        if file.read(1) == b"\n":
            return 0
        # Find the last newline, reading backwards in blocks (a line may be long).
        end = size
        while end > 0:
            start = max(0, end - 65536)
            file.seek(start)
            block = file.read(end - start)
            index = block.rfind(b"\n")
            if index >= 0:
                keep = start + index + 1
                break
            end = start
        else:
            keep = 0
        file.truncate(keep)
        return size - keep


def _drop_failed(path: Path) -> int:
    """Rewrite the file without its error rows (atomically); how many were dropped."""
    dropped = 0
    temporary = path.with_name(path.name + ".retry-tmp")
    with path.open("rb") as source, temporary.open("wb") as target:
        for line_no, line in enumerate(source, start=1):
            if "error" in _parse(line, path, line_no):
                dropped += 1
            else:
                target.write(line)
        target.flush()
        os.fsync(target.fileno())
    os.replace(temporary, path)
    return dropped


class Journal:
    """An output file opened for appending rows; `state` is what it held before."""

    def __init__(self, path: str | Path, *, retry_failed: bool = False) -> None:
        self.path = Path(path)
        self.state = JournalState(done=IdSet())
        if self.path.exists():
            self.state.torn_bytes = _cut_torn_tail(self.path)
            if self.state.torn_bytes:
                _log.warning(
                    "%s: cut a torn last line (%d bytes, a write cut short by a crash); "
                    "its row will run again",
                    self.path,
                    self.state.torn_bytes,
                )
            if retry_failed:
                self.state.dropped_failed = _drop_failed(self.path)
            self._read_done()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # Unbuffered: each row is one write() syscall, whole or (on a crash) cut at the end.
        self._file: IO[bytes] | None = self.path.open("ab", buffering=0)

    def _read_done(self) -> None:
        with self.path.open("rb") as file:
            for line_no, line in enumerate(file, start=1):
                record = _parse(line, self.path, line_no)
                self.state.done.add(id_key(record["id"]))
                if "error" in record:
                    self.state.failed += 1
                else:
                    self.state.succeeded += 1

    def is_done(self, row_id: str | int) -> bool:
        return id_key(row_id) in self.state.done

    def write(self, record: dict[str, Any]) -> None:
        if self._file is None:
            raise ValueError(f"journal {self.path} is closed")
        self._file.write(encode(record))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def export_sorted(output: str | Path, target: str | Path, ids: Iterable[str | int]) -> int:
    """Write `output`'s rows to `target` in the order of `ids` (the input's order);
    the rows written. Holds an index of the output (id key → file offset, ~100 bytes a
    row) while it runs; an id with no row in the output is an error naming it."""
    output, target = Path(output), Path(target)
    offsets: dict[int, int] = {}
    with output.open("rb") as file:
        offset = 0
        for line_no, line in enumerate(file, start=1):
            offsets[id_key(_parse(line, output, line_no)["id"])] = offset
            offset += len(line)
        written = 0
        with target.open("wb") as out:
            for row_id in ids:
                position = offsets.get(id_key(row_id))
                if position is None:
                    raise JournalError(f"{output}: no row for id {row_id!r}; run again first")
                file.seek(position)
                out.write(file.readline())
                written += 1
    return written
