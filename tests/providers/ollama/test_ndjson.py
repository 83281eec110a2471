"""The NDJSON decoder: lines from byte chunks split anywhere, bounded, linear."""

from __future__ import annotations

import json

import pytest

from chatplex.errors import ResponseTooLargeError
from chatplex.providers.ollama.ndjson import NDJSONDecoder
from chatplex.providers.ollama.ndjson import iter_ndjson_lines

BODY = (
    b'{"model":"m","message":{"role":"assistant","content":"H\xc3\xa9"},"done":false}\n'
    b'{"model":"m","message":{"role":"assistant","content":"llo"},"done":false}\r\n'
    b"\n"
    b'{"model":"m","message":{"role":"assistant","content":""},"done":true}'
)


def decode(chunks: list[bytes]) -> list[str]:
    decoder = NDJSONDecoder()
    out: list[str] = []
    for chunk in chunks:
        out += decoder.feed(chunk)
    return out + decoder.flush()


def test_lines_come_out_whole_whatever_the_split() -> None:
    whole = decode([BODY])
    assert [json.loads(line)["message"]["content"] for line in whole] == ["Hé", "llo", ""]
    for size in (1, 2, 3, 7, 64):
        pieces = [BODY[i : i + size] for i in range(0, len(BODY), size)]
        assert decode(pieces) == whole, size  # a split é or CRLF included


def test_a_last_line_without_newline_comes_from_flush() -> None:
    decoder = NDJSONDecoder()
    assert decoder.feed(b'{"a":1}\n{"b"') == ['{"a":1}']
    assert decoder.flush() == ['{"b"']
    assert decoder.flush() == []


def test_blank_and_whitespace_lines_are_skipped() -> None:
    assert decode([b"\n\r\n  \n{}\n\n"]) == ["{}"]
    assert decode([b""]) == []


def test_a_line_past_the_bound_raises_whether_split_or_whole() -> None:
    with pytest.raises(ResponseTooLargeError, match="max_event_bytes=8"):
        NDJSONDecoder(max_event_bytes=8).feed(b'{"a":"123456"}\n')
    decoder = NDJSONDecoder(max_event_bytes=8)
    decoder.feed(b'{"a":')
    with pytest.raises(ResponseTooLargeError):
        decoder.feed(b'"12345')  # never ends: the pending pieces are bounded too
    assert NDJSONDecoder(max_event_bytes=8).feed(b'{"a":1}\n' * 3) == ['{"a":1}'] * 3


def test_the_bound_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_event_bytes"):
        NDJSONDecoder(max_event_bytes=0)


def test_a_long_line_in_tiny_reads_is_not_rejoined_per_read() -> None:
    # Linear: pieces wait in a list joined once (a growing-buffer re-join per read was
    # quadratic); counted by joins, not by timing, so load cannot fail it.
    decoder = NDJSONDecoder()
    line = b'{"t":"' + b"x" * 100_000 + b'"}'
    for i in range(0, len(line), 10):
        assert decoder.feed(line[i : i + 10]) == []
    assert len(decoder._pending) == len(line) // 10 + (len(line) % 10 > 0)
    assert decoder.feed(b"\n") == [line.decode()]
    assert decoder._pending == []


def test_iter_ndjson_lines() -> None:
    assert list(iter_ndjson_lines([b'{"a"', b":1}\n", b"{}"])) == ['{"a":1}', "{}"]
