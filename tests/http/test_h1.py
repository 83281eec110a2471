"""The lean connection's HTTP/1.1 (`chatplex.http._h1`): request bytes and the reply
parser, fed bytes directly (no I/O), every reply also fed in every split of two reads."""

from __future__ import annotations

import pytest

from chatplex.http._h1 import MAX_LINE
from chatplex.http._h1 import ParseError
from chatplex.http._h1 import ResponseParser
from chatplex.http._h1 import request_head


def parse(raw: bytes, *, eof: bool = False, no_body: bool = False) -> ResponseParser:
    parser = ResponseParser()
    parser.start(no_body=no_body)
    parser.feed(raw)
    if eof:
        parser.feed_eof()
    return parser


def body_of(parser: ResponseParser) -> bytes:
    return b"".join(parser.body)


def every_split(raw: bytes, *, eof: bool = False) -> list[ResponseParser]:
    """`raw` fed as one read, in two reads at every position and byte by byte."""
    parsers = [parse(raw, eof=eof)]
    for cut in range(1, len(raw)):
        parser = ResponseParser()
        parser.feed(raw[:cut])
        parser.feed(raw[cut:])
        if eof:
            parser.feed_eof()
        parsers.append(parser)
    parser = ResponseParser()
    for i in range(len(raw)):
        parser.feed(raw[i : i + 1])
    if eof:
        parser.feed_eof()
    parsers.append(parser)
    return parsers


def test_request_head_is_the_request_line_and_header_lines_as_given() -> None:
    head = request_head(b"POST", b"/v1/chat?x=1", b"host: h:1\r\ncontent-length: 2\r\n")
    assert head == b"POST /v1/chat?x=1 HTTP/1.1\r\nhost: h:1\r\ncontent-length: 2\r\n\r\n"


def test_a_content_length_reply_in_any_reads() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
    raw += b'{"a": "hi"}'
    for parser in every_split(raw):
        assert parser.done and parser.reusable
        assert parser.head == (
            200,
            b"OK",
            b"HTTP/1.1",
            [(b"Content-Type", b"application/json"), (b"Content-Length", b"11")],
        )
        assert body_of(parser) == b'{"a": "hi"}'


def test_a_chunked_reply_with_extensions_and_trailers_in_any_reads() -> None:
    raw = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
    raw += b"5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nx-trailer: t\r\n\r\n"
    for parser in every_split(raw):
        assert parser.done and parser.reusable
        assert body_of(parser) == b"hello 0123456789"


def test_a_body_to_the_end_of_the_connection() -> None:
    raw = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nall of it"
    for parser in every_split(raw, eof=True):
        assert parser.done and not parser.reusable
        assert body_of(parser) == b"all of it"
    parser = parse(raw)
    assert not parser.done  # until the connection ends


@pytest.mark.parametrize("coding", [b"gzip", b"xchunked", b"gzip, chunked", b"identity"])
def test_a_transfer_coding_other_than_chunked_is_refused(coding: bytes) -> None:
    # As h11: a body read to the close under a coding nobody asked for can hide a reply.
    with pytest.raises(ParseError, match="unsupported transfer-encoding"):
        parse(b"HTTP/1.1 200 OK\r\ntransfer-encoding: " + coding + b"\r\n\r\nzz", eof=True)


def test_chunked_wins_over_content_length_and_the_connection_is_not_reused() -> None:
    raw = b"HTTP/1.1 200 OK\r\ncontent-length: 99\r\ntransfer-encoding: chunked\r\n\r\n"
    parser = parse(raw + b"2\r\nok\r\n0\r\n\r\n")
    assert parser.done and not parser.reusable and body_of(parser) == b"ok"


def test_interim_replies_are_skipped() -> None:
    raw = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n"
    raw += b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok"
    for parser in every_split(raw):
        assert parser.head is not None and parser.head[0] == 201
        assert parser.done and body_of(parser) == b"ok"


@pytest.mark.parametrize(
    ("head", "reusable"),
    [
        (b"HTTP/1.1 200 OK\r\ncontent-length: 0", True),
        (b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0", False),
        (b"HTTP/1.1 200 OK\r\nConnection: Upgrade, Close\r\ncontent-length: 0", False),
        (b"HTTP/1.0 200 OK\r\ncontent-length: 0", False),
        (b"HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 0", True),
    ],
)
def test_keep_alive(head: bytes, reusable: bool) -> None:
    parser = parse(head + b"\r\n\r\n")
    assert parser.done and parser.reusable is reusable


@pytest.mark.parametrize("status", [b"204 No Content", b"304 Not Modified"])
def test_replies_without_a_body(status: bytes) -> None:
    parser = parse(b"HTTP/1.1 " + status + b"\r\ncontent-length: 5\r\n\r\n")
    assert parser.done and parser.reusable and body_of(parser) == b""


def test_a_reply_to_head_has_no_body() -> None:
    parser = parse(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n", no_body=True)
    assert parser.done and body_of(parser) == b""


def test_an_empty_reason_phrase() -> None:
    parser = parse(b"HTTP/1.1 200\r\ncontent-length: 0\r\n\r\n")
    assert parser.head is not None and parser.head[:2] == (200, b"")


def test_bytes_after_the_reply_make_the_connection_unusable() -> None:
    parser = parse(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokEXTRA")
    assert parser.done and not parser.reusable and body_of(parser) == b"ok"


def test_start_resets_for_the_next_reply() -> None:
    parser = parse(b"HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\na")
    parser.start()
    assert parser.head is None and not parser.done and not parser.started
    parser.feed(b"HTTP/1.1 404 Not Found\r\ncontent-length: 1\r\n\r\nb")
    assert parser.head is not None and parser.head[0] == 404 and body_of(parser) == b"b"


@pytest.mark.parametrize(
    "raw",
    [
        b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nabc",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nab",
        b"HTTP/1.1 200 OK\r\ncontent-le",
        b"",
    ],
)
def test_a_reply_cut_off_is_a_parse_error_at_eof(raw: bytes) -> None:
    parser = ResponseParser()
    parser.feed(raw)
    with pytest.raises(ParseError):
        parser.feed_eof()
    assert parser.started is bool(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b"HTTP/2 200 OK\r\n\r\n",
        b"HTTP/1.1 2000 OK\r\n\r\n",
        b"ICY 200 OK\r\n\r\n",
        b"HTTP/1.1 101 Switching Protocols\r\nupgrade: x\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nx-a: 1\r\n folded\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nx-a : 1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabc\r\n",
        b"HTTP/1.1 200 OK\ncontent-length: 0\n\n",
        b"HTTP/1.1 200 OK\r\nx-long: " + b"a" * MAX_LINE + b"\r\n\r\n",
    ],
)
def test_what_the_parser_does_not_read_is_a_parse_error(raw: bytes) -> None:
    with pytest.raises(ParseError):
        parse(raw)


def test_a_head_that_never_ends_is_bounded() -> None:
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\n")
    with pytest.raises(ParseError):
        for _ in range(80):
            parser.feed(b"x-h: " + b"a" * (MAX_LINE - 16) + b"\r\n")


def test_length_read_counts_a_content_length_body_only() -> None:
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc")
    assert parser.length_read() == (3, 10)
    parser.feed(b"defghij")
    assert parser.done and parser.length_read() is None
    parser.start()
    assert parser.length_read() is None  # no head yet
    parser.feed(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n")
    assert parser.length_read() is None
