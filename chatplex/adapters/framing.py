"""What the byte framings of streams share (server-sent events, `sse.py`; NDJSON
lines, AWS event-stream messages): the bound of one event and, for the two that read
lines, the pieces of a line not yet ended. Below the http layer, so that an adapter's
own framing (its `stream_framing`) builds on it too. Pure, no I/O.

>>> framing = LineFraming(None, 1024)
>>> framing._pending.append(b'{"a"')
>>> framing._end_pending(b": 1}"), framing._pending, framing._max
(b'{"a": 1}', [], 1024)
"""

from __future__ import annotations

__all__ = ["LineFraming", "event_bound"]


def event_bound(max_event_bytes: int | None, default: int) -> int:
    """The bound of one event of a stream's framing: `max_event_bytes`, else the
    framing's `default`; a bound below 1 byte is refused.

    >>> event_bound(None, 1024), event_bound(10, 1024)
    (1024, 10)
    """
    limit = default if max_event_bytes is None else max_event_bytes
    if limit < 1:
        raise ValueError(f"max_event_bytes must be >= 1, got {limit}")
    return limit


class LineFraming:
    """The base of a decoder of lines: the bound of one event (`_max`) and the pieces of
    the line not yet ended (`_pending`, `_pending_size` bytes), kept in order and joined
    once, when the line ends (`_end_pending`), so that the cost stays linear in the bytes
    received whatever the read sizes (re-joining a growing buffer on every read is
    quadratic). Each decoder keeps its pieces and refuses too long a line its own way."""

    __slots__ = ("_max", "_pending", "_pending_size")

    def __init__(self, max_event_bytes: int | None, default: int) -> None:
        self._max = event_bound(max_event_bytes, default)
        self._pending: list[bytes] = []  # pieces of the line not yet ended, in order
        self._pending_size = 0

    def _end_pending(self, last: bytes) -> bytes:
        """The pending line, `last` its final piece; no piece is pending after."""
        self._pending.append(last)
        line = b"".join(self._pending)
        self._pending = []
        self._pending_size = 0
        return line
