"""Hostile streams, read by chatplex's stream decoders and by the vetted decoders each is
held to, on the same bytes (the HTTP/1.1 parser's own suite is tests/http/test_h1_hostile.py):

- the AWS event stream (`providers/bedrock/eventstream.py`) beside botocore's `EventStreamBuffer`,
  which boto3 and langchain-aws read Bedrock's streams with;
- NDJSON (`providers/ollama/ndjson.py`) beside the ollama client's framing, which
  langchain-ollama reads with (httpx's `iter_lines`, then `json.loads` per line);
- server-sent events (`adapters/sse.py`, OpenAI's, Anthropic's and Gemini's streams) beside
  the openai/anthropic SDKs' `SSEDecoder` and google-genai's line reader; the Gemini wire's
  framing (`providers/google/stream.py`: a JSON body outside events too) beside them.

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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from _faultkit import PROMPTLY
from _hostile import HostileServer
from _hostile import Script
from _hostile import ollama_done
from _hostile import reply_or_error

from chatplex.errors import ResponseTooLargeError
from chatplex.http import SSEDecoder
from chatplex.providers.bedrock.eventstream import MAX_HEADERS_BYTES
from chatplex.providers.bedrock.eventstream import EventStreamDecoder
from chatplex.providers.google.stream import GeminiFraming
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


def test_every_listed_difference_is_a_case_that_differs() -> None:
    """A listed difference names a real case, where chatplex and its peer do differ."""
    raws = {**NDJSON, **SSE}
    for name in DIFFERENCES:
        assert name in raws, name
    assert by_ndjson(NDJSON["ndjson-blank-lines"]) != by_ollama_client(NDJSON["ndjson-blank-lines"])
    bom = SSE["sse-bom-first"]
    assert by_sse(bom) not in (by_openai_sdk(bom), by_google_genai(bom))


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


def fed(decoder: Any, raw: bytes, piece: int | None, held: Callable[[int], bool]) -> list[Any]:
    """What `decoder` gives for `raw` read `piece` bytes at a time (None: all at once),
    then flushed; `held(step)` is checked after every read: nothing kept past the bound."""
    step = piece or len(raw) or 1
    out: list[Any] = []
    for at in range(0, len(raw), step):
        out.extend(decoder.feed(raw[at : at + step]))
        assert held(step), "held past the bound"
    out.extend(decoder.flush())
    return out


def by_eventstream(raw: bytes, piece: int | None = None, limit: int | None = None) -> Verdict:
    decoder = EventStreamDecoder(max_event_bytes=limit)
    bound = limit or decoder.default_max_event_bytes
    try:
        messages = fed(decoder, raw, piece, lambda step: len(decoder._buffer) <= max(bound, step))
    except (ValueError, ResponseTooLargeError) as error:
        return Verdict(refused=str(error))
    return Verdict(tuple((_uuids_as_bytes(m.headers), m.payload) for m in messages))


@pytest.mark.parametrize("name", list(EVENTSTREAM))
def test_the_event_stream_is_never_more_lenient_than_botocore(name: str) -> None:
    raw = EVENTSTREAM[name]
    held_to(name, by_eventstream(raw), {"botocore": by_botocore(raw)})


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
    try:
        lines = fed(decoder, raw, piece, lambda _: decoder._pending_size <= bound)
        return Verdict(tuple(json.loads(line) for line in lines))
    except (ValueError, ResponseTooLargeError) as error:
        return Verdict(refused=str(error))


@pytest.mark.parametrize("name", list(NDJSON))
def test_ndjson_is_never_more_lenient_than_the_ollama_client(name: str) -> None:
    raw = NDJSON[name]
    held_to(name, by_ndjson(raw), {"ollama": by_ollama_client(raw)})


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


def by_sse(
    raw: bytes, piece: int | None = None, limit: int | None = None, framing: Any = SSEDecoder
) -> Verdict:
    decoder = framing(max_event_bytes=limit)
    bound = limit or decoder.default_max_event_bytes

    def held(_: int) -> bool:
        return decoder._pending_size <= bound and decoder._data_size <= bound

    try:
        events = fed(decoder, raw, piece, held)
    except ResponseTooLargeError as error:
        return Verdict(refused=str(error))
    return Verdict(tuple(event.data for event in events if event.data))


@pytest.mark.parametrize("name", list(SSE))
def test_sse_is_never_more_lenient_than_both_sdks(name: str) -> None:
    raw = SSE[name]
    held_to(name, by_sse(raw), {"openai": by_openai_sdk(raw), "genai": by_google_genai(raw)})


#: Gemini's error payload outside events (a front end's, with a success status): what
#: google-genai's line reader reads as one JSON chunk, as the Gemini wire's framing does.
#: (A brace in its message is text to the framing; google-genai counts it, and so reads
#: events after such a body before it: a body that ends with the object reads alike.)
_PRETTY = json.dumps({"error": {"code": 503, "message": "No.", "status": "UNAVAILABLE"}}, indent=2)
OUTSIDE: dict[str, bytes] = {
    "json-outside-events": _PRETTY.encode() + b"\n",
    "json-outside-one-line": b'{"error": {"code": 429}}\n',
    "json-outside-crlf": _PRETTY.replace("\n", "\r\n").encode(),
    "json-outside-brace-in-string": _PRETTY.replace("No.", "a {b").encode(),
    "json-outside-then-events": _PRETTY.encode() + b"\n\ndata: " + DATA + b"\n\n",
    "events-then-json-outside": b"data: " + DATA + b"\n\n" + _PRETTY.encode(),
    "json-outside-unclosed": b'{\n  "error": {\n    "code": 500,\n',
}


def by_gemini_framing(raw: bytes, piece: int | None = None) -> Verdict:
    return by_sse(raw, piece, framing=GeminiFraming)


@pytest.mark.parametrize("name", [*SSE, *OUTSIDE])
def test_the_gemini_framing_is_never_more_lenient_than_both_sdks(name: str) -> None:
    raw = {**SSE, **OUTSIDE}[name]
    ours = by_gemini_framing(raw)
    held_to(name, ours, {"openai": by_openai_sdk(raw), "genai": by_google_genai(raw)})
    if name in OUTSIDE:  # read as google-genai reads it
        assert ours == by_google_genai(raw), name
    else:  # no JSON outside events: read as the SSE decoder reads it
        assert ours == by_sse(raw), name


#: Each framing's reader (the bytes, then the size of every read: None, all at once), its
#: cases, and the read sizes tried.
READS: dict[str, tuple[Callable[[bytes, int | None], Verdict], dict[str, bytes], list[int]]] = {
    "eventstream": (by_eventstream, EVENTSTREAM, [1, 5, 4096]),
    "ndjson": (by_ndjson, NDJSON, [1, 3, 4096]),
    "sse": (by_sse, SSE, [1, 2, 4096]),
    "gemini": (by_gemini_framing, OUTSIDE, [1, 2, 4096]),
}


@pytest.mark.parametrize(
    ("framing", "name", "piece"),
    [
        (f, name, piece)
        for f, (_, cases, pieces) in READS.items()
        for name in cases
        for piece in pieces
    ],
)
def test_a_framings_verdict_does_not_depend_on_the_reads(
    framing: str, name: str, piece: int
) -> None:
    read, cases, _ = READS[framing]
    whole, split = read(cases[name], None), read(cases[name], piece)
    assert (whole.accepted, whole.items) == (split.accepted, split.items)


def test_an_endless_json_body_outside_events_is_refused_at_its_bound() -> None:
    decoder = GeminiFraming(max_event_bytes=64 * 1024)
    with pytest.raises(ResponseTooLargeError):
        decoder.feed(b"{\n")
        for _ in range(4 * 1024):  # 4 MB of lines that never close the object
            decoder.feed(b'  "a": "' + b"x" * 1010 + b'",\n')


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


# --- hostile bodies through whole calls, on every wire ---------------------------------

#: A bound far above these tests' bodies and far below what would hurt: an endless
#: stream is refused at it (it is the chat model's `max_response_bytes`).
MAX_BYTES = 256 * 1024
AWS = {"region_name": "us-east-1", "aws_access_key_id": "AKIAHOSTILE", "aws_secret_access_key": "s"}


def sse_events(*events: dict[str, Any], named: bool = False) -> bytes:
    """Events as a server sends them (`event:` lines named from `type`, as Anthropic's)."""
    out = b""
    for event in events:
        name = b"event: %s\n" % event["type"].encode() if named else b""
        out += name + b"data: " + json.dumps(event).encode() + b"\n\n"
    return out


@dataclass(frozen=True)
class Wire:
    """How one wire is called, and its replies built with fields given their values
    (the right ones by default, a wrong type by a hostile case)."""

    model: str
    settings: dict[str, Any]
    content_type: str  # of its streams
    suffix: str  # after the server's URL, in base_url
    reply: Callable[..., Any]  # (text, usage, tools, index) -> a non-stream JSON body
    stream: Callable[..., bytes]  # the same -> a stream body
    endless: bytes  # one content event, repeated for ever
    url_setting: str = "base_url"


OPENAI_USAGE = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}


