from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from chatplex.bulk.progress import LogLines
from chatplex.bulk.progress import ProgressBar
from chatplex.bulk.progress import ProgressCallback
from chatplex.bulk.progress import fields
from chatplex.bulk.progress import make_display
from chatplex.bulk.stats import RunStats
from chatplex.chat.fake import FakeChatModel
from chatplex.errors import BadRequestError


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_fields_show_every_counter() -> None:
    stats = RunStats(total=10)
    stats.failed, stats.cached, stats.in_flight = 1, 2, 3
    stats.cost = 0.01
    text = fields(stats)
    for part in ("failed=1", "cached=2", "in_flight=3", "req/s=", "tok/s=", "cost=$0.0100"):
        assert part in text


def test_a_bar_on_a_terminal_and_lines_elsewhere() -> None:
    stats = RunStats(total=4)
    assert isinstance(make_display(stats, Terminal()), ProgressBar)
    plain = io.StringIO()
    display = make_display(stats, plain, interval_s=3600)
    assert isinstance(display, LogLines)
    display.refresh()  # not yet due
    assert plain.getvalue() == ""
    stats.succeeded = 2
    display.close()  # the last state, always
    assert "2/4 (50.0%) failed=0" in plain.getvalue() and "eta=" in plain.getvalue()
    assert "\r" not in plain.getvalue()


def test_bar_draws_done_total_and_fields() -> None:
    screen = Terminal()
    stats = RunStats(total=8)
    bar = ProgressBar(stats, screen)
    stats.succeeded, stats.failed = 3, 1
    bar.close()
    last = screen.getvalue().split("\r")[-1]
    assert "4/8" in last and "failed=1" in last and "in_flight=0" in last


def test_callback_counts_a_sync_batch() -> None:
    model = FakeChatModel(
        responses=["one two"], errors={"bad": BadRequestError("no", status=400, provider="fake")}
    )
    out = io.StringIO()
    with ProgressCallback(total=3, file=out, interval_s=3600) as progress:
        model.batch(["a", "bad", "c"], config={"callbacks": [progress]}, return_exceptions=True)
    stats = progress.stats
    assert (stats.succeeded, stats.failed, stats.in_flight) == (2, 1, 0)
    assert "progress: 3/3 (100.0%) failed=1" in out.getvalue()


async def test_callback_counts_an_abatch() -> None:
    model = FakeChatModel(responses=["ok"])
    with ProgressCallback(total=5, file=io.StringIO()) as progress:
        await model.abatch([f"q{i}" for i in range(5)], config={"callbacks": [progress]})
    assert progress.stats.succeeded == 5 and progress.stats.output_tokens > 0


def test_callback_over_http_counts_requests(tmp_path: Path) -> None:
    from chatplex import init_chat_model
    from chatplex.testing import MockServer

    with MockServer() as server:
        model = init_chat_model("openai:gpt-4o-mini", base_url=server.url, api_key="sk-mock")
        with ProgressCallback(total=4, file=io.StringIO()) as progress:
            model.batch(["a", "b", "c", "d"], config={"callbacks": [progress]})
    assert progress.stats.requests == 4 == server.stats.requests
    assert progress.stats.by_model["gpt-4o-mini"].rows == 4


def test_fields_fit_a_width_keeping_failed_and_cost_first() -> None:
    stats = RunStats(total=10)
    stats.failed, stats.cached, stats.in_flight, stats.cost = 12, 3, 64, 1.5
    assert fields(stats, 28) == "failed=12 cost=$1.5000"
    assert fields(stats, 5) == ""
    assert fields(stats, 1000) == fields(stats)


def test_an_80_column_bar_keeps_done_total_failed_and_cost(monkeypatch: Any) -> None:
    import chatplex.bulk.progress as progress

    monkeypatch.setattr(progress, "_terminal_width", lambda file: 80)
    screen = Terminal()
    stats = RunStats(total=1_000_000)
    bar = ProgressBar(stats, screen)
    stats.succeeded, stats.failed, stats.in_flight = 123_456, 1_234, 64
    stats.cached, stats.cost = 99_999, 123.4567
    bar.close()
    last = screen.getvalue().split("\r")[-1].strip("\n")
    assert len(last) <= 80, last
    for part in ("124690/1000000", "failed=1234", "cost=$123.4567"):
        assert part in last, last
