"""`chatplex` / `python -m chatplex`: the command dispatches to its subcommands."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chatplex.__main__ import main


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
