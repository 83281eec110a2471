"""Rows of a bulk run, streamed from JSONL, CSV or Parquet: never the whole file in memory.

A row is an id and the model's input. JSONL lines are objects: `{"id": 7, "prompt":
"..."}`, `{"id": "a", "messages": [...]}`, or any fields for a `--prompt` template
(`"Summarise {text}"`). CSV rows are the same with columns. Parquet needs pyarrow
(`pip install chatplex[parquet]`). A row without `id` (or with an empty one, as an
empty CSV cell) gets its line number: 1-based, a CSV's header counting as line 1, so it
is the line you would open in an editor; Parquet rows count from 1.

Bad input is an `InputError` naming the file and line, raised by `check_input` before any
request is sent: it reads the whole file once (streaming) so a typo on row 900,000 does
not surface hours into a run. The same pass counts the rows (the progress bar's total)
and rejects duplicate ids, which would make a resumed run ambiguous.
"""

from __future__ import annotations

import csv
import functools
import importlib
import json
import re
import string
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from typing import Any

from ..messages import coerce_messages
from .idset import IdSet
from .idset import id_key

__all__ = ["InputError", "InputSummary", "Row", "check_input", "iter_rows", "row_from_record"]

#: CSV fields can be long (whole documents); the default limit is 128 KiB.
_CSV_FIELD_LIMIT = 64 * 1024 * 1024


class InputError(ValueError):
    """The input file cannot be run as it is; the message names the file and the line."""


@dataclass(frozen=True, slots=True)
class Row:
    """One unit of work: `id` as given (or the line number) and what the model receives;
    `line`, where it came from (the file's line, an iterable's position)."""

    id: str | int
    input: Any
    line: int = 0


@dataclass(frozen=True, slots=True)
class InputSummary:
    """What `check_input` learned: how many rows the file holds."""

    rows: int


@functools.lru_cache(maxsize=16)
def _template_fields(template: str) -> tuple[str, ...]:
    try:
        return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)
    except ValueError as exc:
        raise InputError(f"--prompt template {template!r}: {exc}") from exc


def _is_null(record: Mapping[str, Any], field: str) -> bool:
    """Whether the record holds null where a template field (`name`, `name.attr` or
    `name[key]`) starts; a missing one is `format_map`'s KeyError."""
    name = field.split(".", 1)[0].split("[", 1)[0]
    return name in record and record[name] is None


def row_from_record(record: Any, line: int, template: str | None, where: str) -> Row:
    """A record (a dict from any format) as a `Row`, or an `InputError` saying why not."""
    if not isinstance(record, Mapping):
        raise InputError(f"{where}: expected an object, got {type(record).__name__}")
    row_id = record.get("id")
    if row_id is None or row_id == "":  # an empty CSV cell is no id
        row_id = line
    if isinstance(row_id, bool) or not isinstance(row_id, (str, int)):
        raise InputError(f"{where}: id must be a string or an integer, got {row_id!r}")
    if template is not None:
        null = next((name for name in _template_fields(template) if _is_null(record, name)), None)
        if null is not None:  # written "None" into a paid prompt otherwise
            raise InputError(f"{where}: --prompt field {null!r} is null in this row")
        try:
            return Row(row_id, template.format_map(record), line)
        except KeyError as exc:
            fields = sorted(k for k in record if k != "id")
            raise InputError(
                f"{where}: --prompt needs field {exc.args[0]!r}; this row has {fields}"
            ) from None
        except (ValueError, IndexError, AttributeError) as exc:
            raise InputError(f"{where}: --prompt template: {exc}") from None
    if "messages" in record:
        messages = record["messages"]
        if not isinstance(messages, list) or not messages:
            raise InputError(f"{where}: messages must be a non-empty list")
        try:
            coerce_messages(messages)  # checked now; the raw list is what runs (smaller)
        except (TypeError, ValueError) as exc:
            raise InputError(f"{where}: {exc}") from None
        return Row(row_id, messages, line)
    prompt = record.get("prompt")
    if isinstance(prompt, str) and prompt:
        return Row(row_id, prompt, line)
    fields = sorted(k for k in record if k != "id")
    raise InputError(
        f"{where}: no input: give a non-empty 'prompt' or 'messages', or a --prompt "
        f"template over the fields {fields}"
    )