def _openai_reply(text: Any = "hi", usage: Any = None, tools: Any = None, index: Any = 0) -> Any:
    usage = (
        {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2} if usage is None else usage
    )
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tools is not None:
        message["tool_calls"] = tools
    choice = {"index": index, "message": message, "finish_reason": "stop"}
    return {
        "id": "c",
        "object": "chat.completion",
        "model": "m",
        "choices": [choice],
        "usage": usage,
    }


def _openai_stream(text: Any = "hi", usage: Any = None, tools: Any = None, index: Any = 0) -> bytes:
    usage = (
        {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2} if usage is None else usage
    )
    delta: dict[str, Any] = {"content": text}
    if tools is not None:
        delta["tool_calls"] = tools
    chunk = {"id": "c", "object": "chat.completion.chunk", "model": "m"}
    first = {**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}
    content = {**chunk, "choices": [{"index": index, "delta": delta, "finish_reason": None}]}
    stop = {**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    return sse_events(first, content, stop, {**chunk, "choices": [], "usage": usage}) + (
        b"data: [DONE]\n\n"
    )


def _openai_tools(index: Any = 0) -> list[Any]:
    call = {"id": "t", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    return [{"index": index, **call}]


def _anthropic_reply(text: Any = "hi", usage: Any = None, tools: Any = None, index: Any = 0) -> Any:
    usage = {"input_tokens": 1, "output_tokens": 1} if usage is None else usage
    content = [{"type": "text", "text": text}] if tools is None else tools
    return {
        "id": "m",
        "type": "message",
        "role": "assistant",
        "model": "claude",
        "content": content,
        "stop_reason": "end_turn",
        "usage": usage,
    }


def _anthropic_stream(
    text: Any = "hi", usage: Any = None, tools: Any = None, index: Any = 0
) -> bytes:
    usage = {"output_tokens": 1} if usage is None else usage
    start = {"type": "message_start", "message": {**_anthropic_reply("", None), "content": []}}
    block = {"type": "text", "text": ""} if tools is None else tools
    delta = {"type": "text_delta", "text": text}
    return sse_events(
        start,
        {"type": "content_block_start", "index": index, "content_block": block},
        {"type": "content_block_delta", "index": index, "delta": delta},
        {"type": "content_block_stop", "index": index},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": usage},
        {"type": "message_stop"},
        named=True,
    )


def _gemini_reply(text: Any = "hi", usage: Any = None, tools: Any = None, index: Any = 0) -> Any:
    usage = (
        {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2}
        if usage is None
        else usage
    )
    parts = [{"text": text}] if tools is None else tools
    candidate = {
        "content": {"parts": parts, "role": "model"},
        "finishReason": "STOP",
        "index": index,
    }
    return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": "gemini-2.5-flash"}


def _gemini_stream(text: Any = "hi", usage: Any = None, tools: Any = None, index: Any = 0) -> bytes:
    event = _gemini_reply(text, usage, tools, index)
    return b"data: " + json.dumps(event).encode() + b"\r\n\r\n"


def _ollama_reply(text: Any = "hi", usage: Any = 1, tools: Any = None, index: Any = 0) -> Any:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tools is not None:
        message["tool_calls"] = tools
    return ollama_done(message, 1, usage)


def _ollama_stream(text: Any = "hi", usage: Any = 1, tools: Any = None, index: Any = 0) -> bytes:
    piece = {**_ollama_reply(text, usage, tools), "done": False}
    for key in ("done_reason", "prompt_eval_count", "eval_count"):
        del piece[key]
    last = _ollama_reply("", usage)
    return json.dumps(piece).encode() + b"\n" + json.dumps(last).encode() + b"\n"


def _bedrock_reply(text: Any = "hi", usage: Any = None, tools: Any = None, index: Any = 0) -> Any:
    usage = {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2} if usage is None else usage
    content = [{"text": text}] if tools is None else tools
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": "end_turn",
        "usage": usage,
        "metrics": {"latencyMs": 1},
    }


def _bedrock_event(kind: str, payload: Any) -> bytes:
    block = string_header(":event-type", kind) + string_header(":message-type", "event")
    block += string_header(":content-type", "application/json")
    return frame(block, json.dumps(payload).encode())


def _bedrock_stream(
    text: Any = "hi", usage: Any = None, tools: Any = None, index: Any = 0
) -> bytes:
    usage = {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2} if usage is None else usage
    delta = {"text": text} if tools is None else tools
    return b"".join(
        [
            _bedrock_event("messageStart", {"role": "assistant"}),
            _bedrock_event("contentBlockDelta", {"contentBlockIndex": index, "delta": delta}),
            _bedrock_event("contentBlockStop", {"contentBlockIndex": index}),
            _bedrock_event("messageStop", {"stopReason": "end_turn"}),
            _bedrock_event("metadata", {"usage": usage, "metrics": {"latencyMs": 1}}),
        ]
    )


_OPENAI_CHUNK = {"id": "c", "model": "m", "choices": [{"index": 0, "delta": {"content": "a"}}]}
_ANTHROPIC_DELTA = {"type": "content_block_delta", "index": 0}
_ANTHROPIC_DELTA["delta"] = {"type": "text_delta", "text": "a"}

WIRES: dict[str, Wire] = {
    "openai": Wire(
        "openai:gpt-4o-mini",
        {"api_key": "sk-hostile"},
        "text/event-stream",
        "/v1",
        _openai_reply,
        _openai_stream,
        sse_events(_OPENAI_CHUNK),
    ),
    "anthropic": Wire(
        "anthropic:claude-sonnet-4-5",
        {"api_key": "sk-ant-hostile"},
        "text/event-stream",
        "",
        _anthropic_reply,
        _anthropic_stream,
        sse_events(_ANTHROPIC_DELTA, named=True),
    ),
    "gemini": Wire(
        "google_genai:gemini-2.5-flash",
        {"api_key": "AIza-hostile"},
        "text/event-stream",
        "",
        _gemini_reply,
        _gemini_stream,
        _gemini_stream("a"),
    ),
    "ollama": Wire(
        "ollama:llama3.2",
        {},
        "application/x-ndjson",
        "",
        _ollama_reply,
        _ollama_stream,
        json.dumps({"model": "m", "message": {"role": "assistant", "content": "a"}}).encode()
        + b"\n",
    ),
    "bedrock": Wire(
        "bedrock_converse:anthropic.claude-3-haiku-20240307-v1:0",
        AWS,
        "application/vnd.amazon.eventstream",
        "",
        _bedrock_reply,
        _bedrock_stream,
        _bedrock_event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "a"}}),
        # init_chat_model drops base_url for Bedrock (LangChain's alias of endpoint_url)
        url_setting="endpoint_url",
    ),
}

