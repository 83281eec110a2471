"""One mock server for the compatibility suite, reached through the environment by both
libraries, the import-order interpreters started early, LangChain's side replayed
(compat_replays.py), and the summary line: same / deliberately different / different."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator

import compat_order
import pytest
from compat_harness import TARGET
from compat_harness import record_request
from compat_replays import RECORDINGS
from compat_results import RESULTS

from chatplex.testing import MockServer
from tests._leaks import frozen_heap
from tests._replayed import rerun_live_on_failure
from tests._tls import one_default_tls_context  # noqa: F401  (autouse: this folder's clients)

API_KEY = "sk-compat-suite-0000"


@pytest.fixture(scope="module")  # the freeze ends with this directory's tests
def compat_server() -> Iterator[MockServer]:
    # Both libraries are loaded once, then frozen out of the collector's sight: each
    # case ends with a gc.collect() (LangChain closes its clients only then), which
    # otherwise walks every object of both libraries again, 2/3 of the suite's time.
    import langchain_anthropic  # noqa: F401
    import langchain_core.runnables  # noqa: F401
    import langchain_openai  # noqa: F401

    # Unfrozen at the end unless a freeze was already in force (tests/langchain/conftest.py
    # freezes what collection loaded, for the session): gc.unfreeze() undid that one too,
    # and every later test on the worker paid for full collections again.
    with frozen_heap(), MockServer(fault_plan=record_request) as server:
        yield server


@pytest.fixture(autouse=True)
def _point_both_libraries_at_the_server(
    compat_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", compat_server.openai_base_url)
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", compat_server.anthropic_base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
    # The OpenAI-compatible partners, each at the mock's Chat Completions wire (Groq's
    # and Mistral's under their prefixes, streaming usage as they do).
    for base, url in (
        ("GROQ_API_BASE", compat_server.url + "/groq"),
        ("MISTRAL_BASE_URL", compat_server.url + "/mistral/v1"),
        ("DEEPSEEK_API_BASE", compat_server.openai_base_url),
        ("XAI_API_BASE", compat_server.openai_base_url),
        ("TOGETHER_API_BASE", compat_server.openai_base_url),
    ):
        monkeypatch.setenv(base, url)
    for key in ("GROQ", "MISTRAL", "DEEPSEEK", "XAI", "TOGETHER", "FIREWORKS"):
        monkeypatch.setenv(f"{key}_API_KEY", API_KEY)
    monkeypatch.delenv("LANGSMITH_TRACING", raising=False)
    monkeypatch.delenv("LANGCHAIN_TRACING_V2", raising=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Under pytest-xdist (--dist loadgroup) the import-order tests share one worker, so
    # each interpreter runs once, not once per worker that got one of its tests.
    for item in items:
        if "test_import_order" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group("compat_import_order"))


def pytest_collection_finish(session: pytest.Session) -> None:
    # The import-order interpreters run beside the in-process cases (2 cores), when
    # their tests are among those selected. Not under pytest-xdist: every worker collects
    # every test, but only one runs these, and the workers already fill the cores.
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    for order in compat_order.ORDERS:
        if any("test_import_order" in i.nodeid and order in i.nodeid for i in session.items):
            compat_order.start(order)


#: A case that fails with LangChain's side replayed runs again with both sides live
#: (compat_replays.py).
pytest_runtest_call = rerun_live_on_failure(RECORDINGS)


def pytest_sessionfinish(session: pytest.Session) -> None:
    compat_order.stop_all()  # none outlives the session, read or not
    # Recordings written (`make record-partners`); the stale ones and the reruns named.
    RECORDINGS.hand_over(session)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if RESULTS:
        tally = Counter(RESULTS.values())
        terminalreporter.write_line(
            f"compat (LangChain side by side, ported to {TARGET}): "
            f"{tally['same']} same / {tally['deliberate']} deliberately different (each "
            f"named in docs/porting.md) / {tally['different']} different"
        )
