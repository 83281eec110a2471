from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from chatplex.bulk.report import render_report, write_report
from chatplex.bulk.stats import RunStats
from chatplex.bulk.summary import RunSummary


def test_report_has_three_svg_charts_of_the_timeline(tmp_path: Path) -> None:
    stats = RunStats(total=3)
    for second, failed in ((0.5, False), (1.5, False), (2.5, True)):
        stats.timeline.record(second, 0.25, failed=failed)
    summary = RunSummary.from_stats(stats, output=Path("<o>.jsonl"), stop_reason=None)
    page = render_report(summary, stats.timeline)
    charts = page.split("<figure>")[1:]
    assert len(charts) == 3
    for chart in charts:
        svg = chart.split("</figure>")[0]
        ElementTree.fromstring(svg)  # well-formed SVG
        assert svg.count("<polyline") >= 1
    assert "Throughput" in page and "Latency" in page and "Errors" in page
    assert "&lt;o&gt;.jsonl" in page  # the summary is escaped
    path = write_report(tmp_path / "r.html", summary, stats.timeline)
    assert path.read_text() == page
