"""The output file as a journal: what is in it is done, so a rerun carries on from there.

Each finished row is appended as one line with one unbuffered `write`, so a SIGKILL
loses only the rows in flight: what the kernel has, a killed process keeps. (No fsync
per row: a power cut may lose the last seconds of rows, which the next run sends again.)
Opening a journal reads the ids already there (8 bytes each, see `idset`) and repairs
a torn last line (a write cut short: no newline at the end) by cutting it off, with a
warning; its row simply runs again. A broken line anywhere else is an error naming it:
the file is not silently rewritten.

Opening also rewrites the file without the error rows a plain rerun sends again: those
that were not the row's fault (`records.RERUN_KINDS`: a lost connection, a timeout, a
429 or 5xx, a 401/403/404 from a wrong key, URL or model); `retry_failed=True` drops
every error row. The rewrite is a temporary file then an atomic rename (a crash leaves
the old or the new file, whole), so the file keeps one line per id.

One run at a time: a journal holds an exclusive lock (`flock` on OUT.lock beside it, the
holder's pid written in it) from before that rewrite until it closes, then removes
OUT.lock; a second run on the same output is refused with a `JournalLockedError` naming
the holder.

Given `made_with` (the CLI: the models, their base URLs and the prompt template), a
journal keeps it beside the output, in OUT.run.json, when the output starts empty, and
refuses to resume an output whose OUT.run.json says otherwise (`SettingsChangedError`, naming each
change): rows made one way would mix with rows made another. Error rows this run
sends again are no such rows: an output of only those (a wrong URL or model, fixed)
takes the new settings. An output with rows and no
OUT.run.json (written by a run that recorded nothing) is resumed unchecked, and a
setting an older OUT.run.json lacks (`_KEPT_LATER`) is not compared.

Writes are checked: a write cut short (a full disk) is cut back to the last whole line
and raises `OutputWriteError`; the rows before it stay.

`export_sorted` writes the rows in input order to another file, in memory that does not
grow with the rows (an external sort, see `extsort`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import tempfile
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from typing import Any

from .extsort import RUN_SIZE
from .extsort import PairSorter
from .extsort import last_per_key
from .idset import IdSet
from .idset import id_key
from .records import ASKED
from .records import RERUN_KINDS
from .records import encode
from .records import row_error_kind

__all__ = [
    "Journal",
    "JournalError",
    "JournalLockedError",
    "JournalState",
    "OutputWriteError",
    "SettingsChangedError",
    "export_sorted",
    "run_settings_path",
]

_log = logging.getLogger("chatplex.bulk")


class JournalError(ValueError):
    """The output file cannot be used as a journal: it holds something that is not a
    journal line (named), it is a directory, or it is in use."""


class JournalLockedError(JournalError):
    """Another run is writing the same output file; names its pid."""


class SettingsChangedError(JournalError):
    """The output holds rows made with other settings (its OUT.run.json says which):
    resuming would mix them."""


class OutputWriteError(JournalError):
    """A row could not be written (a full disk, a quota); the file ends at the last whole
    row. `errno`: the OS error number, when the OS gave one."""

    def __init__(self, message: str, errno: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno


@dataclass(slots=True)
class JournalState:
    """What an existing output file holds, as found when it was opened."""

    done: IdSet
    succeeded: int = 0
    failed: int = 0
    dropped_failed: int = 0
    torn_bytes: int = 0
    asked: int = 0  # rows that record what they were asked (`asked`)
    redone: int = 0  # rows dropped by `redo`, to be asked again


def _parse(line: bytes, path: Path, line_no: int) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise JournalError(
            f"{path}:{line_no}: not a JSON line ({exc}); fix or move the file"
        ) from None
    if not isinstance(record, dict) or "id" not in record:
        raise JournalError(f"{path}:{line_no}: not an output row (no 'id'); fix or move the file")
    if "text" not in record and "error" not in record:  # (an input row, say)
        raise JournalError(
            f"{path}:{line_no}: not an output row (no 'text' or 'error'); is it an input "
            "file? Name another output"
        )
    return record


def _check_first_row(path: Path) -> None:
    """The file's first line, when whole, parsed as an output row: a file that is not an
    output (an input named by mistake) is refused before `_repair` cuts or rewrites it."""
    with path.open("rb") as file:
        line = file.readline()
    if line.endswith(b"\n"):
        _parse(line, path, 1)


def run_settings_path(output: str | Path) -> Path:
    """Where an output's `made_with` is kept: OUT.run.json beside it."""
    output = Path(output)
    return output.with_name(output.name + ".run.json")


