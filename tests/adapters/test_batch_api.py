"""The Batch API's contract (`adapters/batch_api.py`): a job's limits refuse what no
provider job could hold."""

from __future__ import annotations

import pytest

from chatplex.adapters.batch_api import Limits


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Limits(0, 10)
    with pytest.raises(ValueError):
        Limits(10, 0)
    assert (Limits(1, 1).max_requests, Limits(1, 1).max_bytes) == (1, 1)
