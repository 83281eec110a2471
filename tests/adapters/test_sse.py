"""`adapters/sse.py`: the SSE decoder, below the http layer so that a wire's own framing
builds on it (its decoding is tested where `chatplex.http` names it:
`tests/http/test_sse.py`, `tests/http/test_sse_linear.py`). Here: it is the http layer's
decoder, and a framing built on it sees, through `_line`, every line that is not a
plain event's (`data:`, blank, comment), whichever path the decoder takes."""

from __future__ import annotations

import doctest

import pytest

from chatplex.adapters import sse
from chatplex.adapters.sse import SSEDecoder
from chatplex.adapters.sse_event import SSEEvent


def test_the_http_layer_decodes_with_it() -> None:
    import chatplex.http
    from chatplex.http import _engine

    assert chatplex.http.SSEDecoder is _engine.SSEDecoder is SSEDecoder


class Seeing(SSEDecoder):
    """A framing that records the lines `_line` is given, and decodes them as ever."""

    __slots__ = ("lines",)

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[bytes] = []

    def _line(self, raw: bytes, events: list[SSEEvent]) -> None:
        self.lines.append(raw)
        super()._line(raw, events)


@pytest.mark.parametrize("size", [1, 3, 1000])
def test_a_framing_built_on_it_sees_every_line_outside_plain_events(size: int) -> None:
    body = b'data: {"a": 1}\n\n{\n  "error": 1\n}\nevent: x\ndata: 2\n\ndata: 3\n\n'
    seeing = Seeing()
    got = [e for at in range(0, len(body), size) for e in seeing.feed(body[at : at + size])]
    got += seeing.flush()
    assert [e.data for e in got] == ['{"a": 1}', "2", "3"]
    others = [line for line in seeing.lines if line and not line.startswith(b"data:")]
    assert others == [b"{", b'  "error": 1', b"}", b"event: x"]


def test_docstring_examples() -> None:
    result = doctest.testmod(sse)
    assert result.attempted >= 1 and result.failed == 0
