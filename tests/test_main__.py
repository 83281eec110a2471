"""`chatplex` / `python -m chatplex`: the command dispatches to its subcommands, says its
version, and its help shows the defaults, the row shapes and an example that runs."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from chatplex.__main__ import main
from chatplex.bulk.inputs import check_input
from chatplex.bulk.runner import DEFAULT_CONCURRENCY
from chatplex.bulk.runner import SETUP_STOP_AFTER
from chatplex.testing import MockServer
from chatplex.version import __version__


def test_run_subcommand_help_lists_the_flags() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "chatplex", "run", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    for flag in (
        "--model",
        "--output",
        "--prompt",
        "--concurrency",
        "--rpm",
        "--tpm",
        "--max-cost",
        "--cache",
        "--retry-failed",
        "--base-url",
        "--report",
    ):
        assert flag in result.stdout


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "COMMAND" in capsys.readouterr().err


def test_missing_output_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "in.jsonl"])
    assert "--output" in capsys.readouterr().err


def test_version_names_chatplex_and_python(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    python = ".".join(str(part) for part in sys.version_info[:3])
    assert capsys.readouterr().out.strip() == f"chatplex {__version__} (Python {python})"


def _run_help(capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def test_run_help_shows_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    text = " ".join(_run_help(capsys).split())  # argparse wraps the option lines
    assert f"--concurrency N rows in flight (default: {DEFAULT_CONCURRENCY};" in text
    assert DEFAULT_CONCURRENCY == 64 and SETUP_STOP_AFTER == 8  # the numbers the help says
    assert "the first 8 until one is answered" in text
    assert "between progress lines when stderr is not a terminal (default: 10.0)" in text
    assert "between status checks (default: 30.0)" in text
    assert "(default: the provider's own)" in text and "(default: $CHATPLEX_MODEL" in text


def test_run_help_row_shapes_are_rows_the_command_accepts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shown = _run_help(capsys).split("Input rows:")[1].split("\n\n")[0]
    examples = [line.strip() for line in shown.splitlines() if line.strip().startswith("{")]
    assert len(examples) == 3
    for number, line in enumerate(examples):
        row, _, template = line.partition("     with --prompt ")
        path = tmp_path / f"rows{number}.jsonl"
        path.write_text(json.dumps(json.loads(row)) + "\n", encoding="utf-8")
        prompt = template.strip().strip('"') or None
        assert check_input(path, prompt=prompt).rows == 1, line


def test_run_help_example_runs_as_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = _run_help(capsys).split("Example, offline")[1].split("\n\n")[0]
    lines = example.replace("\\\n", " ").splitlines()[1:]
    assert lines[0].strip() == "python -m chatplex.testing.mock_server --port 8765 &"
    variable, _, key = lines[1].strip().removeprefix("export ").partition("=")
    command = shlex.split(lines[2])
    assert command[:2] == ["chatplex", "run"]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, key)
    rows = [{"id": i, "question": f"What is {i} + {i}?"} for i in range(3)]
    Path(command[2]).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with MockServer() as server:  # on a free port, in place of the example's 8765
        argv = [arg.replace("127.0.0.1:8765", f"127.0.0.1:{server.port}") for arg in command]
        assert main([*argv[1:], "--quiet"]) == 0
    answers = [json.loads(line) for line in Path("answers.jsonl").read_text().splitlines()]
    assert sorted(a["text"] for a in answers) == [
        f"Echo: Answer briefly: What is {i} + {i}?" for i in range(3)
    ]