#: Settings a record written before they were kept lacks: not compared with it.
_KEPT_LATER = frozenset({"base_url"})


def _check_made_with(path: Path, made_with: Mapping[str, object], every_error: bool) -> None:
    """Keep `made_with` beside an output that keeps no row yet (empty, or only error rows
    this run sends again: a wrong URL or model fixed, say); refuse an output whose rows
    were made with other settings."""
    record = run_settings_path(path)
    now = json.loads(json.dumps(made_with))  # (tuples as the lists the file holds)
    if not path.exists() or not _keeps_a_row(path, every_error):
        temporary = record.with_name(record.name + ".tmp")
        temporary.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
        temporary.replace(record)
        return
    try:
        before = json.loads(record.read_text())
    except FileNotFoundError:
        return  # its rows came from a run that recorded nothing: there is nothing to hold
    except (OSError, ValueError) as exc:
        raise JournalError(f"{record}: cannot read it ({exc}); fix or delete it") from None
    if not isinstance(before, dict):
        raise JournalError(f"{record}: not a JSON object; fix or delete it")
    changed = [
        name
        for name in sorted(now.keys() | before.keys())
        if before.get(name) != now.get(name) and (name in before or name not in _KEPT_LATER)
    ]
    if changed:
        words = "; ".join(
            f"{name} was {before.get(name)!r}, now {now.get(name)!r}" for name in changed
        )
        raise SettingsChangedError(
            f"{path} holds rows made with other settings ({words}): resuming would mix "
            f"them. Name another output, or delete {record} to mix them knowingly"
        )


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


def _dropped(record: dict[str, Any], every_error: bool) -> bool:
    """Whether a rerun drops the row to send it again (see the module's docstring)."""
    error = record.get("error")
    if error is None:
        return False
    return every_error or not isinstance(error, dict) or row_error_kind(error) in RERUN_KINDS


def _keeps_a_row(path: Path, every_error: bool) -> bool:
    """Whether the file holds a row a rerun keeps (read up to the first; a line that is
    not a row counts as kept: the repair names or cuts it)."""
    with path.open("rb") as source:
        for line in source:
            try:
                record = json.loads(line)
            except ValueError:
                return True
            if not isinstance(record, dict) or not _dropped(record, every_error):
                return True
    return False


def _rerun_errors(path: Path, every_error: bool) -> int:
    """Rewrite the file without the error rows to send again; how many were dropped."""
    return _rewrite_without(path, lambda record: _dropped(record, every_error))


