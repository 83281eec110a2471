"""LangChain's side of a case recorded, then replayed on another server with its tuples
given back; the ported side always runs (compat_replays.py)."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import compat_replays
import pytest
from compat_harness import Case
from compat_replays import run_case_replayed

from tests._replayed import Recordings

_CASE = Case("a_case", "o", "def main():\n    return 1\n")


def _runs(
    monkeypatch: pytest.MonkeyPatch,
    item: pytest.Item,
    recordings: Recordings,
    server: str,
    said: str = "at",
) -> tuple[list[str], list[tuple[Any, Any]]]:
    """Three cases of one test at `server`, each side noting that it ran and observing a
    tool call (a tuple) and `said` the server's address; what each side ran, and the
    pairs."""
    ran: list[str] = []

    def side(name: str) -> Any:
        def observed(case: Case) -> Any:
            ran.append(name)
            return {"tool_calls": [("add", {"a": 1})], "said": f"{said} {server}"}

        return observed

    monkeypatch.setattr(compat_replays, "RECORDINGS", recordings)
    monkeypatch.setattr(compat_replays, "run_reference", side("langchain"))
    monkeypatch.setattr(compat_replays, "run_ported", side("ported"))
    recordings.starting(item)
    try:
        return ran, [run_case_replayed(_CASE, server) for _ in range(3)]
    finally:
        recordings.starting(None)


def test_a_recorded_langchain_side_is_replayed_and_the_ported_one_runs(
    tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recordings(mode="record", directory=tmp_path / "recorded", common="common")
    _runs(monkeypatch, request.node, recorder, "127.0.0.1:5")
    assert recorder.write() == ["test_compat_replays"]
    written = gzip.decompress((tmp_path / "recorded" / "test_compat_replays.json.gz").read_bytes())
    assert b"127.0.0.1:5" not in written

    replayer = Recordings(mode="replay", directory=tmp_path / "recorded", common="common")
    ran, pairs = _runs(monkeypatch, request.node, replayer, "127.0.0.1:6")
    # The first recorded case is the live check; the next two are replayed.
    assert ran == ["langchain", "ported", "ported", "ported"]
    for langchain, ported in pairs:
        assert langchain == ported == {"tool_calls": [("add", {"a": 1})], "said": "at 127.0.0.1:6"}
    assert replayer.stale_modules() == []


def test_a_recording_langchain_no_longer_gives_fails_its_live_check(
    tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recordings(mode="record", directory=tmp_path / "recorded", common="common")
    _runs(monkeypatch, request.node, recorder, "127.0.0.1:5")
    recorder.write()
    replayer = Recordings(mode="replay", directory=tmp_path / "recorded", common="common")
    with pytest.raises(AssertionError, match="is not what the partner gives now"):
        _runs(monkeypatch, request.node, replayer, "127.0.0.1:6", said="now at")
