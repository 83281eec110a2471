"""The end of a run says how the agents matrix's partner side ran
(tests/langchain/agents_matrix/_recorded.py): the modules it ran live for want of a
recording of their key, and the tests that ran again live after failing with a replayed
partner side. Each worker hands its figures over; this process prints them together."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

import pytest


@dataclass
class Report:
    #: The modules found without a fresh recording.
    stale: set[str] = field(default_factory=set)
    reruns: list[str] = field(default_factory=list)

    def add(self, stale: Any, reruns: Any) -> None:
        self.stale.update(stale)
        self.reruns += reruns


_REPORT = pytest.StashKey[Report]()


def report(config: pytest.Config) -> Report:
    return config.stash.setdefault(_REPORT, Report())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:  # pytest-xdist's, on the controller
    out = node.workeroutput
    report(node.config).add(out.get("stale_partner_recordings", ()), out.get("partner_reruns", ()))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    figures = report(config)
    if figures.stale:
        terminalreporter.write_line(
            f"agents matrix: the partner side ran live in {len(figures.stale)} module(s) "
            f"whose recording is missing or stale ({', '.join(sorted(figures.stale))}); "
            "`make record-matrix` records them again"
        )
    if figures.reruns:
        terminalreporter.write_line(
            f"agents matrix: {len(figures.reruns)} test(s) ran again with both sides live "
            "after failing with a replayed partner side:"
        )
        for nodeid in sorted(figures.reruns):
            terminalreporter.write_line(f"  {nodeid}")
