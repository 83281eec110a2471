"""`chatplex run` as a person runs it: in a subprocess, killed, interrupted, in a terminal."""

from __future__ import annotations

import argparse
import os
import pty
import select
import signal
import subprocess
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from chatplex.bulk.cli import add_run_arguments
from chatplex.bulk.cli import model_from_args
from chatplex.bulk.cli import model_settings
from chatplex.chat import ChatModel
from chatplex.testing import MockRequest
from chatplex.testing import MockServer
from tests._silent import refusing_port
from tests._zygote import PRELOAD
from tests._zygote import Zygote

from .conftest import cli_command
from .conftest import cli_env
from .conftest import read_output
from .conftest import rows_in_and_out
from .conftest import started_cli
from .conftest import write_jsonl

MODEL = "openai:gpt-4o-mini"

#: The file's tests share one pytest-xdist worker, so the zygote of `cli` starts once a
#: run: spread over the workers, each that reached the fixture started its own (~0.65 s of
#: CPU each; four in a loaded run, measured).
pytestmark = pytest.mark.xdist_group("bulk_cli")

#: What a run loads beyond a model call (`PRELOAD`): the CLI, and the price table its
#: cost column reads (with the reader of input files that may start with a BOM).
CLI_PRELOAD = ("chatplex.bulk.cli", "genai_prices", "encodings.utf_8_sig")

#: `chatplex run ARGS... ` in its folder, to the end: exit code, stdout, stderr.
Cli = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """`python -m chatplex run ...` in a child forked from an interpreter that imported
    chatplex and the CLI (tests/_zygote.py): a process of its own, as a person runs it,
    without paying the imports again for each of the file's runs. The runs that are
    signalled, killed, in a terminal or given a small disk start their own interpreter
    (conftest.started_cli, subprocess)."""
    zygote = Zygote(tmp_path_factory.mktemp("cli-zygote"), cli_env(), PRELOAD + CLI_PRELOAD)

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return zygote.run_module("chatplex", "run", *args, cwd=cwd, timeout=120)

    try:
        yield run
    finally:
        zygote.close()


