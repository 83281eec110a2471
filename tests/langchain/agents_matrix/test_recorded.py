"""The partner side's recordings (`_recorded.py`): what a recording gives back, when it
is replayed, when a cell runs live, and what a recording that no longer says what the
partner does gives."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from tests import _replayed

from . import _recorded
from ._kit import Hung
from ._kit import Raised
from ._recorded import SERVER
from ._recorded import PartnerOutcomes
from ._recorded import Unrecordable
from ._recorded import decode
from ._recorded import encode
from ._recorded import key_of
from ._recorded import sources_of

HOST = "127.0.0.1:40111"
OUTCOME = {
    "messages": [{"type": "AIMessage", "content": "hi", "base_url": f"http://{HOST}/v1"}],
    "raised": Raised("openai.RateLimitError", model_error=False),
    "hung": Hung(),
    "bytes": b"\x00\xff",
    "numbers": [1, 1.5, True, None],
}


def test_an_outcome_comes_back_equal_on_another_port() -> None:
    data = json.loads(json.dumps(encode(OUTCOME, HOST)))
    assert HOST not in json.dumps(data) and SERVER in json.dumps(data)
    assert decode(data, HOST) == OUTCOME
    moved = decode(data, "127.0.0.1:5")
    assert moved["messages"][0]["base_url"] == "http://127.0.0.1:5/v1"
    assert [type(v) for v in decode(data, HOST)["numbers"]] == [int, float, bool, type(None)]


@pytest.mark.parametrize("value", [{1, 2}, {"__t__": "raised"}, {1: "a"}, object()])
def test_a_value_json_cannot_give_back_is_refused(value: Any) -> None:
    with pytest.raises(Unrecordable):
        encode({"x": value}, HOST)


def test_the_key_follows_the_module_source(tmp_path: Path) -> None:
    module = tmp_path / "test_m.py"
    module.write_text("A = 1\n")
    first = key_of(module, "common")
    assert key_of(module, "common") == first
    assert key_of(module, "other") != first
    module.write_text("A = 2\n")
    assert key_of(module, "common") != first


class _Item:
    """What `PartnerOutcomes` reads of a pytest item."""

    def __init__(self, path: Path, name: str, xfail: bool = False) -> None:
        self.path, self.name, self.nodeid, self.xfail = path, name, f"{path}::{name}", xfail

    def get_closest_marker(self, name: str) -> Any:
        return object() if name == "xfail" and self.xfail else None


def _outcomes(tmp_path: Path, mode: str) -> PartnerOutcomes:
    return PartnerOutcomes(mode=mode, directory=tmp_path / "recorded", common="common")


def _partner_runs(
    partners: PartnerOutcomes, item: _Item, outcomes: list[Any]
) -> list[tuple[bool, Any]]:
    """What each of a test's partner runs gives: (replayed, outcome)."""
    partners.starting(item)  # type: ignore[arg-type]
    seen = []
    for outcome in outcomes:
        cell = partners.next_cell()
        assert cell is not None
        replayed, recorded = partners.replayed(*cell, HOST)
        if not replayed:
            partners.ran(*cell, HOST, outcome)
        seen.append((replayed, recorded if replayed else outcome))
    partners.starting(None)
    return seen


def test_a_recorded_cell_is_replayed_once_a_live_one_matched(tmp_path: Path) -> None:
    module = tmp_path / "test_m.py"
    module.write_text("X = 1\n")
    recorder = _outcomes(tmp_path, "record")
    _partner_runs(recorder, _Item(module, "test[a]"), [OUTCOME, "second"])
    _partner_runs(recorder, _Item(module, "test[b]"), ["b"])
    assert recorder.write() == ["test_m"]
    assert recorder.stale_modules() == []

    replayer = _outcomes(tmp_path, "replay")
    # The first cell met runs live and is checked; then the recording answers.
    assert _partner_runs(replayer, _Item(module, "test[b]"), ["b"]) == [(False, "b")]
    assert _partner_runs(replayer, _Item(module, "test[a]"), [None, None]) == [
        (True, OUTCOME),
        (True, "second"),
    ]
    # An xfailed cell runs live: it fails, and a test failing on a replayed side runs
    # again live (the conftest), so a replayed run would be one run more.
    assert _partner_runs(replayer, _Item(module, "test[b]", xfail=True), ["b"]) == [(False, "b")]
    assert replayer.replays == 0  # counted per test: reset once it ended
    assert replayer.stale_modules() == []