def _text_lines(path: Path, file: IO[bytes]) -> Iterator[str]:
    """The file's lines decoded one at a time, so a bad byte is reported with its line.
    utf-8-sig on the first: a byte-order mark (Windows editors write one) is not content
    (in a CSV header it would rename the first column "\\ufeffid")."""
    for line_no, raw in enumerate(file, start=1):
        try:
            yield raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            byte = exc.object[exc.start : exc.start + 1].hex()
            raise InputError(
                f"{path}:{line_no}: not UTF-8 text (byte 0x{byte}); save the file as UTF-8"
            ) from None


def _jsonl_records(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open("rb") as file:
        for line_no, text in enumerate(_text_lines(path, file), start=1):
            if not text.strip():
                continue  # blank lines (a trailing newline) are not rows
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{line_no}: not valid JSON ({exc.msg})") from None
            if _SURROGATE_ESCAPE.search(text):
                _refuse_lone_surrogates(record, f"{path}:{line_no}")
            yield line_no, record


#: A `\uD800`-`\uDFFF` escape: half of a pair, or (alone) text no request can carry.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _refuse_lone_surrogates(record: Any, where: str) -> None:
    """A JSON line whose `\\u` escapes leave half a surrogate pair (a string cut between
    the two halves) decodes to text that cannot be sent as UTF-8: found now, not when the
    row's turn comes hours into the run."""
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        half = exc.object[exc.start : exc.start + 1]
        raise InputError(
            f"{where}: a lone surrogate escape (\\u{ord(half):04x}, half of a pair: a string "
            "cut in two?) is text that cannot be sent; fix or drop it"
        ) from None


def _csv_records(path: Path) -> Iterator[tuple[int, Any]]:
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    with path.open("rb") as file:
        reader = csv.DictReader(_text_lines(path, file))
        try:
            for record in reader:
                # line_num is where the record ended (a quoted field may span lines).
                if None in record:
                    raise InputError(f"{path}:{reader.line_num}: more fields than the header")
                if None in record.values():  # DictReader's filler for missing cells
                    missing = ", ".join(repr(k) for k, v in record.items() if v is None)
                    raise InputError(
                        f"{path}:{reader.line_num}: fewer fields than the header (no {missing})"
                    )
                yield reader.line_num, record
        except csv.Error as exc:
            raise InputError(f"{path}:{reader.line_num}: {exc}") from None


def _parquet_records(path: Path) -> Iterator[tuple[int, Any]]:
    try:
        # Optional (the `parquet` extra): only Parquet inputs need it.
        parquet = importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise InputError(
            f"{path}: reading Parquet needs pyarrow (pip install 'chatplex[parquet]')"
        ) from None
    line = 0
    try:
        for batch in parquet.ParquetFile(path).iter_batches(batch_size=4096):
            for record in batch.to_pylist():
                line += 1
                yield line, record
    except (ValueError, OSError) as exc:  # pyarrow's ArrowInvalid and ArrowIOError
        where = f"{path}:{line + 1}" if line else str(path)
        raise InputError(f"{where}: not a readable Parquet file ({exc})") from None


_READERS = {".jsonl": _jsonl_records, ".ndjson": _jsonl_records, ".csv": _csv_records}


def _records(path: Path) -> Iterator[tuple[int, Any]]:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _parquet_records(path)
    reader = _READERS.get(suffix)
    if reader is None:
        raise InputError(f"{path}: unknown input format {suffix!r}; use .jsonl, .csv or .parquet")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    return reader(path)


def iter_rows(path: str | Path, *, prompt: str | None = None) -> Iterator[Row]:
    """The file's rows in order, read as they are consumed."""
    path = Path(path)
    if prompt is not None:
        _template_fields(prompt)
    for line, record in _records(path):
        yield row_from_record(record, line, prompt, f"{path}:{line}")


def check_input(path: str | Path, *, prompt: str | None = None) -> InputSummary:
    """Read the whole file once: every row valid, ids unique. Memory: 8 bytes an id."""
    seen = IdSet()
    count = 0
    for row in iter_rows(path, prompt=prompt):
        key = id_key(row.id)
        if key in seen:
            raise InputError(f"{path}:{row.line}: duplicate id {row.id!r}")
        seen.add(key)
        count += 1
    return InputSummary(rows=count)
