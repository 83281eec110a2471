"""How the suite's pytest-xdist workers are fed.

tests/_scheduling.py gives the same work units to the same workers, in the same order,
as pytest-xdist's own --dist loadgroup scheduler, a worker lost midway included, when it
gives one unit a message; giving several, it runs each test once, in fewer messages.

tests/_compile_once.py: a module without bytecode is compiled by one worker at a time,
the others reading the pyc it wrote; a module with bytecode is read as before.

tests/_quiet_reports.py: a worker sends no setup or teardown report that passed quickly
with nothing to show, and the controller still shows every failure, skip and output.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator
from importlib import machinery
from importlib._bootstrap_external import SourceLoader  # type: ignore[attr-defined]
from importlib._bootstrap_external import _code_to_timestamp_pyc  # type: ignore[attr-defined]
from importlib.util import cache_from_source
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadGroupScheduling

from tests import _compile_once
from tests._scheduling import CountingGroupScheduling

#: Groups of several sizes (a group is one unit), tests of no group, a repeated node id.
COLLECTION = [
    *(f"t/test_a.py::test[{i}]@big" for i in range(40)),
    *(f"t/test_b.py::test[{i}]@mid" for i in range(9)),
    *(f"t/test_c.py::test_{i}" for i in range(60)),
    *(f"t/test_d.py::test[{i}]@small" for i in range(3)),
    "t/test_c.py::test_0",
]


class _Config:
    class option:
        loadscopereorder = False

    def getvalue(self, name: str) -> Any:
        return ["3*popen"] if name == "tx" else None


class _Worker:
    def __init__(self, name: str, log: list[Any]) -> None:
        self.name, self.log, self.queue, self.shutting_down = name, log, deque[int](), False
        self.gateway = SimpleNamespace(id=name)

    def send_runtest_some(self, indices: list[int]) -> None:
        self.queue.extend(indices)
        self.log.append((self.name, tuple(indices)))

    def shutdown(self) -> None:
        self.shutting_down = True
        self.log.append((self.name, "shutdown"))


def _run(kind: type[LoadGroupScheduling], lose_after: int | None) -> list[Any]:
    """What the scheduler asked of each worker, the tests run one by one in turn; the
    first worker lost (as if crashed) after `lose_after` tests done."""
    log: list[Any] = []
    scheduler = kind(_Config(), Producer("test", enabled=False))  # type: ignore[arg-type]
    workers = [_Worker(f"gw{i}", log) for i in range(3)]
    for worker in workers:
        scheduler.add_node(worker)  # type: ignore[arg-type]
    for worker in workers:
        scheduler.add_node_collection(worker, COLLECTION)  # type: ignore[arg-type]
    scheduler.schedule()
    done = 0
    while any(worker.queue for worker in workers):
        for worker in [worker for worker in workers if worker.queue]:
            if done == lose_after:
                log.append(("lost", scheduler.remove_node(workers[0])))  # type: ignore[arg-type]
                workers[0].queue.clear()
                done += 1
                continue
            scheduler.mark_test_complete(worker, worker.queue.popleft())  # type: ignore[arg-type]
            log.append(("pending", scheduler.has_pending, scheduler.tests_finished))
            done += 1
    return log


class _OneUnitAMessage(CountingGroupScheduling):
    BATCH = 1


@pytest.mark.parametrize("lose_after", [None, 5, 50])
def test_the_same_units_go_to_the_same_workers_in_the_same_order(lose_after: int | None) -> None:
    expected = _run(LoadGroupScheduling, lose_after)
    assert len(expected) > len(COLLECTION)
    assert _run(_OneUnitAMessage, lose_after) == expected


def _sent(log: list[Any]) -> list[tuple[int, ...]]:
    return [entry[1] for entry in log if isinstance(entry[1], tuple)]


@pytest.mark.parametrize("lose_after", [None, 5, 50])
def test_several_units_a_message_run_each_test_once_in_fewer_messages(
    lose_after: int | None,
) -> None:
    one_a_message = _run(_OneUnitAMessage, lose_after)
    log = _run(CountingGroupScheduling, lose_after)
    run = [index for indices in _sent(log) for index in indices]
    # The lost worker's tests not yet done are sent again, to another: none is missed.
    assert sorted(set(run)) == sorted(set(range(len(COLLECTION))) - {len(COLLECTION) - 1})
    assert len(_sent(log)) < len(_sent(one_a_message)) / 2
    assert log[-1] == one_a_message[-1] == ("pending", False, True)
    assert sum(entry[1] == "shutdown" for entry in log) == 3 - (lose_after is not None)


# ---- tests/_compile_once.py ----------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
SOURCE = 'VALUE = "compiled from the source"\n'
#: What the importer finds in the pyc another process wrote, when it read that pyc.
FROM_THE_PYC = "read from the pyc"


@pytest.fixture
def loader_as_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's loader put back as it was found after the test (in a worker of this
    suite, with tests/_compile_once.py installed)."""
    monkeypatch.setattr(machinery.SourceFileLoader, "get_code", machinery.SourceFileLoader.get_code)