#: A field of the wrong type, in a reply the wire frames well (the issue's 12 cases).
WRONG_TYPES: dict[str, Callable[[str], dict[str, Any]]] = {
    "usage-a-string": lambda wire: {"usage": "lots"},
    "content-a-number": lambda wire: {"text": 5},
    "tool-calls-a-number": lambda wire: {"tools": 5},
    "index-an-object": lambda wire: (
        {"index": {"i": 0}, "tools": _openai_tools({"i": 0})}
        if wire == "openai"
        else {"index": {"i": 0}}
    ),
}


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with HostileServer() as hostile:
        yield hostile


def chat_model(server: HostileServer, wire: str, script: Script, name: str) -> Any:
    from chatplex import init_chat_model

    spec = WIRES[wire]
    server.scripts[name] = script
    return init_chat_model(
        spec.model,
        max_retries=0,
        timeout=PROMPTLY,
        max_response_bytes=MAX_BYTES,
        **spec.settings,
        **{spec.url_setting: f"http://127.0.0.1:{server.port}/script/{name}{spec.suffix}"},
    )


async def outcome(chat: Any, sync: bool, mode: str) -> Any:
    """The call's reply (a stream's chunks merged), or its error."""
    from chatplex.messages import merge_chunks

    return await reply_or_error(chat, sync, mode, merge_chunks)


