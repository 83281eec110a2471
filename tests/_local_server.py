"""A server on 127.0.0.1 for the tests whose client sends through its own HTTP stack (an
SDK's, which respx does not see): `Answering`, a quiet request handler that answers with a
whole body, and `serving`, which runs a handler for the length of a block."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from typing import Any


class Answering(http.server.BaseHTTPRequestHandler):
    """A request handler that writes no log lines; a subclass answers with `answer`."""

    def read_body(self) -> bytes:
        """The request's body, read whole (so the client's write never blocks)."""
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def answer(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        """A response of `status` with `body`, its length given."""
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler], **attributes: Any) -> Iterator[str]:
    """`handler` (a subclass of it with `attributes` set, where given: what it records into,
    what it answers) served on 127.0.0.1 for the block: the server's URL."""
    if attributes:
        handler = type(handler.__name__, (handler,), attributes)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() waits for the serving loop to look, every poll_interval (0.5 s by default)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
