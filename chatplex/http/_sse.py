"""Server-Sent Events decoding per the WHATWG spec, incremental over raw byte chunks.

Handles multi-line `data`, comments, `event:`/`id:`/`retry:` fields, LF / CRLF / CR line
ends (a CRLF split across two chunks included), a leading BOM, and a last event that has no
trailing blank line (dispatched by `flush()`: providers and SDK fixtures do end that way).
Lines are only decoded once complete, so multi-byte UTF-8 split across chunks is safe.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

from ..adapters.base import SSEEvent

__all__ = ["SSEDecoder", "aiter_sse_events", "iter_sse_events"]


class SSEDecoder:
    """Feed bytes as they arrive; get back the events they complete.

    >>> d = SSEDecoder()
    >>> d.feed(b"event: ping\\ndata: {}\\n") + d.feed(b"\\n")
    [SSEEvent(event='ping', data='{}', id=None, retry=None)]
    """

    __slots__ = ("_buffer", "_data", "_event", "_last_id", "_retry", "_skip_lf", "_started")

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[str] | None = None
        self._event: str | None = None
        self._last_id: str | None = None
        self._retry: int | None = None
        self._skip_lf = False  # the previous chunk ended in CR: a leading LF belongs to it
        self._started = False

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        if not chunk:
            return []  # keep the pending-CR state for the next real chunk
        if self._skip_lf:
            self._skip_lf = False
            if chunk.startswith(b"\n"):
                chunk = chunk[1:]
        data = self._buffer + chunk if self._buffer else chunk
        if b"\r" in data:
            self._skip_lf = data.endswith(b"\r")
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = data.split(b"\n")
        self._buffer = lines.pop()
        events: list[SSEEvent] = []
        for line in lines:
            self._line(line, events)
        return events

    def flush(self) -> list[SSEEvent]:
        """End of body: complete a last line and event that lacked their terminators."""
        events: list[SSEEvent] = []
        if self._buffer:
            self._line(self._buffer, events)
            self._buffer = b""
        self._line(b"", events)
        return events

    def _line(self, raw: bytes, events: list[SSEEvent]) -> None:
        if not self._started:
            self._started = True
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw:
            if self._data is not None:
                events.append(
                    SSEEvent(
                        event=self._event or "message",
                        data="\n".join(self._data),
                        id=self._last_id,
                        retry=self._retry,
                    )
                )
            self._data = None
            self._event = None
            return
        if raw.startswith(b"data:"):  # the hot path: one data line per event
            value = raw[5:]
            if value.startswith(b" "):
                value = value[1:]
            text = value.decode("utf-8", "replace")
            if self._data is None:
                self._data = [text]
            else:
                self._data.append(text)
            return
        if raw.startswith(b":"):
            return  # comment (keep-alive)
        name, colon, value = raw.partition(b":")
        if colon and value.startswith(b" "):
            value = value[1:]
        field = name.decode("utf-8", "replace")
        text = value.decode("utf-8", "replace")
        if field == "event":
            self._event = text
        elif field == "data":
            self._data = [text] if self._data is None else [*self._data, text]
        elif field == "id":
            if "\0" not in text:
                self._last_id = text
        elif field == "retry" and text.isdigit():
            self._retry = int(text)


def iter_sse_events(chunks: Iterable[bytes]) -> Iterator[SSEEvent]:
    """Events from an iterable of byte chunks (e.g. `response.iter_bytes()`)."""
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.flush()


async def aiter_sse_events(chunks: AsyncIterable[bytes]) -> AsyncIterator[SSEEvent]:
    """Events from an async iterable of byte chunks (e.g. `response.aiter_bytes()`)."""
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.flush():
        yield event