def typed_or_sound(result: Any) -> str:
    """A chatplex error (whose partial reply reads), or a reply whose fields have their
    types; never a bare Python error. Says which."""
    from chatplex.errors import ChatplexError

    if isinstance(result, BaseException):
        assert isinstance(result, ChatplexError), repr(result)
        partial = getattr(result, "partial", None)
        if partial is not None:
            assert isinstance(partial.text, str)
        str(result)
        return type(result).__name__
    assert isinstance(result.text, str)
    for call in result.tool_calls:
        assert isinstance(call["name"], str) and isinstance(call["args"], dict)
    usage = result.usage_metadata
    if usage is not None:
        assert all(isinstance(usage[k], int) for k in ("input_tokens", "output_tokens"))
    return "reply"


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
@pytest.mark.parametrize("case", list(WRONG_TYPES))
@pytest.mark.parametrize("wire", list(WIRES))
async def test_a_field_of_the_wrong_type_is_a_typed_error_on_every_wire(
    server: HostileServer, wire: str, case: str, mode: str, sync: bool
) -> None:
    spec = WIRES[wire]
    values = WRONG_TYPES[case](wire)
    if mode == "invoke":
        script = Script(json.dumps(spec.reply(**values)).encode())
    else:
        script = Script(spec.stream(**values), spec.content_type)
    name = f"{wire}-{case}-{mode}-{sync}"
    shown = typed_or_sound(await outcome(chat_model(server, wire, script, name), sync, mode))
    if case != "index-an-object":  # the usage, the text or the calls would be lost
        assert shown in ("APIError", "StreamError"), shown
    else:  # whole replies (and Ollama's, Bedrock's streams) order nothing by it
        assert shown == "StreamError" or mode == "invoke" or wire in ("ollama", "bedrock")


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("wire", list(WIRES))
async def test_a_well_formed_reply_reads_on_every_wire(
    server: HostileServer, wire: str, sync: bool
) -> None:
    """The scripts' baseline: what the hostile cases break is a reply that reads."""
    spec = WIRES[wire]
    for mode, script in (
        ("invoke", Script(json.dumps(spec.reply()).encode())),
        ("stream", Script(spec.stream(), spec.content_type)),
    ):
        result = await outcome(chat_model(server, wire, script, f"{wire}-ok-{mode}"), sync, mode)
        assert typed_or_sound(result) == "reply" and result.text == "hi", (mode, result)


