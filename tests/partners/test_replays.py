"""The side-by-side suites' partner side replayed (`_replays.py`, through `run_both`): a
recorded run gives the partner's result and requests back on another server without
running the partner's script, chatplex's script always runs, and a result no recording
gives back as it was runs live, the recording saying why."""

from __future__ import annotations

import gzip
import json
import urllib.request
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from tests._replayed import Recordings
from tests._replayed import Unrecordable
from tests._replayed import decode
from tests.partners import _sidebyside
from tests.partners._replays import RECORDINGS
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import plain_request
from tests.partners._sidebyside import run_both
from tests.partners._sidebyside import scripted_server


def _script(server: ScriptedServer, side: str, ran: list[str], shape: type) -> Any:
    """A script of `side`: it notes that it ran, sends one request, and returns what it
    was answered beside the server's URL, as `shape` (a dict records, a set not)."""

    def script() -> Any:
        ran.append(side)
        sent = urllib.request.Request(server.url + "/v1/chat", data=b'{"q": 1}', method="POST")
        with urllib.request.urlopen(sent) as reply:
            answer = json.loads(reply.read())
        if shape is set:
            return {"answered", answer["said"]}
        return {"answered": answer["said"], "at": server.url}

    return script


def _runs(recordings: Recordings, item: pytest.Item, ran: list[str]) -> list[Any]:
    """Three side-by-side runs of one test, on a server of their own: a dict, a set,
    a dict. Each outcome as `run_both` gives it."""
    outcomes = []
    recordings.starting(item)
    with scripted_server() as server:
        server.handler = lambda seen: Reply(200, [b'{"said": "hi"}'])
        for shape in (dict, set, dict):
            outcomes.append(
                run_both(
                    server,
                    _script(server, "theirs", ran, shape),
                    _script(server, "ours", ran, shape),
                    result=lambda value: value,
                    request=plain_request,
                )
            )
        outcomes.append(server.url)
    recordings.starting(None)
    return outcomes


def test_a_recorded_partner_run_is_replayed_and_ours_runs(
    tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    def recordings(mode: str) -> Recordings:
        made = Recordings(mode=mode, directory=tmp_path / "recorded", common="common")
        monkeypatch.setattr(_sidebyside, "RECORDINGS", made)
        return made

    recorder = recordings("record")
    recorded_ran: list[str] = []
    *recorded, first_url = _runs(recorder, request.node, recorded_ran)
    assert recorder.write() == ["test_replays"]
    written = json.loads(
        gzip.decompress((tmp_path / "recorded" / "test_replays.json.gz").read_bytes())
    )
    assert first_url not in json.dumps(written)
    name = request.node.name
    assert set(written["outcomes"]) == {f"{name}#0", f"{name}#2"}
    assert written["unrecordable"] == {f"{name}#1": "a set in the outcome"}

    replayer = recordings("replay")
    ran: list[str] = []
    *replayed, url = _runs(replayer, request.node, ran)
    # The first recorded run is the live check, the set's has no recording: both live;
    # the third is replayed, its partner's script not run. Ours ran each time.
    assert ran == ["theirs", "ours", "theirs", "ours", "ours"]
    assert url != first_url
    theirs, ours, their_requests, our_requests = replayed[2]
    assert theirs == ours == {"answered": "hi", "at": url}
    assert (
        their_requests == our_requests == [{"method": "POST", "path": "/v1/chat", "body": {"q": 1}}]
    )
    assert replayer.stale_modules() == []


def test_live_mode_runs_every_partner_script(
    tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recordings(mode="record", directory=tmp_path / "recorded", common="common")
    monkeypatch.setattr(_sidebyside, "RECORDINGS", recorder)
    _runs(recorder, request.node, [])
    recorder.write()
    live = Recordings(mode="live", directory=tmp_path / "recorded", common="common")
    monkeypatch.setattr(_sidebyside, "RECORDINGS", live)
    ran: list[str] = []
    _runs(live, request.node, ran)
    assert ran.count("theirs") == 3


def test_a_recording_is_named_by_its_module_s_folder() -> None:
    here = Path(__file__).resolve().parent
    assert RECORDINGS.name_of(here / "openai" / "test_x.py") == "openai.test_x"
    assert RECORDINGS.name_of(here / "test_y.py") == "test_y"
    assert RECORDINGS.name_of(Path("/elsewhere/test_z.py")) == "test_z"


def test_a_subclass_of_str_records_as_a_str_a_tuple_as_a_tuple_and_a_set_not_at_all() -> None:
    """LangChain's `.text` (a str subclass) and an enum are recorded as the str or number
    they equal (the suites compare with `==`), a tuple comes back a tuple (a list would
    not equal it); a set has no JSON form: its run stays live."""

    class Text(str):
        pass

    recordings = Recordings(common="common", placeholder="<s>")
    given = {"text": Text("hi at 127.0.0.1:5"), "status": HTTPStatus.OK}
    recorded = recordings.recordable(given, "127.0.0.1:5")
    assert recorded == {"text": "hi at <s>", "status": 200}
    assert json.loads(json.dumps(recorded)) == recorded
    call = {"call": ("add", {"a": 1}, (b"\x00", "at 127.0.0.1:5"))}
    kept = recordings.recordable(call, "127.0.0.1:5")
    assert json.loads(json.dumps(kept)) == kept and "127.0.0.1:5" not in json.dumps(kept)
    assert decode(kept, "127.0.0.1:5", "<s>", recordings.tags()) == call
    with pytest.raises(Unrecordable, match="a set"):
        recordings.recordable({"seen": {"a"}}, "127.0.0.1:5")
