"""What each row was asked, so that a resume notices an edited input.

Every output row a run writes carries `asked`: 16 hex digits, the first 8 bytes of a
BLAKE2b digest of the row's request as chatplex sends it (its messages in canonical
JSON: a prompt is its one user message). On resume a row whose id is done but whose
`asked` differs from what the input asks now was answered for another question: a prompt
edited under its id, or, in a file whose rows take their line number as id, a line
inserted or removed above it. `changed_rows` finds them before any request, in memory
that does not grow with the rows: the (id, digest) pairs of the output and of the input
are sorted on disk (`extsort`) and joined by id; only the changed rows' ids are held
(8 bytes each).

Rows without `asked` are not checked and resume as before: those written before it
existed, by a Batch API run, or for an input that is not JSON (a message object given
from Python).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from .extsort import PairSorter
from .extsort import last_per_key
from .idset import IdSet
from .idset import id_key
from .inputs import Row
from .journal import Journal
from .journal import JournalError
from .records import ASKED

__all__ = [
    "ChangedRows",
    "InputChangedError",
    "changed_rows",
    "check_asked",
    "request_digest",
]

#: Changed rows named in a message (their count is always given).
_NAMED = 5
#: Pairs held at once while sorting (~1.5 MB): a resume's check stays small beside the ids.
_RUN_SIZE = 1 << 15


def request_digest(request: Any) -> str | None:
    """The digest of a row's request (a prompt or a list of messages), None when it is not
    JSON (it is then not checked on resume)."""
    messages = [{"role": "user", "content": request}] if isinstance(request, str) else request
    try:
        text = json.dumps(messages, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _as_number(asked: object) -> int | None:
    if not isinstance(asked, str) or len(asked) != 16:
        return None
    try:
        return int(asked, 16)
    except ValueError:
        return None


@dataclass(slots=True)
class ChangedRows:
    """Rows done in the output whose request differs now: `keys` their ids' `id_key`s,
    `first` the (id, line) of the first few in input order."""

    count: int = 0
    keys: IdSet = field(default_factory=IdSet)
    first: list[tuple[str | int, int]] = field(default_factory=list)

    def named(self) -> str:
        shown = ", ".join(f"{row_id!r} (line {line})" for row_id, line in self.first)
        more = f" and {self.count - len(self.first)} more" if self.count > len(self.first) else ""
        return f"{shown}{more}"


def changed_rows(output: Path, rows: Callable[[], Iterable[Row]]) -> ChangedRows:
    """The rows of `output` (a journal, whole) whose `asked` differs from the request the
    input (`rows`, read once, and again only to name what changed) gives their id now."""
    changed = ChangedRows()
    with tempfile.TemporaryDirectory(prefix="chatplex-asked-") as temporary:
        folder = Path(temporary)
        answered = PairSorter(folder, run_size=_RUN_SIZE)  # (id key, digest asked)
        with output.open("rb") as file:
            for line in file:
                record = json.loads(line)
                number = _as_number(record.get(ASKED))
                if number is not None:
                    answered.add(id_key(record["id"]), number)
        asking = PairSorter(folder, run_size=_RUN_SIZE)  # (id key, digest asked now)
        for row in rows():
            digest = request_digest(row.input)
            if digest is not None:
                asking.add(id_key(row.id), int(digest, 16))
        before = last_per_key(answered.sorted())
        current = next(before, None)
        for key, now in asking.sorted():
            while current is not None and current[0] < key:
                current = next(before, None)
            if current is not None and current[0] == key and current[1] != now:
                changed.keys.add(key)
                changed.count += 1
    if changed.count:
        for row in rows():
            if id_key(row.id) in changed.keys:
                changed.first.append((row.id, row.line))
                if len(changed.first) == _NAMED:
                    break
    return changed


class InputChangedError(JournalError):
    """The output holds rows answered for another request than the input gives their id
    now (a prompt edited, a line inserted above id-less rows): resuming would skip them."""


def check_asked(
    journal: Journal, rows: Callable[[], Iterable[Row]] | None, *, redo_changed: bool
) -> None:
    """Before any request: refuse a resume whose input changed under rows already done
    (`InputChangedError`: how many, the first few), or with `redo_changed` drop those
    rows from the output so that they are asked again. `rows` None (a source that cannot
    be read twice) or an output that records nothing asked: nothing to check."""
    if rows is None or not journal.state.asked:
        return
    changed = changed_rows(journal.path, rows)
    if not changed.count:
        return
    if redo_changed:
        journal.redo(changed.keys)
        return
    rows_were = "row done there was" if changed.count == 1 else "rows done there were"
    raise InputChangedError(
        f"{journal.path}: {changed.count} {rows_were} asked something else than "
        f"the input asks now ({changed.named()}): an edited prompt, or a line inserted or "
        "removed above rows whose id is their line number. Resuming would keep answers to "
        "questions no longer asked. Name another output to start afresh, or give "
        "--redo-changed (redo_changed=True) to ask those rows again and replace their rows"
    )
