"""A resume notices an input edited under rows already done (chatplex.bulk.asked)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chatplex import init_chat_model
from chatplex.bulk import InputChangedError
from chatplex.bulk import export_sorted
from chatplex.bulk import iter_rows
from chatplex.bulk import run
from chatplex.bulk.asked import changed_rows
from chatplex.bulk.asked import request_digest
from chatplex.messages import HumanMessage
from chatplex.testing import MockServer

from .conftest import read_output


def _model(server: MockServer) -> Any:
    return init_chat_model("openai:gpt-4o-mini", base_url=server.url, api_key="sk-mock")


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _run(server: MockServer, source: Path, out: Path, **kwargs: Any) -> Any:
    return run(_model(server), source, output=out, concurrency=4, progress=False, **kwargs)


def test_the_digest_is_of_the_request_as_sent() -> None:
    asked = request_digest("What is tea?")
    assert asked is not None and len(asked) == 16
    assert request_digest([{"role": "user", "content": "What is tea?"}]) == asked
    assert request_digest("What is tea ?") != asked
    assert request_digest([{"content": "x", "role": "user"}]) == request_digest(
        [{"role": "user", "content": "x"}]
    )
    assert request_digest([HumanMessage("x")]) is None  # not JSON: not checked


def test_an_edited_prompt_under_the_same_id_is_refused_before_any_request(
    tmp_path: Path, server: MockServer
) -> None:
    rows = [{"id": f"q{i}", "prompt": f"question {i}"} for i in range(20)]
    source, out = _write(tmp_path / "in.jsonl", rows), tmp_path / "out.jsonl"
    _run(server, source, out)
    assert all(len(row["asked"]) == 16 for row in read_output(out))
    before, sent = out.read_bytes(), server.stats.requests
    rows[3]["prompt"], rows[11]["prompt"] = "question 3, edited", "question 11, edited"
    _write(source, rows)
    with pytest.raises(InputChangedError) as caught:
        _run(server, source, out)
    message = str(caught.value)
    assert "2 rows done there were asked something else" in message
    assert "'q3' (line 4), 'q11' (line 12)" in message
    assert "Name another output" in message and "--redo-changed" in message
    assert server.stats.requests == sent and out.read_bytes() == before


def test_a_line_inserted_in_a_file_without_ids_is_refused(
    tmp_path: Path, server: MockServer
) -> None:
    # Ids are line numbers: a line inserted at line 2 gives every later id another prompt.
    rows = [{"prompt": f"question {i}"} for i in range(10)]
    source, out = _write(tmp_path / "in.jsonl", rows), tmp_path / "out.jsonl"
    _run(server, source, out)
    sent = server.stats.requests
    _write(source, [rows[0], {"prompt": "a new question"}, *rows[1:]])
    with pytest.raises(InputChangedError, match=r"9 rows done .*\(2 \(line 2\), 3 \(line 3\)"):
        _run(server, source, out)
    assert server.stats.requests == sent


def test_an_unchanged_input_resumes_and_asks_nothing(tmp_path: Path, server: MockServer) -> None:
    rows = [{"id": i, "messages": [{"role": "user", "content": f"q {i}"}]} for i in range(30)]
    source, out = _write(tmp_path / "in.jsonl", rows), tmp_path / "out.jsonl"
    _run(server, source, out)
    sent = server.stats.requests
    again = _run(server, source, out)
    assert (again.skipped, again.succeeded, server.stats.requests) == (30, 0, sent)


def test_an_output_written_without_digests_resumes_as_before(
    tmp_path: Path, server: MockServer
) -> None:
    rows = [{"id": f"q{i}", "prompt": f"question {i}"} for i in range(6)]
    source, out = _write(tmp_path / "in.jsonl", rows), tmp_path / "out.jsonl"
    _run(server, source, out)
    old = [{k: v for k, v in row.items() if k != "asked"} for row in read_output(out)]
    _write(out, old)  # as an earlier chatplex (or --batch-api) wrote it
    rows[0]["prompt"] = "edited"
    _write(source, rows)
    sent = server.stats.requests
    again = _run(server, source, out)
    assert (again.skipped, server.stats.requests) == (6, sent)


def test_redo_changed_asks_only_the_changed_rows_and_replaces_them(
    tmp_path: Path, server: MockServer
) -> None:
    rows = [{"id": f"q{i}", "prompt": f"question {i}"} for i in range(12)]
    source, out = _write(tmp_path / "in.jsonl", rows), tmp_path / "out.jsonl"
    _run(server, source, out)
    sent = server.stats.requests
    rows[5]["prompt"] = "question 5, edited"
    _write(source, rows)
    report = tmp_path / "report.html"
    summary = _run(server, source, out, redo_changed=True, report=report)
    assert server.stats.requests == sent + 1
    assert (summary.skipped, summary.succeeded, summary.redone) == (11, 1, 1)
    assert summary.complete and "1 rows whose input changed" in summary.format()
    written = read_output(out)
    assert [row["id"] for row in written].count("q5") == 1 and len(written) == 12
    sorted_out = tmp_path / "sorted.jsonl"
    assert export_sorted(out, sorted_out, (row.id for row in iter_rows(source))) == 12
    in_order = read_output(sorted_out)
    assert in_order[5]["text"] == "Echo: question 5, edited"
    assert [row["id"] for row in in_order] == [row["id"] for row in rows]
    assert "12" in report.read_text()  # the report reads the output: 12 rows, not 13
    again = _run(server, source, out)  # and the next resume finds nothing changed
    assert (again.skipped, server.stats.requests) == (12, sent + 1)


def test_a_list_of_inputs_is_checked_as_a_file_is(tmp_path: Path, server: MockServer) -> None:
    out = tmp_path / "out.jsonl"
    run(_model(server), ["a", "b", "c"], output=out, progress=False)
    with pytest.raises(InputChangedError, match=r"1 row .*\(1 \(line 1\)\)"):
        run(_model(server), ["a", "B", "c"], output=out, progress=False)


def test_changed_rows_joins_in_runs_on_disk(tmp_path: Path) -> None:
    out = _write(
        tmp_path / "out.jsonl",
        [{"id": i, "text": "t", "asked": request_digest(f"p{i}")} for i in range(100)],
    )
    source = _write(
        tmp_path / "in.jsonl",
        [{"id": i, "prompt": f"p{i}" if i % 10 else "new"} for i in range(120)],
    )
    changed = changed_rows(out, lambda: iter_rows(source))
    assert changed.count == 10 and len(changed.keys) == 10
    assert changed.first == [(0, 1), (10, 11), (20, 21), (30, 31), (40, 41)]
    assert changed.named().endswith("and 5 more")
