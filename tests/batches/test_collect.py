"""locate / RowReader: rows found in result files of any order, read back in input order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chatplex.adapters.batch_api import Outcome
from chatplex.batches.collect import KINDS
from chatplex.batches.collect import RowReader
from chatplex.batches.collect import kind_of
from chatplex.batches.collect import locate
from chatplex.batches.errors import BatchCanceledError
from chatplex.batches.errors import BatchExpiredError
from chatplex.batches.errors import BatchFormatError
from chatplex.batches.store import Handle
from chatplex.errors import APIError
from chatplex.messages import AIMessage


class LineAPI:
    """A Batch API whose result lines are `{"custom_id", "text"}` (a reply),
    `{"custom_id", "error"}` or `{"custom_id", "expired": true}`; counts its parses."""

    def __init__(self) -> None:
        self.parsed = 0

    def parse_row(self, line: bytes) -> tuple[str, Outcome]:
        self.parsed += 1
        data = json.loads(line)
        if "text" in data:
            return data["custom_id"], AIMessage(content=data["text"])
        if data.get("expired"):
            return data["custom_id"], BatchExpiredError("expired", provider="test")
        return data["custom_id"], APIError(data["error"], provider="test")


def write(path: Path, rows: list[dict[str, Any]]) -> str:
    path.write_text("".join(json.dumps(row) + "\n\n" for row in rows))  # blank lines too
    return str(path)


def handle(tmp_path: Path, count: int, jobs: list[dict[str, Any]]) -> Handle:
    return Handle(
        provider="test",
        model="m",
        base_url="http://127.0.0.1",
        count=count,
        path=tmp_path / "h.json",
        data_dir=tmp_path,
        prefix="cpbx",
        jobs=jobs,
    )


def unanswered(number: int, index: int) -> APIError:
    return APIError(f"job {number} never answered row {index}", provider="test")


def test_rows_come_back_in_input_order_each_from_its_latest_job(tmp_path: Path) -> None:
    # Job 0 ran rows 0-4 (answers out of order, row 2 failed, row 4 never answered);
    # job 1 retried rows 2 and 4 and answered both.
    first = write(
        tmp_path / "0.jsonl",
        [
            {"custom_id": "cpbx-3", "text": "three"},
            {"custom_id": "cpbx-0", "text": "zero"},
            {"custom_id": "cpbx-2", "error": "boom"},
            {"custom_id": "cpbx-1", "expired": True},
        ],
    )
    retry = write(
        tmp_path / "1.jsonl",
        [{"custom_id": "cpbx-4", "text": "four"}, {"custom_id": "cpbx-2", "text": "two"}],
    )
    jobs = [
        {"ranges": [[0, 5]], "results": [first]},
        {"ranges": [[2, 3], [4, 5]], "results": [retry]},
    ]
    api = LineAPI()
    found = locate(handle(tmp_path, 5, jobs), api)

    assert [found.kind_name(i) for i in range(5)] == [
        "succeeded",
        "expired",
        "succeeded",
        "succeeded",
        "succeeded",
    ]
    assert list(found.owner) == [0, 0, 1, 0, 1]
    # Each job's counts are what it answered; job 0 counted row 4 as never answered.
    assert jobs[0]["counts"] == {
        "pending": 0,
        "succeeded": 2,
        "errored": 2,
        "expired": 1,
        "canceled": 0,
    }
    assert jobs[1]["counts"]["succeeded"] == 2
    assert all(job["collected"] for job in jobs)

    with RowReader(found, api, unanswered) as reader:
        rows = reader.read(0, 5)
        assert [kind_of(row) for row in rows] == [found.kind_name(i) for i in range(5)]
        assert [row.text for row in rows if isinstance(row, AIMessage)] == [
            "zero",
            "two",
            "three",
            "four",
        ]
        assert [row.text for row in reader.read(3, 5) if isinstance(row, AIMessage)] == [
            "three",
            "four",
        ]


def test_a_row_its_job_never_answered_reads_as_that_jobs_error(tmp_path: Path) -> None:
    path = write(tmp_path / "0.jsonl", [{"custom_id": "cpbx-0", "text": "zero"}])
    found = locate(handle(tmp_path, 2, [{"ranges": [[0, 2]], "results": [path]}]), LineAPI())
    assert found.kind_name(1) == "errored"
    with RowReader(found, LineAPI(), unanswered) as reader:
        row = reader.read(1, 2)[0]
    assert isinstance(row, APIError) and row.message == "job 0 never answered row 1"


def test_reading_a_slice_parses_only_that_slice(tmp_path: Path) -> None:
    rows = [{"custom_id": f"cpbx-{i}", "text": f"t{i}"} for i in reversed(range(100))]
    path = write(tmp_path / "0.jsonl", rows)
    found = locate(handle(tmp_path, 100, [{"ranges": [[0, 100]], "results": [path]}]), LineAPI())
    api = LineAPI()
    with RowReader(found, api, unanswered) as reader:
        got = reader.read(40, 50)
    assert [row.text for row in got if isinstance(row, AIMessage)] == [
        f"t{i}" for i in range(40, 50)
    ]
    assert api.parsed == 10


def test_the_reader_closes_its_files(tmp_path: Path) -> None:
    path = write(tmp_path / "0.jsonl", [{"custom_id": "cpbx-0", "text": "zero"}])
    found = locate(handle(tmp_path, 1, [{"ranges": [[0, 1]], "results": [path]}]), LineAPI())
    reader = RowReader(found, LineAPI(), unanswered)
    with reader:
        reader.read(0, 1)
        opened = list(reader._files.values())
        assert opened and not opened[0].closed
    assert opened[0].closed and not reader._files


def test_a_foreign_custom_id_is_a_format_error(tmp_path: Path) -> None:
    path = write(tmp_path / "0.jsonl", [{"custom_id": "other-0", "text": "x"}])
    with pytest.raises(BatchFormatError, match="other-0"):
        locate(handle(tmp_path, 1, [{"ranges": [[0, 1]], "results": [path]}]), LineAPI())


def test_kinds() -> None:
    assert KINDS[0] == "pending"
    assert kind_of(AIMessage(content="x")) == "succeeded"
    assert kind_of(BatchExpiredError("x", provider="p")) == "expired"
    assert kind_of(BatchCanceledError("x", provider="p")) == "canceled"
    assert kind_of(APIError("x", provider="p")) == "errored"
