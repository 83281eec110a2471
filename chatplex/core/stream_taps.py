"""LangChain's streaming handlers told of a chatplex run's stream pieces.

LangChain's `astream_events` and `astream_log` handlers hear a run's stream pieces only
through their `tap_output_iter(run_id, iterator)`, which each runnable of LangChain's
passes its output through: a handler that has it writes `on_chain_stream` (or the log's
`streamed_output`) for each piece. A chatplex run under such a handler (a chatplex step in
a LangChain chain) pushes its pieces, one at a time, through a tap of each.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

__all__ = ["StreamTaps"]


class _Tap:
    """One handler's tap, fed a piece at a time."""

    __slots__ = ("_fed", "_tap")

    def __init__(self, handler: Any, run_id: Any) -> None:
        self._fed: deque[Any] = deque()
        self._tap: Iterator[Any] = iter(handler.tap_output_iter(run_id, self._pieces()))

    def _pieces(self) -> Iterator[Any]:
        while self._fed:
            yield self._fed.popleft()

    def push(self, piece: Any) -> None:
        self._fed.append(piece)
        next(self._tap, None)


class StreamTaps:
    """The taps of a run's streaming handlers (none: `bool(taps)` is False)."""

    __slots__ = ("_taps",)

    def __init__(self, handlers: list[Any], run_id: Any) -> None:
        self._taps = [
            _Tap(h, run_id) for h in handlers if callable(getattr(h, "tap_output_iter", None))
        ]

    def __bool__(self) -> bool:
        return bool(self._taps)

    def push(self, piece: Any) -> None:
        for tap in self._taps:
            tap.push(piece)
