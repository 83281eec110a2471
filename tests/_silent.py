"""A server on 127.0.0.1 that accepts and then says nothing (or stops mid-stream, or hangs
up): what a stalled provider or proxy looks like to a client. For the tests of every wait's bound.
And a port nothing listens on: what a provider that is down looks like."""

from __future__ import annotations

import atexit
import signal
import socket
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest

_SSE_HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
)

#: One Chat Completions stream piece ("Hel"), for `SilentServer(first_piece=...)`.
OPENAI_PIECE = (
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m",'
    b'"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}\n\n'
)


class SilentServer:
    """Accepts connections on 127.0.0.1 and reads requests; then either says nothing, or
    (`first_piece`) sends a stream's head and one piece and says nothing more, or
    (`hang_up`) closes the connection without an answer."""

    def __init__(self, first_piece: bytes | None = None, *, hang_up: bool = False) -> None:
        self._first_piece = first_piece
        self._hang_up = hang_up
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        #: The requests read whole, head and body, and answered as it answers them
        #: (their connections are `_held`).
        self.requests_read = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self._held.append(conn)
            conn.settimeout(5)
            try:
                _read_request(conn)
                if self._hang_up:  # (the request read whole: a clean close, never a reset)
                    conn.close()
                elif self._first_piece is not None:
                    piece = self._first_piece
                    conn.sendall(_SSE_HEAD + f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                self.requests_read += 1  # (this thread alone writes it)
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self._held:
            conn.close()
        self._listener.close()


def _read_request(conn: socket.socket) -> None:
    """A request's head and its `content-length` body, read whole: a connection closed with
    unread bytes is reset (ECONNRESET) where one closed after reading them is not, and a
    client's body may arrive after its head, late on a loaded machine."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            return
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip() or 0)
    while len(body) < length:
        piece = conn.recv(65536)
        if not piece:
            return
        body += piece


def closed_by_the_peer(connection: socket.socket) -> bool:
    """The client closed a held connection: an end of stream, or a reset where it closed
    with bytes it had not read yet (the piece sent on a stream cut before reading it)."""
    try:
        return connection.recv(1) == b""
    except ConnectionResetError:
        return True


class CtrlC(BaseException):
    """What `interrupted`'s signal raises in the main thread: a BaseException, as
    KeyboardInterrupt is, but not one pytest takes for the user's Ctrl-C."""


def _raise_ctrl_c(signum: int, frame: Any) -> None:
    raise CtrlC


def interrupted(call: Callable[[], Any], silent: SilentServer, requests: int, wait: float) -> float:
    """`call()` in the main thread, Ctrl-C'd (`CtrlC`) once `silent` has read `requests`
    requests (or `wait` seconds passed): the seconds it took to raise."""
    main = threading.main_thread()
    assert threading.current_thread() is main

    def interrupt_once_all_are_in_flight() -> None:
        deadline = time.monotonic() + wait
        # (each request read whole: no byte of one left for the caller's checks)
        while silent.requests_read < requests and time.monotonic() < deadline:
            time.sleep(0.01)
        signal.pthread_kill(main.ident or 0, signal.SIGUSR1)

    previous = signal.signal(signal.SIGUSR1, _raise_ctrl_c)
    interrupter = threading.Thread(target=interrupt_once_all_are_in_flight)
    try:
        started = time.monotonic()
        interrupter.start()
        with pytest.raises(CtrlC):
            call()
        return time.monotonic() - started
    finally:
        interrupter.join()
        signal.signal(signal.SIGUSR1, previous)


# Fixtures of every suite, registered by tests/conftest.py's `pytest_plugins` (a module
# importing them by name would shadow them: ruff's F811).
@pytest.fixture
def silent() -> Iterator[SilentServer]:
    """A server that accepts and says nothing."""
    server = SilentServer()
    yield server
    server.close()


@pytest.fixture
def stops_mid_stream() -> Iterator[SilentServer]:
    """A server that sends a Chat Completions stream's head and one piece, then nothing."""
    server = SilentServer(first_piece=OPENAI_PIECE)
    yield server
    server.close()


#: The sockets holding the refusing ports, closed when the process ends.
_HELD: list[socket.socket] = []


def refusing_port() -> int:
    """A port of 127.0.0.1 nothing listens on: connections are refused. Its socket stays
    bound, not listening, until the process ends. A port that was bound and closed could
    be taken meanwhile by another test's server, or by a client's own connection to it
    (TCP self-connect), and the connection would then be answered."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    if not _HELD:
        atexit.register(_release)
    _HELD.append(probe)
    return int(probe.getsockname()[1])


def _release() -> None:
    for probe in _HELD:
        probe.close()


@pytest.fixture
def closed_port() -> int:
    """A 127.0.0.1 port nobody listens on."""
    return refusing_port()
