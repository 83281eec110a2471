"""The mock server's HTTP/1.1 framing (`testing/_mock_http.py`): reading requests as LLM
clients send them, writing heads and chunked frames."""

from __future__ import annotations

import asyncio
import doctest

import pytest

from chatplex.testing import _mock_http
from chatplex.testing._mock_http import CHUNKED_END
from chatplex.testing._mock_http import HttpError
from chatplex.testing._mock_http import HttpRequest
from chatplex.testing._mock_http import build_head
from chatplex.testing._mock_http import frame
from chatplex.testing._mock_http import read_request
from chatplex.testing._mock_http import reason


class Writer:
    """Stands in for the StreamWriter: only `100 Continue` is ever written while reading."""

    def __init__(self) -> None:
        self.written = b""

    def write(self, data: bytes) -> None:
        self.written += data


async def read(raw: bytes, writer: Writer | None = None) -> HttpRequest | None:
    reader = asyncio.StreamReader()
    reader.feed_data(raw)
    reader.feed_eof()
    return await read_request(reader, writer or Writer())  # type: ignore[arg-type]


async def test_a_request_with_a_content_length_body() -> None:
    request = await read(
        b"\r\nPOST /v1/messages?beta=true HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
        b"X-Mock-Reply: hi\r\n\r\n{}"
    )
    assert request == HttpRequest(
        "POST",
        "/v1/messages",
        "HTTP/1.1",
        {"host": "x", "content-length": "2", "x-mock-reply": "hi"},
        b"{}",
        "beta=true",
    )


async def test_a_chunked_body_with_trailers() -> None:
    request = await read(
        b"POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nx-trailer: t\r\n\r\n"
    )
    assert request is not None and request.body == b"abcde"


async def test_expect_100_continue_is_answered() -> None:
    writer = Writer()
    await read(b"POST /p HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx", writer)
    assert writer.written == b"HTTP/1.1 100 Continue\r\n\r\n"


async def test_a_closed_connection_between_requests_is_none() -> None:
    assert await read(b"") is None
    assert await read(b"\r\n") is None


@pytest.mark.parametrize(
    ("raw", "status", "message"),
    [
        (b"POST /p HTTP/1.1\r\nHost", 400, "truncated request head"),
        (b"GARBAGE\r\n\r\n", 400, "malformed request line"),
        (b"POST /p SPDY/3\r\n\r\n", 400, "malformed request line"),
        (b"POST /p HTTP/1.1\r\nno colon\r\n\r\n", 400, "malformed header line"),
        (b"POST /p HTTP/1.1\r\nContent-Length: ten\r\n\r\n", 400, "malformed content-length"),
        (b"POST /p HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "malformed content-length"),
        (b"POST /p HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 413, "too large"),
        (b"POST /p HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "transfer-encoding"),
        (b"POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "chunk size"),
    ],
)
async def test_malformed_requests(raw: bytes, status: int, message: str) -> None:
    with pytest.raises(HttpError, match=message) as info:
        await read(raw)
    assert info.value.status == status


async def test_a_body_cut_short_is_an_incomplete_read() -> None:
    with pytest.raises(asyncio.IncompleteReadError):
        await read(b"POST /p HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")


@pytest.mark.parametrize(
    ("version", "connection", "keep_alive"),
    [
        ("HTTP/1.1", "", True),
        ("HTTP/1.1", "close", False),
        ("HTTP/1.1", "Keep-Alive, Close", False),
        ("HTTP/1.0", "", False),
        ("HTTP/1.0", "keep-alive", True),
    ],
)
def test_keep_alive(version: str, connection: str, keep_alive: bool) -> None:
    headers = {"connection": connection} if connection else {}
    assert HttpRequest("POST", "/", version, headers, b"").keep_alive is keep_alive


def test_heads_frames_and_reasons() -> None:
    assert build_head(529, [("a", "1"), ("b", "2")]) == (
        b"HTTP/1.1 529 Site Overloaded\r\na: 1\r\nb: 2\r\n\r\n"
    )
    assert reason(404) == "Not Found" and reason(599) == "Unknown"
    assert frame(b"") == b"0\r\n\r\n" == CHUNKED_END
    assert frame(b"x" * 26) == b"1a\r\n" + b"x" * 26 + b"\r\n"


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(_mock_http)
    assert failures == 0 and tried > 0
