"""AWS event-stream decoding (`application/vnd.amazon.eventstream`), incremental over raw
byte chunks: the binary framing of every AWS streaming API (`converse-stream` among
them).

One message is: a 12-byte prelude (total length, headers length, CRC32 of those 8
bytes), headers (name, type, value), the payload, and a CRC32 of everything before it.
Both CRCs are checked; a bad one, a length that cannot be, a header block over 128 KiB
or a header given twice (both refused by botocore's decoder too) is a `ValueError` (the
attempt engine reports it as a malformed stream event).

Why not botocore's `EventStreamBuffer`: it appends each read to an immutable `bytes`
and re-slices the rest after every message (quadratic in a read that holds many
messages), and its bound (24 MiB of payload) is fixed. This decoder keeps one
`bytearray` and an offset, so its cost is linear in the bytes received whatever the
read sizes, and a message larger than `max_event_bytes` raises `ResponseTooLargeError`
as soon as its prelude announces it. The tests check it against botocore's on the same
bytes.

>>> decoder = EventStreamDecoder()
>>> decoder.feed(bytes(3))  # a prelude not yet complete: nothing yet
[]
"""

from __future__ import annotations

import struct
import uuid
import zlib
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import ClassVar

from ...adapters.framing import event_bound
from ...errors import ResponseTooLargeError

__all__ = [
    "DEFAULT_MAX_EVENT_BYTES",
    "MAX_HEADERS_BYTES",
    "EventStreamDecoder",
    "EventStreamMessage",
    "UnfinishedMessage",
]

#: 16 MiB, as the SSE decoder's bound (`chatplex.http.SSEDecoder`).
DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024

#: Longest header block, as botocore's decoder (and the AWS SDKs) bound it: AWS sends a
#: few dozen bytes of headers; a longer block is refused as botocore refuses it.
MAX_HEADERS_BYTES = 128 * 1024

_PRELUDE = 12  # total length, headers length, prelude CRC
_MIN_MESSAGE = 16  # a prelude and the message CRC
_U32 = struct.Struct(">I")
_PRELUDE_FIELDS = struct.Struct(">III")


@dataclass(frozen=True, slots=True)
class EventStreamMessage:
    """One decoded message: its headers (`:event-type`, `:message-type`,
    `:content-type`, `:exception-type`...) and its raw payload."""

    headers: dict[str, Any] = field(default_factory=dict)
    payload: bytes = b""

    @property
    def message_type(self) -> str:
        """`event`, `exception` or `error` (AWS's `:message-type`)."""
        value = self.headers.get(":message-type")
        return value if isinstance(value, str) else "event"

    @property
    def event_type(self) -> str | None:
        """The event's name (`:event-type`), or for an exception its type
        (`:exception-type`), or for an error its code (`:error-code`)."""
        for name in (":event-type", ":exception-type", ":error-code"):
            value = self.headers.get(name)
            if isinstance(value, str):
                return value
        return None

    @property
    def error_message(self) -> str | None:
        """An error message's text (`:error-message`: AWS puts it in a header, not the
        payload, which may be empty), else None."""
        value = self.headers.get(":error-message")
        return value if isinstance(value, str) and value else None


class UnfinishedMessage(ValueError):
    """The body ended inside an event-stream message (botocore's parser drops the
    unfinished bytes and ends the stream quietly)."""