def test_a_recording_that_no_longer_matches_the_partner_fails_its_check(tmp_path: Path) -> None:
    module = tmp_path / "test_m.py"
    module.write_text("X = 1\n")
    recorder = _outcomes(tmp_path, "record")
    _partner_runs(recorder, _Item(module, "test[a]"), [{"content": "then"}])
    _partner_runs(recorder, _Item(module, "test[x]"), [{"content": "then"}])
    recorder.write()
    replayer = _outcomes(tmp_path, "replay")
    # An xfailed cell is never the check (its failure would pass as expected)...
    xfailed = _Item(module, "test[x]", xfail=True)
    assert _partner_runs(replayer, xfailed, [{"content": "now"}]) == [(False, {"content": "now"})]
    # ...the next recorded cell is, and says where they differ.
    with pytest.raises(AssertionError, match=r"test\[a\]#0 is not what the partner gives now"):
        _partner_runs(replayer, _Item(module, "test[a]"), [{"content": "now"}])


def test_a_changed_module_runs_live_and_is_named_stale(tmp_path: Path) -> None:
    module = tmp_path / "test_m.py"
    module.write_text("X = 1\n")
    recorder = _outcomes(tmp_path, "record")
    _partner_runs(recorder, _Item(module, "test[a]"), ["a"])
    _partner_runs(recorder, _Item(module, "test[b]"), ["b"])
    recorder.write()
    module.write_text("X = 2\n")
    replayer = _outcomes(tmp_path, "replay")
    for name in ("test[a]", "test[b]"):
        assert _partner_runs(replayer, _Item(module, name), ["new"]) == [(False, "new")]
    assert replayer.stale_modules() == ["test_m"]


def test_live_mode_replays_nothing_and_writes_nothing(tmp_path: Path) -> None:
    module = tmp_path / "test_m.py"
    module.write_text("X = 1\n")
    recorder = _outcomes(tmp_path, "record")
    for name in ("test[a]", "test[b]"):
        _partner_runs(recorder, _Item(module, name), [name])
    recorder.write()
    live = _outcomes(tmp_path, "live")
    for name in ("test[a]", "test[b]"):
        assert _partner_runs(live, _Item(module, name), ["now"]) == [(False, "now")]
    assert live.write() == []


def test_a_recording_is_the_same_bytes_when_recorded_again(tmp_path: Path) -> None:
    module = tmp_path / "test_m.py"
    module.write_text("X = 1\n")
    written = []
    for _ in range(2):
        recorder = _outcomes(tmp_path, "record")
        _partner_runs(recorder, _Item(module, "test[a]"), [OUTCOME])
        recorder.write()
        written.append((tmp_path / "recorded" / "test_m.json.gz").read_bytes())
    assert written[0] == written[1]
    data = json.loads(gzip.decompress(written[0]))
    assert list(data["outcomes"]) == ["test[a]#0"]


def test_a_module_s_key_covers_the_test_helpers_it_imports_and_not_the_judge() -> None:
    here = Path(__file__).parent
    sources = sources_of([here / "test_content_scripts.py"])
    root = here.parents[2]
    assert root / "tests" / "partners" / "_sidebyside.py" in sources  # through the Google suite
    assert root / "tests" / "_tiktoken.py" in sources
    assert here / "_kit.py" in sources
    assert here / "_cells.py" not in sources  # it judges: its tables change, no partner run


def test_a_key_is_the_same_wherever_the_checkout_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = []
    for root, helper in ((tmp_path / "a", "X = 1\n"), (tmp_path / "b" / "c", "X = 1\n")) * 2:
        module = root / "tests" / "test_m.py"
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_text("from tests import _helper\n")
        (root / "tests" / "_helper.py").write_text(helper)
        monkeypatch.setattr(_replayed, "_ROOT", root)
        keys.append(key_of(module, "common"))
    assert len(set(keys)) == 1
    (tmp_path / "a" / "tests" / "_helper.py").write_text("X = 2\n")  # a helper it imports
    monkeypatch.setattr(_replayed, "_ROOT", tmp_path / "a")
    assert key_of(tmp_path / "a" / "tests" / "test_m.py", "common") != keys[0]


def _check_against_live(cell: str, recorded: Any, live: Any) -> None:
    _replayed._check_against_live(cell, recorded, live, "record-matrix")


