"""Run many short scripts each in a process of its own without paying each one's imports:
a "zygote" interpreter imports chatplex once, then forks one child per script.

The child is what `python -c CODE` (`Zygote.run`), `python -m MODULE ARGS...`
(`Zygote.run_module`) or `python PATH` (`Zygote.run_script`) started in the given folder,
with this checkout first on `PYTHONPATH`, would be, except that chatplex (every
public name, and the modules of PRELOAD; or only the modules given, `public_names=False`)
is already imported: a fresh `__main__`, `sys.argv` as Python sets it, the folder first
on `sys.path`, stdin from /dev/null, stdout and stderr to files, and a normal interpreter
exit (atexit handlers, non-daemon threads joined; an uncaught exception prints its
traceback and exits 1). Nothing but
imports ran in the zygote before the fork: no chatplex code, no thread (checked), so
every child starts from the same state and no script sees another's. The imports' objects
are then frozen out of the cyclic garbage collector (`gc.collect(); gc.freeze()`, as a
pre-forking server does): the children's collections, at exit above all, skip that heap,
which holds no garbage.

Both return a `subprocess.CompletedProcess`; a script running past its timeout
is killed by SIGALRM (returncode -14). Needs `os.fork` (POSIX).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

#: This checkout: first on the zygote's path. The zygote runs in a folder of its own, where
#: an installed chatplex (or another worktree's editable one) would be the one imported.
ROOT = Path(__file__).resolve().parents[1]

#: What a model call over HTTP and the mock server load on first use (beyond chatplex's
#: public names): the zygote loads them once, where each script would again (a call in a
#: child loads nothing more: tests/examples/test_examples.py checks it).
PRELOAD = (
    "httpx",
    "httpcore",
    "h11",
    "anyio",
    "anyio._backends._asyncio",
    "anyio.streams.tls",
    "anyio.to_thread",
    "aiohttp",
    "tenacity",
    "certifi",
    "encodings.idna",
    "email.policy",
    "http.cookies",
    "netrc",
    "chatplex.chat.params",
    "chatplex.http._budgets",
    "chatplex.http._lean_sync",
    "chatplex.http._ratelimit",
    "chatplex.http._pool",
    "chatplex.http._engine",
    "chatplex.http._send",
    "chatplex.http._stream",
    "chatplex.http._schedule",
    "chatplex.core.retry",
    "chatplex.chat.sending",
    "chatplex.chat.streams",
    "chatplex.providers.openai.adapter",
    "chatplex.providers.anthropic.adapter",
    "chatplex.testing.mock_server",
)

#: The zygote's own program: imports, then a loop reading one job a line from stdin and
#: answering each with the exit code of the child that ran it. The child leaves the loop
#: and runs the script at the top level, so it ends as `python -c` would.
_PROGRAM = r"""
import gc, importlib, json, os, signal, sys, threading, types

for _package in PUBLIC_NAMES:
    _loaded = importlib.import_module(_package)
    for _name in _loaded.__all__:  # loaded on first use: loaded here, once
        getattr(_loaded, _name)
for _module in PRELOAD:
    importlib.import_module(_module)
assert threading.active_count() == 1, threading.enumerate()  # forking is safe
# What the imports left is collected, and what lives (until exit) frozen out of the cyclic
# collector, so that no child's collection walks it (or copies its pages): the full ones
# of each child's exit cost ~0.35 s of CPU over this heap, 10x the rest of a short
# script. What the script makes is collected as in `python -c`.
gc.collect()
gc.freeze()


