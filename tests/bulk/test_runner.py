from __future__ import annotations

import asyncio
import gc
import io
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from chatplex import RunnableLambda
from chatplex import StrOutputParser
from chatplex import init_chat_model
from chatplex.bulk import InputError
from chatplex.bulk import Row
from chatplex.bulk import arun
from chatplex.bulk import run
from chatplex.bulk.journal import Journal
from chatplex.bulk.runner import SETUP_STOP_AFTER
from chatplex.bulk.runner import _Feed
from chatplex.bulk.stats import RunStats
from chatplex.chat.fake import FakeChatModel
from chatplex.errors import APIConnectionError
from chatplex.errors import BadRequestError
from chatplex.testing import MockServer

from .conftest import read_output
from .conftest import rows_in_and_out
from .conftest import write_jsonl


def _model(server: MockServer) -> Any:
    return init_chat_model("openai:gpt-4o-mini", base_url=server.url, api_key="sk-mock")


def test_file_through_the_mock_server_then_rerun_sends_nothing(
    tmp_path: Path, server: MockServer
) -> None:
    source, out = rows_in_and_out(tmp_path, 50)
    summary = run(
        _model(server), source, output=out, prompt="Say {text}", concurrency=8, progress=False
    )
    rows = read_output(out)
    assert summary.complete and (summary.succeeded, summary.failed) == (50, 0)
    assert sorted(r["id"] for r in rows) == sorted(f"r{i}" for i in range(50))
    assert all(r["text"] == f"Echo: Say row {r['id'][1:]}" for r in rows)
    assert all(set(r) >= {"usage", "cost", "attempts", "latency_s", "cached"} for r in rows)
    assert server.stats.requests == 50 == summary.requests
    again = run(_model(server), source, output=out, prompt="Say {text}", progress=False)
    assert (again.skipped, again.succeeded, server.stats.requests) == (50, 0, 50)
    assert len(read_output(out)) == 50


@pytest.mark.parametrize("parsed", ["structured", "parser"])
def test_a_parsed_output_keeps_the_usage_and_cost_of_its_replies(
    tmp_path: Path, server: MockServer, parsed: str
) -> None:
    class Answer(BaseModel):
        answer: str

    model = _model(server)
    chain = (
        model.with_structured_output(Answer)
        if parsed == "structured"
        else model | (StrOutputParser())
    )
    out = tmp_path / "out.jsonl"
    summary = run(chain, ["a", "b"], output=out, progress=False)
    rows = read_output(out)
    # The replies were paid for: a parsed value carries no usage, the row still does.
    assert all(r["usage"]["output_tokens"] > 0 and r["cost"] > 0 for r in rows)
    assert all(r["model"] == "gpt-4o-mini" and r["cached"] is False for r in rows)
    assert summary.cost == pytest.approx(sum(r["cost"] for r in rows)) and summary.cost > 0
    assert summary.output_tokens == sum(r["usage"]["output_tokens"] for r in rows)


def test_a_reply_that_does_not_parse_keeps_its_text_usage_and_cost(
    tmp_path: Path, server: MockServer
) -> None:
    class Answer(BaseModel):
        answer: str

    server.settings.reply_text = "not JSON at all"
    out = tmp_path / "out.jsonl"
    summary = run(_model(server).with_structured_output(Answer), ["a"], output=out, progress=False)
    (row,) = read_output(out)
    # Paid for: the reply's words stay in the row, and its price in the row and the summary.
    assert row["error"]["type"] == "StructuredOutputError" and row["error"]["kind"] == "input"
    assert row["error"]["reply"] == "not JSON at all"
    assert row["usage"]["output_tokens"] > 0 and row["cost"] > 0
    assert summary.failed == 1 and summary.cost == pytest.approx(row["cost"])


async def test_skipping_done_rows_lets_the_event_loop_run(tmp_path: Path) -> None:
    # A resume skips its done rows from a sync source; a Ctrl-C, SIGTERM or progress
    # redraw meanwhile is a callback of the loop, which must get its turn.
    done = 5000
    out = tmp_path / "out.jsonl"
    out.write_text("".join(json.dumps({"id": i, "text": "x"}) + "\n" for i in range(done)))
    stats = RunStats(total=done + 1)
    with Journal(out) as journal:
        feed = _Feed(iter([Row(i, "q", i) for i in range(done + 1)]), journal, stats)
        seen: list[int] = []

        async def meanwhile() -> None:
            seen.append(stats.skipped)

        other = asyncio.create_task(meanwhile())
        row = await feed.next()
        await other
    assert row is not None and row.id == done and stats.skipped == done
    assert seen[0] < done  # ran while the feed was still skipping


