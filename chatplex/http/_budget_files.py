"""The file-system and process side of the machine budget (`_budget_machine.py`): where
its files live, how they are opened so that no other local user can redirect them, and
whether the process behind a row of in-flight slots is still there.

The directory is the user's own, never a guessable shared path: another user could
create `/tmp/chatplex-budgets-<uid>` first and plant a symlink in it, and the victim's
next admission would write through it. So the directory is made 0700 and refused unless
owned by the user with no group/other write, and each file is opened relative to it with
`O_NOFOLLOW`, made 0600, and refused unless it is a regular file of the user's.

>>> budget_dir()  # doctest: +SKIP
PosixPath('/run/user/1000/chatplex/budgets')
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

__all__ = [
    "budget_dir",
    "describe_pid",
    "is_gone",
    "open_budget_file",
    "process_start",
]


def budget_dir() -> Path:
    """Where machine budgets live: `$CHATPLEX_BUDGET_DIR` if set; else
    `$XDG_RUNTIME_DIR/chatplex/budgets` when that runtime directory is the user's own
    (after `sudo` it may name another user's); else `$XDG_CACHE_HOME/chatplex/budgets`,
    by default `~/.cache/chatplex/budgets`. Processes share a budget only if they see the
    same directory: give them the same environment (or `CHATPLEX_BUDGET_DIR`)."""
    chosen = os.environ.get("CHATPLEX_BUDGET_DIR")
    if chosen:
        return Path(chosen)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and _is_private(runtime):
        return Path(runtime) / "chatplex" / "budgets"
    cache = os.environ.get("XDG_CACHE_HOME")
    base = Path(cache) if cache and os.path.isabs(cache) else Path.home() / ".cache"
    return base / "chatplex" / "budgets"


def _is_private(path: str) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and not st.st_mode & 0o022


def open_budget_file(path: Path) -> int:
    """A read-write descriptor on the budget file `path` (created 0600, its directory
    0700 if missing). PermissionError, naming the path and why, when the directory is not
    the user's alone or the file is a symlink, not a regular file, or not the user's."""
    directory = _open_private_dir(path.parent)
    try:
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(path.name, flags, 0o600, dir_fd=directory)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a (planted) link
                raise _refused(path, "it is a symbolic link") from None
            if exc.errno == errno.EISDIR:
                raise _refused(path, "it is not a regular file (a directory)") from None
            raise
    finally:
        os.close(directory)
    try:
        st = os.fstat(fd)  # what was opened, not what the name points at now
        if not stat.S_ISREG(st.st_mode):
            raise _refused(path, "it is not a regular file")
        _check_owned(path, st)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_private_dir(path: Path) -> int:
    """A descriptor on the directory `path`, made 0700 if missing, after checking it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # checked below, whoever made it
        os.mkdir(path, 0o700)
    uid = os.geteuid()
    link = os.lstat(path)
    if stat.S_ISLNK(link.st_mode) and link.st_uid != uid:
        raise _refused(path, f"it is a symbolic link made by uid {link.st_uid}")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except NotADirectoryError:
        raise _refused(path, "it is not a directory") from None
    try:
        _check_owned(path, os.fstat(fd))
    except BaseException:
        os.close(fd)
        raise
    return fd


def _check_owned(path: Path, st: os.stat_result) -> None:
    uid = os.geteuid()
    if st.st_uid != uid:
        raise _refused(path, f"it is owned by uid {st.st_uid}, not by this user (uid {uid})")
    if st.st_mode & 0o022:
        mode = oct(stat.S_IMODE(st.st_mode))
        raise _refused(path, f"group or others may write to it (mode {mode})")


def _refused(path: Path, why: str) -> PermissionError:
    return PermissionError(
        f"refusing the machine rate-limit budget at {path}: {why}. Another local user "
        "could redirect what chatplex writes there; remove it, or set CHATPLEX_BUDGET_DIR "
        "to a directory only you can write"
    )


# ---- processes ------------------------------------------------------------------------


def _proc_stat(pid: int) -> tuple[str, int] | None:
    """(state letter, start time in clock ticks since boot) from /proc; None when /proc
    cannot tell (no such entry, or not Linux)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            data = file.read()
    except OSError:
        return None
    fields = data.rpartition(b")")[2].split()  # the name before ")" may hold spaces
    try:
        return fields[0].decode(), int(fields[19])
    except (IndexError, ValueError):
        return None


def process_start(pid: int) -> int:
    """When `pid` started (clock ticks since boot), 0 where /proc cannot tell: recorded
    with a row of slots, so a pid reused by a newer process is not taken for the old."""
    found = _proc_stat(pid)
    return 0 if found is None else found[1]


def is_gone(pid: int, started: int = 0) -> bool:
    """True if process `pid` (started at `started`, 0 = unknown) no longer runs: exited,
    killed and not yet reaped by its parent (a zombie holds no request), or its pid now
    names a process started later."""
    found = _proc_stat(pid)
    if found is not None:
        state, start = found
        return state in ("Z", "X", "x") or bool(started and start and start != started)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's process: alive
        return False
    return False


def describe_pid(pid: int) -> str:
    """`pid` for an error message, with what /proc says of it (stopped, gone)."""
    if pid <= 0:
        return "a process that did not record its pid (an older chatplex?)"
    found = _proc_stat(pid)
    if found is None:
        return f"pid {pid}"
    state = {"T": "stopped", "t": "stopped by a debugger", "Z": "exited", "D": "in I/O"}
    return f"pid {pid} ({state[found[0]]})" if found[0] in state else f"pid {pid}"
