"""Hostile streams, read by chatplex's stream decoders and by the vetted decoders each is
held to, on the same bytes (the HTTP/1.1 parser's own suite is tests/http/test_h1_hostile.py):

- the AWS event stream (`adapters/eventstream.py`) beside botocore's `EventStreamBuffer`,
  which boto3 and langchain-aws read Bedrock's streams with;
- NDJSON (`providers/ollama/ndjson.py`) beside the ollama client's framing, which
  langchain-ollama reads with (httpx's `iter_lines`, then `json.loads` per line);
- server-sent events (`http/_sse.py`, OpenAI's, Anthropic's and Gemini's streams) beside
  the openai/anthropic SDKs' `SSEDecoder` and google-genai's line reader.

The rule: chatplex accepts only what at least one vetted decoder accepts, and what it
reads is what that decoder reads. The differences kept, where the vetted decoder's
behaviour is itself a failure, are listed in `DIFFERENCES` with their reason. Each case
is also fed in pieces (the verdict does not depend on how the bytes arrive), and no
decoder holds more than its bound (asserted by its size settings, not by timing).

The second half runs hostile bodies through whole calls on every wire against a server
on 127.0.0.1: each ends in one of chatplex's typed errors (never a bare TypeError,
AttributeError or KeyError) or in a reply whose fields have their types.
"""

from __future__ import annotations

import json
import struct
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from chatplex.adapters.eventstream import MAX_HEADERS_BYTES, EventStreamDecoder
from chatplex.errors import ResponseTooLargeError
from chatplex.http import SSEDecoder
from chatplex.providers.ollama.ndjson import NDJSONDecoder


@dataclass(frozen=True)
class Verdict:
    """What a decoder made of a whole stream: the items read, or `refused` with why."""

    items: tuple[Any, ...] = ()
    refused: str = ""

    @property
    def accepted(self) -> bool:
        return not self.refused


def held_to(name: str, ours: Verdict, peers: dict[str, Verdict]) -> None:
    """chatplex never more lenient than every vetted decoder; what it reads, one of them
    reads alike (a case listed in DIFFERENCES is exempt, for the reason given there)."""
    if name in DIFFERENCES:
        return
    if not any(peer.accepted for peer in peers.values()):
        assert not ours.accepted, f"{name}: every vetted decoder refuses ({peers})"
    if ours.accepted:
        assert any(ours == peer for peer in peers.values()), f"{name}: {ours} vs {peers}"


#: case → why chatplex differs from the vetted decoder, where that decoder fails.
DIFFERENCES: dict[str, str] = {
    "sse-bom-first": (
        "a byte-order mark before the first line is dropped, as the WHATWG event-stream "
        "rules say; the openai/anthropic SDKs read the first field as '\\ufeffdata' and "
        "lose the first event, google-genai passes the mark and 'data: ' on to its JSON parse"
    ),
    "ndjson-blank-lines": (
        "skipped, as the NDJSON spec allows; the ollama client's json.loads('') raises "
        "JSONDecodeError mid-stream (a crash on a keep-alive newline)"
    ),
}


# --- the AWS event stream, beside botocore ---------------------------------------------

_PRELUDE = struct.Struct(">II")
_U32 = struct.Struct(">I")


def header(name: str, kind: int, value: bytes) -> bytes:
    raw = name.encode()
    return bytes([len(raw)]) + raw + bytes([kind]) + value


def string_header(name: str, value: str) -> bytes:
    raw = value.encode()
    return header(name, 7, struct.pack(">H", len(raw)) + raw)


EVENT = string_header(":event-type", "contentBlockDelta") + string_header(":message-type", "event")
PAYLOAD = b'{"contentBlockIndex": 0, "delta": {"text": "hi"}}'


def frame(
    block: bytes = EVENT,
    payload: bytes = PAYLOAD,
    *,
    total: int | None = None,
    headers_length: int | None = None,
    prelude_crc: int | None = None,
    crc: int | None = None,
) -> bytes:
    """One message; any length or CRC given is written as it is (a lie)."""
    size = 12 + len(block) + len(payload) + 4
    prelude = _PRELUDE.pack(
        size if total is None else total, len(block) if headers_length is None else headers_length
    )
    check = zlib.crc32(prelude) if prelude_crc is None else prelude_crc
    message = prelude + _U32.pack(check) + block + payload
    return message + _U32.pack(zlib.crc32(message) if crc is None else crc)


GOOD = frame()

