"""Minimal HTTP/1.1 framing for the mock server (private).

Only what LLM clients send is understood: a request line, headers, and a body framed
by Content-Length (or, rarely, chunked). Responses are written whole (Content-Length)
or as chunked frames for Server-Sent Events. Keeping this hand-written and tiny is
what lets the mock server stay stdlib-only and fast enough for benchmarks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from http import HTTPStatus
from typing import NamedTuple

__all__ = [
    "CHUNKED_END",
    "MAX_BODY",
    "HttpError",
    "HttpRequest",
    "MockUsageError",
    "build_head",
    "frame",
    "read_request",
    "reason",
]

MAX_BODY = 64 * 1024 * 1024
CHUNKED_END = b"0\r\n\r\n"

# Status codes http.HTTPStatus does not know, but LLM providers use.
_EXTRA_REASONS = {529: "Site Overloaded"}
_STATUS_LINES: dict[int, str] = {}


class MockUsageError(ValueError):
    """A mock-control header or fault spec the server cannot understand (answered with 400)."""


class HttpError(Exception):
    """A request the server cannot parse: answered with `status`, then the connection closes."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class HttpRequest(NamedTuple):
    """One parsed request. Header names are lower-cased; the path has no query string
    (`query`: what followed its `?`, still percent-encoded)."""

    method: str
    path: str
    version: str
    headers: dict[str, str]
    body: bytes
    query: str = ""

    @property
    def keep_alive(self) -> bool:
        """HTTP/1.1 keeps the connection unless told `close`; HTTP/1.0 only if asked."""
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.1":
            return "close" not in connection
        return "keep-alive" in connection


async def read_request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> HttpRequest | None:
    """Read one request, or return None when the client closed between requests.

    Raises `HttpError` for malformed input and `asyncio.IncompleteReadError` when the
    client disappears in the middle of a body.
    """
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise HttpError(400, "truncated request head") from None
        return None
    except asyncio.LimitOverrunError:
        raise HttpError(431, "request head too large") from None
    # RFC 9112 asks servers to ignore empty lines before a request line.
    lines = head.decode("latin-1").lstrip("\r\n").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise HttpError(400, "malformed request line")
    method, target, version = parts
    headers = _parse_headers(lines[1:])
    if headers.get("expect", "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    body = await _read_body(reader, headers)
    path, _, query = target.partition("?")
    return HttpRequest(method, path, version, headers, body, query)


def _parse_headers(lines: list[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in lines:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise HttpError(400, "malformed header line")
        headers[name.strip().lower()] = value.strip()
    return headers


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    encoding = headers.get("transfer-encoding")
    if encoding is not None:
        if encoding.lower() != "chunked":
            raise HttpError(501, f"unsupported transfer-encoding {encoding!r}")
        return await _read_chunked(reader)
    raw = headers.get("content-length")
    if raw is None:
        return b""
    try:
        length = int(raw)
    except ValueError:
        raise HttpError(400, "malformed content-length") from None
    if length < 0:
        raise HttpError(400, "malformed content-length")
    if length > MAX_BODY:
        raise HttpError(413, "request body too large")
    return await reader.readexactly(length) if length else b""


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        line = await reader.readuntil(b"\r\n")
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise HttpError(400, "malformed chunk size") from None
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass  # trailers carry nothing the mock needs
            return b"".join(parts)
        total += size
        if total > MAX_BODY:
            raise HttpError(413, "request body too large")
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


def reason(status: int) -> str:
    """The reason phrase of a status code, including provider-specific ones like 529."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return _EXTRA_REASONS.get(status, "Unknown")


def _status_line(status: int) -> str:
    line = _STATUS_LINES.get(status)
    if line is None:
        line = _STATUS_LINES[status] = f"HTTP/1.1 {status} {reason(status)}\r\n"
    return line


def build_head(status: int, headers: Iterable[tuple[str, str]]) -> bytes:
    """The status line and headers of a response, ready to write.

    >>> build_head(200, [("content-length", "0")])
    b'HTTP/1.1 200 OK\\r\\ncontent-length: 0\\r\\n\\r\\n'
    """
    fields = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return (_status_line(status) + fields + "\r\n").encode("latin-1")


def frame(data: bytes) -> bytes:
    """One chunked transfer-encoding frame holding `data`.

    >>> frame(b"data: x\\n\\n")
    b'9\\r\\ndata: x\\n\\n\\r\\n'
    """
    return b"%x\r\n%b\r\n" % (len(data), data)
