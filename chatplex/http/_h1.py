"""HTTP/1.1 for the lean connection (`_lean.py`): the bytes of a request, and a reply
parsed from the bytes read, with no I/O here (as h11 keeps its state machine apart).

What it covers is what a JSON POST to an LLM API meets: a status line and headers split
once, then a body delimited by `Content-Length`, by `Transfer-Encoding: chunked` or by
the end of the connection, and interim 1xx replies skipped. Anything else (obsolete
header folding, a `101 Switching Protocols` nobody asked for, bare-LF line ends, a head
or trailers over the size limit, conflicting lengths, a status under 100, a header name
that is not a token or a value with control characters, a transfer coding other than
`chunked`) is a `ParseError`, which the I/O shell raises as `httpx.RemoteProtocolError`,
as aiohttp's parser errors are today. Where the vetted parsers (h11 as httpx runs it,
llhttp as aiohttp does) both refuse some bytes, this one refuses them too
(tests/http/test_h1_hostile.py runs the three on the same bytes).

`response_framing` and `keep_alive` follow RFC 9112 sections 6.3 and 9.3.
"""

from __future__ import annotations

__all__ = ["MAX_HEAD", "MAX_LINE", "ParseError", "ResponseParser", "request_head"]

#: Longest line of a head (status line or header): aiohttp's `max_line_size` /
#: `max_field_size` as the transport sets them (`_transport._MAX_HEADER_FIELD`).
MAX_LINE = 64 * 1024
#: Longest head, and longest trailers: an API's head is a few KiB; more is a server gone
#: wrong, bounded where llhttp bounds a line and below httpcore's 100 KiB event limit.
MAX_HEAD = MAX_LINE

# Parser states.
_HEAD = 0
_LENGTH = 1  # `_left` bytes of body to go
_CHUNK_SIZE = 2  # a chunk-size line next
_CHUNK_DATA = 3  # `_left` bytes of chunk data, then its CRLF
_CHUNK_END = 4  # the CRLF after a chunk's data
_TRAILERS = 5  # trailer lines until an empty one
_UNTIL_CLOSE = 6  # the body ends with the connection
_DONE = 7

_HEX = frozenset(b"0123456789abcdefABCDEF")
# What a header name may hold (RFC 9110 `token`), and a head (any byte but the control
# characters other than HTAB and its CRLFs): `bytes.translate` deletes them, what is
# left is bad.
_TOKEN = b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_FIELD_CRLF = b"\t\n\r" + bytes(range(0x20, 0x100))


class ParseError(Exception):
    """The reply is not HTTP/1.x this parser reads (see the module docstring)."""


def request_head(method: bytes, target: bytes, lines: bytes) -> bytes:
    """The request line, then the header `lines` (each `name: value` and its CRLF, as
    aiohttp writes them: `_headers.wire_header_lines`) and the blank line."""
    return b"%s %s HTTP/1.1\r\n%s\r\n" % (method, target, lines)


