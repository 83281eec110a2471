"""`parse_partial_json`: LangChain's results for every input, without its quadratic cut-back.

Differential: the same input goes to langchain_core's function and to ours, and the
results (value, None, or the JSONDecodeError message) must be equal. Values are compared
by `repr`, so 1 and 1.0, or 0 and False, differ, and a NaN equals a NaN.
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
from tests.adapters._corpus import corpus_dirs


def outcome(parse: Callable[[str], Any], text: str) -> tuple[str, Any]:
    try:
        return "value", repr(parse(text))
    except json.JSONDecodeError as exc:
        return "error", str(exc)
    except ValueError as exc:  # json's limit on the digits of an int
        return "ValueError", str(exc)


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
        # Where pydantic_core's partial parse and LangChain's differ: the slow path's.
        '{"a": 1}]',  # trailing text pydantic_core ignores
        "[1] ]",
        '{"a": [1}',  # a mismatched closer after a value
        '{"a": 1} x',
        '{"a": 1}{',
        "[1 2",
        "[0x",
        "01",
        "[1.",  # a number cut after its point, exponent or sign
        "[-",
        "[1e",
        '{"x": 1E',
        "[1.5e-",
        "[2.5e+",
        '"pi is 3.',  # a string's text that looks like a number cut off
        '{"date": "2022-',
        '["\\u12',  # a string cut inside a \\u escape
        '["\\ud83d',  # a lone high surrogate, then half a low one
        '["\\ud83d\\',
        '["\\ud83d\\ude0',
        '["\\ud83d\\ude00',
        '"\\udc00',
        '["\\ud83d", 1]',  # a lone surrogate pydantic_core rejects
        '{"a": "tab\there',  # a raw control character pydantic_core rejects
        "\ufeff{}",
        "[NaN",
        "[-Inf",
        '{"a": 1, "b": [true, false, nul',
        "[" * 300,  # deeper than pydantic_core's recursion limit
        "[" * 300 + "]" * 300,
        "1" * 5000,  # past json's limit on an int's digits: a ValueError
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


def recorded_arguments() -> list[str]:
    """The arguments of every recorded tool call in the wire corpora (a string as sent, an
    object as JSON, compact and indented), and every reply text that is a JSON document."""
    texts: set[str] = set()
    for folder in corpus_dirs():
        for meta_file in sorted(folder.glob("*.meta.json")):
            expected = json.loads(meta_file.read_text(encoding="utf-8")).get("expected") or {}
            for call in expected.get("tool_calls") or []:
                for key in ("arguments", "args", "input"):
                    value = call.get(key)
                    if isinstance(value, str):
                        texts.add(value)
                    elif isinstance(value, (dict, list)):
                        texts.add(json.dumps(value))
                        texts.add(json.dumps(value, ensure_ascii=False, indent=2))
            text = expected.get("text")
            if isinstance(text, str) and text.lstrip()[:1] in ("{", "["):
                texts.add(text)
    return sorted(texts)


def test_every_prefix_of_recorded_tool_call_arguments() -> None:
    texts = recorded_arguments()
    assert len(texts) >= 20, "the wire corpora hold tool calls"
    for text in texts:
        for end in range(len(text) + 1):
            same_as_langchain(text[:end])


def generated_arguments(count: int, seed: int) -> list[str]:
    """Arguments as a model writes them: nested objects and lists, every kind of number
    (exponents, negative, huge), strings with escapes, surrogate pairs, raw control
    characters and brackets in them."""
    rng = random.Random(seed)

    def value(depth: int = 0) -> Any:
        pick = rng.random()
        if depth > 4 or pick < 0.3:
            kind = rng.random()
            if kind < 0.2:
                return rng.choice([0, -2.5, 1e10, 3.25e-7, True, False, None, -0.0, 10**30])
            if kind < 0.4:
                return rng.uniform(-1e6, 1e6) * 10 ** rng.randint(-30, 30)
            if kind < 0.5:
                return rng.randint(-(10**20), 10**20)
            alphabet = 'ab "\\\n\t/é😀\u2028\x00{}[],:u0-.e'
            return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        if pick < 0.65:
            keys = ["a", "key", 'k"q', "", "é", "location", "u\\x", "😀"]
            return {rng.choice(keys): value(depth + 1) for _ in range(rng.randint(0, 4))}
        return [value(depth + 1) for _ in range(rng.randint(0, 4))]

    return [
        json.dumps(
            value(),
            ensure_ascii=rng.random() < 0.5,
            indent=rng.choice([None, 1, "\t"]),
            separators=rng.choice([None, (",", ":")]),
        )
        for _ in range(count)
    ]


def test_every_prefix_of_generated_arguments() -> None:
    for text in generated_arguments(200, seed=64):
        for end in range(len(text) + 1):
            same_as_langchain(text[:end])


def test_a_cut_off_document_is_read_by_pydantic_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cut-back runs only for the ends where pydantic_core would read otherwise."""
    cut_backs: list[str] = []
    real_cut_back = _partial_json._cut_back

    def counting_cut_back(text: str) -> Any:
        cut_backs.append(text)
        return real_cut_back(text)

    monkeypatch.setattr(_partial_json, "_cut_back", counting_cut_back)
    text = json.dumps({"city": "Paris", "days": [1, 2, 30], "notes": {"a": None, "b": True}})
    for end in range(1, len(text) + 1):
        parse_partial_json(text[:end])
    assert cut_backs == []
    for disputed in ('{"a": 1.', '{"a": -', '{"a": 1e', '{"a": "\\u00', '{"a": 1}]'):
        parse_partial_json(disputed)
    assert len(cut_backs) == 5


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

    monkeypatch.setattr(json, "loads", counting_loads)  # the module _cut_back calls
    text = '{"code": "' + "x = 1\\n" * 2000 + "\\u00"
    assert parse_partial_json(text) == {}
    assert calls < 20
    monkeypatch.undo()
    same_as_langchain(text)


@pytest.mark.parametrize("text", ['{"code": "def f(x):\\', '["a\\\\\\', '{"a": "x\\\\\\'])
def test_a_string_cut_after_a_backslash_is_langchains_under_pydantic_2_10(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """pydantic 2.10's pydantic_core (the package's floor) drops a partial string that
    ends in a backslash where later ones keep it: such an end never takes its reading."""
    import pydantic_core

    newest = pydantic_core.from_json

    def as_in_2_10(data: str, **given: Any) -> Any:
        if given.get("allow_partial") and data.endswith("\\"):
            return newest(data[: data.rindex('"')], **given)  # (the string dropped)
        return newest(data, **given)

    monkeypatch.setattr(pydantic_core, "from_json", as_in_2_10)
    same_as_langchain(text)
