"""Leaving out rows an earlier run already wrote (chatplex/ray/_resume.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("ray", reason="needs Ray: pip install 'chatplex[ray]'")
pa = pytest.importorskip("pyarrow")
import pyarrow.parquet as pq  # noqa: E402

from chatplex.ray._resume import SkipDone  # noqa: E402
from chatplex.ray._resume import done_ids  # noqa: E402

pytestmark = pytest.mark.ray


def test_rows_already_written_are_skipped(tmp_path: Path) -> None:
    pq.write_table(pa.table({"id": [1, 3], "text": ["a", None]}), tmp_path / "part.parquet")
    batch = pa.table({"id": [0, 1, 2, 3], "prompt": list("wxyz")})
    assert SkipDone(str(tmp_path), "id")(batch).column("id").to_pylist() == [0, 2]


def test_no_earlier_output_skips_nothing(tmp_path: Path) -> None:
    assert len(done_ids(str(tmp_path / "absent"), "id")) == 0
    batch = pa.table({"id": [0, 1]})
    assert SkipDone(str(tmp_path / "absent"), "id")(batch) == batch