class ResponseParser:
    """One reply at a time on a connection: `start()` before each request, `feed()` the
    bytes as they arrive (and `feed_eof()` at the end of the connection); `head` is set
    once the final head is read, `body` collects the body's bytes (the caller takes
    them), `done` says the reply is complete, `reusable` whether the connection may
    carry another request. Raises `ParseError`.
    """

    __slots__ = (
        "_buf",
        "_left",
        "_length",
        "_trailers",
        "_no_body",
        "_state",
        "body",
        "done",
        "head",
        "reusable",
        "started",
    )

    def __init__(self) -> None:
        self.start()

    def start(self, *, no_body: bool = False) -> None:
        """Expect a reply (`no_body`: to a HEAD request, which has none)."""
        self._buf = b""
        self._left = 0
        self._length = 0  # a Content-Length body's length
        self._trailers = 0  # bytes of trailer lines so far
        self._no_body = no_body
        self._state = _HEAD
        #: (status, reason, version, [(name, value), ...]), bytes as received.
        self.head: tuple[int, bytes, bytes, list[tuple[bytes, bytes]]] | None = None
        self.body: list[bytes] = []
        self.done = False
        self.reusable = False
        #: Any byte of a reply received (an interim 1xx counts).
        self.started = False

    def feed(self, data: bytes) -> None:
        if not data:
            return
        self.started = True
        if self._buf:
            data = self._buf + data
            self._buf = b""
        state = self._state
        if state == _LENGTH and len(data) < self._left:  # the usual read of a long body
            self._left -= len(data)
            self.body.append(data)
            return
        pos = 0
        end = len(data)
        while pos < end:
            state = self._state
            if state == _HEAD:
                pos = self._head(data, pos)
                if pos < 0:
                    return
            elif state == _LENGTH:
                take = min(self._left, end - pos)
                self.body.append(data[pos : pos + take] if pos or take < end else data)
                pos += take
                self._left -= take
                if not self._left:
                    self._finish()
            elif state == _UNTIL_CLOSE:
                self.body.append(data[pos:] if pos else data)
                return
            elif state == _CHUNK_DATA:
                take = min(self._left, end - pos)
                self.body.append(data[pos : pos + take])
                pos += take
                self._left -= take
                if not self._left:
                    self._state = _CHUNK_END
            elif state in (_CHUNK_SIZE, _CHUNK_END, _TRAILERS):
                line_end = data.find(b"\r\n", pos)
                if line_end < 0:
                    self._keep(data, pos)
                    return
                line = data[pos:line_end]
                pos = line_end + 2
                if state == _CHUNK_SIZE:
                    self._chunk_size(line)
                elif state == _CHUNK_END:
                    if line:
                        raise ParseError("chunk data longer than its size")
                    self._state = _CHUNK_SIZE
                elif not line:  # the empty line after the trailers
                    self._finish()
                else:
                    self._trailers += len(line) + 2
                    if self._trailers > MAX_HEAD:
                        raise ParseError("reply trailers too long")
            else:  # _DONE: bytes after the reply, which no request asked for
                self.reusable = False
                return

    def feed_eof(self) -> None:
        """The connection ended: the reply is complete only if its body ran to the end
        of the connection; otherwise a `ParseError` says where it broke off."""
        if self._state == _UNTIL_CLOSE:
            self._finish()
        elif self._state != _DONE:
            raise ParseError(
                "server disconnected before the reply's head"
                if self._state == _HEAD
                else "reply body cut off before its end"
            )

    def length_read(self) -> tuple[int, int] | None:
        """A `Content-Length` body being read: (bytes in, bytes declared); else None."""
        if self._state != _LENGTH:
            return None
        return self._length - self._left, self._length

    # --- internals -----------------------------------------------------------------------

    def _keep(self, data: bytes, pos: int) -> None:
        rest = data[pos:]
        if len(rest) > MAX_LINE:
            raise ParseError("line too long")
        self._buf = rest

    def _head(self, data: bytes, pos: int) -> int:
        """Parse a head starting at `pos`: the position after it, or -1 (incomplete)."""
        head_end = data.find(b"\r\n\r\n", pos)
        if head_end < 0:
            rest = data[pos:]
            if len(rest) > MAX_HEAD:
                raise ParseError("reply head too long")
            if b"\n\n" in rest:
                raise ParseError("reply head lines not ended by CRLF")
            self._buf = rest
            return -1
        block = data[pos:head_end]
        lines = block.split(b"\r\n")
        # One pass for the whole head: no control characters but HTAB and the CRLFs
        # that end its lines (a lone CR or LF inside a line included).
        crlfs = len(lines) - 1
        if (
            block.translate(None, _FIELD_CRLF)
            or block.count(b"\r") != crlfs
            or block.count(b"\n") != crlfs
        ):
            raise ParseError("a control character in the reply head")
        status_line = lines[0]
        version, _, rest = status_line.partition(b" ")
        code, _, reason = rest.partition(b" ")
        if (
            version not in (b"HTTP/1.1", b"HTTP/1.0")
            or len(code) != 3
            or not code.isdigit()
            or code[0] == 0x30  # 0xx: no such class (not an interim reply to skip)
        ):
            raise ParseError(f"invalid status line {status_line[:64]!r}")
        status = int(code)
        headers: list[tuple[bytes, bytes]] = []
        for line in lines[1:]:
            name, sep, value = line.partition(b":")
            if not sep or not name or name.translate(None, _TOKEN):
                raise ParseError(f"invalid header line {line[:64]!r}")
            headers.append((name, value.strip(b" \t")))
        if head_end - pos > MAX_HEAD:
            raise ParseError("reply head too long")
        if status < 200:
            if status == 101:
                raise ParseError("101 Switching Protocols without an upgrade asked for")
            return head_end + 4  # an interim reply (100 Continue, 103 Early Hints): skip
        self.head = (status, reason, version, headers)
        self._framing(status, version, headers)
        return head_end + 4

    def _framing(self, status: int, version: bytes, headers: list[tuple[bytes, bytes]]) -> None:
        length: bytes | None = None
        coding: bytes | None = None
        connection = b""
        for name, value in headers:
            key = name.lower()
            if key == b"content-length":
                if length is not None and value != length:
                    raise ParseError("conflicting content-length values")
                length = value
            elif key == b"transfer-encoding":
                coding = value if coding is None else coding + b"," + value
            elif key == b"connection":
                connection += b"," + value.lower()
        tokens = {token.strip() for token in connection.split(b",")}
        if version == b"HTTP/1.1":
            self.reusable = b"close" not in tokens
        else:
            self.reusable = b"keep-alive" in tokens and b"close" not in tokens
        if self._no_body or status in (204, 304):
            self._finish()
        elif coding is not None:
            # Only `chunked`, as h11 (no server of an API sends another coding, and one
            # read as the body to the close can hide a smuggled reply). With a
            # Content-Length too, the sender is suspect: no reuse (RFC 9112 6.3).
            if coding.strip(b" \t").lower() != b"chunked":
                raise ParseError(f"unsupported transfer-encoding {coding[:64]!r}")
            if length is not None:
                self.reusable = False
            self._state = _CHUNK_SIZE
        elif length is not None:
            if not length.isdigit() or len(length) > 18:
                raise ParseError("invalid content-length")
            self._left = self._length = int(length)
            self._state = _LENGTH
            if not self._left:
                self._finish()
        else:
            self._state = _UNTIL_CLOSE
            self.reusable = False

    def _chunk_size(self, line: bytes) -> None:
        size = line.split(b";", 1)[0].strip(b" \t")
        if not size or len(size) > 16 or not _HEX.issuperset(size):
            raise ParseError("invalid chunk size")
        self._left = int(size, 16)
        self._state = _CHUNK_DATA if self._left else _TRAILERS

    def _finish(self) -> None:
        self._state = _DONE
        self.done = True
