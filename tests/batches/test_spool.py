"""Job files split by the provider's limits: requests and bytes, framing counted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chatplex.adapters.batch_api import Limits
from chatplex.batches.spool import Spooler
from chatplex.batches.spool import iter_lines
from chatplex.batches.spool import to_ranges


def _spool(folder: Path, limits: Limits, lines: list[bytes], framing: Any = (0, 1)) -> list[Any]:
    spooler = Spooler(folder, "job", limits, framing)
    try:
        jobs = [job for i, line in enumerate(lines) if (job := spooler.add(i, line))]
    finally:
        last = spooler.close()
    return jobs + ([last] if last else [])


def test_split_by_request_count(tmp_path: Path) -> None:
    jobs = _spool(tmp_path, Limits(50, 10**9), [b"x"] * 120)
    assert [job["count"] for job in jobs] == [50, 50, 20]
    assert [job["ranges"] for job in jobs] == [[[0, 50]], [[50, 100]], [[100, 120]]]
    assert sum(len(list(iter_lines(job["requests"]))) for job in jobs) == 120


def test_split_by_bytes_with_the_body_framing(tmp_path: Path) -> None:
    # 10 bytes a line + 1 per line + 5 once: 3 lines take 38 bytes, a 4th would pass 40.
    jobs = _spool(tmp_path, Limits(1000, 40), [b"0123456789"] * 7, framing=(5, 1))
    assert [job["count"] for job in jobs] == [3, 3, 1]
    assert all(job["bytes"] <= 40 for job in jobs)


def test_a_row_over_the_byte_limit_alone_is_refused_by_index(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="input row 1 "):
        _spool(tmp_path, Limits(10, 20), [b"ok", b"x" * 30])


def test_ranges() -> None:
    assert to_ranges([]) == []
    assert to_ranges([3, 4, 5, 9]) == [[3, 6], [9, 10]]
    with pytest.raises(ValueError):
        to_ranges([5, 4])