def test_the_live_check_reads_a_json_object_s_keys_in_any_order() -> None:
    """The partner's function-call arguments in another key order still match (the
    Vertex SDK's order changes between runs); another value, or text, does not."""
    recorded = {"call": {"arguments": '{"location": "Rome", "days": 3.0}'}, "text": "{x"}
    _check_against_live(
        "c", recorded, {"call": {"arguments": '{"days": 3.0, "location": "Rome"}'}, "text": "{x"}
    )
    with pytest.raises(AssertionError, match="not what the partner gives now"):
        _check_against_live(
            "c",
            recorded,
            {"call": {"arguments": '{"days": 4.0, "location": "Rome"}'}, "text": "{x"},
        )
    with pytest.raises(AssertionError, match="not what the partner gives now"):
        _check_against_live(
            "c",
            recorded,
            {"call": {"arguments": '{"location": "Rome", "days": 3.0}'}, "text": "{y"},
        )


def test_the_live_check_masks_what_a_partner_draws_per_run() -> None:
    """A tool call id made up per run (langchain-mistralai's hex, langchain-cohere's
    UUID) and the mock server's reply ids, inside text, do not fail the check; any other
    change there does."""
    said = "Tool call unknown with id {} could not be executed; printed: 'id': '{}'"
    recorded = {
        "text": said.format("38c5de0e1a3942799b1e7bc8be18ca66", "msg_mock40a3537e000105"),
        "cohere": "id e829455b-2d12-424e-85fc-07ddebe67a5c",
    }
    now = {
        "text": said.format("f4e6add4bc504a7c9b8683629adaef35", "msg_mocke9e498d4000112"),
        "cohere": "id 2d73ce46-6f24-496b-a55a-bda67ebbefd3",
    }
    _check_against_live("c", recorded, now)
    changed = {**now, "text": now["text"].replace("could not", "could")}
    with pytest.raises(AssertionError, match="not what the partner gives now"):
        _check_against_live("c", recorded, changed)
    # A longer hex string (a digest) is not a drawn id.
    digest = {"text": "sha " + "a" * 64}
    with pytest.raises(AssertionError, match="not what the partner gives now"):
        _check_against_live("c", digest, {"text": "sha " + "b" * 64})


def test_an_unordered_cell_is_never_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cell whose recording shows pieces in the scheduler's order (`UNORDERED`) runs
    live unchecked when met first; the next recorded cell is the check."""
    monkeypatch.setattr(_recorded, "UNORDERED", {"side by side": "in any order"})
    module = tmp_path / "test_m.py"
    module.write_text("X = 1\n")
    recorder = _outcomes(tmp_path, "record")
    _partner_runs(recorder, _Item(module, "test[u]"), [["side by side", "b"]])
    _partner_runs(recorder, _Item(module, "test[a]"), [{"content": "then"}])
    recorder.write()
    replayer = _outcomes(tmp_path, "replay")
    moved = ["b", "side by side"]
    assert _partner_runs(replayer, _Item(module, "test[u]"), [moved]) == [(False, moved)]
    with pytest.raises(AssertionError, match=r"test\[a\]#0 is not what the partner gives now"):
        _partner_runs(replayer, _Item(module, "test[a]"), [{"content": "now"}])


def test_each_unordered_sign_shows_in_a_recording() -> None:
    """Each `UNORDERED` sign is what some recorded cell shows: one no recording shows
    any more leaves the table."""
    shown = "".join(
        gzip.decompress(path.read_bytes()).decode() for path in _recorded.RECORDED.glob("*.json.gz")
    )
    assert all(sign in shown and why for sign, why in _recorded.UNORDERED.items())


def test_the_workers_recordings_of_one_module_are_kept_together(tmp_path: Path) -> None:
    """A module's tests shared out between workers: each writes its own runs beside the
    other's (same key), an unrecordable run said with why."""
    module = tmp_path / "test_m.py"
    module.write_text("X = 1\n")
    for name, outcome in (("test[a]", "a"), ("test[b]", "b"), ("test[c]", {1: "c"})):
        recorder = _outcomes(tmp_path, "record")
        _partner_runs(recorder, _Item(module, name), [outcome])
        recorder.write()
    data = json.loads(gzip.decompress((tmp_path / "recorded" / "test_m.json.gz").read_bytes()))
    assert data["outcomes"] == {"test[a]#0": "a", "test[b]#0": "b"}
    assert list(data["unrecordable"]) == ["test[c]#0"]
