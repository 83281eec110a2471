"""`adapters/reading.py`: the one rule a reply is read by (a field of its type or a typed
refusal, never a default), tool-call arguments read as the OpenAI wire reads them, and
which refused replies another attempt could read."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from chatplex.adapters.reading import MalformedReply
from chatplex.adapters.reading import complete_json
from chatplex.adapters.reading import drawn_call_id
from chatplex.adapters.reading import read_calls
from chatplex.adapters.reading import reply_args
from chatplex.adapters.reading import reply_count
from chatplex.adapters.reading import reply_dict
from chatplex.adapters.reading import reply_field
from chatplex.adapters.reading import reply_list
from chatplex.adapters.reading import reply_text
from chatplex.adapters.reading import worth_retrying

DEEP = "[" * 100_000 + "]" * 100_000


def test_a_field_of_its_type_or_absent_is_read_as_it_is() -> None:
    assert reply_field({"a": 1}, dict, "usage") == {"a": 1}
    assert reply_field(None, dict, "usage") is None
    assert reply_field(3, (int, float), "count") == 3
    assert reply_text("x", "text") == "x" and reply_text(None, "text") is None
    assert reply_list([1], "content") == [1] and reply_list(None, "content") == []
    assert reply_dict({"k": 1}, "usage") == {"k": 1} and reply_dict(None, "usage") == {}


@pytest.mark.parametrize(
    ("read", "value", "words"),
    [
        (lambda v: reply_field(v, dict, "usage"), "lots", "usage is a str, not a dict"),
        (lambda v: reply_field(v, (int, float), "n"), "1", "n is a str, not a int or float"),
        (lambda v: reply_text(v, "text"), 5, "text is a int, not a str"),
        (lambda v: reply_list(v, "content"), "x", "content is a str, not a list"),
        (lambda v: reply_dict(v, "usage"), [1], "usage is a list, not a dict"),
    ],
)
def test_a_field_of_the_wrong_type_is_refused_naming_it(read: Any, value: Any, words: str) -> None:
    with pytest.raises(MalformedReply, match=words):
        read(value)


def test_a_str_is_never_iterated_as_a_list_of_its_characters() -> None:
    with pytest.raises(MalformedReply):  # Converse's content "x" read as '' before
        reply_list("x", "content")


def test_a_malformed_reply_is_a_type_error() -> None:
    assert issubclass(MalformedReply, TypeError)  # what the http layer reports as malformed


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 0), (12, 12), (3.0, 3), (None, None), (2**40, 2**40)]
)
def test_a_count_is_an_int(value: Any, expected: Any) -> None:
    assert reply_count(value, "tokens") == expected


@pytest.mark.parametrize("value", ["12", "lots", True, 1.5, -1, [1], {"n": 1}])
def test_a_count_that_is_not_one_is_refused(value: Any) -> None:
    with pytest.raises(MalformedReply, match="tokens"):
        reply_count(value, "tokens")


def test_tool_arguments_read_as_the_openai_wire_reads_them() -> None:
    assert reply_args('{"city": "Paris"}') == ({"city": "Paris"}, None)
    assert reply_args("") == ({}, None) and reply_args(None) == ({}, None)
    args, why = reply_args("{not json")
    assert args == {} and why is not None and "not valid JSON" in why
    args, why = reply_args("[1]")
    assert args == {} and why is not None and "object" in why


def test_tool_arguments_nested_too_deep_make_the_call_invalid_not_a_recursion_error() -> None:
    args, why = reply_args('{"a": ' + DEEP + "}")
    assert args == {} and why is not None


@pytest.mark.parametrize("raw", [5, {"a": 1}, ["a"], True])
def test_tool_arguments_that_are_not_text_are_refused(raw: Any) -> None:
    with pytest.raises(MalformedReply, match="not JSON text"):
        reply_args(raw)


def test_a_body_is_complete_json_when_it_parses_or_only_nests_too_deep() -> None:
    assert complete_json(b'{"a": 1}') and complete_json(b"[1]") and complete_json(b"5")
    assert complete_json(DEEP.encode())  # the server sent it whole
    assert not complete_json(b'{"a": ') and not complete_json(b"<html>")
    assert not complete_json(b'{"a": "\xff"}')


def test_only_what_the_road_could_have_garbled_is_worth_another_attempt() -> None:
    whole = json.dumps({"usage": "lots"}).encode()
    assert not worth_retrying(MalformedReply("usage"), whole)
    assert not worth_retrying(ValueError("no text"), whole)  # the body decides, not the error
    assert worth_retrying(ValueError("cut"), whole[:-3])
    assert worth_retrying(json.JSONDecodeError("x", "{", 1))  # a garbled event
    assert worth_retrying(ValueError("event-stream message CRC mismatch"))
    refused = (MalformedReply("usage"), AttributeError("get"), KeyError("x"), RecursionError())
    assert not any(worth_retrying(exc) for exc in refused)


def test_calls_sort_into_tool_calls_and_invalid_ones_with_the_reason() -> None:
    calls = [("f", "c1", '{"a": 1}'), (None, "c2", "{}"), ("g", "c3", "{oops"), ("h", None, None)]
    parsed, invalid = read_calls(calls)
    assert parsed == [
        {"name": "f", "args": {"a": 1}, "id": "c1", "type": "tool_call"},
        {"name": "h", "args": {}, "id": None, "type": "tool_call"},
    ]
    assert [(c["name"], c["id"], c["args"]) for c in invalid] == [
        (None, "c2", "{}"),
        ("g", "c3", "{oops"),
    ]
    assert invalid[0]["error"] == "the tool call has no name"
    assert invalid[1]["error"] and invalid[1]["error"].startswith("arguments are not valid JSON")
    assert all(c["type"] == "invalid_tool_call" for c in invalid)


def test_a_wire_s_own_argument_reader_decides_and_an_unread_object_stays_text() -> None:
    def refuse(raw: Any) -> tuple[dict[str, Any], str | None]:
        return {}, "refused"

    parsed, invalid = read_calls([("f", "c1", {"a": 1})], refuse)
    assert parsed == [] and invalid[0]["args"] == "{'a': 1}" and invalid[0]["error"] == "refused"
    with pytest.raises(MalformedReply, match="not JSON text"):
        read_calls([("f", "c1", {"a": 1})])  # the default reader takes JSON text only


def test_a_drawn_call_id_is_stable_and_shaped_as_the_partners_uuid4() -> None:
    # langchain-google-genai and langchain-ollama give such a call str(uuid4()).
    drawn = drawn_call_id("resp-1:0:0")
    assert drawn == drawn_call_id("resp-1:0:0") != drawn_call_id("resp-1:0:1")
    parsed = uuid.UUID(drawn)
    assert str(parsed) == drawn and parsed.version == 4