EVENTSTREAM: dict[str, bytes] = {
    "plain": GOOD + GOOD,
    "prelude-crc-wrong": frame(prelude_crc=1),
    "message-crc-wrong": frame(crc=1),
    "payload-flipped": GOOD[:-6] + b"X" + GOOD[-5:],
    "length-2gb": frame(total=2**31),
    "length-4gb": frame(total=2**32 - 1),
    "length-below-minimum": frame(total=8),
    "headers-longer-than-message": frame(headers_length=len(GOOD)),
    "headers-200k": frame(
        string_header(":event-type", "x") + string_header("big", "a" * 60_000) * 4, b"{}"
    ),
    "header-twice": frame(EVENT + string_header(":event-type", "other")),
    "header-twice-other-type": frame(EVENT + header(":event-type", 0, b"")),
    "header-type-unknown": frame(header("x", 42, b"")),
    "header-name-past-its-block": frame(bytes([200]) + b"x"),
    "header-value-past-its-block": frame(header("x", 7, struct.pack(">H", 500) + b"ab")),
    "header-int-cut-short": frame(header("x", 4, b"\x00\x01")),
    "header-name-not-utf8": frame(b"\x01\xff\x00"),
    "header-value-not-utf8": frame(header("x", 7, b"\x00\x02\xff\xfe")),
    "every-header-type": frame(
        header("t", 0, b"")
        + header("f", 1, b"")
        + header("b", 2, b"\x7f")
        + header("s", 3, b"\x01\x02")
        + header("i", 4, b"\x00\x00\x00\x03")
        + header("l", 5, b"\x00" * 7 + b"\x04")
        + header("a", 6, b"\x00\x01z")
        + header("d", 8, b"\x00" * 7 + b"\x05")
        + header("u", 9, bytes(range(16)))
    ),
    "empty-message": frame(b"", b""),
    "cut-in-the-prelude": GOOD + GOOD[:7],
    "cut-in-the-payload": GOOD + GOOD[:-3],
    "garbage-after": GOOD + b"\x00" * 20,
}


def _uuids_as_bytes(headers: dict[str, Any]) -> dict[str, Any]:
    """botocore gives a UUID header as its 16 bytes; chatplex as a `uuid.UUID`."""
    return {k: v.bytes if isinstance(v, uuid.UUID) else v for k, v in headers.items()}


def by_botocore(raw: bytes) -> Verdict:
    from botocore.eventstream import EventStreamBuffer

    buffer = EventStreamBuffer()
    buffer.add_data(raw)
    try:
        items = tuple((_uuids_as_bytes(m.headers), m.payload) for m in buffer)
    except Exception as error:  # ParserError, ChecksumMismatch, struct.error, ...
        return Verdict(refused=type(error).__name__)
    if buffer._data:  # bytes of a message never completed: the stream was cut
        return Verdict(refused="incomplete")
    return Verdict(items)


def by_eventstream(raw: bytes, piece: int | None = None, limit: int | None = None) -> Verdict:
    decoder = EventStreamDecoder(max_event_bytes=limit)
    bound = limit or decoder.default_max_event_bytes
    step = piece or len(raw) or 1
    items: list[Any] = []
    try:
        for at in range(0, len(raw), step):
            messages = decoder.feed(raw[at : at + step])
            items.extend((_uuids_as_bytes(m.headers), m.payload) for m in messages)
            assert len(decoder._buffer) <= max(bound, step)  # nothing held past the bound
        items.extend(decoder.flush())
    except (ValueError, ResponseTooLargeError) as error:
        return Verdict(refused=str(error))
    return Verdict(tuple(items))


@pytest.mark.parametrize("name", list(EVENTSTREAM))
def test_the_event_stream_is_never_more_lenient_than_botocore(name: str) -> None:
    raw = EVENTSTREAM[name]
    held_to(name, by_eventstream(raw), {"botocore": by_botocore(raw)})


@pytest.mark.parametrize("piece", [1, 5, 4096])
@pytest.mark.parametrize("name", list(EVENTSTREAM))
def test_the_event_streams_verdict_does_not_depend_on_the_reads(name: str, piece: int) -> None:
    raw = EVENTSTREAM[name]
    whole, split = by_eventstream(raw), by_eventstream(raw, piece)
    assert (whole.accepted, whole.items) == (split.accepted, split.items)


def test_an_event_stream_header_block_is_bounded_as_botocores() -> None:
    block = string_header("a", "a" * 43_686) + string_header("b", "a" * 43_686)
    block += string_header("c", "a" * 43_685)
    assert len(block) == MAX_HEADERS_BYTES
    assert by_eventstream(frame(block, b"")).accepted and by_botocore(frame(block, b"")).accepted
    longer = block + string_header("b", "")
    assert not by_eventstream(frame(longer, b"")).accepted
    assert not by_botocore(frame(longer, b"")).accepted


