"""Where machine budgets live and how their files are opened (chatplex/http/
_budget_files.py): the user's own directory, no file written through a link another user
planted, and which processes are gone. The attacks by a second local user run as root
(a forked child becomes `nobody` with os.setuid); without root they are skipped."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import stat
import tempfile
import time
import traceback
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest
from _httpkit import wait_for_state

from chatplex.http._budget_files import budget_dir
from chatplex.http._budget_files import describe_pid
from chatplex.http._budget_files import is_gone
from chatplex.http._budget_files import open_budget_file
from chatplex.http._budget_files import process_start

PRECIOUS = b"the victim's own data\n"


def _nobody() -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        return None


NOBODY = _nobody()
needs_root = pytest.mark.skipif(
    os.geteuid() != 0 or NOBODY is None,
    reason="a second local user is made by os.setuid(nobody) in a forked child: "
    "needs to run as root, with a 'nobody' user",
)


def as_nobody(action: Callable[[], None]) -> None:
    """Run `action` in a forked child that has become the user `nobody`."""
    assert NOBODY is not None
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setgroups([])
            os.setgid(NOBODY.pw_gid)
            os.setuid(NOBODY.pw_uid)
            action()
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the second user's step failed"


@pytest.fixture
def shared() -> Iterator[Path]:
    """A world-writable sticky directory like /tmp, that `nobody` can reach."""
    path = Path(tempfile.mkdtemp(prefix="chatplex-shared-", dir="/tmp"))
    path.chmod(0o1777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def precious(tmp_path: Path) -> Path:
    """A file of the victim's that a planted link points at."""
    path = tmp_path / "precious.txt"
    path.write_bytes(PRECIOUS)
    return path


# ---- where ----------------------------------------------------------------------------


def test_the_runtime_directory_is_used_when_it_is_the_users_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.delenv("CHATPLEX_BUDGET_DIR", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    assert budget_dir() == runtime / "chatplex" / "budgets"
    fd = open_budget_file(budget_dir() / "x.budget")
    os.close(fd)
    assert stat.S_IMODE((runtime / "chatplex" / "budgets").stat().st_mode) == 0o700
    assert stat.S_IMODE((budget_dir() / "x.budget").stat().st_mode) == 0o600


def test_otherwise_the_cache_directory_and_never_the_shared_temp_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CHATPLEX_BUDGET_DIR", raising=False)
    shared_run = tmp_path / "run"
    shared_run.mkdir()
    shared_run.chmod(0o777)  # not the user's alone (or, after sudo, another user's)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared_run))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert budget_dir() == tmp_path / "cache" / "chatplex" / "budgets"
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert budget_dir() == tmp_path / "home" / ".cache" / "chatplex" / "budgets"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as the spec says
    assert budget_dir() == tmp_path / "home" / ".cache" / "chatplex" / "budgets"
    monkeypatch.setenv("CHATPLEX_BUDGET_DIR", str(tmp_path / "mine"))
    assert budget_dir() == tmp_path / "mine"
    assert not str(budget_dir()).startswith(tempfile.gettempdir() + "/chatplex-budgets")


# ---- what is refused, by the user alone ----------------------------------------------------


def test_a_symlink_in_the_directory_is_not_written_through(tmp_path: Path, precious: Path) -> None:
    home = tmp_path / "budgets"
    home.mkdir(mode=0o700)
    (home / "k.budget").symlink_to(precious)
    with pytest.raises(PermissionError, match=r"k\.budget: it is a symbolic link"):
        open_budget_file(home / "k.budget")
    assert precious.read_bytes() == PRECIOUS


def test_a_directory_others_may_write_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "budgets"
    home.mkdir()
    home.chmod(0o777)
    with pytest.raises(PermissionError, match=r"budgets: group or others may write .*0o777"):
        open_budget_file(home / "k.budget")
    assert list(home.iterdir()) == []


def test_what_is_not_a_regular_file_or_directory_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "budgets"
    (home / "k.budget").mkdir(parents=True, mode=0o700)
    home.chmod(0o700)
    with pytest.raises(PermissionError, match=r"k\.budget: it is not a regular file"):
        open_budget_file(home / "k.budget")
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(PermissionError, match="not a directory"):
        open_budget_file(tmp_path / "file" / "k.budget")


# ---- a second user's attacks (root only) -----------------------------------------------------


@needs_root
def test_a_directory_another_user_made_first_is_refused(shared: Path) -> None:
    home = shared / "budgets"
    as_nobody(lambda: home.mkdir(mode=0o700))  # made before the victim's first call
    assert NOBODY is not None
    with pytest.raises(PermissionError, match=rf"owned by uid {NOBODY.pw_uid}, not by"):
        open_budget_file(home / "k.budget")
    assert home.stat().st_uid == NOBODY.pw_uid


@needs_root
def test_a_symlink_another_user_planted_is_not_written_through(
    shared: Path, precious: Path
) -> None:
    home = shared / "budgets"

    def plant() -> None:
        home.mkdir()
        home.chmod(0o777)
        (home / "k.budget").symlink_to(precious)

    as_nobody(plant)
    with pytest.raises(PermissionError, match=r"budgets: it is owned by uid"):
        open_budget_file(home / "k.budget")
    assert precious.read_bytes() == PRECIOUS
    assert precious.stat().st_size == len(PRECIOUS)


@needs_root
def test_a_symlink_planted_in_the_victims_world_writable_directory(
    shared: Path, precious: Path
) -> None:
    home = shared / "budgets"
    home.mkdir()
    home.chmod(0o777)  # the victim's own, but open to all
    as_nobody(lambda: (home / "k.budget").symlink_to(precious))
    with pytest.raises(PermissionError, match="group or others may write"):
        open_budget_file(home / "k.budget")
    assert precious.read_bytes() == PRECIOUS


@needs_root
def test_a_directory_symlink_another_user_planted_is_refused(shared: Path, tmp_path: Path) -> None:
    mine = tmp_path / "elsewhere"
    mine.mkdir(mode=0o700)
    tmp_path.chmod(0o755)  # so that nobody can name it (a link needs no access)
    as_nobody(lambda: (shared / "budgets").symlink_to(mine))
    with pytest.raises(PermissionError, match="symbolic link made by uid"):
        open_budget_file(shared / "budgets" / "k.budget")
    assert list(mine.iterdir()) == []


# ---- processes --------------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs Linux's /proc")
def test_a_zombie_and_a_reused_pid_are_gone_a_live_process_is_not() -> None:
    me, started = os.getpid(), process_start(os.getpid())
    assert started > 0
    assert not is_gone(me, started) and not is_gone(me)
    assert is_gone(me, started + 1)  # the pid now names a process started later
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    try:
        wait_for_state(pid, "Z")  # exited, not reaped
        assert is_gone(pid, 0)
        assert "exited" in describe_pid(pid)
    finally:
        os.waitpid(pid, 0)
    assert is_gone(pid)  # reaped: no such process


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs Linux's /proc")
def test_a_stopped_process_is_described_as_stopped() -> None:
    pid = os.fork()
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    try:
        os.kill(pid, signal.SIGSTOP)
        wait_for_state(pid, "T")
        assert describe_pid(pid) == f"pid {pid} (stopped)"
        assert not is_gone(pid, process_start(pid))
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert "did not record" in describe_pid(0)