def _wait_for_lines(
    path: Path, count: int, process: subprocess.Popen[bytes], timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= count:
            return
        assert process.poll() is None, "the run ended before it could be stopped"
        time.sleep(0.01)
    raise AssertionError(f"{path} never reached {count} lines")


def _read_until(fd: int, marker: bytes, timeout: float) -> bytes:
    """What a child wrote to the pipe `fd` up to and including `marker` (and perhaps a
    little more); fails after `timeout` s without it, or if the pipe closes first."""
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {marker!r} within {timeout} s: {seen!r}"
        ready, _, _ = select.select([fd], [], [], left)
        chunk = os.read(fd, 65536) if ready else b""
        assert chunk or not ready, f"the pipe closed before {marker!r}: {seen!r}"
        seen += chunk
    return seen


def _check_complete(out: Path, count: int) -> None:
    rows = read_output(out)
    ids = [r["id"] for r in rows]
    assert len(ids) == count == len(set(ids))
    assert all(r["text"] == f"Echo: row {r['id'][1:]}" for r in rows)


def run_args(source: Path, out: Path, url: str) -> tuple[str, ...]:
    """A run's usual arguments: its input, the model, its output, the prompt, the server."""
    return (str(source), "-m", MODEL, "-o", str(out), "--prompt", "{text}", "--base-url", url)


@contextmanager
def _served_run(
    tmp_path: Path, rows: int, latency: float, concurrency: int, **popen: Any
) -> Iterator[tuple[MockServer, subprocess.Popen[bytes], Path]]:
    """`rows` rows in flight `concurrency` at a time against a server answering after
    `latency` s, in a CLI started in its own interpreter: the server, the process, the output."""
    source, out = rows_in_and_out(tmp_path, rows)
    with (
        MockServer(latency=latency) as server,
        started_cli(
            *run_args(source, out, server.url),
            "--concurrency",
            str(concurrency),
            cwd=tmp_path,
            **popen,
        ) as process,
    ):
        yield server, process, out


def test_sigkill_then_rerun_finishes_every_row_once(tmp_path: Path, cli: Cli) -> None:
    source, out = rows_in_and_out(tmp_path, 2000)
    with MockServer(latency=0.002) as server:
        # The long spellings of the options run_args spells short.
        long_form = ("--model", MODEL, "--output", str(out), "--prompt", "{text}")
        args = (str(source), *long_form, "--base-url", server.url, "--concurrency", "16", "-q")
        with started_cli(*args, cwd=tmp_path) as process:
            _wait_for_lines(out, 600, process)
            process.kill()  # SIGKILL: no cleanup at all
            process.wait(timeout=30)
        kept = out.read_bytes().count(b"\n")
        assert 600 <= kept < 2000
        sent_before = server.stats.requests
        finished = cli(*args, cwd=tmp_path)
        assert finished.returncode == 0, finished.stderr
        _check_complete(out, 2000)
        # Only the rows in flight at the kill (at most the window) were sent twice.
        assert server.stats.requests <= 2000 + 16
        assert server.stats.requests - sent_before == 2000 - kept


def test_torn_last_line_is_repaired_by_the_next_run(
    tmp_path: Path, server: MockServer, cli: Cli
) -> None:
    source, out = rows_in_and_out(tmp_path, 30)
    args = (*run_args(source, out, server.url), "-q")
    assert cli(*args, cwd=tmp_path).returncode == 0
    data = out.read_bytes()
    out.write_bytes(data[: len(data) - 7])  # the last write cut short
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "torn last line" in result.stderr
    _check_complete(out, 30)
    assert server.stats.requests == 31


@pytest.mark.parametrize(
    ("signum", "status", "reason"),
    # SIGTERM: how kill, systemd, Docker and Kubernetes stop a process.
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
def test_sigint_or_sigterm_finishes_in_flight_rows_and_prints_the_summary(
    tmp_path: Path, signum: signal.Signals, status: int, reason: str
) -> None:
    # Four rows in flight at almost any moment, whenever the signal lands (the 500 take
    # 12 s), each answered soon after it.
    with _served_run(tmp_path, 500, 0.1, 4, stderr=subprocess.PIPE) as (server, process, out):
        _wait_for_lines(out, 4, process)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=30)
    text = stderr.decode()
    assert process.returncode == status, text
    assert "finishing the rows in flight" in text and f"stopped: {reason}" in text
    written = len(read_output(out))
    # Every request the server answered was written: nothing in flight was dropped.
    assert written == server.stats.requests < 500
    assert not out.with_name(out.name + ".lock").exists()  # the lock released with it


@pytest.mark.parametrize(
    ("signum", "status", "reason"),
    # The status is the second signal's: a shell reports 143 for a process SIGTERM ended.
    [(signal.SIGINT, 130, "cancelled"), (signal.SIGTERM, 143, "terminated")],
)
def test_a_second_signal_cancels_rows_in_flight(
    tmp_path: Path, signum: signal.Signals, status: int, reason: str
) -> None:
    with _served_run(tmp_path, 50, 30, 4, stderr=subprocess.PIPE) as (server, process, out):
        deadline = time.monotonic() + 30
        while server.stats.requests < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signum)
        # The second signal once the first was handled (two before the handler runs
        # would be seen as one), not after a guess at how long that takes.
        assert process.stderr is not None
        seen = _read_until(process.stderr.fileno(), b"finishing the rows in flight", 30)
        process.send_signal(signum)
        _, rest = process.communicate(timeout=20)  # far less than the 30 s latency
    assert process.returncode == status
    said = (seen + rest).decode()
    assert f"stopped: {reason}" in said
    assert out.read_bytes() == b""  # cancelled rows are not written: the rerun sends them
    # Their requests were sent (the server saw them): the summary says so.
    assert server.stats.requests == 4
    assert "4 rows cancelled in flight: their requests may have reached the provider" in said