async def test_async_twin_from_an_async_iterable(tmp_path: Path) -> None:
    model = FakeChatModel(responses=["ok"])

    async def rows() -> Any:
        for index in range(5):
            yield Row(f"id{index}", f"q{index}")

    summary = await arun(
        model, rows(), output=tmp_path / "out.jsonl", concurrency=2, progress=False
    )
    assert summary.succeeded == 5 and summary.total is None
    assert {r["id"] for r in read_output(tmp_path / "out.jsonl")} == {f"id{i}" for i in range(5)}


def test_plain_inputs_get_their_position_and_errors_become_rows(tmp_path: Path) -> None:
    model = FakeChatModel(
        responses=["fine"], errors={"bad": BadRequestError("nope", status=400, provider="fake")}
    )
    out = tmp_path / "out.jsonl"
    summary = run(model, ["a", "bad", "c"], output=out, progress=False)
    by_id = {r["id"]: r for r in read_output(out)}
    assert summary.failed == 1 and summary.succeeded == 2
    assert by_id[1]["error"]["type"] == "BadRequestError" and by_id[1]["error"]["status"] == 400
    assert by_id[0]["text"] == "fine"
    # --retry-failed: only the failed row runs again, and the file keeps one line per id.
    model.errors = {}
    retry = run(model, ["a", "bad", "c"], output=out, retry_failed=True, progress=False)
    assert (retry.skipped, retry.succeeded, retry.failed) == (2, 1, 0)
    assert sorted(r["id"] for r in read_output(out)) == [0, 1, 2]
    assert all("error" not in r for r in read_output(out))


def test_window_is_bounded_and_rows_are_pulled_lazily(tmp_path: Path) -> None:
    in_flight = peak = pulled = 0

    async def slow(text: str) -> str:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001)
        in_flight -= 1
        return text.upper()

    def source() -> Any:
        nonlocal pulled
        for index in range(200):
            pulled += 1
            # Never more than the window ahead of what has finished (no coroutine per row).
            assert pulled - len(out.read_text().splitlines()) <= 4 + 1
            yield f"t{index}"

    out = tmp_path / "out.jsonl"
    summary = run(RunnableLambda(slow), source(), output=out, concurrency=4, progress=False)
    assert summary.succeeded == 200 and peak == 4
    assert {r["text"] for r in read_output(out)} == {f"T{i}" for i in range(200)}


def test_duplicate_ids_in_an_iterable_stop_the_run(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"rows\[2\]: duplicate id 'x'"):
        run(
            FakeChatModel(),
            [Row("x", "a"), Row("y", "b"), Row("x", "c")],
            output=tmp_path / "o.jsonl",
            progress=False,
        )
    # A list is held whole: its ids are checked before any row runs or is written.
    assert not (tmp_path / "o.jsonl").exists()

    def generated() -> Any:
        yield from [Row("x", "a"), Row("x", "b")]

    with pytest.raises(InputError, match=r"rows\[1\]: duplicate id 'x'"):
        run(FakeChatModel(), generated(), output=tmp_path / "g.jsonl", progress=False)


def test_an_output_that_is_the_input_file_is_refused_untouched(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": 1, "text": "a"}\n{"id": 2, "text": "b"}')  # no last newline
    for output in (source, tmp_path / "." / "in.jsonl"):
        with pytest.raises(InputError, match="the output is the input file"):
            run(FakeChatModel(), source, output=output, prompt="{text}", progress=False)
    assert source.read_bytes() == b'{"id": 1, "text": "a"}\n{"id": 2, "text": "b"}'


def test_a_report_that_is_the_input_or_the_output_is_refused_before_any_call(
    tmp_path: Path,
) -> None:
    source, out = rows_in_and_out(tmp_path, 3)
    model = FakeChatModel(responses=["ok"])
    assert run(model, source, output=out, prompt="{text}", progress=False).succeeded == 3
    files = {path: path.read_bytes() for path in (source, out)}
    for report, named in ((source, "the input file"), (out, "the output")):
        with pytest.raises(InputError, match=f"report {report}: it is {named}"):
            run(model, source, output=out, prompt="{text}", progress=False, report=report)
    assert {path: path.read_bytes() for path in files} == files  # the paid rows still there


def test_a_report_that_cannot_be_made_is_refused_before_any_call(
    tmp_path: Path, server: MockServer
) -> None:
    # Found at the end of the run, it was found after every row was paid for.
    source, out = rows_in_and_out(tmp_path, 3)
    cases = {
        tmp_path / "missing" / "report.html": "the folder .*missing does not exist",
        tmp_path: "it is a folder",
    }
    for report, words in cases.items():
        with pytest.raises(InputError, match=words):
            run(_model(server), source, output=out, prompt="{text}", progress=False, report=report)
    assert server.stats.requests == 0
    assert not out.exists()


def test_bad_file_fails_before_any_request(tmp_path: Path, server: MockServer) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 20)
    with source.open("a") as file:
        file.write(json.dumps({"id": "late", "body": "no text field"}) + "\n")
    with pytest.raises(InputError, match=r"in.jsonl:21: --prompt needs field 'text'"):
        run(_model(server), source, output=tmp_path / "o.jsonl", prompt="{text}", progress=False)
    assert server.stats.requests == 0
    assert not (tmp_path / "o.jsonl").exists()


