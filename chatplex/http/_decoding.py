"""A response body's reads, decoded in bounded pieces: what the drivers hand the engine.

httpx decodes a `content-encoding: gzip` (or `deflate`) body one network read at a time,
each read whole: 64 KiB of a gzip bomb comes out as 64 MB in one piece, before anything
can count it or look at the clock. Here such a body is decompressed with zlib's
`max_length`, so no piece is longer than `PIECE` (64 KiB): the engine counts every
decoded byte against `max_response_bytes` and checks its deadline between pieces, and
the memory a hostile body can take is one piece past the bound, not a thousand reads'
worth. A body without an encoding (nearly every LLM reply) is the response's own
`iter_bytes()` / `aiter_bytes()`, untouched: no wrapper, no cost. Other encodings (br,
zstd, a list of several) keep httpx's decoders; the engine still cuts their long
decoded reads into pieces before parsing them (`Call.bytes_received`).
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from collections.abc import Generator
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import cast

import httpx

from ._engine import PIECE

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["abody_reads", "body_reads"]

#: zlib's window bits for each encoding decoded here (as httpx's decoders set them).
_GZIP = zlib.MAX_WBITS | 16
_DEFLATE = zlib.MAX_WBITS  # zlib-wrapped; a raw deflate stream is tried if that fails
_RAW_DEFLATE = -zlib.MAX_WBITS
_BITS = {"gzip": _GZIP, "x-gzip": _GZIP, "deflate": _DEFLATE}


def body_reads(response: httpx.Response) -> Generator[bytes, None, None]:
    """The body of `response`, decoded, no piece longer than `PIECE` when it is gzip or
    deflate; else `response.iter_bytes()` itself (a generator, as httpx writes it)."""
    bits = _bits(response)
    if bits is None or response.is_stream_consumed:  # (read already: decoded already)
        return cast("Generator[bytes, None, None]", response.iter_bytes())
    return _sync_pieces(response.iter_raw(), bits)


def abody_reads(response: httpx.Response) -> AsyncIterator[bytes]:
    """The async `body_reads`."""
    bits = _bits(response)
    if bits is None or response.is_stream_consumed:
        return response.aiter_bytes()
    return _async_pieces(response.aiter_raw(), bits)


def _bits(response: httpx.Response) -> int | None:
    encoding = response.headers.get("content-encoding")
    if encoding is None:
        return None
    return _BITS.get(encoding.strip().lower())


class _Inflater:
    """One body's zlib state: each raw read in, its output out in pieces."""

    __slots__ = ("_bits", "_first", "_zlib")

    def __init__(self, bits: int) -> None:
        self._bits = bits
        self._zlib = zlib.decompressobj(bits)
        self._first = True

    def pieces(self, raw: bytes) -> Iterable[bytes]:
        """`raw`'s decoded bytes, at most `PIECE` at a time (lazily: a piece is made only
        when the one before it was taken)."""
        decompressor = self._zlib
        data = raw
        while data and not decompressor.eof:
            try:
                out = decompressor.decompress(data, PIECE)
            except zlib.error as exc:
                if self._first and self._bits == _DEFLATE:
                    # A server's "deflate" may be a raw deflate stream (httpx tries both).
                    self._bits = _RAW_DEFLATE
                    self._zlib = decompressor = zlib.decompressobj(_RAW_DEFLATE)
                    self._first = False
                    data = raw
                    continue
                raise httpx.DecodingError(str(exc)) from exc
            self._first = False
            data = decompressor.unconsumed_tail
            if out:
                yield out

    def end(self) -> bytes:
        """What the decompressor still holds once the body is over."""
        try:
            return self._zlib.flush()
        except zlib.error as exc:
            raise httpx.DecodingError(str(exc)) from exc


def _sync_pieces(raws: Iterator[bytes], bits: int) -> Generator[bytes, None, None]:
    inflater = _Inflater(bits)
    for raw in raws:
        yield from inflater.pieces(raw)
    rest = inflater.end()
    if rest:
        yield rest


async def _async_pieces(raws: AsyncIterator[bytes], bits: int) -> AsyncIterator[bytes]:
    inflater = _Inflater(bits)
    async for raw in raws:
        for piece in inflater.pieces(raw):
            yield piece
    rest = inflater.end()
    if rest:
        yield rest
