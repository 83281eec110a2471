"""pytest-xdist's workers forked from one process that has imported the libraries each
worker would import as it collects.

Every worker collects the whole suite, so each imported the partner packages, their SDKs,
LangGraph and Ray again: ~6 s of its ~13 s of collection CPU, ten times a run. Here one
process, the zygote, imports them once (`ROOTS`) and forks a worker for each gateway
xdist opens. The controller points every xdist spec's `python` at a small launcher
(`WorkerZygote.python`): execnet starts it as it would start `python -u -c BOOTSTRAP`,
and the launcher hands its stdin, stdout and stderr to the zygote over a Unix socket,
with its folder and environment. The zygote forks; the child takes those descriptors,
that folder and that environment, and runs the bootstrap in a fresh `__main__`, as
`python -u -c` would. The launcher waits for the child's exit code and exits with it;
if the launcher is killed (execnet kills a worker that does not stop), the zygote kills
its child.

What a worker then differs in: the modules of `ROOTS` were imported before pytest
started in it, outside its warning filters, and without its assertion rewriter. The
roots hold no test helper and no pytest plugin (those are imported and rewritten in the
worker, as before), but the SDKs import `anyio` and langchain-core imports `langsmith`,
whose distributions carry pytest plugins: pytest would warn that it cannot rewrite them,
which pyproject's filter names and ignores (their asserts are not ours).

Nothing runs in the zygote but imports, and no thread (checked), so every worker starts
from the same state. `CHATPLEX_FORKED_WORKERS=0` starts the workers as xdist does.
Needs `os.fork` and Unix sockets (POSIX).
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from tests._zygote import end

#: What collection imports from outside the tests, the heaviest first (measured with
#: `python -X importtime -m pytest --collect-only -s tests`: ~5.5 s of the ~7 s these
#: cost). A module missing here is imported by each worker, as before; one no longer
#: installed is skipped.
ROOTS = (
    "langchain_anthropic",
    "google.cloud.aiplatform_v1beta1.types",
    "langchain_google_vertexai",
    "langchain_google_vertexai.chat_models",
    "langchain_google_vertexai.model_garden",
    "langchain_google_vertexai.vectorstores",
    "ray",
    "ray.data",
    "openai",
    "openai.lib._pydantic",
    "langchain_core.language_models.base",
    "langchain_core.utils.function_calling",
    "langchain_core.prompts.dict",
    "langchain_core.caches",
    "langchain_google_genai",
    "langchain_fireworks.chat_models",
    "langchain.agents.factory",
    "langchain_cohere.chains.summarize.summarize_chain",
    "langchain_ollama.chat_models",
    "deepagents.graph",
    "langchain_aws.chat_models",
    "langchain_aws.retrievers",
    "boto3",
    "langchain_openai.chat_models",
    "langchain_openai.llms",
    "langchain_mistralai.chat_models",
    # Not imported as collection imports, but by the tests of every worker as they run
    # (found in the `sys.modules` of 8 to 10 workers of 10 at the end of a whole run, and
    # not in the zygote's): ~1.3 s of CPU a worker, once here instead.
    "langchain_perplexity",
    "langchain_ibm.chat_models",
    "openai.lib._assistants_runs",
    "openai.lib._response_resources",
    "openai.resources.beta.beta",
)

#: The zygote: imports, then a loop (no thread) that accepts launchers, forks a child for
#: each, reports each child's exit code to its launcher, and kills a child whose launcher
#: went away. The child leaves the loop and runs the bootstrap at the top level, so it
#: ends as `python -c` would. `SOCKET` and `ROOTS` are prepended.
_PROGRAM = r"""
import gc, importlib, io, json, os, select, signal, socket, sys, threading, types

for _root in ROOTS:
    try:
        importlib.import_module(_root)
    except ImportError:  # (not installed: the workers import what they find)
        pass
assert threading.active_count() == 1, threading.enumerate()  # forking is safe
# What lives until exit is left out of the cyclic collector: no worker's collection walks
# it or copies its pages.
gc.collect()
gc.freeze()


def _job_of(conn):
    data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
    while not data.endswith(b"\n"):
        more = conn.recv(1 << 16)
        if not more:
            raise EOFError("the launcher left before its job was read")
        data += more
    return json.loads(data), fds


