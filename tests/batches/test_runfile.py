"""run_file: the two calls of `chatplex run ... --batch-api` -- submit, then collect into
OUTPUT in the bulk-run row format, in input order."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chatplex.batches import Limits
from chatplex.batches import run_file


def _input(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"r{i}", "prompt": f"item {i}"}) for i in range(n)]
    lines.insert(3, json.dumps({"text": "no id"}))  # gets its line number
    path.write_text("\n".join(lines) + "\n")
    return path


def test_submit_then_collect(make_model: Callable[..., Any], tmp_path: Path) -> None:
    # Half the rows fail once: the row ids are random per handle, and at 0.2 one run in
    # a thousand had no failed row (0.8 ** 31), so nothing to check the error rows by.
    model = make_model("openai", errored=0.5, seconds=0.1)
    source, output = _input(tmp_path, 30), tmp_path / "out.jsonl"
    first = run_file(model, source, output, limits=Limits(10, 10**7))
    assert first.state == "submitted" and first.status.pending == 31
    assert first.handle.parent == tmp_path / "out.jsonl.batch"
    assert not output.exists()
    deadline = time.monotonic() + 30
    while (later := run_file(model, source, output)).state != "written":
        assert later.state == "running" and time.monotonic() < deadline
        time.sleep(0.05)
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert [row["id"] for row in rows] == [f"r{i}" for i in range(3)] + [4] + [
        f"r{i}" for i in range(3, 30)
    ]
    good = [row for row in rows if "text" in row]
    bad = [row for row in rows if "error" in row]
    assert good and bad and len(good) + len(bad) == 31
    assert set(good[0]) == {"id", "text", "usage", "cost", "attempts", "latency_s", "cached"}
    assert good[0]["text"].startswith("Echo: ")
    assert bad[0]["error"]["type"] == "ServerError" and bad[0]["error"]["status"] == 500


def test_wait_collects_in_one_call(make_model: Callable[..., Any], tmp_path: Path) -> None:
    model = make_model("anthropic")
    source, output = _input(tmp_path, 5), tmp_path / "out.jsonl"
    run_file(model, source, output)
    result = run_file(model, source, output, wait=True, poll_interval=0.02, timeout=30)
    assert result.state == "written" and result.status.succeeded == 6
    assert len(output.read_text().splitlines()) == 6
    # Priced at batch rates: half what the same replies cost in real time.
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert result.cost == pytest.approx(sum(row["cost"] for row in rows)) and result.cost > 0
    assert result.real_time_cost == pytest.approx(2 * result.cost)


def test_wait_on_the_first_call_submits_then_collects(
    make_model: Callable[..., Any], tmp_path: Path
) -> None:
    # `chatplex run --batch-api --wait` run once: it returned "submitted" (exit 75).
    source, output = _input(tmp_path, 5), tmp_path / "out.jsonl"
    result = run_file(
        make_model("openai"), source, output, wait=True, poll_interval=0.02, timeout=30
    )
    assert result.state == "written" and result.status.succeeded == 6
    assert len(output.read_text().splitlines()) == 6


def test_bad_rows_fail_before_anything_is_sent(
    make_model: Callable[..., Any], tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "prompt": "ok"}\n{"id": 2}\n')
    with pytest.raises(ValueError, match="in.jsonl:2"):
        run_file(make_model("openai"), source, tmp_path / "out.jsonl")