def _serve():
    print("ready", flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            return job
        _, status = os.waitpid(pid, 0)
        print(json.dumps(os.waitstatus_to_exitcode(status)), flush=True)
    return None


def _redirect(fd, path, flags):
    opened = os.open(path, flags, 0o644)
    os.dup2(opened, fd)
    os.close(opened)


_job = _serve()
if _job is None:
    sys.exit(0)
# The child, from here on: `python -c CODE` in the script's folder.
os.chdir(_job["cwd"])
_redirect(0, os.devnull, os.O_RDONLY)  # the zygote's stdin and stdout pipes: replaced
_redirect(1, _job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
_redirect(2, _job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
sys.stdin = open(0, closefd=False)
signal.alarm(_job["timeout"])
_main = types.ModuleType("__main__")
_main.__builtins__, _main.__loader__ = __builtins__, __loader__
sys.modules["__main__"] = _main
if "module" in _job:  # `python -m`: the folder (in full) first on the path
    import runpy

    sys.argv[:] = ["-m", *_job["args"]]  # argv[0] becomes the module's file
    sys.path[0] = os.getcwd()
    runpy._run_module_as_main(_job["module"])  # what `python -m` calls
elif "script" in _job:  # `python PATH`: the script's own folder first on the path
    sys.argv[:] = [_job["script"]]
    sys.path[0] = os.path.dirname(os.path.realpath(_job["script"]))
    _main.__file__, _main.__cached__ = _job["script"], None
    with open(_job["script"], "rb") as _source:
        _script = compile(_source.read(), _job["script"], "exec")
    exec(_script, _main.__dict__)
else:  # `python -c`: the folder, as ""
    sys.argv[:] = ["-c"]
    sys.path[0] = ""
    exec(compile(_job["code"], "<string>", "exec"), _main.__dict__)
"""


class Zygote:
    """The zygote process: start it with `env` and what to `preload` (its log and the
    scripts' output go to `folder`), `run` scripts one at a time, `close` it.

    `public_names=False`: chatplex's public names are not loaded, only `preload` (for
    scripts whose point is what chatplex loads, with the standard library or a third
    party's modules warm; `preload` may still name "chatplex" itself). `public_names_of`:
    packages whose public names are loaded beside chatplex's (`chatplex.langchain`)."""

    def __init__(
        self,
        folder: Path,
        env: dict[str, str],
        preload: tuple[str, ...] = PRELOAD,
        *,
        public_names: bool = True,
        public_names_of: tuple[str, ...] = (),
    ) -> None:
        self._folder = folder
        self._log = folder / "zygote.stderr"
        packages = ("chatplex",) if public_names else ()
        packages += public_names_of
        with self._log.open("w") as log:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    f"PRELOAD = {preload!r}\nPUBLIC_NAMES = {packages!r}\n{_PROGRAM}",
                ],
                cwd=folder,
                env=_checkout_first(env),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        self._expect("ready")

    def run(self, code: str, cwd: Path, timeout: int) -> subprocess.CompletedProcess[str]:
        """`python -c code` in `cwd`, forked: its exit code, stdout and stderr."""
        return self._fork({"code": code}, ["-c", code], cwd, timeout)

    def run_module(
        self, module: str, *args: str, cwd: Path, timeout: int
    ) -> subprocess.CompletedProcess[str]:
        """`python -m module args...` in `cwd`, forked: its exit code, stdout and stderr."""
        return self._fork(
            {"module": module, "args": list(args)}, ["-m", module, *args], cwd, timeout
        )

    def run_script(self, path: Path, cwd: Path, timeout: int) -> subprocess.CompletedProcess[str]:
        """`python path` in `cwd`, forked: its exit code, stdout and stderr."""
        return self._fork({"script": str(path)}, [str(path)], cwd, timeout)

    def _fork(
        self, what: dict[str, object], argv: list[str], cwd: Path, timeout: int
    ) -> subprocess.CompletedProcess[str]:
        out, err = self._folder / "stdout", self._folder / "stderr"
        job = {**what, "cwd": str(cwd), "stdout": str(out), "stderr": str(err)}
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps({**job, "timeout": timeout}) + "\n")
        self._process.stdin.flush()
        returncode = int(self._expect())
        stderr = err.read_text(encoding="utf-8", errors="replace")
        if returncode == -signal.SIGALRM:
            stderr += f"\n[killed: still running after {timeout} s]"
        stdout = out.read_text(encoding="utf-8", errors="replace")
        return subprocess.CompletedProcess(argv, returncode, stdout, stderr)

    def close(self) -> None:
        """End the zygote (it exits at the end of its input), reaped, pipes closed."""
        end(self._process)

    def _expect(self, line: str | None = None) -> str:
        assert self._process.stdout is not None
        answer = self._process.stdout.readline().strip()
        if not answer or (line is not None and answer != line):
            log = self._log.read_text(encoding="utf-8", errors="replace")
            raise RuntimeError(f"the zygote stopped answering ({answer!r}):\n{log[-3000:]}")
        return answer


def end(process: subprocess.Popen[str]) -> None:
    """End a zygote that exits at the end of its input: its pipes closed, then waited for
    (killed if it does not exit within 30 s)."""
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            pipe.close()
    try:
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def _checkout_first(env: dict[str, str]) -> dict[str, str]:
    paths = [str(ROOT), env.get("PYTHONPATH", "")]
    return {**env, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
