"""custom ids: unique by construction, valid for both providers, mapped back exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatplex.batches.wire import CUSTOM_ID_PATTERN
from chatplex.batches.wire import custom_id
from chatplex.batches.wire import index_of
from chatplex.batches.wire import json_array_body


def test_ids_are_unique_valid_and_map_back() -> None:
    ids = [custom_id("cpb0123abcd", i) for i in range(120_000)]
    assert len(set(ids)) == len(ids)  # duplicates are impossible: one id per index
    assert all(CUSTOM_ID_PATTERN.match(cid) for cid in (ids[0], ids[-1]))
    assert [index_of("cpb0123abcd", cid, 120_000) for cid in ids[:3]] == [0, 1, 2]
    assert index_of("cpb0123abcd", ids[-1], 120_000) == 119_999


@pytest.mark.parametrize(
    "cid", ["other-1", "cpb0123abcd-", "cpb0123abcd-x", "cpb0123abcd-5", 7, None, "cpb0123abcd"]
)
def test_ids_this_batch_never_sent_map_to_none(cid: object) -> None:
    assert index_of("cpb0123abcd", cid, 5) is None


def test_json_array_body_joins_the_lines_in_bounded_pieces(tmp_path: Path) -> None:
    items = [json.dumps({"n": n, "pad": "x" * 1000}) for n in range(200)]
    path = tmp_path / "requests.jsonl"
    path.write_text("\n".join(items[:100]) + "\n\n" + "\n".join(items[100:]) + "\n")
    pieces = list(json_array_body(str(path), b'{"requests":[', b"]}"))
    assert json.loads(b"".join(pieces)) == {"requests": [json.loads(i) for i in items]}
    assert len(pieces) > 3 and max(len(p) for p in pieces) < 2 * (1 << 16)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert b"".join(json_array_body(str(empty), b"[", b"]")) == b"[]"


def test_a_batch_reply_must_be_an_object_naming_its_job() -> None:
    from chatplex.adapters.batch_api import Reply
    from chatplex.batches.errors import BatchFormatError
    from chatplex.batches.wire import named_object

    assert named_object(Reply(200, {}, b'{"id": "b-1", "n": 2}'), "id", "x") == {
        "id": "b-1",
        "n": 2,
    }
    for body in (b"<html/>", b"[]", b'{"id": 7}', b'{"name": "op"}'):
        with pytest.raises(BatchFormatError, match="^OpenAI batch: no id$"):
            named_object(Reply(200, {}, body), "id", "OpenAI batch: no id")


def test_result_rows_and_request_lines_are_compact_json() -> None:
    from chatplex.batches.errors import BatchFormatError
    from chatplex.batches.wire import compact_json
    from chatplex.batches.wire import result_row

    line = compact_json({"custom_id": "r-1", "text": "é"})
    assert line == '{"custom_id":"r-1","text":"é"}'.encode()
    assert result_row(line, "OpenAI") == {"custom_id": "r-1", "text": "é"}
    with pytest.raises(BatchFormatError, match="Gemini result line is not JSON: b'{cut'"):
        result_row(b"{cut", "Gemini")
