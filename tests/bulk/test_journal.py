from __future__ import annotations

import json
import logging
import os
import random
from pathlib import Path

import pytest

from chatplex.bulk.idset import IdSet
from chatplex.bulk.idset import id_key
from chatplex.bulk.journal import Journal
from chatplex.bulk.journal import JournalError
from chatplex.bulk.journal import JournalLockedError
from chatplex.bulk.journal import OutputWriteError
from chatplex.bulk.journal import SettingsChangedError
from chatplex.bulk.journal import export_sorted
from chatplex.bulk.journal import run_settings_path


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_rows_appended_and_read_back_as_done(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "out.jsonl"
    with Journal(path) as journal:
        assert not journal.is_done("a")
        journal.write({"id": "a", "text": "x"})
        journal.write({"id": 2, "error": {"type": "E", "status": 400, "message": "m"}})
    reopened = Journal(path)
    reopened.close()
    assert reopened.is_done("a") and reopened.is_done(2) and not reopened.is_done("2")
    assert (reopened.state.succeeded, reopened.state.failed) == (1, 1)


def test_torn_last_line_is_cut_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"id": "a", "text": "x"}\n{"id": "b", "te')  # a write cut by SIGKILL
    with caplog.at_level(logging.WARNING, "chatplex.bulk"), Journal(path) as journal:
        assert journal.is_done("a") and not journal.is_done("b")
        assert journal.state.torn_bytes == len(b'{"id": "b", "te')
        journal.write({"id": "b", "text": "y"})
    assert "torn last line" in caplog.text
    assert [r["id"] for r in _lines(path)] == ["a", "b"]


def test_a_file_that_is_one_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"id": "a"')
    with Journal(path) as journal:
        assert not journal.is_done("a")
    assert path.read_bytes() == b""


def _refused_untouched(path: Path, original: bytes, match: str) -> None:
    """`original` at `path` refused by the journal (a JournalError matching `match`),
    and left as it was: nothing dropped silently."""
    path.write_bytes(original)
    with pytest.raises(JournalError, match=match):
        Journal(path)
    assert path.read_bytes() == original


def test_broken_line_in_the_middle_is_an_error_not_a_repair(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    original = b'{"id": "a", "text": "A"}\nnot json\n{"id": "c", "text": "C"}\n'
    _refused_untouched(path, original, r"out.jsonl:2: not a JSON line")
    _refused_untouched(path, b'{"text": "no id"}\n', r":1: not an output row")


def test_a_file_of_input_rows_is_refused_untouched(tmp_path: Path) -> None:
    # An input file named as the output: its rows have ids but no text or error. Read as
    # an output, every row would count as done; its last line, without a newline, cut.
    path = tmp_path / "questions.jsonl"
    original = b'{"id": 1, "question": "a"}\n{"id": 2, "question": "b"}'
    _refused_untouched(path, original, r"questions.jsonl:1: not an output row \(no 'text'")
    mixed = b'{"id": 1, "text": "A"}\n{"id": 2, "question": "b"}\n'
    _refused_untouched(path, mixed, r"questions.jsonl:2: not an output row")


def test_retry_failed_drops_error_rows_only(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text(
        '{"id": "a", "text": "x"}\n{"id": "b", "error": {"type": "E"}}\n{"id": "c", "text": "z"}\n'
    )
    with Journal(path, retry_failed=True) as journal:
        assert journal.state.dropped_failed == 1
        assert journal.is_done("a") and journal.is_done("c") and not journal.is_done("b")
    assert [r["id"] for r in _lines(path)] == ["a", "c"]
    assert not (tmp_path / "out.jsonl.retry-tmp").exists()


def test_a_plain_rerun_sends_again_the_rows_that_were_not_their_own_fault(
    tmp_path: Path,
) -> None:
    path = tmp_path / "out.jsonl"
    rows = [
        {"id": "ok", "text": "x"},
        {"id": "bad", "error": {"type": "BadRequestError", "status": 400, "message": "m"}},
        {"id": "busy", "error": {"type": "RateLimitError", "status": 429, "message": "m"}},
        {"id": "down", "error": {"type": "ServerError", "status": 503, "message": "m"}},
        {"id": "key", "error": {"type": "AuthenticationError", "status": 401, "message": "m"}},
        {"id": "net", "error": {"type": "APIConnectionError", "status": None, "message": "m"}},
        {"id": "filtered", "error": {"type": "X", "status": None, "message": "m", "kind": "input"}},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    with Journal(path) as journal:
        assert journal.state.dropped_failed == 4
        assert [i for i in ("ok", "bad", "filtered") if journal.is_done(i)] == [
            "ok",
            "bad",
            "filtered",
        ]
        assert not any(journal.is_done(i) for i in ("busy", "down", "key", "net"))
    assert [r["id"] for r in _lines(path)] == ["ok", "bad", "filtered"]
    untouched = path.stat().st_mtime_ns
    Journal(path).close()  # nothing to drop: the file is not rewritten
    assert path.stat().st_mtime_ns == untouched


def test_one_run_at_a_time_on_an_output(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with Journal(path):
        with pytest.raises(
            JournalLockedError, match=rf"being written by another run \(pid {os.getpid()}\)"
        ):
            Journal(path)
        with pytest.raises(JournalLockedError):  # --retry-failed would rename the file
            Journal(path, retry_failed=True)
    Journal(path).close()  # released on close


def test_a_lock_held_by_another_process_names_it(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    ready_r, ready_w = os.pipe()
    done_r, done_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child holds the journal until told to stop; never back into pytest
        try:
            journal = Journal(path)
            os.write(ready_w, b"1")
            os.read(done_r, 1)
            journal.close()
        finally:
            os._exit(0)
    try:
        os.read(ready_r, 1)
        with pytest.raises(JournalLockedError, match=rf"pid {pid}\)"):
            Journal(path)
    finally:
        os.write(done_w, b"1")
        os.waitpid(pid, 0)
        for end in (ready_r, ready_w, done_r, done_w):
            os.close(end)
    Journal(path).close()


def test_a_directory_is_not_an_output(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="is a directory; name a file"):
        Journal(tmp_path)


class _ShortFile:
    """The journal's file as a full disk makes it: the OS takes part of a line, then
    refuses."""

    def __init__(self, real: object, take: int) -> None:
        self.real, self.take = real, take

    def write(self, data: bytes) -> int:
        if self.take <= 0:
            raise OSError(28, "No space left on device")
        part = data[: self.take]
        self.take -= len(part)
        return self.real.write(part)  # type: ignore[attr-defined, no-any-return]

    def fileno(self) -> int:
        return self.real.fileno()  # type: ignore[attr-defined, no-any-return]

    def close(self) -> None:
        self.real.close()  # type: ignore[attr-defined]


def test_a_write_cut_short_leaves_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    journal = Journal(path)
    journal.write({"id": "a", "text": "kept"})
    journal._file = _ShortFile(journal._file, take=5)  # type: ignore[assignment]
    with pytest.raises(OutputWriteError, match="written short.*rows before it are kept"):
        journal.write({"id": "b", "text": "torn"})
    with pytest.raises(OutputWriteError, match="No space left on device") as info:
        journal.write({"id": "c", "text": "refused"})
    assert info.value.errno == 28
    journal.close()
    assert [r["id"] for r in _lines(path)] == ["a"]  # no torn line


def test_export_sorted_follows_input_order(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": 3, "text": "c"}\n{"id": 1, "text": "a"}\n{"id": 2, "text": "b"}\n')
    assert export_sorted(path, tmp_path / "sorted.jsonl", [1, 2, 3]) == 3
    assert [r["text"] for r in _lines(tmp_path / "sorted.jsonl")] == ["a", "b", "c"]
    with pytest.raises(JournalError, match="no row for id 4"):
        export_sorted(path, tmp_path / "sorted.jsonl", [1, 4])
    before = path.read_bytes()
    for same in (path, tmp_path / "." / "out.jsonl"):  # opened to write, it would be emptied
        with pytest.raises(JournalError, match="it is the output"):
            export_sorted(path, same, [1, 2, 3])
    assert path.read_bytes() == before


def test_export_sorted_keeps_duplicates_as_before(tmp_path: Path) -> None:
    """An id given twice gets its row twice; of two rows with one id, the later."""
    path = tmp_path / "out.jsonl"
    rows = [{"id": 1, "text": "old"}, {"id": "1", "text": "s"}, {"id": 1, "text": "new"}]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert export_sorted(path, tmp_path / "sorted.jsonl", [1, "1", 1]) == 3
    assert [r["text"] for r in _lines(tmp_path / "sorted.jsonl")] == ["new", "s", "new"]


@pytest.mark.parametrize("ids", [[1, 5, 4], [1, 4, 5]])
def test_export_sorted_names_the_first_missing_id_and_leaves_the_target(
    tmp_path: Path, ids: list[int]
) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": 1, "text": "a"}\n')
    target = tmp_path / "sorted.jsonl"
    target.write_text("kept\n")
    with pytest.raises(JournalError, match=f"no row for id {ids[1]};"):
        export_sorted(path, target, ids)
    assert target.read_text() == "kept\n"


@pytest.fixture
def sort_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the export's temporary files go (checked empty after it)."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_export_sorted_holds_at_most_a_run_and_leaves_no_files(
    tmp_path: Path, sort_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chatplex.bulk import journal

    sorters: dict[int, journal.PairSorter] = {}

    class Recorded(journal.PairSorter):
        def add(self, a: int, b: int) -> None:
            super().add(a, b)
            sorters[id(self)] = self
            # all sorters together, not just each: one run's worth in memory in all
            assert sum(len(s._held) for s in sorters.values()) <= 3

    monkeypatch.setattr(journal, "PairSorter", Recorded)
    path = tmp_path / "out.jsonl"
    order = list(range(40))
    random.Random(3).shuffle(order)
    path.write_bytes(b"".join(f'{{"id": {i}, "text": "t{i}"}}\n'.encode() for i in order))
    assert export_sorted(path, tmp_path / "sorted.jsonl", range(40), run_size=3) == 40
    assert [r["text"] for r in _lines(tmp_path / "sorted.jsonl")] == [f"t{i}" for i in range(40)]
    assert len(sorters) == 3 and all(s.most_held == 3 for s in sorters.values())
    assert list(sort_folder.iterdir()) == []
    with pytest.raises(JournalError, match="no row for id 40"):
        export_sorted(path, tmp_path / "sorted.jsonl", range(41), run_size=3)
    assert list(sort_folder.iterdir()) == []


def test_no_lock_file_stays_after_a_run(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with Journal(path) as journal:
        assert (tmp_path / "out.jsonl.lock").exists()  # held while the run runs
        journal.write({"id": "a", "text": "x"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
    broken = tmp_path / "bad.jsonl"
    broken.write_text('not json\n{"id": "a"}\n')
    with pytest.raises(JournalError, match="bad.jsonl"):  # a failed open removes it too
        Journal(broken)
    assert not (tmp_path / "bad.jsonl.lock").exists()


def test_a_lock_file_removed_as_it_was_taken_is_taken_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that opened OUT.lock just before its holder removed it locks the file there
    now, not the removed one (else two runs would each hold a lock of their own)."""
    import fcntl

    path = tmp_path / "out.jsonl"
    lock = tmp_path / "out.jsonl.lock"
    real_flock = fcntl.flock
    calls: list[int] = []

    def flock(fd: int, op: int) -> None:
        calls.append(fd)
        if len(calls) == 1:  # the holder ends between this run's open and its lock
            lock.unlink()
            lock.write_text("")  # and the next run already made a new one
        real_flock(fd, op)

    monkeypatch.setattr(fcntl, "flock", flock)
    with Journal(path):
        assert len(calls) == 2  # locked again, on the file the path names
        held = os.fstat(calls[-1])
        assert (held.st_dev, held.st_ino) == (lock.stat().st_dev, lock.stat().st_ino)
    assert not lock.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_sorted_export_that_cannot_be_written_names_its_file(
    tmp_path: Path, sort_folder: Path
) -> None:
    import errno

    path = tmp_path / "out.jsonl"
    with Journal(path) as journal:
        journal.write({"id": "a", "text": "x"})
    with pytest.raises(OSError, match="/dev/full") as info:
        export_sorted(path, "/dev/full", ["a"])
    assert info.value.errno == errno.ENOSPC and info.value.filename == "/dev/full"
    assert list(sort_folder.iterdir()) == []


def test_an_output_made_with_other_settings_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    made = {"model": ["openai:gpt-4o-mini"], "prompt": "Summarise {text}"}
    with Journal(path, made_with=made) as journal:
        journal.write({"id": 1, "text": "x"})
        journal.write({"id": 2, "error": {"type": "E", "status": 503, "message": "m"}})
    assert json.loads(run_settings_path(path).read_text()) == made
    before = path.read_bytes()
    with pytest.raises(SettingsChangedError) as caught:
        Journal(path, made_with={**made, "prompt": "Translate {text}"})
    message = str(caught.value)
    assert "prompt was 'Summarise {text}', now 'Translate {text}'" in message
    assert "model" not in message.split("(")[1]  # only what changed is named
    assert str(run_settings_path(path)) in message  # what to delete to mix them knowingly
    assert path.read_bytes() == before  # its 503 row was not dropped by a rerun's repair
    assert not (tmp_path / "out.jsonl.lock").exists()
    with Journal(path, made_with=made) as journal:  # the same settings resume
        assert journal.is_done(1) and not journal.is_done(2)


def test_a_setting_an_older_record_lacks_is_not_compared(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": 1, "text": "x"}\n')
    run_settings_path(path).write_text('{"model": ["m"], "prompt": null}')  # no base_url
    made = {"model": ["m"], "prompt": None, "base_url": ["http://127.0.0.1:1/v1"]}
    with Journal(path, made_with=made) as journal:
        assert journal.is_done(1)
    with pytest.raises(SettingsChangedError, match="model was"):  # the others still are
        Journal(path, made_with={**made, "model": ["other"]})


def test_an_output_of_only_rows_sent_again_takes_the_new_settings(tmp_path: Path) -> None:
    # A wrong URL or model costs a few error rows; the rerun with the right one sends them
    # again, so no row of the old settings stays to mix with the new ones.
    path = tmp_path / "out.jsonl"
    unreached = {"type": "APIConnectionError", "status": None, "message": "m"}
    path.write_text(json.dumps({"id": 1, "error": {**unreached, "kind": "transient"}}) + "\n")
    wrong = {"model": ["m"], "base_url": ["http://127.0.0.1:1/v1"]}
    run_settings_path(path).write_text(json.dumps(wrong))
    right = {**wrong, "base_url": [None]}
    with Journal(path, made_with=right) as journal:
        assert not journal.is_done(1)  # sent again
    assert json.loads(run_settings_path(path).read_text()) == right
    # A row that stays (its own fault: not sent again unless --retry-failed) still holds.
    path.write_text(json.dumps({"id": 1, "error": {**unreached, "kind": "input"}}) + "\n")
    with pytest.raises(SettingsChangedError, match="base_url was"):
        Journal(path, made_with=wrong)
    Journal(path, made_with=wrong, retry_failed=True).close()


def test_settings_are_recorded_only_where_they_describe_every_row(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": 1, "text": "x"}\n')  # rows of a run that recorded nothing
    with Journal(path, made_with={"prompt": "A"}) as journal:
        assert journal.is_done(1)
    assert not run_settings_path(path).exists()  # nothing claimed for rows it did not make
    path.write_bytes(b"")  # emptied by hand: the old record describes no row any more
    run_settings_path(path).write_text('{"prompt": "A"}')
    Journal(path, made_with={"prompt": "B"}).close()
    assert json.loads(run_settings_path(path).read_text()) == {"prompt": "B"}


def test_an_unreadable_settings_record_is_named(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": 1, "text": "x"}\n')
    run_settings_path(path).write_text("[1, 2]")
    with pytest.raises(JournalError, match="out.jsonl.run.json: not a JSON object"):
        Journal(path, made_with={"prompt": None})
    run_settings_path(path).write_text("{")
    with pytest.raises(JournalError, match="out.jsonl.run.json: cannot read it"):
        Journal(path, made_with={"prompt": None})


def test_redo_drops_rows_and_later_writes_land_in_the_file_it_rewrote(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text(
        "".join(json.dumps({"id": i, "text": f"t{i}", "asked": "0" * 16}) + "\n" for i in range(4))
    )
    with Journal(path) as journal:
        assert journal.state.asked == 4
        keys = IdSet()
        keys.add(id_key(1))
        keys.add(id_key(3))
        assert journal.redo(keys) == 2
        assert not journal.is_done(1) and journal.is_done(2)
        assert (journal.state.succeeded, journal.state.redone) == (2, 2)
        journal.write({"id": 1, "text": "again"})  # (to the old, unlinked file, it was lost)
    assert [(row["id"], row["text"]) for row in _lines(path)] == [
        (0, "t0"),
        (2, "t2"),
        (1, "again"),
    ]