def test_arguments_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="concurrency"):
        run(FakeChatModel(), ["a"], output=tmp_path / "o.jsonl", concurrency=0)
    with pytest.raises(TypeError, match="prompt= applies to a file"):
        run(FakeChatModel(), ["a"], output=tmp_path / "o.jsonl", prompt="{x}")


async def test_sync_run_inside_a_loop_points_to_arun(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="await bulk.arun"):
        run(FakeChatModel(), ["a"], output=tmp_path / "o.jsonl")


def test_summary_and_report_written(tmp_path: Path) -> None:
    stream = io.StringIO()
    report = tmp_path / "report.html"
    summary = run(
        FakeChatModel(responses=["x"]),
        ["a", "b"],
        output=tmp_path / "o.jsonl",
        progress_file=stream,
        report=report,
    )
    assert "chatplex run: complete" in stream.getvalue()
    assert "2 done, 0 failed" in stream.getvalue()
    assert summary.complete and "<svg" in report.read_text()


def _gated(answer_after: int | None) -> tuple[Any, dict[str, int]]:
    """A runnable counting rows in flight: the first `answer_after` rows fail to connect,
    then every row is answered (None: every row fails to connect)."""
    seen = {"started": 0, "in_flight": 0, "peak_before_answer": 0, "peak": 0}

    async def call(text: str) -> str:
        seen["started"] += 1
        number = seen["started"]
        seen["in_flight"] += 1
        seen["peak"] = max(seen["peak"], seen["in_flight"])
        if answer_after is None or number <= answer_after:
            seen["peak_before_answer"] = max(seen["peak_before_answer"], seen["in_flight"])
        try:
            await asyncio.sleep(0.001)
            if answer_after is None or number <= answer_after:
                raise APIConnectionError("connection refused", provider="fake")
            await asyncio.sleep(0.002)
            return text
        finally:
            seen["in_flight"] -= 1

    return RunnableLambda(call), seen


@pytest.mark.parametrize("sync", [True, False])
async def test_a_wrong_setup_costs_exactly_the_first_rows_however_wide_the_window(
    tmp_path: Path, sync: bool
) -> None:
    # 64 rows in flight at once would all fail before the stop (71 error rows, seen with
    # a wrong --base-url): until a row is answered only SETUP_STOP_AFTER rows start.
    model, seen = _gated(answer_after=None)
    out = tmp_path / "out.jsonl"
    kwargs: dict[str, Any] = {"output": out, "concurrency": 64, "progress": False}
    rows = [f"q{i}" for i in range(500)]
    if sync:
        summary = await asyncio.to_thread(run, model, rows, handle_sigint=False, **kwargs)
    else:
        summary = await arun(model, rows, **kwargs)
    assert summary.fault == "setup" and summary.failed == SETUP_STOP_AFTER == 8
    assert seen["started"] == 8 and len(read_output(out)) == 8


async def test_the_window_opens_whole_once_a_row_is_answered(tmp_path: Path) -> None:
    model, seen = _gated(answer_after=5)  # 5 rows fail to connect, then the setup works
    out = tmp_path / "out.jsonl"
    rows = [f"q{i}" for i in range(300)]
    summary = await arun(model, rows, output=out, concurrency=32, progress=False)
    assert summary.fault is None and (summary.failed, summary.succeeded) == (5, 295)
    assert seen["peak_before_answer"] <= SETUP_STOP_AFTER < seen["peak"] == 32


@pytest.mark.usefixtures("collector_as_cpython_sets_it")
@pytest.mark.parametrize("sync", [True, False])
async def test_a_run_raises_the_collectors_young_threshold_while_it_runs(
    tmp_path: Path, sync: bool
) -> None:
    # A run holds many rows' objects across awaits, as any batch (chatplex.core.collector).
    model = RunnableLambda(lambda row: str(gc.get_threshold()[0]))
    kwargs: dict[str, Any] = {"output": tmp_path / "out.jsonl", "progress": False}
    if sync:
        await asyncio.to_thread(run, model, ["a", "b"], handle_sigint=False, **kwargs)
    else:
        await arun(model, ["a", "b"], **kwargs)
    assert [r["text"] for r in read_output(tmp_path / "out.jsonl")] == ["10000", "10000"]
    assert gc.get_threshold()[0] == 700