@pytest.fixture
def module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loader_as_found: None
) -> Iterator[Path]:
    source = tmp_path / "fresh_module.py"
    source.write_text(SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    importlib.invalidate_caches()
    yield source
    sys.modules.pop("fresh_module", None)


def _write_other_pyc(source: Path) -> None:
    """A valid pyc for `source` (its mtime and size) whose code is not the source's."""
    code = compile(f"VALUE = {FROM_THE_PYC!r}\n", str(source), "exec")
    stat = source.stat()
    pyc = Path(cache_from_source(str(source)))
    pyc.parent.mkdir(exist_ok=True)
    pyc.write_bytes(_code_to_timestamp_pyc(code, int(stat.st_mtime), stat.st_size))


def test_a_module_without_bytecode_is_compiled_and_its_pyc_written(module: Path) -> None:
    _compile_once.install()
    try:
        imported = importlib.import_module("fresh_module")
    finally:
        _compile_once.uninstall()
    assert imported.VALUE == "compiled from the source"
    assert Path(cache_from_source(str(module))).is_file()


def test_a_module_with_bytecode_is_read_from_it(module: Path) -> None:
    _write_other_pyc(module)
    _compile_once.install()
    try:
        assert importlib.import_module("fresh_module").VALUE == FROM_THE_PYC
    finally:
        _compile_once.uninstall()


def test_uninstall_puts_back_the_loader_of_python(loader_as_found: None) -> None:
    pythons = SourceLoader.get_code
    _compile_once.install()
    assert machinery.SourceFileLoader.get_code is not pythons
    _compile_once.uninstall()
    assert machinery.SourceFileLoader.get_code is pythons


def _waiting_on_a_lock(pid: int) -> bool:
    """Whether process `pid` waits for a flock (a blocked request in /proc/locks)."""
    lines = Path("/proc/locks").read_text().splitlines()
    return any(line.split()[1:2] == ["->"] and str(pid) in line.split() for line in lines)


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads Linux's /proc/locks")
def test_another_process_waits_while_a_module_is_compiled_then_reads_its_pyc(
    module: Path,
) -> None:
    importer = (
        "from tests import _compile_once; _compile_once.install(); "
        "import fresh_module; print(fresh_module.VALUE)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(module.parent)])}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with _compile_once.folder_lock(str(module.parent)):  # as a process compiling it
        child = subprocess.Popen(
            [sys.executable, "-c", importer], env=env, stdout=subprocess.PIPE, text=True
        )
        try:
            while not _waiting_on_a_lock(child.pid):
                assert child.poll() is None, "the importer ended without waiting"
                time.sleep(0.005)
            _write_other_pyc(module)  # what the compiling process writes
        except BaseException:
            child.kill()
            child.communicate()
            raise
    out, _ = child.communicate()
    assert child.returncode == 0
    assert out.strip() == FROM_THE_PYC


# ---- tests/_quiet_reports.py ---------------------------------------------------------

_WORKER_CONFTEST = """
from tests import _quiet_reports

def pytest_configure(config):
    if hasattr(config, "workerinput"):
        _quiet_reports.install(config)
"""

_TESTS = """
import time
import pytest

@pytest.fixture
def broken():
    raise RuntimeError("the fixture broke")

@pytest.fixture
def talking():
    print("said in a setup")

@pytest.fixture
def slow():
    time.sleep(2 * LONG)

def test_quiet(): pass
def test_broken(broken): pass
def test_talking(talking): pass
def test_slow(slow): pass
@pytest.mark.skip(reason="skipped in its setup")
def test_skipped(): pass
"""


def test_a_worker_sends_no_silent_setup_or_teardown_and_the_controller_misses_nothing(
    tmp_path: Path,
) -> None:
    from tests._quiet_reports import LONG

    (tmp_path / "conftest.py").write_text(_WORKER_CONFTEST)
    (tmp_path / "test_reports.py").write_text(f"LONG = {LONG}\n{_TESTS}")
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:cacheprovider",
         "-n", "1", "-rA", "--durations=0", "--durations-min=0"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    out = done.stdout
    assert "3 passed, 1 skipped, 1 error" in out, out
    assert "the fixture broke" in out and "said in a setup" in out and "skipped in its setup" in out
    durations = out.split("slowest durations", 1)[1].split("short test summary", 1)[0]
    listed = {tuple(line.split()[1:]) for line in durations.splitlines() if "::" in line}
    # The silent setups and teardowns of test_quiet and test_slow are not sent; the long
    # setup, the failed and the skipped ones and those carrying output (a report holds the
    # output captured so far) are, as every call.
    assert listed == {
        ("setup", "test_reports.py::test_slow"),
        ("setup", "test_reports.py::test_broken"),
        ("setup", "test_reports.py::test_talking"),
        ("teardown", "test_reports.py::test_talking"),
        ("setup", "test_reports.py::test_skipped"),
        *(("call", f"test_reports.py::test_{name}") for name in ("quiet", "talking", "slow")),
    }, durations
