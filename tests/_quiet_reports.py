"""A pytest-xdist worker sends the controller no report of a setup or teardown that
passed and says nothing, as xdist already does for a collection that passed.

Each test gives three reports (setup, call, teardown), each serialized by the worker,
sent over execnet, then rebuilt and passed to every plugin's hooks by the controller. For
a setup or teardown that passed with no captured output, the controller's plugins do
nothing with it (the terminal prints the call's letter; a failure, an error or a skip in
a setup or teardown is not "passed" and is still sent) but `--durations`, which lists the
longest: a report taking `LONG` or more is still sent. Over 6,000 trivial tests on 2
workers the controller spent ~0.65 ms of CPU a test beyond its start, ~0.47 ms without
them (three runs each); the suite's ~30k tests go through one controller.

Not with `--junitxml`, whose writer closes each test case on its teardown report.
"""

from __future__ import annotations

from typing import Any

import pytest

#: A setup or teardown taking this long is still reported: `--durations` may list it.
LONG = 0.05


def says_nothing(report: pytest.TestReport) -> bool:
    """Whether `report` is a setup or teardown that passed quickly with no output."""
    return (
        report.when != "call" and report.passed and not report.sections and report.duration < LONG
    )


def install(config: pytest.Config) -> None:
    """In a worker: its sender of reports (xdist's `WorkerInteractor`) skips those that
    say nothing. Its hook implementation is wrapped where pluggy holds it."""
    if getattr(config.option, "xmlpath", None):
        return
    for impl in config.hook.pytest_runtest_logreport.get_hookimpls():
        # By name: a worker runs xdist/remote.py's source sent over execnet, not the
        # module `xdist.remote` imports.
        if type(impl.plugin).__name__ == "WorkerInteractor":
            impl.function = _skipping_silent(impl.function)


def _skipping_silent(send: Any) -> Any:
    def pytest_runtest_logreport(report: pytest.TestReport) -> None:
        if not says_nothing(report):
            send(report)

    return pytest_runtest_logreport
