"""The end of a run says how each replayed partner side ran (tests/_replayed.py: the
agents matrix's, the side-by-side suites'): the modules it ran live for want of a
recording of their key, and the tests that ran again live after failing with a replayed
partner side. Each worker hands its figures over; this process prints them together."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

import pytest


@dataclass
class Report:
    #: By suite: the modules found without a fresh recording.
    stale: dict[str, set[str]] = field(default_factory=dict)
    #: By suite: the tests that ran again live.
    reruns: dict[str, list[str]] = field(default_factory=dict)
    #: By suite: the make target that records it again.
    targets: dict[str, str] = field(default_factory=dict)

    def add(self, label: str, figures: dict[str, Any]) -> None:
        self.stale.setdefault(label, set()).update(figures["stale"])
        self.reruns.setdefault(label, []).extend(figures["reruns"])
        self.targets[label] = figures["target"]


_REPORT = pytest.StashKey[Report]()


def report(config: pytest.Config) -> Report:
    return config.stash.setdefault(_REPORT, Report())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:  # pytest-xdist's, on the controller
    # A worker that crashed sent no output: xdist reports the crash, not an internal error here.
    for label, figures in getattr(node, "workeroutput", {}).get("replayed_partners", {}).items():
        report(node.config).add(label, figures)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    figures = report(config)
    for label, stale in sorted(figures.stale.items()):
        if stale:
            terminalreporter.write_line(
                f"{label}: the partner side ran live in {len(stale)} module(s) whose "
                f"recording is missing or stale ({', '.join(sorted(stale))}); "
                f"`make {figures.targets[label]}` records them again"
            )
    for label, reruns in sorted(figures.reruns.items()):
        if reruns:
            terminalreporter.write_line(
                f"{label}: {len(reruns)} test(s) ran again with both sides live "
                "after failing with a replayed partner side:"
            )
            for nodeid in sorted(reruns):
                terminalreporter.write_line(f"  {nodeid}")
