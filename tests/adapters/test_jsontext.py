"""`loads_text` (`adapters/jsontext.py`): `json.loads` of a str, the same value or error."""

from __future__ import annotations

import json

import pytest

from chatplex.adapters.jsontext import loads_text

VALUES = [
    '{"choices":[{"index":0,"delta":{"content":" tok"},"finish_reason":null}]}',
    '{"a": "caf\\u00e9 \\ud83d\\ude00", "b": [1, 2.5, -3e2, true, false, null]}',
    "[1, 2]",
    '"text"',
    "42",
    ' {"leading": "space"}',
    '{"trailing": "space"}  \n',
    '{"s": "same"}',
]


@pytest.mark.parametrize("text", VALUES)
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
