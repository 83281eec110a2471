"""Newline-delimited JSON (NDJSON, `application/x-ndjson`) framing, incremental over raw
byte chunks: Ollama's stream format, one JSON object per line.

The decoder yields each complete line as a `str` (decoded as UTF-8, its line end
removed); it does not parse the JSON: the adapter's stream parser does (so a malformed
line is the parser's `StreamError`, named in the adapter's terms). LF and CRLF line ends
are handled (a CRLF split across two chunks included), blank lines are skipped, and a
last line without a newline is returned by `flush()`. A line is decoded only once it is
complete, so multi-byte UTF-8 split across chunks is safe.

It lives with the adapters (below the http layer, which runs it): an adapter names its
framing (`OllamaAdapter.stream_framing = NDJSONDecoder`), and adapters may not import
from `chatplex.http`. It does no I/O.

Cost is linear in the bytes received, whatever the read sizes, as in `adapters/sse.py`: each
chunk is scanned once, and the pieces of an unfinished line wait in a list joined once,
when the line ends. A line longer than `max_event_bytes` raises `ResponseTooLargeError`
instead of growing without end.

>>> d = NDJSONDecoder()
>>> d.feed(b'{"a": 1}\\n{"b"') + d.feed(b': 2}\\r\\n\\n') + d.flush()
['{"a": 1}', '{"b": 2}']
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from typing import ClassVar

from ...adapters.framing import LineFraming
from ...errors import ResponseTooLargeError

__all__ = ["DEFAULT_MAX_LINE_BYTES", "NDJSONDecoder", "iter_ndjson_lines"]

#: 16 MiB, the bound of one server-sent event too (`chatplex.http.SSEDecoder`).
DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024


class NDJSONDecoder(LineFraming):
    """Feed bytes as they arrive; get back the lines they complete (`str`, no line end).

    The same interface as `SSEDecoder` (`feed`, `flush`), so an adapter names it as its
    `stream_framing`. `max_event_bytes` bounds one line (default
    `NDJSONDecoder.default_max_event_bytes`, 16 MiB, as for server-sent events).
    """

    #: The bound used when none is given; raise it here for larger lines.
    default_max_event_bytes: ClassVar[int] = DEFAULT_MAX_LINE_BYTES
    #: The content type of what it reads (`FrameDecoder.media_types`): Ollama's stream.
    media_types: tuple[str, ...] = ("application/x-ndjson",)

    __slots__ = ()

    def __init__(self, *, max_event_bytes: int | None = None) -> None:
        super().__init__(max_event_bytes, self.default_max_event_bytes)

    def feed(self, chunk: bytes) -> list[str]:
        """The lines `chunk` completes (blank ones skipped)."""
        if not chunk:
            return []
        lines = chunk.split(b"\n")
        rest = lines.pop()
        if not lines:  # the middle of a line: keep the piece, join once when it ends
            self._keep(rest)
            return []
        if self._pending:
            lines[0] = self._end_pending(lines[0])
        out: list[str] = []
        for line in lines:
            self._line(line, out)
        if rest:
            self._keep(rest)
        return out

    def flush(self) -> list[str]:
        """End of body: the last line, if it had no newline after it."""
        if not self._pending:
            return []
        out: list[str] = []
        self._line(self._end_pending(b""), out)
        return out

    def _keep(self, piece: bytes) -> None:
        self._pending.append(piece)
        self._pending_size += len(piece)
        if self._pending_size > self._max:
            self._pending = []
            raise self._too_large()

    def _line(self, raw: bytes, out: list[str]) -> None:
        if len(raw) > self._max:  # a long line that arrived whole, in one chunk
            raise self._too_large()
        # A CR before the LF (CRLF) is part of the line end; a line of JSON's whitespace
        # only (space, tab, CR) is blank. Other bytes stay, for the JSON parse to refuse
        # (a form feed or a vertical tab, which `bytes.strip` would have dropped, are
        # refused by the ollama client's `json.loads` too).
        raw = raw.strip(b" \t\r")
        if raw:
            out.append(raw.decode("utf-8", "replace"))

    def _too_large(self) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"an NDJSON line grew past max_event_bytes={self._max} bytes; if the server "
            "really sends lines this large, raise the bound: "
            "chatplex.providers.ollama.ndjson.NDJSONDecoder.default_max_event_bytes = <bytes>",
            retryable=False,
        )


def iter_ndjson_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """The lines of an iterable of byte chunks (e.g. `response.iter_bytes()`)."""
    decoder = NDJSONDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.flush()