def test_an_announced_2gb_message_is_refused_at_its_prelude() -> None:
    decoder = EventStreamDecoder(max_event_bytes=1024)
    raw = frame(total=2**31)
    with pytest.raises(ResponseTooLargeError, match="2147483648 bytes"):
        decoder.feed(raw[:12])  # the prelude alone: no body is waited for
    assert len(decoder._buffer) == 0


def test_an_endless_event_stream_holds_at_most_one_message() -> None:
    decoder = EventStreamDecoder(max_event_bytes=4096)
    stream = GOOD * 50
    read = 0
    for _ in range(400):  # 1.6 MB of well-framed messages, in reads that split them
        for at in range(0, len(stream), 97):
            read += len(decoder.feed(stream[at : at + 97]))
            assert len(decoder._buffer) < len(GOOD) + 97
    assert read == 400 * 50


# --- NDJSON, beside the ollama client --------------------------------------------------

LINE = b'{"model": "m", "message": {"role": "assistant", "content": "hi"}, "done": false}'

NDJSON: dict[str, bytes] = {
    "plain": LINE + b"\n" + LINE + b"\n",
    "crlf": LINE + b"\r\n" + LINE + b"\r\n",
    "no-final-newline": LINE + b"\n" + LINE,
    "ndjson-blank-lines": LINE + b"\n\n\n" + LINE + b"\n",
    "spaces-around": b"  " + LINE + b" \t\n",
    "form-feed-before": b"\x0c" + LINE + b"\n",
    "vertical-tab-after": LINE + b"\x0b\n",
    "nul-after": LINE + b"\x00\n",
    "bare-cr-between": LINE + b"\r" + LINE + b"\n",
    "two-objects-one-line": LINE + LINE + b"\n",
    "not-json": b"hello\n",
    "cut-mid-object": LINE + b"\n" + LINE[:20],
    "utf8-split": '{"a": "é"}\n'.encode(),
    "not-utf8": b'{"a": "\xff"}\n',
    "bom-first": b"\xef\xbb\xbf" + LINE + b"\n",
}


def by_ollama_client(raw: bytes) -> Verdict:
    """ollama's `_stream`: `for line in r.iter_lines(): part = json.loads(line)`."""
    response = httpx.Response(200, content=raw)
    try:
        return Verdict(tuple(json.loads(line) for line in response.iter_lines()))
    except ValueError as error:
        return Verdict(refused=type(error).__name__)


def by_ndjson(raw: bytes, piece: int | None = None, limit: int | None = None) -> Verdict:
    """chatplex's decoder, then the JSON parse the Ollama adapter does on each line."""
    decoder = NDJSONDecoder(max_event_bytes=limit)
    bound = limit or decoder.default_max_event_bytes
    step = piece or len(raw) or 1
    lines: list[str] = []
    try:
        for at in range(0, len(raw), step):
            lines.extend(decoder.feed(raw[at : at + step]))
            assert decoder._pending_size <= bound
        lines.extend(decoder.flush())
        return Verdict(tuple(json.loads(line) for line in lines))
    except (ValueError, ResponseTooLargeError) as error:
        return Verdict(refused=str(error))


@pytest.mark.parametrize("name", list(NDJSON))
def test_ndjson_is_never_more_lenient_than_the_ollama_client(name: str) -> None:
    raw = NDJSON[name]
    held_to(name, by_ndjson(raw), {"ollama": by_ollama_client(raw)})


@pytest.mark.parametrize("piece", [1, 3, 4096])
@pytest.mark.parametrize("name", list(NDJSON))
def test_ndjsons_verdict_does_not_depend_on_the_reads(name: str, piece: int) -> None:
    whole, split = by_ndjson(NDJSON[name]), by_ndjson(NDJSON[name], piece)
    assert (whole.accepted, whole.items) == (split.accepted, split.items)


def test_blank_lines_are_skipped_where_the_ollama_client_crashes() -> None:
    raw = NDJSON["ndjson-blank-lines"]
    assert by_ndjson(raw).items == (json.loads(LINE),) * 2
    assert by_ollama_client(raw).refused == "JSONDecodeError"


def test_an_endless_ndjson_line_is_refused_at_its_bound() -> None:
    decoder = NDJSONDecoder(max_event_bytes=64 * 1024)
    with pytest.raises(ResponseTooLargeError):
        for _ in range(4 * 1024):  # 4 MB trickled without a newline
            decoder.feed(b"a" * 1024)
            assert decoder._pending_size <= 64 * 1024


