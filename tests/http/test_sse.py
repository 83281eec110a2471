from __future__ import annotations

import bisect
import random
import re
from pathlib import Path

import pytest
from _corpus import corpus_dirs

from chatplex.adapters.sse import SSEDecoder
from chatplex.adapters.sse_event import SSEEvent
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
    """A body cut in two decodes as the whole does, wherever the cut falls.

    A body up to EVERY_OFFSET_UP_TO bytes is cut at every offset, each cut decoded whole.
    A longer one (a 195 KB Responses stream has 2,000 lines) would decode itself again at
    each cut, so each cut is checked on its window: from the start of the event before
    the cut's event to the end of the event after it. That is enough, because a cut can
    only change what the decoder does from its own event on: at an event boundary (the
    blank line that dispatches an event) the decoder keeps only the `id` and `retry`
    fields of earlier events, which it reads whole, whatever the cuts, and a window
    starts without them in both its decodes alike. Anything a cut leaves behind (a
    half line, a CR waiting for its LF, a half UTF-8 character, a pending event name)
    shows in the event after the cut's, which the window holds. Cut there: every
    offset of the first and last KB (the first line, a BOM, the end without a blank
    line), two bytes either side of every line end (where CR/LF pairs and blank lines
    split), and a seeded sample of the rest; and a seeded sample of cuts decoded whole,
    so that a state carried further than the next event would still show."""
    body = path.read_bytes()
    whole = decode(body)
    assert whole, "every corpus stream has at least one event"
    if len(body) <= EVERY_OFFSET_UP_TO:
        for cut in range(1, len(body)):
            assert decode(body[:cut], body[cut:]) == whole, f"split at byte {cut}"
        return
    bounds = event_boundaries(body)
    decoded: dict[tuple[int, int], list[SSEEvent]] = {}
    for cut in window_cut_points(body):
        index = bisect.bisect_right(bounds, cut) - 1  # bounds[index] <= cut
        start, end = bounds[max(index - 1, 0)], bounds[min(index + 2, len(bounds) - 1)]
        window, at = body[start:end], cut - start
        if (start, end) not in decoded:
            decoded[start, end] = decode(window)
        assert decode(window[:at], window[at:]) == decoded[start, end], f"split at byte {cut}"
    for cut in random.Random(path.name).sample(range(1, len(body)), 25):
        assert decode(body[:cut], body[cut:]) == whole, f"split at byte {cut}"


#: Bodies up to this size are cut at every offset and decoded whole at each cut.
EVERY_OFFSET_UP_TO = 4 * 1024
_LINE_END = rb"(?:\r\n|\r(?!\n)|\n)"
_BLANK_LINE = re.compile(_LINE_END + _LINE_END)


def event_boundaries(body: bytes) -> list[int]:
    """0, the offset after each blank line (where the decoder has dispatched an event and
    holds nothing of it), and the body's end."""
    return sorted({0, len(body), *(found.end() for found in _BLANK_LINE.finditer(body))})


def window_cut_points(body: bytes) -> list[int]:
    """The cuts of a long body (see the test above)."""
    size = len(body)
    ends = [i for i, byte in enumerate(body) if byte in b"\r\n"]
    near_ends = {i + d for i in ends for d in range(-2, 3)}
    edges = {*range(1, 1024), *range(size - 1024, size)}
    sample = random.Random(size).sample(range(1, size), 2000)
    return sorted(cut for cut in near_ends | edges | set(sample) if 0 < cut < size)


def test_event_boundaries_are_after_blank_lines_of_every_line_end() -> None:
    body = b"data: a\n\ndata: b\r\n\r\nid: 1\r\rdata: c\r\ndata: d\n"
    assert event_boundaries(body) == [0, 9, 20, 27, len(body)]


@pytest.mark.skipif(not STREAMS, reason="wire corpus not found")
@pytest.mark.parametrize("path", STREAMS, ids=lambda p: p.stem)
def test_corpus_stream_byte_by_byte(path: Path) -> None:
    body = path.read_bytes()
    assert decode(*[body[i : i + 1] for i in range(len(body))]) == decode(body)


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
