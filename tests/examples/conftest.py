"""The example scripts that tests check from their output, started side by side once for
the folder (tests/examples/_scripts.py): most of their time is the mock server's latency,
so together they take about as long as the slowest one, not the sum of all.

test_examples.py runs its own seven together (their timings are part of what it checks);
test_docs_blocks.py runs the documentation's blocks.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from ._scripts import EXAMPLES
from ._scripts import SideBySide
from ._scripts import example_command
from ._scripts import example_env

#: The group of every test reading `scripts`: under pytest-xdist they share one worker,
#: so each script runs once (each worker reaching the fixture would start them all).
SCRIPTS_GROUP = pytest.mark.xdist_group("example_scripts")

#: A `langgraph` package that fails to import stands in for a missing one.
_NO_LANGGRAPH = "raise ImportError('no langgraph here', name='langgraph')\n"


def _model_unset(**extra: str) -> dict[str, str]:
    """The caller's environment but CHATPLEX_MODEL (what `make demo` runs with)."""
    return {**{k: v for k, v in os.environ.items() if k != "CHATPLEX_MODEL"}, **extra}


@pytest.fixture(scope="package")
def scripts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SideBySide]:
    """Every script below, started at once; `scripts.result(key)` waits for one."""
    fake = tmp_path_factory.mktemp("no-langgraph")
    (fake / "langgraph").mkdir()
    (fake / "langgraph" / "__init__.py").write_text(_NO_LANGGRAPH)
    strict = example_env(PYTHONWARNINGS="error")
    commands = {
        # test_quickstart.py, test_watch_events.py
        "quickstart": (example_command("quickstart"), _model_unset()),
        "watch_events": (example_command("watch_events"), _model_unset(PYTHONWARNINGS="error")),
        # test_batch_examples.py
        "tiered_batch": (example_command("tiered_batch"), example_env()),
        "batch_chain": (example_command("batch_chain"), example_env()),
        # test_bulk_examples.py
        **{
            name: (example_command(name), strict)
            for name in ("bulk_chunked", "bulk_routed", "bulk_cached", "bulk_cost")
        },
        # test_langgraph_agent.py: with LangGraph, and without it
        "langgraph_agent": (example_command("langgraph_agent"), strict),
        "langgraph_agent without langgraph": (
            example_command("langgraph_agent"),
            example_env(PYTHONWARNINGS="error", PYTHONPATH=str(fake)),
        ),
    }
    started = SideBySide(commands, cwd=EXAMPLES)
    try:
        yield started
    finally:
        started.close()
