from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from chatplex.bulk.journal import Journal, JournalError, export_sorted


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_rows_appended_and_read_back_as_done(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "out.jsonl"
    with Journal(path) as journal:
        assert not journal.is_done("a")
        journal.write({"id": "a", "text": "x"})
        journal.write({"id": 2, "error": {"type": "E", "status": 500, "message": "m"}})
    reopened = Journal(path)
    reopened.close()
    assert reopened.is_done("a") and reopened.is_done(2) and not reopened.is_done("2")
    assert (reopened.state.succeeded, reopened.state.failed) == (1, 1)


def test_torn_last_line_is_cut_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"id": "a", "text": "x"}\n{"id": "b", "te')  # a write cut by SIGKILL
    with caplog.at_level(logging.WARNING, "chatplex.bulk"), Journal(path) as journal:
        assert journal.is_done("a") and not journal.is_done("b")
        assert journal.state.torn_bytes == len(b'{"id": "b", "te')
        journal.write({"id": "b", "text": "y"})
    assert "torn last line" in caplog.text
    assert [r["id"] for r in _lines(path)] == ["a", "b"]


def test_a_file_that_is_one_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"id": "a"')
    with Journal(path) as journal:
        assert not journal.is_done("a")
    assert path.read_bytes() == b""


def test_broken_line_in_the_middle_is_an_error_not_a_repair(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    original = b'{"id": "a"}\nnot json\n{"id": "c"}\n'
    path.write_bytes(original)
    with pytest.raises(JournalError, match=r"out.jsonl:2: not a JSON line"):
        Journal(path)
    assert path.read_bytes() == original  # nothing dropped silently
    path.write_bytes(b'{"text": "no id"}\n')
    with pytest.raises(JournalError, match=r":1: not an output row"):
        Journal(path)


def test_retry_failed_drops_error_rows_only(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text(
        '{"id": "a", "text": "x"}\n{"id": "b", "error": {"type": "E"}}\n{"id": "c", "text": "z"}\n'
    )
    with Journal(path, retry_failed=True) as journal:
        assert journal.state.dropped_failed == 1
        assert journal.is_done("a") and journal.is_done("c") and not journal.is_done("b")
    assert [r["id"] for r in _lines(path)] == ["a", "c"]
    assert not (tmp_path / "out.jsonl.retry-tmp").exists()


def test_export_sorted_follows_input_order(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": 3, "text": "c"}\n{"id": 1, "text": "a"}\n{"id": 2, "text": "b"}\n')
    assert export_sorted(path, tmp_path / "sorted.jsonl", [1, 2, 3]) == 3
    assert [r["text"] for r in _lines(tmp_path / "sorted.jsonl")] == ["a", "b", "c"]
    with pytest.raises(JournalError, match="no row for id 4"):
        export_sorted(path, tmp_path / "sorted.jsonl", [1, 4])
