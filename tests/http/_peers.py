"""The vetted HTTP/1.1 reply parsers chatplex's own (`chatplex.http._h1`) is held to:
h11 as httpx uses it (httpcore's 100 KiB head limit) and aiohttp's llhttp parser as
chatplex's aiohttp transport sets it (64 KiB lines). Each reads the same bytes, then
the end of the connection, and says what it made of them: the reply's status and body,
or that it refused them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import h11
from aiohttp.base_protocol import BaseProtocol
from aiohttp.http_parser import HttpResponseParser

#: httpcore's `h11.Connection(max_incomplete_event_size=...)`.
HTTPCORE_MAX_HEAD = 100 * 1024
#: chatplex's aiohttp transport (`_transport._MAX_HEADER_FIELD`).
AIOHTTP_MAX_FIELD = 64 * 1024


@dataclass(frozen=True)
class Verdict:
    """A complete reply read (`status`, `body`), or `refused` with why."""

    status: int | None = None
    body: bytes = b""
    refused: str = ""

    @property
    def accepted(self) -> bool:
        return not self.refused


def by_h11(raw: bytes) -> Verdict:
    conn = h11.Connection(h11.CLIENT, max_incomplete_event_size=HTTPCORE_MAX_HEAD)
    conn.send(
        h11.Request(method="POST", target="/", headers=[("Host", "x"), ("Content-Length", "0")])
    )
    conn.send(h11.EndOfMessage())
    conn.receive_data(raw)
    conn.receive_data(b"")
    status: int | None = None
    body = b""
    try:
        while True:
            event = conn.next_event()
            if isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                return Verdict(status, body)
            elif event is h11.NEED_DATA or isinstance(event, h11.ConnectionClosed):
                return Verdict(refused="incomplete")
            elif event is h11.PAUSED:
                return Verdict(refused="paused")
    except h11.RemoteProtocolError as error:
        return Verdict(refused=str(error) or "protocol error")


def by_aiohttp(raw: bytes) -> Verdict:
    loop = asyncio.new_event_loop()
    try:
        parser = HttpResponseParser(
            BaseProtocol(loop),
            loop,
            2**16,
            max_line_size=AIOHTTP_MAX_FIELD,
            max_field_size=AIOHTTP_MAX_FIELD,
        )
        try:
            messages, _, _ = parser.feed_data(raw)
            parser.feed_eof()
        except Exception as error:  # llhttp's errors: BadHttpMessage, LineTooLong, ...
            return Verdict(refused=f"{type(error).__name__}")
        if not messages:
            return Verdict(refused="incomplete")
        message, payload = messages[0]
        if payload.exception() is not None:
            return Verdict(refused=f"{type(payload.exception()).__name__}")
        if not payload.is_eof():
            return Verdict(refused="incomplete")
        return Verdict(message.code, b"".join(getattr(payload, "_buffer", ())))
    finally:
        loop.close()
