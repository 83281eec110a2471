"""The suite's log capture without pytest's walk over every logger (tests/_logscan.py):
it attaches to the loggers the walk would have found, no more, no fewer."""

from __future__ import annotations

import gc
import logging
import uuid
from collections.abc import Iterator

import pytest
from _pytest.logging import catching_logs

from tests import _logscan


def _walked() -> set[logging.Logger]:
    """What pytest's own walk finds: every Logger of the manager, root aside, not
    propagating."""
    loggers = logging.Logger.manager.loggerDict.values()
    return {
        logger
        for logger in loggers
        if isinstance(logger, logging.Logger)
        and not logger.propagate
        and logger is not logging.root
    }


def test_the_suite_runs_with_it_installed() -> None:
    assert catching_logs.__enter__ is _logscan._enter
    assert "propagate" in vars(logging.Logger)


def test_it_finds_what_the_walk_finds_as_loggers_change() -> None:
    name = f"tests.logscan.{uuid.uuid4().hex}"
    first, second = logging.getLogger(name), logging.getLogger(name + ".child")
    assert set(_logscan.not_propagating()) == _walked()
    try:
        first.propagate = False
        second.propagate = 0  # falsy, as the walk's `not logger.propagate` reads it
        assert {first, second} <= set(_logscan.not_propagating())
        assert set(_logscan.not_propagating()) == _walked()
        assert vars(first)["propagate"] is False  # kept where logging keeps it
        first.propagate = True
        assert first not in _logscan.not_propagating()
        assert set(_logscan.not_propagating()) == _walked()
        # Not the manager's (made directly, or replaced under its name): not walked.
        loose = logging.Logger(name + ".loose")
        loose.propagate = False
        assert loose not in _logscan.not_propagating()
    finally:
        first.propagate = second.propagate = True


@pytest.fixture
def quiet_logger() -> Iterator[logging.Logger]:
    """A logger made not to propagate before the test's call: its records reach no
    root handler, only a handler pytest attaches to it directly."""
    logger = logging.getLogger(f"tests.logscan.quiet.{uuid.uuid4().hex}")
    logger.propagate = False
    yield logger
    logger.propagate = True


def test_caplog_sees_a_logger_that_does_not_propagate(
    quiet_logger: logging.Logger, caplog: pytest.LogCaptureFixture
) -> None:
    quiet_logger.warning("heard")
    assert [r.getMessage() for r in caplog.records] == ["heard"]


def test_a_logger_that_dies_leaves_the_record() -> None:
    before = len(_logscan._NOT_PROPAGATING)
    loose = logging.Logger("tests.logscan.loose")
    loose.propagate = False
    assert len(_logscan._NOT_PROPAGATING) == before + 1
    del loose
    gc.collect()
    assert len(_logscan._NOT_PROPAGATING) == before
