"""The Batch API examples run against the embedded mock server and print what they say."""

from __future__ import annotations

import pytest

from ._scripts import SideBySide
from .conftest import SCRIPTS_GROUP

pytestmark = SCRIPTS_GROUP  # the scripts run side by side with the folder's others


@pytest.mark.parametrize("name", ["tiered_batch", "batch_chain"])
def test_runs_on_the_mock_server(name: str, scripts: SideBySide) -> None:
    done = scripts.result(name)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "embedded mock server on http://127.0.0.1:" in out
    if name == "tiered_batch":
        lines = [line for line in out.splitlines() if line.startswith("[")][1:]
        assert [line[:6] for line in lines] == [
            "[high]",
            "[low ]",
            "[low ]",
            "[high]",
            "[low ]",
            "[low ]",
        ]
        assert all(line.endswith(line.split("'")[1]) for line in lines)  # each its own answer
        assert "succeeded 4" in out
    else:
        assert out.count("Echo: One-word sentiment of this review:") == 4
        assert "collected again from the handle: True" in out
