"""Hostile replies, read by chatplex's HTTP/1.1 parser (`chatplex.http._h1`) and by the
vetted parsers it is held to (h11 as httpx runs it, llhttp as aiohttp does), on the same
bytes: where both refuse, chatplex refuses; where chatplex reads a reply, one of them
reads the same status and body. Each case is also fed in small pieces (the verdict does
not depend on how the bytes arrive) and nothing is buffered past the head limit."""

from __future__ import annotations

import asyncio

import pytest
from _httpkit import FakeAdapter
from test_transport import raw_server
from test_transport import read_request

from chatplex.errors import ChatplexError
from chatplex.http import asend
from chatplex.http import send
from chatplex.http._h1 import MAX_HEAD
from chatplex.http._h1 import ParseError
from chatplex.http._h1 import ResponseParser
from tests.http._peers import Verdict
from tests.http._peers import by_aiohttp
from tests.http._peers import by_h11

OK = b"HTTP/1.1 200 OK\r\n"
CHUNKED = OK + b"Transfer-Encoding: chunked\r\n\r\n"
HI = b"Content-Length: 2\r\n\r\nhi"


def _headers(count: int, size: int) -> bytes:
    return b"".join(b"X-%d: %s\r\n" % (i, b"a" * size) for i in range(count))


#: name → the bytes a server sends (then it closes the connection).
CASES: dict[str, bytes] = {
    "plain": OK + HI,
    "status-099-then-a-reply": b"HTTP/1.1 099 OK\r\n\r\n" + OK + HI,
    "status-000-then-a-reply": b"HTTP/1.1 000 OK\r\n\r\n" + OK + HI,
    "status-999": b"HTTP/1.1 999 Odd\r\n" + HI,
    "status-four-digits": b"HTTP/1.1 2000 OK\r\n" + HI,
    "status-two-spaces": b"HTTP/1.1  200 OK\r\n" + HI,
    "no-reason": b"HTTP/1.1 200\r\n" + HI,
    "control-in-reason": b"HTTP/1.1 200 O\x01K\r\n" + HI,
    "http-1.0": b"HTTP/1.0 200 OK\r\n" + HI,
    "http-2": b"HTTP/2 200 OK\r\n" + HI,
    "lowercase-version": b"http/1.1 200 OK\r\n" + HI,
    "leading-crlf": b"\r\n" + OK + HI,
    "interim-100-then-200": b"HTTP/1.1 100 Continue\r\n\r\n" + OK + HI,
    "101-unasked": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n",
    "xchunked": OK + b"Transfer-Encoding: xchunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
    "gzip-then-chunked": OK + b"Transfer-Encoding: gzip, chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
    "identity-coding": OK + b"Transfer-Encoding: identity\r\n\r\nhi",
    "chunked-and-length": OK
    + b"Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
    "length-twice-same": OK + b"Content-Length: 2\r\n" + HI,
    "length-twice-differs": OK + b"Content-Length: 3\r\n" + HI,
    "length-list": OK + b"Content-Length: 2, 2\r\n\r\nhi",
    "length-plus": OK + b"Content-Length: +2\r\n\r\nhi",
    "length-hex": OK + b"Content-Length: 0x2\r\n\r\nhi",
    "length-negative": OK + b"Content-Length: -2\r\n\r\nhi",
    "body-cut-off": OK + b"Content-Length: 5\r\n\r\nhi",
    "body-to-the-close": OK + b"\r\nhi",
    "line-20k": OK + b"X: " + b"a" * 20_000 + b"\r\n" + HI,
    "line-100k": OK + b"X: " + b"a" * 100_000 + b"\r\n" + HI,
    "head-200k": OK + _headers(25, 8000) + HI,
    "head-3.6m": OK + _headers(450, 8000) + HI,
    "trailers-200k": CHUNKED + b"2\r\nhi\r\n0\r\n" + b"X: y\r\n" * 35_000 + b"\r\n",
    "trailers-1m": CHUNKED + b"2\r\nhi\r\n0\r\n" + b"X: y\r\n" * 170_000 + b"\r\n",
    "nul-in-value": OK + b"X: a\x00b\r\n" + HI,
    "cr-in-value": OK + b"X: a\rb\r\n" + HI,
    "del-in-value": OK + b"X: a\x7fb\r\n" + HI,
    "utf8-in-value": OK + "X: é\r\n".encode() + HI,
    "tab-in-value": OK + b"X: a\tb\r\n" + HI,
    "bare-lf-in-a-line": OK + b"X: a\nY: b\r\n" + HI,
    "bare-lf-head": b"HTTP/1.1 200 OK\nContent-Length: 2\n\nhi",
    "obs-fold": OK + b"X: a\r\n b\r\n" + HI,
    "space-before-colon": OK + b"X : a\r\n" + HI,
    "parenthesis-in-name": OK + b"X(y): a\r\n" + HI,
    "space-in-name": OK + b"X Y: a\r\n" + HI,
    "empty-name": OK + b": a\r\n" + HI,
    "chunk-size-not-hex": CHUNKED + b"zz\r\nhi\r\n0\r\n\r\n",
    "chunk-size-overflow": CHUNKED + b"fffffffffffffffff\r\nhi\r\n0\r\n\r\n",
    "chunk-extension": CHUNKED + b"2;a=b\r\nhi\r\n0\r\n\r\n",
    "chunk-extension-control": CHUNKED + b"2;a=\x01\r\nhi\r\n0\r\n\r\n",
    "chunk-size-then-space": CHUNKED + b"2 \r\nhi\r\n0\r\n\r\n",
    "chunk-size-bare-lf": CHUNKED + b"2\nhi\r\n0\r\n\r\n",
    "chunk-longer-than-its-size": CHUNKED + b"2\r\nhix\r\n0\r\n\r\n",
    "chunked-no-last-chunk": CHUNKED + b"2\r\nhi\r\n",
    "bytes-after-the-body": OK + HI + b"HTTP/1.1 200 OK\r\n" + HI,
    "bytes-after-the-last-chunk": CHUNKED + b"2\r\nhi\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n" + HI,
}


