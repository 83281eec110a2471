from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from chatplex.bulk.report import read_history
from chatplex.bulk.report import render_report
from chatplex.bulk.report import write_report
from chatplex.bulk.stats import RunStats
from chatplex.bulk.summary import RunSummary

START = 1_790_000_000.0  # a unix time


def _row(at: float | None, *, error: dict[str, object] | None = None, **fields: object) -> str:
    row: dict[str, object] = {"id": f"r{at}", "latency_s": 0.25, **fields}
    if error is not None:
        row["error"] = error
    else:
        row.update(text="t", usage={"input_tokens": 3, "output_tokens": 2}, cost=0.001)
    if at is not None:
        row["at"] = at
    return json.dumps(row) + "\n"


def _output(tmp_path: Path) -> Path:
    """Two runs into one output, an hour apart (a resume), with failures of two kinds."""
    rate = {"type": "RateLimitError", "status": 429, "message": "slow down", "kind": "transient"}
    bad = {"type": "BadRequestError", "status": 400, "message": "bad <row>"}
    lines = [_row(None)]  # a row from before `at` existed
    lines += [_row(START + i * 0.5) for i in range(20)]  # the first run: 10 s
    lines += [_row(START + 3600 + i, error=rate) for i in range(3)]  # the resume
    lines += [_row(START + 3603 + i) for i in range(5)]
    lines += [_row(START + 3608, error=bad)]
    path = tmp_path / "out.jsonl"
    path.write_text("".join(lines))
    return path


def _summary() -> RunSummary:
    return RunSummary.from_stats(RunStats(total=6), output=Path("<o>.jsonl"), stop_reason=None)


def test_the_history_covers_every_run_of_the_output(tmp_path: Path) -> None:
    history = read_history(_output(tmp_path))
    assert (history.succeeded, history.failed, history.untimed) == (26, 4, 1)
    assert history.first_at == START and history.span_s == 3608
    assert (history.input_tokens, history.output_tokens) == (78, 52)
    assert history.cost is not None and abs(history.cost - 0.026) < 1e-9
    timeline = history.timeline
    assert sum(b.succeeded for b in timeline.buckets) == 25  # the untimed row is not charted
    assert sum(b.failed for b in timeline.buckets) == 4
    assert len(timeline.buckets) <= timeline.max_buckets
    assert history.errors == {
        ("RateLimitError", 429, "transient"): [3, "slow down"],
        ("BadRequestError", 400, "input"): [1, "bad <row>"],  # kind read from its status
    }


def test_a_reply_that_did_not_parse_counts_in_the_totals(tmp_path: Path) -> None:
    unparsed = {"type": "StructuredOutputError", "status": None, "message": "not JSON"}
    paid = {"usage": {"input_tokens": 4, "output_tokens": 3}, "cost": 0.002}
    path = tmp_path / "out.jsonl"
    path.write_text(_row(START) + _row(START + 1, error={**unparsed, "reply": "no"}, **paid))
    history = read_history(path)
    assert (history.succeeded, history.failed) == (1, 1)
    assert (history.input_tokens, history.output_tokens) == (7, 5)
    assert history.cost == pytest.approx(0.003)


def test_the_page_has_settings_totals_ticked_charts_and_an_error_table(tmp_path: Path) -> None:
    settings = {"command": "chatplex run in.jsonl -m openai:gpt-4o-mini", "concurrency": 64}
    page = render_report(_summary(), read_history(_output(tmp_path)), settings)
    charts = re.findall(r"<figure>(.*?)</figure>", page, re.S)
    assert len(charts) == 3
    for chart in charts:
        svg = ElementTree.fromstring(chart)  # well-formed SVG
        labels = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
        # The time axis: ticks in round minutes over the hour the output spans.
        assert {"0 s", "15 min", "30 min", "1 h"} <= set(labels), labels
        assert "time since the first row" in labels
        assert chart.count("<polyline") >= 1
    assert "rows finished / s" in page and "seconds per row" in page and "failed rows / s" in page
    assert "chatplex run in.jsonl -m openai:gpt-4o-mini" in page and "<td>64</td>" in page
    assert "<td>RateLimitError</td><td>429</td><td>transient</td><td>3</td>" in page
    assert "bad &lt;row&gt;" in page and "&lt;o&gt;.jsonl" in page  # escaped
    assert "rows without a time (not charted)</td><td>1</td>" in page


def test_y_ticks_are_round_numbers_up_to_the_peak(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("".join(_row(START + i / 37) for i in range(370)))  # 37 rows/s for 10 s
    page = render_report(_summary(), read_history(path))
    chart = re.findall(r"<figure>(.*?)</figure>", page, re.S)[0]
    svg = ElementTree.fromstring(chart)
    ticks = [
        t.text
        for t in svg.iter("{http://www.w3.org/2000/svg}text")
        if t.get("text-anchor") == "end"
    ]
    assert ticks[:5] == ["0", "10", "20", "30", "40"], ticks


def test_write_report_reads_the_output_file(tmp_path: Path) -> None:
    output = _output(tmp_path)
    summary = _summary()  # one: its wall time is read from a clock as it is made
    path = write_report(tmp_path / "r.html", summary, output, {"model": "m"})
    assert path.read_text() == render_report(summary, read_history(output), {"model": "m"})
    empty = write_report(tmp_path / "e.html", summary, tmp_path / "missing.jsonl")
    assert "<p>None.</p>" in empty.read_text()  # no rows, no errors, still a page


full_disk = pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")


@full_disk
def test_a_report_that_cannot_be_written_names_its_file(tmp_path: Path) -> None:
    """/dev/full fails every write with ENOSPC, as a full disk does: in write() or
    close(), whose errors name no file of their own."""
    import errno

    with pytest.raises(OSError, match="/dev/full") as info:
        write_report("/dev/full", _summary(), _output(tmp_path))
    assert info.value.errno == errno.ENOSPC and info.value.filename == "/dev/full"