def test_progress_bar_in_a_terminal(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    with _served_run(tmp_path, 300, 0.01, 8, stdout=follower, stderr=follower) as (_, process, _):
        os.close(follower)
        screen = b""
        try:
            while True:
                ready, _, _ = select.select([leader], [], [], 60)
                assert ready, "no output from the terminal"
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the terminal closed: the process is gone
                    break
                if not chunk:
                    break
                screen += chunk
        finally:
            os.close(leader)
        assert process.wait(timeout=30) == 0
    text = screen.decode(errors="replace")
    assert "\r" in text  # redrawn in place, as a bar
    last_bar = [part for part in text.split("\r") if "300/300" in part][-1]
    for field in ("failed=0", "cached=0", "in_flight=", "req/s=", "tok/s=", "cost=$0.", "<", "|"):
        assert field in last_bar, (field, last_bar)
    assert "chatplex run: complete" in text


def test_plain_lines_when_not_a_terminal(tmp_path: Path, server: MockServer, cli: Cli) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 20)
    result = cli(
        *run_args(source, tmp_path / "out.jsonl", server.url),
        "--progress-interval",
        "0.01",
        cwd=tmp_path,
    )
    assert result.returncode == 0
    lines = [
        line for line in result.stderr.splitlines() if "chatplex run: " in line and "/20" in line
    ]
    assert lines and "\r" not in result.stderr
    assert "20/20 (100.0%) failed=0 cached=0 in_flight=0" in lines[-1]
    assert "eta=" in lines[-1]


def test_bad_input_exits_2_before_any_request(tmp_path: Path, server: MockServer, cli: Cli) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "a"}\n{"id": 2, "txt": "b"}\n')
    result = cli(
        *run_args(source, tmp_path / "out.jsonl", server.url),
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "in.jsonl:2: --prompt needs field 'text'" in result.stderr
    assert server.stats.requests == 0


def test_csv_input_retry_failed_and_sorted_export(tmp_path: Path, cli: Cli) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,text\n" + "".join(f"r{i},row {i}\n" for i in range(20)))
    out, ordered = tmp_path / "out.jsonl", tmp_path / "sorted.jsonl"

    def fail_some(request: MockRequest) -> str | None:
        content = (request.json or {})["messages"][-1]["content"]
        return "status=400" if content in ("row 1", "row 7") else None

    with MockServer(fault_plan=fail_some) as server:
        args = (*run_args(source, out, server.url), "-q")
        first = cli(*args, cwd=tmp_path)
        assert first.returncode == 1  # some rows failed: their error rows are written
        errors = {r["id"]: r["error"] for r in read_output(out) if "error" in r}
        assert set(errors) == {"r1", "r7"} and errors["r1"]["status"] == 400
        server.settings.fault_plan = None
        before = server.stats.requests
        again = cli(*args[:-1], cwd=tmp_path)  # (not -q: its summary is read)
        # Errors count as done: nothing sent; they stay in the output, so the exit says so.
        assert again.returncode == 1 and server.stats.requests == before
        assert "20 already in the output (2 of them errors)" in again.stderr
        assert "2 error rows from earlier runs stay in the output" in again.stderr
        retried = cli(*args, "--retry-failed", "--sorted-output", str(ordered), cwd=tmp_path)
        assert retried.returncode == 0, retried.stderr
        assert server.stats.requests == before + 2
    assert [r["id"] for r in read_output(ordered)] == [f"r{i}" for i in range(20)]
    assert all("error" not in r for r in read_output(out))


def test_no_key_in_any_file(tmp_path: Path, server: MockServer, cli: Cli) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 5)
    report = tmp_path / "r.html"
    result = cli(
        *run_args(source, tmp_path / "out.jsonl", server.url),
        "--report",
        str(report),
        cwd=tmp_path,
    )
    assert result.returncode == 0
    for text in (
        result.stderr,
        result.stdout,
        report.read_text(),
        (tmp_path / "out.jsonl").read_text(),
    ):
        assert "sk-mock-test-key" not in text


