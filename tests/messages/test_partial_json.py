"""`parse_partial_json`: LangChain's results for every input, without its quadratic cut-back.

Differential: the same input goes to langchain_core's function and to ours, and the
results (value, None, or the JSONDecodeError message) must be equal.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.utils.json import parse_partial_json as lc_parse_partial_json

from chatplex.messages import _partial_json
from chatplex.messages._partial_json import parse_partial_json


def outcome(parse: Callable[[str], Any], text: str) -> tuple[str, Any]:
    try:
        return "value", parse(text)
    except json.JSONDecodeError as exc:
        return "error", str(exc)


def same_as_langchain(text: str) -> None:
    assert outcome(parse_partial_json, text) == outcome(lc_parse_partial_json, text), text


DOCUMENTS = [
    {"city": "Paris", "unit": "celsius"},
    {"code": 'def f(x):\n    return "é" + x\n', "n": [1, 2.5, {"d": None}], "ok": True},
    {"q": 'a "quoted" \\ back\tslash', "nested": {"list": [[], {}, [1, [2, [3]]]]}},
    {"emoji": "😀", "escaped": "\u00e9\u2028", "empty": ""},
    [1, "two", {"three": 3}],
]


@pytest.mark.parametrize("doc", DOCUMENTS)
@pytest.mark.parametrize("ascii_only", [True, False])
@pytest.mark.parametrize("indent", [None, 2])
def test_every_prefix_of_a_document(doc: Any, ascii_only: bool, indent: int | None) -> None:
    text = json.dumps(doc, ensure_ascii=ascii_only, indent=indent)
    for end in range(len(text) + 1):
        same_as_langchain(text[:end])


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "{",
        "[",
        '"',
        "\\",
        '{"a": 1]',  # a closer that closes nothing open: None
        "}",
        '{"a": tr',
        '{"a": "x\\',  # half an escape
        '{"a": "x\\u00',  # half a unicode escape: LangChain cuts back to {}
        '{"a": [1, 2], "b": [3, ',
        '{"a": 1,,',
        '{"a" 1, "b": 2, "c": "x',
        '["a", "b',
        '{"a": "line\nbreak',  # a raw newline inside a string
        '{"a": NaN',
        '{"a": -',
        '{"a": 1e',
        "nul",
        '{"a": {"b": {"c": [',
    ],
)
def test_edge_cases(text: str) -> None:
    same_as_langchain(text)


def test_random_prefixes_and_noise() -> None:
    rng = random.Random(20240611)

    def value(depth: int = 0) -> Any:
        pick = rng.random()
        if depth > 3 or pick < 0.3:
            return rng.choice([0, -2.5, 1e10, True, False, None, 'a"b\\c\n\u00e9', "x" * 3])
        if pick < 0.65:
            keys = ["a", "key", 'k"q', "", "é"]
            return {rng.choice(keys): value(depth + 1) for _ in range(rng.randint(0, 3))}
        return [value(depth + 1) for _ in range(rng.randint(0, 3))]

    alphabet = '{}[]",:\\ \n1atnrue-.'
    for _ in range(5000):
        text = json.dumps(value(), ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 1]))
        text = text[: rng.randint(0, len(text))]
        if rng.random() < 0.2:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        if rng.random() < 0.1:
            text += rng.choice(["\\", "\\u0", '"', "]", "}", ",", ":"])
        same_as_langchain(text)


def test_a_long_unfinished_string_is_not_reparsed_per_character(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A streamed code argument cut in half an escape: LangChain calls json.loads once per
    character of the string while cutting back; the cut-back here skips ends inside it."""
    calls = 0
    real_loads = json.loads

    def counting_loads(text: str, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return real_loads(text, **kwargs)

    monkeypatch.setattr(_partial_json.json, "loads", counting_loads)
    text = '{"code": "' + "x = 1\\n" * 2000 + "\\u00"
    assert parse_partial_json(text) == {}
    assert calls < 20
    monkeypatch.undo()
    same_as_langchain(text)
