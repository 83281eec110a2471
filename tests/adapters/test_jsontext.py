"""`loads_text` (`adapters/jsontext.py`): `json.loads` of a str, the same value or error;
`event_object`: a streamed event's JSON object, or the stream's error naming it."""

from __future__ import annotations

import doctest
import json

import pytest

from chatplex.adapters import jsontext
from chatplex.adapters.jsontext import event_object
from chatplex.adapters.jsontext import loads_text
from chatplex.adapters.reading import MalformedReply
from chatplex.adapters.reading import worth_retrying
from chatplex.errors import StreamError

# Named cases: a failing one says which shape of JSON it was.
VALUES = {
    "stream chunk": '{"choices":[{"index":0,"delta":{"content":" tok"},"finish_reason":null}]}',
    "escapes": '{"a": "caf\\u00e9 \\ud83d\\ude00", "b": [1, 2.5, -3e2, true, false, null]}',
    "array": "[1, 2]",
    "string": '"text"',
    "number": "42",
    "leading space": ' {"leading": "space"}',
    "trailing space": '{"trailing": "space"}  \n',
    "one key": '{"s": "same"}',
}
CHUNK = VALUES["stream chunk"]


@pytest.mark.parametrize("text", list(VALUES.values()), ids=list(VALUES))
def test_the_same_value_as_json_loads(text: str) -> None:
    assert loads_text(text) == json.loads(text)


@pytest.mark.parametrize(
    "text", ['{"a": }', '{"a": 1} extra', "", "\ufeff{}", "[DONE]", '{"a": "unterminated']
)
def test_the_same_error_as_json_loads(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(json.JSONDecodeError) as got:
        loads_text(text)
    assert (got.value.msg, got.value.pos) == (expected.value.msg, expected.value.pos)


def test_strings_are_not_shared_between_calls() -> None:
    # The scanner memoizes keys within one document; nothing may leak into the next.
    first = loads_text('{"k": "v"}')
    second = loads_text('{"k": "w"}')
    assert first == {"k": "v"} and second == {"k": "w"}


def test_the_examples_hold() -> None:
    failures, tried = doctest.testmod(jsontext)
    assert tried and not failures


def test_an_event_object_is_read_as_json_loads_reads_it() -> None:
    assert event_object(CHUNK, "openai") == json.loads(CHUNK)


@pytest.mark.parametrize(
    ("data", "problem"), [("{not json", "malformed JSON (Expecting"), ("[1, 2]", "not a JSON")]
)
def test_a_bad_event_is_a_stream_error_naming_it(data: str, problem: str) -> None:
    long = data + " " * 1000
    with pytest.raises(StreamError) as caught:
        event_object(long, "ollama", "req-1", what="stream line")
    error = caught.value
    assert error.message.startswith(f"stream line is {problem}")
    assert error.message.endswith(f": {long[:500]}")  # the event is quoted, not copied whole
    assert (error.provider, error.request_id) == ("ollama", "req-1")


def test_a_malformed_event_is_chained_to_the_decoders_error() -> None:
    """A drop-in raises the decoder's own error, as its partner's SDK lets it through:
    the stream error holds it. JSON that is not an object came whole: its cause is a
    `MalformedReply`, which the engine does not retry (another attempt gets it again)."""
    with pytest.raises(StreamError) as caught:
        event_object('{"cut', "openai")
    assert isinstance(caught.value.__cause__, json.JSONDecodeError)
    assert str(caught.value.__cause__) in caught.value.message
    with pytest.raises(StreamError) as whole:
        event_object("[1]", "openai")
    assert type(whole.value.__cause__) is MalformedReply
    assert not worth_retrying(whole.value.__cause__)
