"""Headers on the direct path: what is handed to aiohttp, and the reply's as httpx's.

Why. Every reply's headers are looked up by name a dozen times or so (cookies, content
encoding and length, request id, rate-limit headers for the budget), and
`httpx.Headers` answers each lookup by encoding the name and scanning and decoding its
whole list -- ~1 us a lookup, mostly for names that are absent. `ResponseHeaders` is an
`httpx.Headers` (same list, same answers) whose lookups by name go through a dict
built on the first one; any change to it drops that dict.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any

import httpx

if TYPE_CHECKING:
    import aiohttp

__all__ = [
    "ResponseHeaders",
    "headers_from_raw",
    "response_headers",
    "wire_header_lines",
    "wire_headers",
]


def wire_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    """`headers.multi_items()` (lower-case names, as the transport always sent them),
    with the encoding looked up once rather than twice per header."""
    encoding = headers.encoding
    return [(key.decode(encoding), value.decode(encoding)) for _, key, value in headers._list]


def wire_header_lines(headers: httpx.Headers) -> bytes:
    """`wire_headers(headers)` as aiohttp writes them: `name: value` and CRLF each,
    UTF-8. httpx keeps each header as bytes in its `encoding` (ASCII, else UTF-8 when
    they all read so, else Latin-1): when the joined bytes read as UTF-8 they are
    already what decoding and re-encoding them would give, so they are sent as they
    are (one check, not two decodes a header and an encode)."""
    lines = b"".join([b"%s: %s\r\n" % (key, value) for _, key, value in headers._list])
    if headers._encoding in (None, "ascii", "utf-8"):  # not a caller's own encoding
        try:
            lines.decode("utf-8")
            return lines
        except UnicodeDecodeError:
            pass  # Latin-1 bytes: each character re-encoded
    return "".join([f"{name}: {value}\r\n" for name, value in wire_headers(headers)]).encode()


def response_headers(response: aiohttp.ClientResponse) -> ResponseHeaders:
    """`httpx.Headers(response.raw_headers)`, without its per-header type checks:
    aiohttp's raw headers are already the byte pairs httpx keeps as they are."""
    return headers_from_raw(response.raw_headers)


def headers_from_raw(raw: Iterable[tuple[bytes, bytes]]) -> ResponseHeaders:
    """`httpx.Headers(raw)` for (name, value) byte pairs as read off the wire (names in
    their own case, values stripped), without httpx's per-header type checks."""
    headers = ResponseHeaders.__new__(ResponseHeaders)
    headers._list = [(key, key.lower(), value) for key, value in raw]
    headers._encoding = None  # found on first read, as for any httpx.Headers
    headers._by_name = None
    return headers


class ResponseHeaders(httpx.Headers):
    """`httpx.Headers` with lookups by name from a dict (lower-case name -> the values
    joined by ", ", as `httpx.Headers.__getitem__` joins them), built on first lookup."""

    _by_name: dict[str, str] | None
    _indexed_as: str | None

    def __init__(self, headers: Any = None, encoding: str | None = None) -> None:
        super().__init__(headers, encoding)
        self._by_name = None

    def _index(self) -> dict[str, str]:
        index = self._by_name
        if index is not None and self._indexed_as is self._encoding:
            return index
        index = {}
        if self._encoding is None:
            try:  # the common case, in one pass: all ASCII is what `encoding` finds first
                for _, key, value in self._list:
                    name, text = key.decode("ascii"), value.decode("ascii")
                    index[name] = text if name not in index else f"{index[name]}, {text}"
                self._encoding = "ascii"
            except UnicodeDecodeError:
                index = {}
        if not index or self._encoding != "ascii":
            encoding = self.encoding
            for _, key, value in self._list:
                name, text = key.decode(encoding), value.decode(encoding)
                index[name] = text if name not in index else f"{index[name]}, {text}"
        self._by_name, self._indexed_as = index, self._encoding
        return index

    def __getitem__(self, key: str) -> str:
        try:
            return self._index()[key.lower()]
        except KeyError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        return self._index().get(key.lower(), default)

    def __contains__(self, key: Any) -> bool:
        return key.lower() in self._index()

    def __repr__(self) -> str:
        # As an httpx.Headers shows itself (its repr names the class).
        return repr(httpx.Headers(self, encoding=self.encoding))

    # Every change goes through one of these (MutableMapping's pop, setdefault, clear...
    # call the first two): the index is rebuilt on the next lookup.
    def __setitem__(self, key: str, value: str) -> None:
        self._by_name = None
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self._by_name = None
        super().__delitem__(key)

    def update(self, headers: Any = None) -> None:  # type: ignore[override]
        self._by_name = None
        super().update(headers)
        self._by_name = None
