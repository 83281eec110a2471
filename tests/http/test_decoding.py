"""A body's reads decoded in bounded pieces (`_decoding.body_reads` / `abody_reads`):
gzip and deflate never come out longer than PIECE, whatever one network read expands to;
the decoded bytes are the body's; a body without an encoding is httpx's own reads."""

from __future__ import annotations

import functools
import gzip
import zlib
from collections.abc import AsyncIterator
from collections.abc import Iterator

import httpx
import pytest
from _httpkit import Body

from chatplex.http._decoding import abody_reads
from chatplex.http._decoding import body_reads
from chatplex.http._engine import PIECE

parity = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])

#: 16 MiB of events: 16 KiB of gzip, a thousandfold in one read.
PLAIN = b'data: {"t": "a"}\n\n' * (16 * 1024 * 1024 // 18)


def deflated(data: bytes, wbits: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


@functools.cache
def packed(packing: str) -> bytes:
    """PLAIN packed as `packing` says ("gzip", "zlib": zlib-wrapped deflate, "raw":
    raw deflate), once per process and when a test first asks: made at import, the five
    bodies cost each worker ~0.25 s of CPU as it collected, run or not."""
    if packing == "gzip":
        return gzip.compress(PLAIN)
    return deflated(PLAIN, zlib.MAX_WBITS if packing == "zlib" else -zlib.MAX_WBITS)


def served(body: bytes, encoding: str | None, split: int | None = None) -> httpx.Response:
    """A streamed response whose raw body is `body`, in reads of `split` bytes (one
    read if None), as a client's send returns it before any read."""
    parts = [body] if split is None else [body[i : i + split] for i in range(0, len(body), split)]
    headers = {"content-type": "text/event-stream"}
    if encoding is not None:
        headers["content-encoding"] = encoding
    return httpx.Response(200, headers=headers, stream=Body(parts))


async def reads(response: httpx.Response, sync: bool) -> list[bytes]:
    if sync:
        return list(body_reads(response))
    return [piece async for piece in abody_reads(response)]


@parity
@pytest.mark.parametrize(
    ("encoding", "packing"),
    [
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("GZip ", "gzip"),
        ("deflate", "zlib"),  # zlib-wrapped, as the RFC says
        ("deflate", "raw"),  # raw, as some servers send it
    ],
    ids=["gzip", "x-gzip", "case-and-space", "deflate", "raw-deflate"],
)
async def test_a_compressed_body_is_decoded_in_pieces_no_longer_than_piece(
    encoding: str, packing: str, sync: bool
) -> None:
    body = packed(packing)
    pieces = await reads(served(body, encoding), sync)
    assert len(body) < PIECE  # one read, sixteen MiB decoded
    assert max(map(len, pieces)) <= PIECE and len(pieces) >= len(PLAIN) // PIECE
    assert b"".join(pieces) == PLAIN


@parity
async def test_the_pieces_are_made_only_as_they_are_taken(sync: bool) -> None:
    """Lazily: a consumer that stops after one piece never had the rest decoded."""
    response = served(packed("gzip"), "gzip")
    if sync:
        sync_reads = body_reads(response)
        first = next(sync_reads)
        assert isinstance(sync_reads, Iterator)
    else:
        async_reads = abody_reads(response)
        first = await async_reads.__anext__()
        assert isinstance(async_reads, AsyncIterator)
    assert len(first) == PIECE and PLAIN.startswith(first)


@parity
async def test_a_body_split_across_many_reads_decodes_whole(sync: bool) -> None:
    body = packed("gzip")
    pieces = await reads(served(body, "gzip", split=7), sync)
    assert b"".join(pieces) == PLAIN and max(map(len, pieces)) <= PIECE


@parity
async def test_bytes_after_the_end_of_the_gzip_stream_are_ignored_as_httpx_does(
    sync: bool,
) -> None:
    pieces = await reads(served(gzip.compress(b"hello") + b"trailing junk", "gzip"), sync)
    assert b"".join(pieces) == b"hello"


@parity
async def test_a_corrupt_body_is_httpxs_decoding_error(sync: bool) -> None:
    with pytest.raises(httpx.DecodingError):
        await reads(served(b"not gzip at all", "gzip"), sync)


@parity
async def test_a_body_without_encoding_is_the_responses_own_reads(sync: bool) -> None:
    response = served(b"plain", None, split=2)
    assert await reads(response, sync) == [b"pl", b"ai", b"n"]


@parity
async def test_an_encoding_decoded_elsewhere_keeps_httpxs_decoder(sync: bool) -> None:
    """`identity` (or br, zstd, a list): httpx decodes; the engine cuts long reads."""
    response = served(b"as is", "identity")
    assert b"".join(await reads(response, sync)) == b"as is"


@parity
async def test_a_body_read_already_is_its_decoded_content(sync: bool) -> None:
    """A mock's response built with `content=` was read (and decoded) at creation."""
    response = httpx.Response(
        200, headers={"content-encoding": "gzip"}, content=gzip.compress(b"done")
    )
    assert b"".join(await reads(response, sync)) == b"done"
