"""Import order: the cases marked `order=True`, each run in a pristine interpreter that
imported chatplex before anything of LangChain, and in one that imported LangChain first.

`python compat_order.py <order>` does the first imports, then forks one child per case
(before any thread or other import, so every child starts from exactly that state); the
child starts its own mock server, runs both sides and sends back its observations. The
process prints `{case name: [LangChain's observation, the ported script's]}` as JSON.
The test module starts both processes once (`start`, from conftest as soon as the suite
is collected, so they run beside the in-process cases; under pytest-xdist when a test
first needs them) and reads their answers (`order_observations`); conftest stops any
left at the session's end (`stop_all`). Needs `os.fork` (POSIX).
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

_CHATPLEX = ("chatplex", "chatplex.chat", "chatplex.testing")
_LANGCHAIN = (
    "langchain_core.runnables",
    "langchain_core.messages",
    "langchain_openai",
    "langchain_anthropic",
)
#: What each interpreter imports, in order, before forking its children (both libraries
#: are loaded before the fork, so no child pays for an import; what differs is which
#: came first, and no chatplex code has run yet).
FIRST_IMPORTS = {
    "chatplex_first": (_CHATPLEX, _LANGCHAIN),
    "langchain_first": (_LANGCHAIN, _CHATPLEX),
}
ORDERS = tuple(FIRST_IMPORTS)
_RUNS: dict[str, subprocess.Popen[str]] = {}
_ANSWERS: dict[str, dict[str, Any]] = {}
#: Generous: a bound only a hung interpreter reaches.
_TIMEOUT_S = 600


def start(order: str) -> None:
    """Start the interpreter for `order` in the background (once)."""
    if order in _RUNS:
        return
    paths = [str(ROOT), str(HERE), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    _RUNS[order] = subprocess.Popen(
        [sys.executable, str(Path(__file__)), order],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=HERE,
    )


def order_observations(order: str) -> dict[str, Any]:
    """The observations of the interpreter for `order` (started if it was not)."""
    if order not in _ANSWERS:
        start(order)
        try:
            out, err = _RUNS[order].communicate(timeout=_TIMEOUT_S)
        except BaseException:  # a hang (or ^C): not left running behind the suite
            _stop(_RUNS[order])
            raise
        if _RUNS[order].returncode != 0:
            raise RuntimeError(f"the {order} interpreter failed:\n{err[-3000:]}")
        _ANSWERS[order] = json.loads(out)
    return _ANSWERS[order]


def stop_all() -> None:
    """Kill and reap every interpreter still running, and close its pipes.

    One started but never read (its tests ran elsewhere, or not at all) would otherwise
    outlive the session: "subprocess ... is still running" and two unclosed pipes.
    """
    for run in _RUNS.values():
        _stop(run)


def _stop(run: subprocess.Popen[str]) -> None:
    if run.poll() is None:
        run.kill()
    run.wait(timeout=_TIMEOUT_S)
    for pipe in (run.stdout, run.stderr):
        if pipe is not None:
            pipe.close()


def _run_one(case_name: str) -> list[Any]:
    """In a forked child: serve, run one case on both sides, return the observations."""
    from compat_cases import CASES
    from compat_harness import record_request
    from compat_harness import run_case

    from chatplex.testing import MockServer

    case = next(c for c in CASES if c.name == case_name)
    with MockServer(fault_plan=record_request) as server:
        os.environ.update(
            OPENAI_BASE_URL=server.openai_base_url,
            OPENAI_API_KEY="sk-compat-suite-0000",
            ANTHROPIC_BASE_URL=server.anthropic_base_url,
            ANTHROPIC_API_KEY="sk-compat-suite-0000",
        )
        for name in ("LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2"):
            os.environ.pop(name, None)
        return list(run_case(case))


def _in_child(answer: Callable[[], str]) -> str:
    """Run `answer` in a forked child and give back the text it returned, through a pipe.
    The child never returns into the parent's code: it exits once it has written."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            with os.fdopen(write_end, "w") as pipe:
                pipe.write(answer())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        text = pipe.read()
    os.waitpid(pid, 0)
    return text


def _forked(case_name: str) -> Any:
    """The observations of one case, run in a forked child."""

    def observations() -> str:
        try:
            return json.dumps(_run_one(case_name), default=repr)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent as the answer
            return json.dumps({"child failed": repr(exc)[:500]})

    return json.loads(_in_child(observations))


def _main(order: str) -> None:
    first, then = FIRST_IMPORTS[order]
    for module in first:
        importlib.import_module(module)
    loaded = "chatplex" in sys.modules, "langchain_core" in sys.modules
    assert loaded == ((True, False) if order == "chatplex_first" else (False, True)), loaded
    for module in then:
        importlib.import_module(module)
    from compat_cases import CASES  # the case texts only: imports neither library

    names = [case.name for case in CASES if case.order]
    _share_one_default_tls_context()
    # What is loaded is out of the collector's sight in every child, as in the test
    # process (conftest's compat_server): each case's two gc.collect() calls walk what
    # the case made, not both libraries again (half of a child's time). Frozen before
    # the probe child too, and again once what it named is loaded.
    gc.collect()
    gc.freeze()
    _load_what_a_case_loads(names[0])
    gc.collect()
    gc.freeze()
    answers = {name: _forked(name) for name in names}
    print(json.dumps(answers))


def _share_one_default_tls_context() -> None:
    """The partner SDKs' clients share one default TLS context, built here, as the
    in-process cases' do (tests/_tls.py): each case builds three otherwise, reading the CA
    bundle each time (~0.05 s, half of a child's time). Not chatplex code; the interpreter
    is left patched (it only forks the cases, then ends)."""
    import httpx
    import pytest

    from tests._tls import share_the_default_tls_context

    share_the_default_tls_context(pytest.MonkeyPatch(), gemini=False)  # no case uses Gemini
    httpx.create_ssl_context()
    httpx2 = sys.modules.get("httpx2._transports.default")  # the SDKs' own httpx, if any
    if httpx2 is not None:
        httpx2.create_ssl_context()


def _load_what_a_case_loads(case_name: str) -> None:
    """Import here, once, the modules a case loads on first use (the HTTP stacks, the
    SDKs' and chatplex's lazily loaded parts), as named by a probe child that ran one
    case: every child would load them again (more than half of its time otherwise).
    Both libraries are loaded already, in this interpreter's order, as they are in a
    child when it first loads these; the tracing variables a child drops are dropped
    first, in case a module reads them as it loads."""
    for name in ("LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2"):
        os.environ.pop(name, None)
    for module in _forked_probe(case_name):
        importlib.import_module(module)


def _forked_probe(case_name: str) -> list[str]:
    """The modules a forked child loaded to run `case_name`."""

    def newly_loaded() -> str:
        loaded = set(sys.modules)
        try:
            _run_one(case_name)
            return json.dumps(sorted(set(sys.modules) - loaded))
        except BaseException:  # noqa: BLE001 - the cases' own runs will report it
            return "[]"

    modules: list[str] = json.loads(_in_child(newly_loaded))
    return modules


if __name__ == "__main__":
    _main(sys.argv[1])