def _rewrite_without(path: Path, drop: Callable[[dict[str, Any]], bool]) -> int:
    """Rewrite the file without the rows `drop` picks (atomically, and only when there
    are some); how many were dropped."""
    with path.open("rb") as source:
        if not any(drop(_parse(line, path, n)) for n, line in enumerate(source, start=1)):
            return 0
    count = 0
    temporary = path.with_name(path.name + ".retry-tmp")
    with path.open("rb") as source, temporary.open("wb") as target:
        for line_no, line in enumerate(source, start=1):
            if drop(_parse(line, path, line_no)):
                count += 1
            else:
                target.write(line)
        target.flush()
        os.fsync(target.fileno())
    os.replace(temporary, path)
    return count


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _lock(path: Path) -> int:
    """An exclusive lock on OUT.lock beside the output, held until the journal closes;
    JournalLockedError naming the holder when another run has it.

    The holder removes OUT.lock when it closes (`_unlock`), so a run leaves no file
    behind. A run that opened the file just before its holder removed it would lock a
    file no one else can see: after locking, the path must still name the file locked,
    else the lock is taken again on the file there now."""
    lock_path = _lock_path(path)
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise JournalLockedError(
                f"{path} is being written by another run (pid {holder}); wait for it to "
                "end or stop it, or give another --output"
            ) from None
        if _names(lock_path, fd):
            break
        os.close(fd)  # removed by the run that held it as this one took it: again
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _names(lock_path: Path, fd: int) -> bool:
    """Does `lock_path` still name the file open as `fd`?"""
    try:
        named = os.stat(lock_path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _unlock(path: Path, fd: int) -> None:
    """Remove OUT.lock, then let go of it: removed while still held, so no other run
    can have locked it in between (and one that opened it meanwhile sees it gone)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(_lock_path(path))
    os.close(fd)


class Journal:
    """An output file opened for appending rows; `state` is what it held before."""

    def __init__(
        self,
        path: str | Path,
        *,
        retry_failed: bool = False,
        made_with: Mapping[str, object] | None = None,
    ) -> None:
        self.path = Path(path)
        self.state = JournalState(done=IdSet())
        if self.path.is_dir():
            raise JournalError(
                f"{self.path} is a directory; name a file, e.g. {self.path}/out.jsonl"
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fd = _lock(self.path)  # before anything reads or rewrites the file
        try:
            if made_with is not None:  # before `_repair` rewrites a file it may refuse
                _check_made_with(self.path, made_with, retry_failed)
            if self.path.exists():
                self._repair(retry_failed)
            # Unbuffered: each row is one write() syscall, whole or (on a crash) cut short.
            self._file: IO[bytes] | None = self.path.open("ab", buffering=0)
            self._end = self._file.seek(0, os.SEEK_END)  # where the last whole line ends
        except BaseException:
            _unlock(self.path, self._lock_fd)
            raise

    def _repair(self, retry_failed: bool) -> None:
        _check_first_row(self.path)
        self.state.torn_bytes = _cut_torn_tail(self.path)
        if self.state.torn_bytes:
            _log.warning(
                "%s: cut a torn last line (%d bytes, a write cut short by a crash); "
                "its row will run again",
                self.path,
                self.state.torn_bytes,
            )
        self.state.dropped_failed = _rerun_errors(self.path, every_error=retry_failed)
        self._read_done()

    def _read_done(self) -> None:
        with self.path.open("rb") as file:
            for line_no, line in enumerate(file, start=1):
                record = _parse(line, self.path, line_no)
                self.state.done.add(id_key(record["id"]))
                self.state.asked += ASKED in record
                if "error" in record:
                    self.state.failed += 1
                else:
                    self.state.succeeded += 1

    def redo(self, keys: IdSet) -> int:
        """Drop the rows whose id's `id_key` is in `keys` (to be asked again), with the
        same atomic rewrite as the error rows a rerun sends again; how many."""
        if self._file is None:
            raise ValueError(f"journal {self.path} is closed")
        count = _rewrite_without(self.path, lambda record: id_key(record["id"]) in keys)
        if count:
            # The rewrite is a new file: append to it, not to the one it replaced.
            self._file.close()
            self._file = self.path.open("ab", buffering=0)
            self._end = self._file.seek(0, os.SEEK_END)
            self.state.done = IdSet()
            self.state.succeeded = self.state.failed = self.state.asked = 0
            self._read_done()
        self.state.redone += count
        return count

    def is_done(self, row_id: str | int) -> bool:
        return id_key(row_id) in self.state.done

    def write(self, record: dict[str, Any]) -> None:
        """Append one row; OutputWriteError (the file cut back to its last whole row)
        when the OS takes less than the whole line."""
        if self._file is None:
            raise ValueError(f"journal {self.path} is closed")
        line = encode(record)
        try:
            written = self._file.write(line)
        except OSError as exc:
            self._cut_back()
            raise OutputWriteError(
                f"{self.path}: cannot write a row ({exc.strerror or exc}); the rows before "
                "it are kept",
                exc.errno,
            ) from None
        if written != len(line):
            self._cut_back()
            raise OutputWriteError(
                f"{self.path}: a row was written short ({written} of {len(line)} bytes: "
                "is the disk full?); the rows before it are kept"
            )
        self._end += written

    def _cut_back(self) -> None:
        # A torn line would be cut at the next open anyway; cutting it now keeps the file
        # whole for anyone reading it meanwhile.
        if self._file is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._file.fileno(), self._end)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._lock_fd >= 0:
            _unlock(self.path, self._lock_fd)  # releases the lock, and leaves no file
            self._lock_fd = -1

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def export_sorted(
    output: str | Path, target: str | Path, ids: Iterable[str | int], *, run_size: int = RUN_SIZE
) -> int:
    """Write `output`'s rows to `target` in the order of `ids` (the input's order);
    the rows written. An id with no row in the output is an error naming it (the first
    in `ids`), raised before `target` is opened; an id given twice gets its row twice,
    and of two rows with one id the later is written.

    Memory does not grow with the rows: an external sort (`extsort`, at most `run_size`
    pairs held at once) matches each id's key with its row's offset, then puts the
    offsets in input order. Its temporary files (~50 bytes a row, in TMPDIR) are
    removed at the end, whether or not the export succeeded."""
    output, target = Path(output), Path(target)
    if target.exists() and target.samefile(output):  # opening it to write would empty it
        raise JournalError(f"{target}: it is the output; name another file for the export")
    with (
        tempfile.TemporaryDirectory(prefix="chatplex-sort-") as temporary,
        output.open("rb") as file,
    ):
        folder = Path(temporary)
        rows = PairSorter(folder, run_size=run_size)  # (id key, row offset)
        offset = 0
        for line_no, line in enumerate(file, start=1):
            rows.add(id_key(_parse(line, output, line_no)["id"]), offset)
            offset += len(line)
        found = last_per_key(rows.sorted())
        # Each id is kept in a file of its own, so that a missing one can be named; its
        # offset there is its place in the input order.
        with (folder / "ids").open("w+b") as id_file:
            wanted = PairSorter(folder, run_size=run_size)  # (id key, place)
            for row_id in ids:
                wanted.add(id_key(row_id), id_file.tell())
                id_file.write(json.dumps(row_id).encode() + b"\n")
            order = PairSorter(folder, run_size=run_size)  # (place, row offset)
            missing = _join(found, wanted.sorted(), order)
            if missing is not None:
                id_file.seek(missing)
                row_id = json.loads(id_file.readline())
                raise JournalError(f"{output}: no row for id {row_id!r}; run again first")
        written = 0
        try:
            with target.open("wb") as out:
                for _, position in order.sorted():
                    file.seek(position)
                    out.write(file.readline())
                    written += 1
        except OSError as exc:  # a full disk fails in write() or close(): no file named
            if exc.filename is None:
                exc.filename = str(target)
            raise
    return written


def _join(
    found: Iterator[tuple[int, int]], wanted: Iterator[tuple[int, int]], order: PairSorter
) -> int | None:
    """Add (place, row offset) to `order` for each wanted (key, place), both sorted by
    key; the first place whose key has no row, if any."""
    missing: int | None = None
    current = next(found, None)
    for key, place in wanted:
        while current is not None and current[0] < key:
            current = next(found, None)
        if current is not None and current[0] == key:
            order.add(place, current[1])
        elif missing is None or place < missing:
            missing = place
    return missing