def _cut(body: bytes) -> bytes:
    return body[: len(body) * 2 // 3]


#: Stream bodies a hostile server sends, by wire: cut short, garbled in their framing,
#: or endless (refused at max_response_bytes, whatever the framing).
def hostile_streams(wire: str) -> dict[str, Script]:
    spec = WIRES[wire]
    garbled = {
        "bedrock": frame(crc=1),
        "ollama": b"{not json\n",
    }.get(wire, b"data: {not json\n\n")
    if wire == "bedrock":  # the framing's endless message: its prelude announces 2 GB
        endless_message = Script(frame(total=2**31)[:12], spec.content_type, forever=b"a" * 65536)
    else:
        first = b"data: " if spec.content_type == "text/event-stream" else b"{"
        endless_message = Script(first, spec.content_type, forever=b"a" * 65536)
    return {
        "cut-short": Script(_cut(spec.stream()), spec.content_type),
        "garbled": Script(spec.stream()[:0] + garbled, spec.content_type),
        "endless-events": Script(b"", spec.content_type, forever=spec.endless),
        "endless-message": endless_message,
    }


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("case", ["cut-short", "garbled", "endless-events", "endless-message"])
@pytest.mark.parametrize("wire", list(WIRES))
async def test_a_hostile_stream_ends_typed_and_bounded_on_every_wire(
    server: HostileServer, wire: str, case: str, sync: bool
) -> None:
    from chatplex.errors import ChatplexError

    script = hostile_streams(wire)[case]
    result = await outcome(
        chat_model(server, wire, script, f"{wire}-{case}-{sync}"), sync, "stream"
    )
    assert isinstance(result, ChatplexError), repr(result)
    typed_or_sound(result)
    if case.startswith("endless"):  # refused at the bound set, not read to the server's cap
        assert isinstance(result, ResponseTooLargeError), repr(result)
