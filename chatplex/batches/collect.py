"""Where each row of an ended batch is answered, found without holding the answers.

Result files come in any order (OpenAI writes rows as they finish), and a retried row
is answered by its latest job. `locate` reads every result file once and keeps, per
input row, the job that answered it last, the file and byte offset of its line, and
its kind (succeeded, errored, ...): 17 bytes a row. `RowReader` then reads rows back in
input order, a slice at a time, by seeking to their lines: collecting a batch of any
size holds one slice of replies, never all of them.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import IO
from typing import Any

from ..adapters.batch_api import BatchAPI
from ..adapters.batch_api import Outcome
from ..errors import APIError
from ..messages import AIMessage
from .errors import BatchCanceledError
from .errors import BatchExpiredError
from .errors import BatchFormatError
from .spool import iter_lines_at
from .store import Handle
from .wire import index_of

__all__ = ["KINDS", "Located", "RowReader", "kind_of", "locate"]

#: What a row can be, in the order `Located.kind` numbers them.
KINDS = ("pending", "succeeded", "errored", "expired", "canceled")
_ERRORED = KINDS.index("errored")


def kind_of(row: Any) -> str:
    if isinstance(row, AIMessage):
        return "succeeded"
    if isinstance(row, BatchExpiredError):
        return "expired"
    if isinstance(row, BatchCanceledError):
        return "canceled"
    return "errored"


class Located:
    """Per input row: `owner` (the job that answered it last), `file` (its result file's
    number in `paths`; -1: the job ended without answering it), `offset` (of its line)
    and `kind` (a number into `KINDS`)."""

    __slots__ = ("file", "kind", "offset", "owner", "paths")

    def __init__(self, count: int) -> None:
        self.paths: list[str] = []
        self.owner = array("i", [-1]) * count
        self.file = array("i", [-1]) * count
        self.offset = array("q", [0]) * count
        self.kind = bytearray(count)

    def kind_name(self, index: int) -> str:
        return KINDS[self.kind[index]]


def locate(handle: Handle, api: BatchAPI) -> Located:
    """One pass over every job's result files; sets each job's `counts` and marks it
    `collected` (the caller saves the handle)."""
    count, prefix = handle.count, handle.prefix
    found = Located(count)
    for number, job in enumerate(handle.jobs):
        for path in job.get("results") or ():
            at = len(found.paths)
            found.paths.append(path)
            for position, line in iter_lines_at(path):
                cid, outcome = api.parse_row(line)
                index = index_of(prefix, cid, count)
                if index is None:
                    raise BatchFormatError(f"{path}: custom_id {cid!r} is not from this batch")
                found.owner[index], found.file[index] = number, at
                found.offset[index] = position
                found.kind[index] = KINDS.index(kind_of(outcome))
        counts = dict.fromkeys(KINDS, 0)
        for start, stop in job["ranges"]:
            for index in range(start, stop):
                if found.owner[index] != number:  # this job ended without answering it
                    found.owner[index], found.file[index] = number, -1
                    found.kind[index] = _ERRORED
                counts[KINDS[found.kind[index]]] += 1
        job["counts"], job["collected"] = counts, True
    return found


class RowReader:
    """Reads located rows back (a context manager: it keeps the result files open).
    `unanswered(job_number, index)`: the error of a row its job ended without."""

    def __init__(
        self, found: Located, api: BatchAPI, unanswered: Callable[[int, int], APIError]
    ) -> None:
        self._found = found
        self._api = api
        self._unanswered = unanswered
        self._files: dict[int, IO[bytes]] = {}

    def read(self, start: int, stop: int) -> list[Outcome]:
        """Rows `start` to `stop` (exclusive), in input order."""
        found = self._found
        rows: list[Outcome] = []
        for index in range(start, stop):
            at = found.file[index]
            if at < 0:
                rows.append(self._unanswered(found.owner[index], index))
                continue
            handle = self._files.get(at)
            if handle is None:
                handle = self._files[at] = open(found.paths[at], "rb")  # noqa: SIM115
            handle.seek(found.offset[index])
            rows.append(self._api.parse_row(handle.readline())[1])
        return rows

    def close(self) -> None:
        files, self._files = self._files, {}
        for handle in files.values():
            handle.close()

    def __enter__(self) -> RowReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