def by_chatplex(raw: bytes, piece: int | None = None) -> Verdict:
    parser = ResponseParser()
    step = piece or len(raw)
    try:
        for at in range(0, len(raw), step):
            parser.feed(raw[at : at + step])
            assert len(parser._buf) <= MAX_HEAD  # nothing held past the limit
        if not parser.done:
            parser.feed_eof()
    except ParseError as error:
        return Verdict(refused=str(error))
    assert parser.head is not None
    return Verdict(parser.head[0], b"".join(parser.body))


@pytest.mark.parametrize("name", list(CASES))
def test_never_more_lenient_than_both_vetted_parsers(name: str) -> None:
    raw = CASES[name]
    ours, h11, aiohttp = by_chatplex(raw), by_h11(raw), by_aiohttp(raw)
    if not h11.accepted and not aiohttp.accepted:
        assert not ours.accepted, f"both refuse ({h11.refused}; {aiohttp.refused})"
    if ours.accepted:
        # llhttp as aiohttp's transport sets it reads no body to the close (the
        # transport does): h11 is the reference there.
        assert ours in (h11, aiohttp)


@pytest.mark.parametrize("piece", [1, 7, 4096])
@pytest.mark.parametrize("name", list(CASES))
def test_the_verdict_does_not_depend_on_how_the_bytes_arrive(name: str, piece: int) -> None:
    raw = CASES[name]
    if piece == 1:
        raw = raw[:20_000]  # byte by byte, the first 20 KB say it as well
    whole = by_chatplex(raw)
    split = by_chatplex(raw, piece)
    assert split.accepted == whole.accepted
    assert (split.status, split.body) == (whole.status, whole.body)


def test_a_slow_endless_head_is_refused_at_the_limit() -> None:
    parser = ResponseParser()
    parser.feed(OK)
    fed = len(OK)
    with pytest.raises(ParseError, match="head too long"):
        while fed < 4 * 1024 * 1024:  # the 4 MB slow head a hostile server trickles
            parser.feed(b"X: " + b"a" * 1000 + b"\r\n")
            fed += 1005
    assert fed <= MAX_HEAD + 2 * 1005


@pytest.mark.parametrize("name", ["bytes-after-the-body", "bytes-after-the-last-chunk"])
def test_bytes_after_a_reply_end_the_connections_reuse(name: str) -> None:
    """The reply is read (as h11 and llhttp read it); what follows, no request asked
    for: the connection is not kept, so no later request reads a smuggled reply."""
    parser = ResponseParser()
    parser.feed(CASES[name])
    assert parser.done and b"".join(parser.body) == b"hi"
    assert not parser.reusable
    clean = ResponseParser()
    clean.feed(OK + HI)
    assert clean.done and clean.reusable


@pytest.mark.parametrize("name", list(CASES))
async def test_every_case_ends_a_call_typed_on_both_paths(name: str) -> None:
    """The same bytes from a server on 127.0.0.1 (then it hangs up), to a whole call:
    async on chatplex's lean connection, sync through httpx. Each ends, in one of
    chatplex's typed errors or a reply; what one path reads, the other reads alike
    (the "hi" bodies are no JSON reply: a typed malformed-reply error on both)."""
    raw = CASES[name]

    async def scripted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(raw)
        await writer.drain()

    async with raw_server(scripted) as url:
        adapter = FakeAdapter(url)
        outcomes = []
        for call in (
            lambda: asend(adapter, adapter.request(), timeout=10),
            lambda: asyncio.to_thread(send, adapter, adapter.request(), timeout=10),
        ):
            try:
                outcomes.append((await call()).text)
            except ChatplexError as error:
                outcomes.append(type(error).__name__)
    assert all(isinstance(outcome, str) for outcome in outcomes)
    lean, httpx_path = outcomes
    if by_chatplex(raw).accepted and by_h11(raw).accepted:
        assert lean == httpx_path, outcomes
