from __future__ import annotations

from pathlib import Path

import pytest
from _corpus import corpus_dirs

from chatplex.adapters.base import SSEEvent
from chatplex.http._sse import SSEDecoder
from chatplex.http._sse import aiter_sse_events
from chatplex.http._sse import iter_sse_events

STREAMS = sorted(path for folder in corpus_dirs() for path in folder.glob("*.sse"))


def decode(*chunks: bytes) -> list[SSEEvent]:
    return list(iter_sse_events(chunks))


def test_event_name_data_and_blank_line_dispatch() -> None:
    assert decode(b"event: ping\ndata: {}\n\n") == [SSEEvent(event="ping", data="{}")]


def test_default_event_name_is_message() -> None:
    assert decode(b"data: x\n\n")[0].event == "message"


def test_multi_line_data_is_joined_with_newlines() -> None:
    assert decode(b"data: a\ndata: b\ndata:\n\n") == [SSEEvent(data="a\nb\n")]


def test_comments_and_unknown_fields_are_ignored() -> None:
    assert decode(b": keep-alive\nfoo: bar\ndata: x\n\n") == [SSEEvent(data="x")]


def test_only_one_leading_space_is_stripped() -> None:
    assert decode(b"data:  two\n\ndata:none\n\n") == [SSEEvent(data=" two"), SSEEvent(data="none")]


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"])
def test_all_line_endings(ending: bytes) -> None:
    body = b"event: e" + ending + b"data: 1" + ending + ending + b"data: 2" + ending + ending
    assert decode(body) == [SSEEvent(event="e", data="1"), SSEEvent(data="2")]


def test_crlf_split_between_chunks_is_one_line_end() -> None:
    assert decode(b"data: 1\r", b"\n\r", b"\ndata: 2\r\n\r\n") == [
        SSEEvent(data="1"),
        SSEEvent(data="2"),
    ]


def test_empty_chunk_after_cr_keeps_the_crlf_together() -> None:
    assert decode(b"data: a\r", b"", b"\ndata: b\n\n") == [SSEEvent(data="a\nb")]


def test_last_event_without_trailing_blank_line_is_dispatched() -> None:
    assert decode(b"data: 1\n\ndata: last") == [SSEEvent(data="1"), SSEEvent(data="last")]


def test_blank_lines_without_data_dispatch_nothing_and_reset_event_name() -> None:
    assert decode(b"\n\nevent: lost\n\ndata: x\n\n") == [SSEEvent(data="x")]


def test_id_persists_and_retry_is_parsed() -> None:
    events = decode(b"id: 7\nretry: 1500\ndata: a\n\ndata: b\n\n")
    assert [(e.id, e.data) for e in events] == [("7", "a"), ("7", "b")]
    assert events[0].retry == 1500


def test_bom_is_stripped_and_utf8_split_across_chunks_survives() -> None:
    body = "\ufeffdata: héllo ✓\n\n".encode()
    assert decode(*[body[i : i + 1] for i in range(len(body))]) == [SSEEvent(data="héllo ✓")]


def test_feed_returns_events_as_soon_as_complete() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n") == []
    assert decoder.feed(b"\ndata: b") == [SSEEvent(data="a")]
    assert decoder.flush() == [SSEEvent(data="b")]


async def test_async_iteration_matches_sync() -> None:
    chunks = [b"event: x\nda", b"ta: 1\n\n", b"data: 2"]

    async def source():  # type: ignore[no-untyped-def]
        for chunk in chunks:
            yield chunk

    assert [e async for e in aiter_sse_events(source())] == decode(*chunks)


@pytest.mark.skipif(not STREAMS, reason="wire corpus not found")
@pytest.mark.parametrize("path", STREAMS, ids=lambda p: p.stem)
def test_corpus_stream_split_at_every_byte_offset(path: Path) -> None:
    body = path.read_bytes()
    whole = decode(body)
    assert whole, "every corpus stream has at least one event"
    for cut in cut_points(body):
        assert decode(body[:cut], body[cut:]) == whole, f"split at byte {cut}"


#: Bodies up to this size are cut at every offset. Each cut decodes the whole body again,
#: so a larger body (a 200 KB Responses API stream) is cut at a sample: every offset of
#: its first KB, around a spread of its line ends, and at an even stride.
EVERY_OFFSET_UP_TO = 4 * 1024


def cut_points(body: bytes) -> list[int]:
    size = len(body)
    if size <= EVERY_OFFSET_UP_TO:
        return list(range(1, size))
    ends = [i for i, byte in enumerate(body) if byte in b"\r\n"]
    near_ends = {i + d for i in ends[:: max(1, len(ends) // 200)] for d in (-1, 0, 1, 2)}
    sample = near_ends | set(range(1, size, size // 500)) | set(range(1, 1024))
    return sorted(cut for cut in sample if 0 < cut < size)


@pytest.mark.skipif(not STREAMS, reason="wire corpus not found")
@pytest.mark.parametrize("path", STREAMS, ids=lambda p: p.stem)
def test_corpus_stream_byte_by_byte(path: Path) -> None:
    body = path.read_bytes()
    assert decode(*[body[i : i + 1] for i in range(len(body))]) == decode(body)


def test_docstring_examples() -> None:
    import doctest

    from chatplex.http import _sse

    failures, tried = doctest.testmod(_sse)
    assert failures == 0 and tried > 0


def test_the_inlined_path_decodes_exactly_as_the_line_by_line_one() -> None:
    """`feed` inlines the usual stream (one data line, a blank line); any other line
    hands over to `_line`. Both must give the same events whatever the shapes and splits."""
    import random

    class LineByLine(SSEDecoder):
        __slots__ = ()

        def _feed_plain(self, lines: list[bytes], events: list[SSEEvent]) -> None:
            for line in lines:
                self._line(line, events)

    pieces = [
        b'data: {"a":1}\n\n', b"data:x\n\n", b": ping\n\n", b"event: e\ndata: y\n\n",
        b"data: a\ndata: b\n\n", b"id: 7\ndata: z\n\n", b"retry: 5\n", b"\n",
        b"data: \xc3\xa9\n\n", b"data: q\r\n\r\n", b"\xef\xbb\xbfdata: bom\n\n",
        b"data: [DONE]\n\n", b"data\n\n", b"data: tail",
    ]  # fmt: skip
    rng = random.Random(1)
    inlined_events = 0
    for _ in range(2000):
        body = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        cuts = sorted(rng.sample(range(len(body) + 1), min(len(body) + 1, rng.randint(0, 6))))
        parts = [body[i:j] for i, j in zip([0, *cuts], [*cuts, len(body)], strict=True)]
        results = []
        for kind in (SSEDecoder, LineByLine):
            decoder = kind()
            events = [event for part in parts for event in decoder.feed(part)]
            results.append(events + decoder.flush())
        assert results[0] == results[1], (body, parts)
        inlined_events += len(results[0])
    assert inlined_events > 2000  # the streams did have events to compare