@pytest.mark.parametrize("model", ["groq:llama-3.3-70b-versatile", "mistralai:mistral-small"])
def test_an_openai_compatible_preset_runs_by_name(
    tmp_path: Path, server: MockServer, model: str, cli: Cli
) -> None:
    source, out = rows_in_and_out(tmp_path, 3)
    url = server.openai_base_url  # ends in /v1: Groq would add its SDK path to a bare host
    args = ("-m", model, "-o", str(out), "--prompt", "{text}", "--base-url", url, "-q")
    result = cli(str(source), *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    _check_complete(out, 3)


def test_flags_become_model_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    args = parser.parse_args(["in.jsonl", "-o", "o.jsonl", "--rpm", "600", "--tpm", "90000"])
    assert model_settings(args) == {
        "rate_limit": {"requests_per_minute": 600, "tokens_per_minute": 90000}
    }
    # No --model, no --base-url: both come from the environment, as for init_chat_model().
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHATPLEX_MODEL", "openai:gpt-4o-mini")
    monkeypatch.setenv("CHATPLEX_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-mock")
    model = model_from_args(args)
    assert isinstance(model, ChatModel) and model.model == "gpt-4o-mini"
    with pytest.raises(SystemExit):
        parser.parse_args(["in.jsonl", "-o", "o.jsonl", "--concurrency", "0"])


@pytest.mark.parametrize(
    ("flag", "value", "said"),
    [
        ("--concurrency", "1.5", "expected a whole number, got '1.5'"),
        ("--concurrency", "-3", "must be at least 1, got -3"),
        ("--max-cost", "nan", "must be a positive number, got 'nan'"),
        ("--max-cost", "ten", "expected a number, got 'ten'"),
    ],
)
def test_a_bad_number_is_named_in_the_users_words(
    flag: str, value: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser(prog="chatplex run")
    add_run_arguments(parser)
    with pytest.raises(SystemExit) as exit_:
        parser.parse_args(["in.jsonl", "-o", "o.jsonl", flag, value])
    message = capsys.readouterr().err
    assert exit_.value.code == 2 and f"argument {flag}: {said}" in message
    assert "_positive" not in message  # (argparse named the function)


def test_a_budget_stop_and_a_budget_it_cannot_count_have_their_exit_codes(
    tmp_path: Path, server: MockServer, cli: Cli
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 60)
    common = (str(source), "--prompt", "{text}", "--base-url", server.url, "--concurrency", "2")
    spent = cli(*common, "-m", MODEL, "-o", "a.jsonl", "--max-cost", "0.00001", cwd=tmp_path)
    assert spent.returncode == 3, spent.stderr  # rows left: the same command carries on
    assert "stopped: cost budget reached" in spent.stderr
    assert 0 < len(read_output(tmp_path / "a.jsonl")) < 60
    unpriced = ("-m", "openai:my-finetune", "-o", "b.jsonl", "--max-cost", "1")
    refused = cli(*common, *unpriced, cwd=tmp_path)
    assert refused.returncode == 2, refused.stderr
    assert "--max-cost cannot be kept: the price table has no price for my-finetune" in (
        refused.stderr
    )
    assert len(read_output(tmp_path / "b.jsonl")) <= 2  # the window's rows, no more


def test_an_output_that_is_the_input_is_refused(tmp_path: Path, cli: Cli) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 3)
    before = source.read_bytes()
    same = cli(str(source), "-m", MODEL, "--prompt", "{text}", "-o", "in.jsonl", cwd=tmp_path)
    assert same.returncode == 2 and "the output is the input file" in same.stderr
    assert source.read_bytes() == before


def test_a_file_written_besides_that_is_the_input_or_the_output_is_refused(
    tmp_path: Path, server: MockServer, cli: Cli
) -> None:
    source, out = rows_in_and_out(tmp_path, 3)
    args = (*run_args(source, out, server.url), "-q")
    assert cli(*args, cwd=tmp_path).returncode == 0
    files = {path: path.read_bytes() for path in (source, out)}
    other = str(tmp_path / "x.html")
    for flags, said in (
        (("--sorted-output", "out.jsonl"), "--sorted-output out.jsonl: it is the output"),
        (("--report", "out.jsonl"), "--report out.jsonl: it is the output"),
        (("--report", "in.jsonl"), "--report in.jsonl: it is the input file"),
        (("--report", other, "--sorted-output", other), "it is --report"),
        # SQLite would make its database there, then the run append rows to it.
        (("--cache", "out.jsonl"), "--cache out.jsonl: it is the output"),
        (("--cache", "in.jsonl"), "--cache in.jsonl: it is the input file"),
    ):
        refused = cli(*args, *flags, cwd=tmp_path)
        assert refused.returncode == 2 and said in refused.stderr, refused.stderr
    # Checked before the run: the replies paid for and the input are as they were.
    assert {path: path.read_bytes() for path in files} == files
    assert server.stats.requests == 3 and not Path(other).exists()


def test_cache_flag_makes_a_rerun_cost_nothing(
    tmp_path: Path, server: MockServer, cli: Cli
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 20)
    common = (str(source), "-m", MODEL, "--prompt", "{text}", "--base-url", server.url)
    cache = ("--cache", str(tmp_path / "replies.db"))
    first = cli(*common, "-o", str(tmp_path / "a.jsonl"), *cache, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert server.stats.requests == 20
    # A new output file (nothing to resume): every row comes from the cache, none is sent.
    second = cli(*common, "-o", str(tmp_path / "b.jsonl"), *cache, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert server.stats.requests == 20
    rows = read_output(tmp_path / "b.jsonl")
    assert len(rows) == 20 and all(r["cached"] for r in rows)
    sent = {r["id"]: r["text"] for r in read_output(tmp_path / "a.jsonl")}
    assert {r["id"]: r["text"] for r in rows} == sent
    assert "20 cached" in second.stderr + second.stdout


def test_cache_flag_with_a_bad_path_fails_before_any_request(
    tmp_path: Path, server: MockServer, cli: Cli
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 3)
    result = cli(
        str(source),
        "-m",
        MODEL,
        "-o",
        str(tmp_path / "out.jsonl"),
        "--base-url",
        server.url,
        "--cache",
        str(tmp_path / "no-such-dir" / "c.db"),
        cwd=tmp_path,
    )
    assert result.returncode == 2 and "--cache" in result.stderr, result.stderr
    assert server.stats.requests == 0


def test_batch_api_submits_then_a_rerun_collects_the_rows_in_input_order(
    tmp_path: Path, server: MockServer, cli: Cli
) -> None:
    source = tmp_path / "in.csv"  # any input the real-time run takes, --prompt included
    source.write_text("id,text\n" + "".join(f"c{i},row {i}\n" for i in range(12)))
    out = tmp_path / "out.jsonl"
    args = (str(source), "-m", MODEL, "-o", str(out), "--prompt", "Say {text}")
    args += ("--base-url", server.url, "--batch-api")
    # The job "takes" no time (1 s by default): the run that submits it ends without
    # looking at it, and `--wait` finds it done at its first polls, not a second later.
    server._core.batches.default_seconds = 0.0
    submitted = cli(*args, cwd=tmp_path)
    assert submitted.returncode == 75, submitted.stderr
    assert "batch submitted" in submitted.stderr and "run the same command again" in (
        submitted.stderr
    )
    assert not out.exists() and list((tmp_path / "out.jsonl.batch").glob("cpb-*.json"))
    collected = cli(*args, "--wait", "--poll-interval", "0.05", cwd=tmp_path)
    assert collected.returncode == 0, collected.stderr
    assert "batch written" in collected.stderr
    # The summary shows the batch price against the real-time one: half.
    assert "at batch prices" in collected.stderr and "50% saved" in collected.stderr
    rows = read_output(out)
    assert [r["id"] for r in rows] == [f"c{i}" for i in range(12)]
    assert all(r["text"] == f"Echo: Say row {r['id'][1:]}" for r in rows)
    assert all(r["cost"] > 0 for r in rows)  # at batch rates (tests/batches/test_costing.py)
    chat_paths = [p for p in server.stats.by_path if p.endswith("/chat/completions")]
    assert chat_paths == []  # nothing went through the real-time endpoint


def test_batch_api_refuses_what_it_cannot_honour_before_any_request(
    tmp_path: Path, server: MockServer, cli: Cli
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 3)
    common = (str(source), "-m", MODEL, "-o", str(tmp_path / "o.jsonl"), "--prompt", "{text}")
    common += ("--base-url", server.url)
    mixed = cli(*common, "--batch-api", "--max-cost", "1", "--cache", "c.db", cwd=tmp_path)
    assert mixed.returncode == 2 and "--cache, --max-cost cannot go with --batch-api" in (
        mixed.stderr
    )
    redo = cli(*common, "--batch-api", "--redo-changed", cwd=tmp_path)
    assert redo.returncode == 2 and "--redo-changed cannot go with --batch-api" in redo.stderr
    alone = cli(*common, "--wait", cwd=tmp_path)
    assert alone.returncode == 2 and "--wait goes with --batch-api" in alone.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "a"}\n{"id": 2}\n')
    broken = cli(*run_args(bad, Path("o2.jsonl"), server.url), "--batch-api", cwd=tmp_path)
    assert broken.returncode == 2 and "bad.jsonl:2" in broken.stderr, broken.stderr
    assert server.stats.requests == 0


# ---- setup mistakes: one line in the command's words, exit 2, no traceback ----


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [
        line for line in result.stderr.splitlines() if line.startswith("chatplex run: error:")
    ]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_configuration_mistakes_are_one_line_each(
    tmp_path: Path, server: MockServer, cli: Cli
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 3)
    out = str(tmp_path / "out.jsonl")

    def mistake(*args: str, source: Path = source) -> str:
        return _one_line_error(cli(str(source), "--prompt", "{text}", *args, cwd=tmp_path))

    line = mistake("-m", "opnai:gpt-4o", "-o", out)
    assert "--model opnai:gpt-4o: unknown provider 'opnai'; did you mean 'openai'?" in line
    line = mistake("-m", "anthropic:claude-sonnet-4-5", "-o", out)
    assert "ANTHROPIC_API_KEY" in line and "--api-key-env" in line and "api_key=" not in line
    line = mistake("-m", MODEL, "--api-key-env", "NO_SUCH_VAR", "-o", out)
    assert "--api-key-env NO_SUCH_VAR: that variable is not set" in line
    line = mistake("-m", MODEL, "--base-url", server.url, "-o", str(tmp_path))
    assert "is a directory; name a file" in line
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"id": 1, "prompt": "caf\xe9"}\n')
    line = mistake("-m", MODEL, "-o", out, source=latin)
    assert "latin.jsonl:1: not UTF-8 text (byte 0xe9)" in line
    assert server.stats.requests == 0


def test_a_wrong_base_url_stops_early_and_the_rerun_sends_every_row(
    tmp_path: Path, server: MockServer, cli: Cli
) -> None:
    source, out = rows_in_and_out(tmp_path, 300)
    wrong = f"http://127.0.0.1:{refusing_port()}/v1"
    # The default window (64 rows in flight): until a row is answered only the first 8
    # start, so a wrong URL costs exactly 8 error rows, as docs/bulk.md says (it was 71).
    common = (str(source), "-m", MODEL, "--prompt", "{text}", "-o", str(out), "-q")
    line = _one_line_error(cli(*common, "--base-url", wrong, cwd=tmp_path))
    assert "the first 8 rows all failed (APIConnectionError" in line
    failed = read_output(out)
    assert len(failed) == 8  # stopped early: not one error row per input row
    assert {row["error"]["kind"] for row in failed} == {"transient"}
    # The same command with the right URL sends them again: no --retry-failed needed.
    result = cli(*common, "--base-url", server.url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    _check_complete(out, 300)


def test_a_rerun_with_another_prompt_or_model_is_refused_before_any_request(
    tmp_path: Path, server: MockServer, cli: Cli
) -> None:
    source, out = rows_in_and_out(tmp_path, 3)
    common = (str(source), "-o", str(out), "--base-url", server.url, "-q")
    assert cli(*common, "-m", MODEL, "--prompt", "{text}", cwd=tmp_path).returncode == 0
    sent = server.stats.requests
    for changed, words in (
        (("-m", MODEL, "--prompt", "Say {text}"), "prompt was '{text}', now 'Say {text}'"),
        (("-m", "openai:gpt-4o", "--prompt", "{text}"), "model was ['openai:gpt-4o-mini'], now"),
    ):
        line = _one_line_error(cli(*common, *changed, cwd=tmp_path))
        assert "holds rows made with other settings" in line and words in line, line
    # The mock's rows, then the same command asking the provider: not taken as its rows.
    elsewhere = (str(source), "-o", str(out), "-m", MODEL, "--prompt", "{text}", "-q")
    line = _one_line_error(cli(*elsewhere, cwd=tmp_path))
    assert f"base_url was ['{server.url}'], now [None]" in line, line
    assert server.stats.requests == sent
    rerun = cli(*common, "-m", MODEL, "--prompt", "{text}", cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    _check_complete(out, 3)


def test_an_edited_input_is_refused_then_redo_changed_asks_only_those_rows(
    tmp_path: Path, server: MockServer, cli: Cli
) -> None:
    source, out = rows_in_and_out(tmp_path, 10)
    ordered, report = tmp_path / "sorted.jsonl", tmp_path / "run.html"
    common = (*run_args(source, out, server.url), "-q")
    assert cli(*common, cwd=tmp_path).returncode == 0
    sent = server.stats.requests
    lines = source.read_text().splitlines()
    lines[4] = '{"id": "r4", "text": "row 4, edited"}'
    source.write_text("\n".join(lines) + "\n")
    line = _one_line_error(cli(*common, cwd=tmp_path))
    assert "1 row done there was asked something else" in line and "'r4' (line 5)" in line
    assert "--redo-changed" in line and server.stats.requests == sent
    extra = ("--redo-changed", "--sorted-output", str(ordered), "--report", str(report))
    redo = cli(*run_args(source, out, server.url), *extra, cwd=tmp_path)
    assert redo.returncode == 0, redo.stderr
    assert server.stats.requests == sent + 1
    assert "9 already in the output" in redo.stderr and "1 rows whose input changed" in redo.stderr
    rows = read_output(ordered)
    assert [row["id"] for row in rows] == [f"r{i}" for i in range(10)]
    assert rows[4]["text"] == "Echo: row 4, edited" and len(read_output(out)) == 10
    assert "redo changed" in report.read_text()
    assert cli(*common, cwd=tmp_path).returncode == 0 and server.stats.requests == sent + 1


def test_a_second_run_on_the_same_output_is_refused(tmp_path: Path, cli: Cli) -> None:
    source, out = rows_in_and_out(tmp_path, 400)
    # Slow answers keep the first run writing (holding the lock) while the others try.
    with MockServer(latency=0.05) as server:
        common = (*run_args(source, out, server.url), "-q")
        with started_cli(*common, "--concurrency", "1", cwd=tmp_path) as first:
            _wait_for_lines(out, 2, first)
            for extra in ((), ("--retry-failed",)):
                line = _one_line_error(cli(*common, *extra, cwd=tmp_path))
                assert f"being written by another run (pid {first.pid})" in line
            first.kill()
        server.settings.latency = 0.0  # the rerun: how fast it goes is not in question
        assert out.read_bytes().endswith(b"\n") or out.read_bytes() == b""
        result = cli(*common, "--concurrency", "32", cwd=tmp_path)  # the lock died with it
        assert result.returncode == 0, result.stderr
    _check_complete(out, 400)


def test_a_full_disk_stops_the_run_and_keeps_whole_rows(
    tmp_path: Path, server: MockServer, cli: Cli
) -> None:
    import resource

    source, out = rows_in_and_out(tmp_path, 50)
    limit = 2000  # bytes any file of the process may reach: a disk that fills up

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    command = cli_command(
        str(source), "-m", MODEL, "--prompt", "{text}", "-o", str(out), "--base-url", server.url
    )
    result = subprocess.run(
        command,
        cwd=tmp_path,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=small_disk,
    )
    line = _one_line_error(result)
    assert "the output cannot be written" in line
    data = out.read_bytes()
    assert 0 < len(data) <= limit and data.endswith(b"\n")  # no torn line
    kept = read_output(out)
    assert "stopped: the output cannot be written" in result.stderr  # the summary says so
    assert f"{len(kept)} done" in result.stderr
    # With room again, the same command finishes the rest.
    assert (
        cli(
            str(source),
            "-m",
            MODEL,
            "--prompt",
            "{text}",
            "-o",
            str(out),
            "--base-url",
            server.url,
            cwd=tmp_path,
        ).returncode
        == 0
    )
    _check_complete(out, 50)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("flag", ["--report", "--sorted-output"])
def test_a_full_disk_under_report_or_sorted_output_names_the_file(
    tmp_path: Path, server: MockServer, cli: Cli, flag: str
) -> None:
    source, out = rows_in_and_out(tmp_path, 3)
    common = ("-m", MODEL, "--prompt", "{text}", "-o", str(out), "--base-url", server.url, "-q")
    line = _one_line_error(cli(str(source), *common, flag, "/dev/full", cwd=tmp_path))
    assert line == "chatplex run: error: /dev/full: No space left on device", line
    assert len(read_output(out)) == 3  # the run's rows are all kept


@pytest.mark.parametrize("flag", ["--report", "--sorted-output"])
def test_a_file_written_at_the_end_that_cannot_be_made_exits_2_before_any_request(
    tmp_path: Path,
    server: MockServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flag: str,
) -> None:
    from chatplex.bulk.cli import main

    monkeypatch.setenv("OPENAI_API_KEY", "sk-mock-test-key-1234")
    source = write_jsonl(tmp_path / "in.jsonl", 2)
    target = tmp_path / "no-such-folder" / "out"
    status = main([*run_args(source, tmp_path / "out.jsonl", server.url), "-q", flag, str(target)])
    assert status == 2
    assert f"{flag} {target}: the folder" in capsys.readouterr().err
    assert server.stats.requests == 0


def test_a_bad_collector_setting_exits_2_before_any_request(
    tmp_path: Path,
    server: MockServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # CHATPLEX_GC_THRESHOLD is the setup's (chatplex/core/collector.py): its mistake is
    # one line and exit 2, as the other configuration mistakes, not an internal error.
    from chatplex.bulk.cli import main

    monkeypatch.setenv("CHATPLEX_GC_THRESHOLD", "many")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-mock-test-key-1234")
    source = write_jsonl(tmp_path / "in.jsonl", 2)
    status = main([*run_args(source, tmp_path / "out.jsonl", server.url), "--quiet"])
    assert status == 2
    assert "CHATPLEX_GC_THRESHOLD must be a whole number" in capsys.readouterr().err
    assert server.stats.requests == 0