# --- server-sent events, beside the SDKs' decoders -------------------------------------

DATA = b'{"a": 1}'

SSE: dict[str, bytes] = {
    "plain": b"data: " + DATA + b"\n\ndata: " + DATA + b"\n\n",
    "crlf": b"data: " + DATA + b"\r\n\r\n",
    "cr-only": b"data: " + DATA + b"\r\r",
    "no-space-after-colon": b"data:" + DATA + b"\n\n",
    "two-spaces-after-colon": b"data:  " + DATA + b"\n\n",
    "multi-line-data": b"data: {\ndata: }\n\n",
    "comment-lines": b": ping\n: ping\ndata: " + DATA + b"\n\n",
    "event-named": b"event: message_start\ndata: " + DATA + b"\n\n",
    "unknown-field": b"foo: bar\ndata: " + DATA + b"\n\n",
    "field-without-colon": b"data\ndata: " + DATA + b"\n\n",
    "id-with-nul": b"id: a\x00b\ndata: " + DATA + b"\n\n",
    "retry-not-a-number": b"retry: soon\ndata: " + DATA + b"\n\n",
    "last-event-unterminated": b"data: " + DATA + b"\n\ndata: " + DATA,
    "sse-bom-first": b"\xef\xbb\xbfdata: " + DATA + b"\n\n",
    "nul-in-data": b'data: {"a": "\x00"}\n\n',
    "utf8": 'data: {"a": "é"}\n\n'.encode(),
    "not-utf8": b'data: {"a": "\xff"}\n\n',
    "blank-lines-only": b"\n\n\n\n",
    "done-marker": b"data: " + DATA + b"\n\ndata: [DONE]\n\n",
}


def by_openai_sdk(raw: bytes) -> Verdict:
    from openai._streaming import SSEDecoder as OpenAIDecoder

    try:
        events = list(OpenAIDecoder().iter_bytes(iter([raw])))
    except ValueError as error:  # UnicodeDecodeError: it decodes strictly
        return Verdict(refused=type(error).__name__)
    return Verdict(tuple(event.data for event in events if event.data))


def by_google_genai(raw: bytes) -> Verdict:
    from google.genai._api_client import HttpResponse

    reply = HttpResponse({}, httpx.Response(200, content=raw))
    try:
        return Verdict(tuple(piece for piece in reply._iter_response_stream() if piece))
    except ValueError as error:
        return Verdict(refused=type(error).__name__)


def by_sse(raw: bytes, piece: int | None = None, limit: int | None = None) -> Verdict:
    decoder = SSEDecoder(max_event_bytes=limit)
    bound = limit or decoder.default_max_event_bytes
    step = piece or len(raw) or 1
    events = []
    try:
        for at in range(0, len(raw), step):
            events.extend(decoder.feed(raw[at : at + step]))
            assert decoder._pending_size <= bound and decoder._data_size <= bound
        events.extend(decoder.flush())
    except ResponseTooLargeError as error:
        return Verdict(refused=str(error))
    return Verdict(tuple(event.data for event in events if event.data))


@pytest.mark.parametrize("name", list(SSE))
def test_sse_is_never_more_lenient_than_both_sdks(name: str) -> None:
    raw = SSE[name]
    held_to(name, by_sse(raw), {"openai": by_openai_sdk(raw), "genai": by_google_genai(raw)})


@pytest.mark.parametrize("piece", [1, 2, 4096])
@pytest.mark.parametrize("name", list(SSE))
def test_sses_verdict_does_not_depend_on_the_reads(name: str, piece: int) -> None:
    whole, split = by_sse(SSE[name]), by_sse(SSE[name], piece)
    assert (whole.accepted, whole.items) == (split.accepted, split.items)


@pytest.mark.parametrize(
    "trickle",
    [
        pytest.param(lambda i: b"a" * 1024, id="one-endless-line"),
        pytest.param(lambda i: b"data: " + b"a" * 1018 + b"\n", id="one-endless-event"),
    ],
)
def test_an_endless_sse_line_or_event_is_refused_at_its_bound(
    trickle: Callable[[int], bytes],
) -> None:
    decoder = SSEDecoder(max_event_bytes=64 * 1024)
    with pytest.raises(ResponseTooLargeError):
        for i in range(4 * 1024):  # 4 MB
            decoder.feed(trickle(i))
            assert decoder._pending_size <= 64 * 1024 and decoder._data_size <= 64 * 1024
