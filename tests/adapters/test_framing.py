"""What the stream framings share (`adapters/framing.py`): the bound of one event, and a
line's pieces joined once when it ends."""

from __future__ import annotations

import doctest

import pytest

from chatplex.adapters import framing
from chatplex.adapters.framing import LineFraming
from chatplex.adapters.framing import event_bound
from chatplex.http import SSEDecoder
from chatplex.providers.bedrock.eventstream import EventStreamDecoder
from chatplex.providers.ollama.ndjson import NDJSONDecoder


def test_the_examples_hold() -> None:
    failures, tried = doctest.testmod(framing)
    assert tried and not failures


@pytest.mark.parametrize("bound", [0, -1])
def test_a_bound_below_one_byte_is_refused(bound: int) -> None:
    with pytest.raises(ValueError, match=f"max_event_bytes must be >= 1, got {bound}"):
        event_bound(bound, 1024)


@pytest.mark.parametrize("decoder", [SSEDecoder, NDJSONDecoder, EventStreamDecoder])
def test_every_framing_takes_its_bound_the_same_way(decoder: type) -> None:
    assert decoder()._max == decoder.default_max_event_bytes
    assert decoder(max_event_bytes=7)._max == 7
    with pytest.raises(ValueError, match="max_event_bytes must be >= 1, got 0"):
        decoder(max_event_bytes=0)


def test_the_pending_pieces_end_as_one_line_and_are_gone() -> None:
    lines = LineFraming(None, 64)
    lines._pending += [b"a", b"b"]
    lines._pending_size = 2
    assert lines._end_pending(b"c") == b"abc"
    assert (lines._pending, lines._pending_size) == ([], 0)
    assert lines._end_pending(b"") == b""
