"""The suite's CPU counter (tests/_cputime.py): a test's CPU lands on that test, and the
summary ranks files and folders by it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests._cputime import main
from tests._cputime import summary

ROOT = Path(__file__).resolve().parents[1]

_TESTS = """
import time

def test_burns():
    start = time.process_time()
    while time.process_time() - start < 0.3:  # CPU seconds, whatever the load
        pass

def test_idles():
    time.sleep(0.05)
"""


def test_a_tests_cpu_is_counted_on_it_and_ranked(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(_TESTS)
    written = tmp_path / "cpu"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")},  # its own
        "CHATPLEX_CPUTIME_DIR": str(written),
        "PYTHONPATH": str(ROOT),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",  # this plugin alone: the run stays short
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "tests._cputime", "test_sample.py"]
    ran = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    run = json.loads((written / "controller.json").read_text())
    burns = run["tests"]["test_sample.py::test_burns"]
    idles = run["tests"]["test_sample.py::test_idles"]
    assert burns >= 0.25 > idles  # (os.times counts in 10 ms ticks)
    assert run["waits"]["test_sample.py::test_idles"] >= 0.04  # its sleep, less a tick
    assert run["total"] >= burns and run["collection"] < run["total"]
    wall = run["wall"]
    assert wall["configured"] <= wall["first_test"] < wall["last_end"]
    assert wall["last_end"] - wall["first_test"] >= 0.05  # (at least the idle test's sleep)
    table = summary([run])
    assert "1 workers: tests" in table
    assert "controller: first test at " in table
    lines = table.splitlines()
    waits = lines.index(next(line for line in lines if line.startswith("-- longest waits")))
    assert lines[waits - 1].endswith("test_sample.py")  # the costliest file
    # Both tests are ranked by their waits (test_burns' too: a loaded machine keeps it
    # waiting for a core, so the two may come in either order).
    assert {line.split()[-1] for line in lines[waits + 1 :]} == {
        "test_sample.py::test_burns",
        "test_sample.py::test_idles",
    }
    assert main([str(written), "--top", "1"]) == 0


def test_a_folder_without_counts_is_an_error(tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 1
