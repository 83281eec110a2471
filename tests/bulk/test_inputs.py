from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatplex.bulk.inputs import InputError
from chatplex.bulk.inputs import Row
from chatplex.bulk.inputs import check_input
from chatplex.bulk.inputs import iter_rows


def _jsonl(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_jsonl_prompt_messages_and_line_numbers(tmp_path: Path) -> None:
    messages = [{"role": "user", "content": "hi"}]
    path = _jsonl(tmp_path / "in.jsonl", {"id": "a", "prompt": "p"}, {"messages": messages})
    rows = list(iter_rows(path))
    assert rows == [Row("a", "p", 1), Row(2, messages, 2)]  # no id: its line number


def test_template_over_fields(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "in.jsonl", {"id": 1, "text": "x", "lang": "fr"})
    [row] = iter_rows(path, prompt="Translate {text} to {lang}")
    assert row.input == "Translate x to fr"


def test_csv_with_template_and_multiline_field(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('id,text\nq1,"two\nlines"\n,plain\n', encoding="utf-8")
    rows = list(iter_rows(path, prompt="Say {text}"))
    assert rows[0] == Row("q1", "Say two\nlines", 3)
    assert (rows[1].id, rows[1].input) == (4, "Say plain")  # an empty id cell: the line


def test_csv_without_id_column_numbers_rows_by_line(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("prompt\nhello\nworld\n", encoding="utf-8")
    assert [(r.id, r.input) for r in iter_rows(path)] == [(2, "hello"), (3, "world")]


@pytest.mark.parametrize(
    ("records", "template", "message"),
    [
        ([{"id": 1, "prompt": "ok"}, {"id": 2}], None, "in.jsonl:2: no input"),
        (
            [{"id": 1, "text": "a"}, {"id": 2, "body": "b"}],
            "S {text}",
            "in.jsonl:2: --prompt needs field 'text'",
        ),
        ([{"id": 1, "prompt": "a"}, {"id": 1, "prompt": "b"}], None, "in.jsonl:2: duplicate id 1"),
        ([{"id": [1], "prompt": "a"}], None, "in.jsonl:1: id must be"),
        ([{"id": 1, "messages": "hi"}], None, "in.jsonl:1: messages must be"),
        ([["not", "an", "object"]], None, "in.jsonl:1: expected an object"),
        ([{"messages": [{"role": "usr", "content": "x"}]}], None, "in.jsonl:1: .*unknown role"),
        # A null would be written "None" into the prompt sent, and paid for.
        ([{"id": 1, "q": "a"}, {"id": 2, "q": None}], "A: {q}", "in.jsonl:2: .*'q' is null"),
        ([{"id": 1, "q": None}], "A: {q[0]}", "in.jsonl:1: --prompt field 'q[0]' is null"),
    ],
)
def test_bad_rows_are_named(
    tmp_path: Path, records: list[object], template: str | None, message: str
) -> None:
    path = _jsonl(tmp_path / "in.jsonl", *records)
    with pytest.raises(InputError, match=message.replace("[", r"\[")):
        check_input(path, prompt=template)


def test_broken_json_line_and_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"prompt": "a"}\n{"prompt": \n', encoding="utf-8")
    with pytest.raises(InputError, match=r"in.jsonl:2: not valid JSON"):
        check_input(path)
    with pytest.raises(InputError, match="unknown input format '.txt'"):
        check_input(tmp_path / "in.txt")
    with pytest.raises(InputError, match="no such file"):
        check_input(tmp_path / "missing.jsonl")


def test_a_lone_surrogate_escape_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    pair = '{"id": "a", "prompt": "smile \\ud83d\\ude00"}\n'  # a whole pair: an emoji
    path.write_text(pair + '{"id": "b", "prompt": "cut \\ud83d"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"in.jsonl:2: a lone surrogate escape \(\\ud83d"):
        check_input(path)
    path.write_text(pair, encoding="utf-8")
    assert [row.input for row in iter_rows(path)] == ["smile \U0001f600"]


def test_a_byte_order_mark_is_not_content(tmp_path: Path) -> None:
    csv_path = tmp_path / "in.csv"
    csv_path.write_bytes("id,text\r\na7,hello\r\nb8,world\r\n".encode("utf-8-sig"))
    rows = list(iter_rows(csv_path, prompt="Say {text}"))
    assert [(r.id, r.input) for r in rows] == [("a7", "Say hello"), ("b8", "Say world")]
    jsonl_path = tmp_path / "in.jsonl"
    jsonl_path.write_bytes('{"id": "x", "prompt": "p"}\n'.encode("utf-8-sig"))
    assert [(r.id, r.input) for r in iter_rows(jsonl_path)] == [("x", "p")]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_text_that_is_not_utf8_is_named_with_its_line(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"in{suffix}"
    first = b"id,text\n1,fine\n" if suffix == ".csv" else b'{"prompt": "fine"}\n'
    path.write_bytes(first + b'{"prompt": "caf\xe9"}\n')  # latin-1, not UTF-8
    line, template = (3, "{text}") if suffix == ".csv" else (2, None)
    with pytest.raises(InputError, match=rf"in{suffix}:{line}: not UTF-8 text \(byte 0xe9\)"):
        check_input(path, prompt=template)


def test_a_short_csv_row_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,topic,tone\n1,cats,dry\n2,dogs\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"in.csv:3: fewer fields than the header \(no 'tone'\)"):
        check_input(path, prompt="{topic} in a {tone} tone")


def test_check_counts_rows_and_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"prompt": "a"}\n\n{"prompt": "b"}\n', encoding="utf-8")
    assert check_input(path).rows == 2


def test_parquet_needs_pyarrow_or_reads_rows(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        path.write_bytes(b"PAR1")
        with pytest.raises(InputError, match="needs pyarrow"):
            list(iter_rows(path))
        return
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["x", "y"]}), path)
    assert [(r.id, r.input) for r in iter_rows(path, prompt="{text}")] == [("a", "x"), ("b", "y")]


def test_a_parquet_file_that_cannot_be_read_is_an_input_error(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "in.parquet"
    path.write_bytes(b"P")  # (what a copy cut short leaves)
    with pytest.raises(InputError, match=r"in.parquet: not a readable Parquet file"):
        check_input(path)
