"""Server-Sent Events decoding per the WHATWG spec, incremental over raw byte chunks: the
decoder the http layer reads a stream's body with (`chatplex.http.SSEDecoder`), pure and
below it, so that a wire's own framing (its `stream_framing`) builds on it too.

Handles multi-line `data`, comments, `event:`/`id:`/`retry:` fields, LF / CRLF / CR line
ends (a CRLF split across two chunks included), a leading BOM, and a last event that has no
trailing blank line (dispatched by `flush()`: providers and SDK fixtures do end that way).
Lines are only decoded once complete, so multi-byte UTF-8 split across chunks is safe.

Cost is linear in the bytes received, whatever the read sizes: each chunk is scanned once
for line ends, and the pieces of an unfinished line wait in a list that is joined once,
when the line ends (re-joining a growing buffer on every read was quadratic: one 2 MB line
in 100-byte reads took seconds of CPU). Memory is bounded too: a line or an event larger
than `max_event_bytes` raises `ResponseTooLargeError` instead of growing without end.
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import ResponseTooLargeError
from .framing import LineFraming
from .sse_event import SSEEvent
from .sse_event import message_event

__all__ = ["DEFAULT_MAX_EVENT_BYTES", "SSEDecoder"]

#: 16 MiB: far above any real LLM event (a long tool-call argument, a base64 image in a
#: server-tool result), far below what would hurt a process.
DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024


class SSEDecoder(LineFraming):
    """Feed bytes as they arrive; get back the events they complete.

    `max_event_bytes` bounds one line and the data of one event (default:
    `SSEDecoder.default_max_event_bytes`, 16 MiB); past it `feed` raises
    `ResponseTooLargeError`.

    >>> d = SSEDecoder()
    >>> d.feed(b"event: ping\\ndata: {}\\n") + d.feed(b"\\n")
    [SSEEvent(event='ping', data='{}', id=None, retry=None)]
    """

    #: The bound used when none is given. The chat models' streams use it: raise it here
    #: (`chatplex.http.SSEDecoder.default_max_event_bytes = ...`) for larger events.
    default_max_event_bytes: ClassVar[int] = DEFAULT_MAX_EVENT_BYTES
    #: The content type of what it reads (`FrameDecoder.media_types`).
    media_types: tuple[str, ...] = ("text/event-stream",)

    __slots__ = ("_data", "_data_size", "_event", "_last_id", "_retry", "_skip_lf", "_started")

    def __init__(self, *, max_event_bytes: int | None = None) -> None:
        super().__init__(max_event_bytes, self.default_max_event_bytes)
        self._data: list[str] | None = None
        self._data_size = 0  # bytes of `data` in the event being built
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
        # Only the new chunk is searched and normalised: a line end can only be in it
        # (pieces already pending hold none, and a CR ending them became an LF).
        if b"\r" in chunk:
            self._skip_lf = chunk.endswith(b"\r")
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = chunk.split(b"\n")
        rest = lines.pop()
        if not lines:  # the middle of a line: keep the piece, join once when it ends
            if rest:
                self._keep(rest)
            return []
        if self._pending:
            lines[0] = self._end_pending(lines[0])
        events: list[SSEEvent] = []
        if not self._started:  # the first line may start with a BOM: `_line` drops it
            self._line(lines[0], events)
            del lines[0]
        data = self._data
        if self._event is None and (data is None or len(data) == 1):
            self._feed_plain(lines, events)
        else:
            for line in lines:
                self._line(line, events)
        if rest:
            self._keep(rest)
        return events

    def _feed_plain(self, lines: list[bytes], events: list[SSEEvent]) -> None:
        """`_line` for every line, with the usual shape of a stream inlined: events of
        one `data:` line and a blank line, with no event name -- the line-by-line cost of
        a stream's every chunk (two method calls and a dozen attribute reads) was as
        much as the adapter's JSON parsing. Anything else goes through `_line`, from the
        line on, until the state is again "between plain events"."""
        limit = self._max
        retry = self._retry
        # One data line read, its event not yet dispatched (maybe from an earlier read),
        # and its bytes, as `_data_size` counts them.
        data: str | None = None
        size = 0
        if self._data is not None:
            data, size = self._data[0], self._data_size
            self._data, self._data_size = None, 0
        line_iter = iter(lines)
        for line in line_iter:
            if data is None:
                if line[:5] == b"data:" and len(line) <= limit:
                    value = line[6:] if line[5:6] == b" " else line[5:]
                    data = value.decode("utf-8", "replace")
                    size = len(value)
                    continue
                if not line or line[:1] == b":":
                    continue  # a blank line with no data, or a comment: nothing to do
            elif not line:
                events.append(message_event(data, self._last_id, retry))
                data = None
                continue
            # Anything else (a second data line, an event name, id, retry...): the
            # general path, starting from the state this loop kept in locals.
            if data is not None:
                self._data, self._data_size = [data], size
            self._line(line, events)
            for rest in line_iter:
                self._line(rest, events)
            return
        if data is not None:  # the event's blank line is in a later read
            self._data, self._data_size = [data], size

    def flush(self) -> list[SSEEvent]:
        """End of body: complete a last line and event that lacked their terminators."""
        events: list[SSEEvent] = []
        if self._pending:
            self._line(self._end_pending(b""), events)
        self._line(b"", events)
        return events

    def _keep(self, piece: bytes) -> None:
        self._pending.append(piece)
        self._pending_size += len(piece)
        if self._pending_size > self._max:
            raise self._too_large("line")

    def _too_large(self, what: str) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"a server-sent event {what} grew past max_event_bytes={self._max} bytes; if the "
            "server really sends events this large, raise the bound: "
            "chatplex.http.SSEDecoder.default_max_event_bytes = <bytes> "
            "(or SSEDecoder(max_event_bytes=...))",
            retryable=False,
        )

    def _line(self, raw: bytes, events: list[SSEEvent]) -> None:
        if len(raw) > self._max:  # a long line that arrived whole, in one chunk
            raise self._too_large("line")
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
            self._data_size = 0
            self._event = None
            return
        if raw.startswith(b"data:"):  # the hot path: one data line per event
            value = raw[5:]
            if value.startswith(b" "):
                value = value[1:]
            if self._data is None:  # inlined: the first (usually only) data line
                self._data = [value.decode("utf-8", "replace")]
                self._data_size = len(value)
            else:
                self._add_data(value)
            return
        if raw.startswith(b":"):
            return  # comment (keep-alive)
        name, colon, value = raw.partition(b":")
        if colon and value.startswith(b" "):
            value = value[1:]
        field = name.decode("utf-8", "replace")
        if field == "data":
            self._add_data(value)
            return
        text = value.decode("utf-8", "replace")
        if field == "event":
            self._event = text
        elif field == "id":
            if "\0" not in text:
                self._last_id = text
        elif field == "retry" and text.isdigit():
            self._retry = int(text)

    def _add_data(self, value: bytes) -> None:
        text = value.decode("utf-8", "replace")
        if self._data is None:
            self._data = [text]
            self._data_size = len(value)
            return
        # Many data lines make one event: bound their sum too (+1 for each joining LF).
        self._data_size += len(value) + 1
        if self._data_size > self._max:
            raise self._too_large("(its data lines together)")
        self._data.append(text)