def _serve():
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(SOCKET)
    listener.listen(64)
    print("ready", flush=True)
    children = {}  # launcher connection -> its child's pid
    while True:
        watched = [sys.stdin, listener, *children]
        for ready in select.select(watched, [], [], 0.2)[0]:
            if ready is sys.stdin:  # the controller closed it (or died): the run is over
                if not sys.stdin.readline():
                    for pid in children.values():
                        os.kill(pid, signal.SIGKILL)
                    return None
            elif ready is listener:
                conn = listener.accept()[0]
                try:
                    job, fds = _job_of(conn)
                except (OSError, EOFError, ValueError):  # its launcher is gone already
                    conn.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    listener.close()
                    for other in children:
                        other.close()
                    conn.close()
                    return job, fds
                for fd in fds:
                    os.close(fd)
                children[conn] = pid
            else:  # readable: the launcher was killed (its end closed), so is its worker
                try:
                    ready.recv(1)
                except OSError:
                    pass
                os.kill(children[ready], signal.SIGKILL)
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            for conn, child in list(children.items()):
                if child == pid:
                    del children[conn]
                    try:
                        conn.sendall(str(os.waitstatus_to_exitcode(status)).encode())
                    except OSError:
                        pass
                    conn.close()


_work = _serve()
if _work is None:
    sys.exit(0)
# The worker, from here on: what execnet's `python -u -c BOOTSTRAP` would be.
_job, _fds = _work
del _work
for _target, _fd in enumerate(_fds):
    os.dup2(_fd, _target)
    os.close(_fd)
os.chdir(_job["cwd"])
os.environ.clear()
os.environ.update(_job["env"])
sys.dont_write_bytecode = "-B" in _job["argv"]
sys.stdin = sys.__stdin__ = open(0, closefd=False)
sys.stdout = sys.__stdout__ = io.TextIOWrapper(open(1, "wb", 0, closefd=False), write_through=True)
sys.stderr = sys.__stderr__ = io.TextIOWrapper(
    open(2, "wb", 0, closefd=False), write_through=True, errors="backslashreplace"
)
_main = types.ModuleType("__main__")
_main.__builtins__, _main.__loader__ = __builtins__, __loader__
sys.modules["__main__"] = _main
sys.argv[:] = ["-c"]
_code = _job["argv"][_job["argv"].index("-c") + 1]
del _job, _fds, _target, _fd
exec(compile(_code, "<string>", "exec"), _main.__dict__)
"""

#: The launcher execnet starts in place of Python: its arguments are the zygote's socket,
#: then what execnet gives Python (`-u -c BOOTSTRAP`).
_LAUNCHER = r"""
import json, os, socket, sys
conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
conn.connect(sys.argv[1])
job = {"cwd": os.getcwd(), "env": dict(os.environ), "argv": sys.argv[2:]}
socket.send_fds(conn, [json.dumps(job).encode() + b"\n"], [0, 1, 2])
os.close(0)
os.close(1)  # the worker holds the pipes now: execnet sees their end when it ends
answer = b""
while chunk := conn.recv(64):
    answer += chunk
sys.exit(int(answer) if answer else 1)
"""


def wanted() -> bool:
    """Whether workers are forked from a zygote (POSIX, not turned off)."""
    off = os.environ.get("CHATPLEX_FORKED_WORKERS", "").strip() == "0"
    return hasattr(os, "fork") and hasattr(socket, "AF_UNIX") and not off


class WorkerZygote:
    """The zygote process, started in the controller's folder and environment; `python`
    is what xdist's specs start in its place; `close` ends it (and any worker left)."""

    def __init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="chatplex-zygote-"))
        self._socket = str(self._folder / "socket")
        self._log = (self._folder / "zygote.stderr").open("w")
        self._process = subprocess.Popen(
            [sys.executable, "-c", f"SOCKET = {self._socket!r}\nROOTS = {ROOTS!r}\n{_PROGRAM}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        assert self._process.stdout is not None
        if self._process.stdout.readline().strip() != "ready":
            self.close()  # (which prints what it wrote)
            raise RuntimeError("the workers' zygote did not start: its output is above")
        # `-I -S`: the launcher needs the standard library only (~20 ms of CPU).
        launcher = [sys.executable, "-I", "-S", "-c", _LAUNCHER, self._socket]
        self.python = shlex.join(launcher)

    def close(self) -> None:
        try:
            end(self._process)
        finally:
            self._log.close()
            log = (self._folder / "zygote.stderr").read_text(errors="replace")
            if self._process.returncode or log:  # what it said, before it is removed
                print(f"the workers' zygote ended ({self._process.returncode}):", file=sys.stderr)
                print(log[-3000:], file=sys.stderr)
            for leftover in self._folder.iterdir():
                leftover.unlink()
            self._folder.rmdir()
