"""What the cache said in the log, as the cache suites read it: its warnings (and worse),
each one line without a traceback."""

from __future__ import annotations

import logging

import pytest


def cache_warnings(caplog: pytest.LogCaptureFixture, phrase: str = "") -> list[str]:
    """The messages of chatplex.cache's records at WARNING or above that hold `phrase`;
    each of those records is checked to carry no traceback."""
    records = [
        r for r in caplog.records if r.name == "chatplex.cache" and r.levelno >= logging.WARNING
    ]
    assert all(r.exc_info is None for r in records)  # one line each, no traceback
    return [r.getMessage() for r in records if phrase in r.getMessage()]
