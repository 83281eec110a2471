"""One mock server for the compatibility suite, reached through the environment by both
libraries, and the summary line: same / deliberately different / different."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from compat_results import RESULTS

from chatplex.testing import MockServer

API_KEY = "sk-compat-suite-0000"


@pytest.fixture(scope="session")
def compat_server() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _point_both_libraries_at_the_server(
    compat_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", compat_server.openai_base_url)
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", compat_server.anthropic_base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
    monkeypatch.delenv("LANGSMITH_TRACING", raising=False)
    monkeypatch.delenv("LANGCHAIN_TRACING_V2", raising=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if RESULTS:
        terminalreporter.write_line(
            "compat (LangChain side by side): "
            f"{RESULTS['same']} same / {RESULTS['deliberate']} deliberately different / "
            f"{RESULTS['gap']} different (each listed in the README)"
        )
