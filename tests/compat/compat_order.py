"""Import order: the cases marked `order=True`, run in fresh interpreters, one that
imports chatplex before anything of LangChain and one that imports LangChain first.

`python compat_order.py <order>` runs them (on its own mock server) and prints
`{case name: [LangChain's observation, the ported script's]}` as JSON. The test module
starts both interpreters once (`start`, from conftest as soon as the suite is collected,
so they run beside the in-process cases) and reads their answers (`order_observations`).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

#: What each interpreter imports before anything else.
FIRST_IMPORTS = {
    "chatplex_first": ("chatplex",),
    "langchain_first": (
        "langchain_core.runnables",
        "langchain_core.messages",
        "langchain_openai",
        "langchain_anthropic",
    ),
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
        out, err = _RUNS[order].communicate(timeout=_TIMEOUT_S)
        if _RUNS[order].returncode != 0:
            raise RuntimeError(f"the {order} interpreter failed:\n{err[-3000:]}")
        _ANSWERS[order] = json.loads(out)
    return _ANSWERS[order]


def _main(order: str) -> None:
    for module in FIRST_IMPORTS[order]:
        importlib.import_module(module)
    first_loaded = "chatplex" in sys.modules, "langchain_core" in sys.modules
    assert first_loaded == ((True, False) if order == "chatplex_first" else (False, True))

    from compat_cases import CASES
    from compat_harness import record_request, run_case

    from chatplex.testing import MockServer

    answers = {}
    with MockServer(fault_plan=record_request) as server:
        os.environ.update(
            OPENAI_BASE_URL=server.openai_base_url,
            OPENAI_API_KEY="sk-compat-suite-0000",
            ANTHROPIC_BASE_URL=server.anthropic_base_url,
            ANTHROPIC_API_KEY="sk-compat-suite-0000",
        )
        for name in ("LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2"):
            os.environ.pop(name, None)
        for case in CASES:
            if case.order:
                answers[case.name] = list(run_case(case))
    print(json.dumps(answers, default=repr))


if __name__ == "__main__":
    _main(sys.argv[1])
