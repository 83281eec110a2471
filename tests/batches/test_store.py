"""The handle file: atomic, versioned, found by path, handle id or provider job id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatplex.batches.errors import BatchFormatError
from chatplex.batches.store import FORMAT
from chatplex.batches.store import VERSION
from chatplex.batches.store import Handle
from chatplex.batches.store import default_dir
from chatplex.batches.store import find
from chatplex.batches.store import read
from chatplex.batches.store import write


def _handle(folder: Path) -> Handle:
    handle = Handle.new("openai", "gpt-4o-mini", "http://h/v1", 3, folder, masked=False)
    handle.jobs.append({"id": "batch_abc", "count": 3, "ranges": [[0, 3]]})
    return handle


def test_round_trip(tmp_path: Path) -> None:
    handle = _handle(tmp_path)
    path = write(handle)
    data = json.loads(path.read_text())
    assert (data["format"], data["version"]) == (FORMAT, VERSION)
    again = read(path)
    assert again.to_json() == handle.to_json()
    assert handle.prefix.startswith("cpb") and handle.id.startswith("cpb-")


def test_find_by_path_id_or_job_id(tmp_path: Path) -> None:
    handle = _handle(tmp_path)
    path = write(handle)
    assert find(str(path)) == path
    assert find(handle.id, tmp_path) == path
    assert find("batch_abc", tmp_path) == path
    (tmp_path / "noise.json").write_text("[1, 2")  # unreadable files are passed over
    with pytest.raises(FileNotFoundError, match="batch_zzz"):
        find("batch_zzz", tmp_path)


def test_find_takes_any_existing_file_path(tmp_path: Path) -> None:
    # job.save("run.job") then load("run.job"): the name need not end in .json
    handle = _handle(tmp_path)
    saved = write(handle, tmp_path / "run.job")
    assert find(str(saved), tmp_path / "elsewhere") == saved
    assert read(find(str(saved))).to_json() == handle.to_json()
    with pytest.raises(FileNotFoundError, match="missing.job"):
        find(str(tmp_path / "missing.job"), tmp_path)


def test_a_failed_write_leaves_the_old_handle_whole(tmp_path: Path) -> None:
    handle = _handle(tmp_path)
    path = write(handle)
    handle.jobs.append({"unserialisable": object()})
    with pytest.raises(TypeError):
        write(handle)
    assert read(path).jobs == [{"id": "batch_abc", "count": 3, "ranges": [[0, 3]]}]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    "content", ["[]", '{"format": "other"}', '{"format": "chatplex.batch", "version": 1}', "{"]
)
def test_unreadable_handles_say_why(tmp_path: Path, content: str) -> None:
    path = tmp_path / "h.json"
    path.write_text(content)
    with pytest.raises(BatchFormatError):
        read(path)


def test_default_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CHATPLEX_BATCH_DIR", str(tmp_path))
    assert default_dir() == tmp_path
    monkeypatch.delenv("CHATPLEX_BATCH_DIR")
    assert default_dir() == Path.home() / ".chatplex" / "batches"