class EventStreamDecoder:
    """Feed bytes as they arrive; get back the messages they complete.

    Usable as an adapter's `stream_framing` (the attempt engine builds one per stream,
    feeds each read and calls `flush()` at the end).

    >>> EventStreamDecoder(max_event_bytes=0)
    Traceback (most recent call last):
    ...
    ValueError: max_event_bytes must be >= 1, got 0
    """

    #: The content type of what it reads (`FrameDecoder.media_types`): AWS's binary
    #: event-stream messages.
    media_types: tuple[str, ...] = ("application/vnd.amazon.eventstream",)
    #: The bound used when none is given.
    default_max_event_bytes: ClassVar[int] = DEFAULT_MAX_EVENT_BYTES

    __slots__ = ("_buffer", "_max", "_need")

    def __init__(self, *, max_event_bytes: int | None = None) -> None:
        self._max = event_bound(max_event_bytes, self.default_max_event_bytes)
        self._buffer = bytearray()
        self._need = _PRELUDE  # bytes the buffer must hold before anything can be decoded

    def feed(self, chunk: bytes) -> list[EventStreamMessage]:
        """The messages completed by `chunk`, in order."""
        buffer = self._buffer
        buffer += chunk
        if len(buffer) < self._need:
            return []  # the common case of a small read: nothing to look at yet
        out: list[EventStreamMessage] = []
        view = memoryview(buffer)
        pos = 0
        try:
            while len(buffer) - pos >= _PRELUDE:
                total = self._check_prelude(view, pos)
                if len(buffer) - pos < total:
                    self._need = total
                    break
                out.append(_decode(view, pos, total))
                pos += total
            else:
                self._need = _PRELUDE
        finally:
            view.release()
        if pos:
            del buffer[:pos]  # once per read: the unfinished message moves, nothing else
        return out

    def flush(self) -> list[EventStreamMessage]:
        """The body ended: a message left unfinished is a `ValueError`."""
        left = len(self._buffer)
        if left:
            self._buffer = bytearray()
            raise UnfinishedMessage(
                f"the stream ended inside an event-stream message ({left} bytes)"
            )
        return []

    def _check_prelude(self, view: memoryview, pos: int) -> int:
        total, headers_length, crc = _PRELUDE_FIELDS.unpack_from(view, pos)
        if zlib.crc32(view[pos : pos + 8]) != crc:
            raise ValueError("event-stream message prelude CRC mismatch")
        if total < _MIN_MESSAGE or headers_length > total - _MIN_MESSAGE:
            raise ValueError(
                f"event-stream message lengths cannot be (total {total}, headers {headers_length})"
            )
        if headers_length > MAX_HEADERS_BYTES:
            raise ValueError(
                f"event-stream message headers of {headers_length} bytes are longer than "
                f"{MAX_HEADERS_BYTES}"
            )
        if total > self._max:
            self._buffer = bytearray()
            raise ResponseTooLargeError(
                f"an event-stream message of {total} bytes is larger than max_event_bytes "
                f"({self._max}); raise EventStreamDecoder.default_max_event_bytes for "
                "larger events",
                retryable=False,
            )
        return int(total)


def _decode(view: memoryview, pos: int, total: int) -> EventStreamMessage:
    end = pos + total
    (crc,) = _U32.unpack_from(view, end - 4)
    if zlib.crc32(view[pos : end - 4]) != crc:
        raise ValueError("event-stream message CRC mismatch")
    (headers_length,) = _U32.unpack_from(view, pos + 4)
    start = pos + _PRELUDE
    headers = _headers(view[start : start + headers_length])
    return EventStreamMessage(headers, bytes(view[start + headers_length : end - 4]))


_FIXED = {2: struct.Struct(">b"), 3: struct.Struct(">h"), 4: struct.Struct(">i")}
_FIXED[5] = _FIXED[8] = struct.Struct(">q")  # int64, timestamp (ms since the epoch)
_U16 = struct.Struct(">H")


def _headers(raw: memoryview) -> dict[str, Any]:
    """The header block: (name length u8, name, type u8, value) repeated."""
    headers: dict[str, Any] = {}
    pos, end = 0, len(raw)
    try:
        while pos < end:
            size = raw[pos]
            name = bytes(raw[pos + 1 : pos + 1 + size]).decode("utf-8")
            pos += 1 + size
            kind = raw[pos]
            pos += 1
            value: Any
            if kind in (0, 1):
                value = kind == 0
            elif kind in (6, 7):
                (length,) = _U16.unpack_from(raw, pos)
                data = bytes(raw[pos + 2 : pos + 2 + length])
                if len(data) != length:
                    raise ValueError("event-stream header value runs past its block")
                value = data.decode("utf-8") if kind == 7 else data
                pos += 2 + length
            elif kind == 9:
                value = uuid.UUID(bytes=bytes(raw[pos : pos + 16]))
                pos += 16
            elif kind in _FIXED:
                packer = _FIXED[kind]
                (value,) = packer.unpack_from(raw, pos)
                pos += packer.size
            else:
                raise ValueError(f"unknown event-stream header type {kind}")
            if name in headers:  # which one holds? botocore refuses it too
                raise ValueError(f"event-stream header {name!r} given twice")
            headers[name] = value
    except (IndexError, struct.error, UnicodeDecodeError) as exc:
        raise ValueError(f"malformed event-stream headers ({exc})") from None
    return headers
