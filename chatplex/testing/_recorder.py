"""Cassettes: record a test's HTTP exchanges with a real provider once, replay them offline.

>>> with Cassette("greeting", "tests/cassettes") as cassette:     # doctest: +SKIP
...     init_chat_model("openai:gpt-4o-mini").invoke("Say hi").text

Mode (`mode=None` reads `CHATPLEX_RECORD`):

* replay -- the cassette exists and `CHATPLEX_RECORD` is not `all`: a respx router answers
  each request with the recorded response whose method, path and JSON body match
  (order-independent, so concurrent batches replay correctly). No network, no key.
* record -- the cassette is missing and `CHATPLEX_RECORD=1`, or `CHATPLEX_RECORD=all`:
  requests go to the real provider through chatplex's shared clients (they ask for an
  uncompressed body) and every exchange is written when the cassette closes, in the
  wire-corpus format, scrubbed (see `_cassette_io`).
* missing cassette without `CHATPLEX_RECORD` -- `CassetteNotFoundError`, saying how to
  record it.

Recording sees the traffic of chatplex's shared clients (every model built without
`http_client=`); a client you pass yourself is not recorded.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from typing import Literal

import httpx

from ..http import request_secrets
from . import _guard
from ._cassette_io import Exchange
from ._cassette_io import Recording
from ._cassette_io import Scrubber
from ._cassette_io import parse_body
from ._cassette_io import read_cassette
from ._cassette_io import remove_cassette
from ._cassette_io import write_exchange as _write

__all__ = [
    "RECORD_ENV",
    "Cassette",
    "CassetteError",
    "CassetteMismatchError",
    "CassetteNotFoundError",
]

RECORD_ENV = "CHATPLEX_RECORD"
Mode = Literal["record", "replay"]


class CassetteError(AssertionError):
    """A cassette cannot answer: missing, or the test sent something it did not record."""


class CassetteNotFoundError(CassetteError):
    """Replay was asked of a cassette that was never recorded."""


class CassetteMismatchError(CassetteError):
    """A request matches no unplayed recording of the cassette."""


def _resolve_mode(exists: bool, setting: str) -> Mode | None:
    value = setting.strip().lower()
    if value == "all":
        return "record"
    if exists:
        return "replay"
    if value and value not in ("0", "false", "no", "off"):
        return "record"
    return None


class Cassette:
    """The recorded HTTP exchanges of one test (see the module docstring).

    `name` and `directory` locate the files (`<directory>/<name>-<i>.*`); `mode` forces
    "record" or "replay"; `match_body=False` replays by method and path in recorded order.
    """

    def __init__(
        self,
        name: str,
        directory: str | os.PathLike[str],
        *,
        mode: Mode | None = None,
        match_body: bool = True,
        source: str | None = None,
    ) -> None:
        self.name = name
        self.directory = Path(directory)
        self.match_body = match_body
        self.source = source or name
        self._forced = mode
        self._mode: Mode | None = None
        self._lock = threading.Lock()
        self._exchanges: list[Exchange] = []
        self._recordings: list[Recording] = []
        self._router: Any = None
        self._old_tap: _guard.Tap | None = None

    def __repr__(self) -> str:
        return f"Cassette({self.name!r}, {str(self.directory)!r}, mode={self._mode!r})"

    @property
    def exists(self) -> bool:
        return (self.directory / f"{self.name}-0.meta.json").is_file()

    @property
    def mode(self) -> Mode | None:
        """ "record" or "replay" once started."""
        return self._mode

    @property
    def recording(self) -> bool:
        return self._mode == "record"

    @property
    def exchanges(self) -> int:
        """How many exchanges were recorded (record) or replayed (replay) so far."""
        with self._lock:
            if self._mode == "record":
                return len(self._exchanges)
            return sum(r.used for r in self._recordings)

    # ---- lifecycle ----------------------------------------------------------------------

    def start(self) -> Cassette:
        mode = self._forced or _resolve_mode(self.exists, os.environ.get(RECORD_ENV, ""))
        if mode is None:
            raise CassetteNotFoundError(
                f"cassette {self.name!r} was never recorded (no {self.name}-0.meta.json in "
                f"{self.directory}). Record it once against the real provider: run this test "
                f"with {RECORD_ENV}=1 and the provider's API key set; commit the files."
            )
        self._mode = mode
        if mode == "record":
            _guard.hook_shared_clients()
            self._old_tap = _guard.set_tap(self)
        else:
            self._start_replay()
        return self

    def stop(self) -> None:
        if self._mode == "record":
            _guard.set_tap(self._old_tap)
            self._save()
        elif self._router is not None:
            self._router.stop(quiet=True)
            self._router = None

    def __enter__(self) -> Cassette:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- record (the guard's tap: called from the shared clients' event hooks) -----------

    def on_request(self, request: httpx.Request) -> None:
        # An identity body is what the cassette stores and what replay serves.
        request.headers["accept-encoding"] = "identity"

    def on_response(self, response: httpx.Response) -> None:
        request = response.request
        with self._lock:
            exchange = Exchange(
                index=len(self._exchanges),
                method=request.method,
                url=str(request.url),
                request_headers=list(request.headers.multi_items()),
                request_body=request.content,
                status=response.status_code,
                response_headers=list(response.headers.multi_items()),
                secrets=request_secrets(request),
            )
            self._exchanges.append(exchange)

        def done(body: bytes) -> None:
            exchange.body = body

        stream = response.stream
        if isinstance(stream, httpx.AsyncByteStream):
            response.stream = _AsyncTee(stream, done)
        elif isinstance(stream, httpx.SyncByteStream):
            response.stream = _SyncTee(stream, done)

    def _save(self) -> None:
        with self._lock:
            exchanges = list(self._exchanges)
        if not exchanges:
            return
        remove_cassette(self.directory, self.name)
        for exchange in exchanges:
            scrubber = Scrubber.for_request(exchange.request_headers, carried=exchange.secrets)
            _write(self.directory, self.name, exchange, scrubber, source=self.source)

    # ---- replay ---------------------------------------------------------------------------

    def _start_replay(self) -> None:
        try:
            import respx
        except ImportError as exc:  # pragma: no cover - the extra is installed in the tests
            raise ImportError(
                "replaying a cassette needs respx: pip install 'chatplex[testing]'"
            ) from exc

        self._recordings = read_cassette(self.directory, self.name)
        router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)
        router.route(name="chatplex-cassette").mock(side_effect=self._replay)
        router.start()
        self._router = router

    def _replay(self, request: httpx.Request) -> httpx.Response | httpx.Request:
        path = request.url.path
        body = parse_body(request.content)
        with self._lock:
            same_route = [
                r for r in self._recordings if r.method == request.method and r.path == path
            ]
            unplayed = [r for r in same_route if not r.used]
            match = next((r for r in unplayed if not self.match_body or r.body == body), None)
            if match is not None:
                match.used = True
                return httpx.Response(match.status, headers=match.headers, content=match.content)
        if not same_route and _guard.is_loopback(request.url.host):
            return request  # not ours: the embedded MockServer or a local server
        raise CassetteMismatchError(self._mismatch(request, same_route, unplayed, body))

    def _mismatch(
        self, request: httpx.Request, same: list[Recording], unplayed: list[Recording], body: Any
    ) -> str:
        where = f"{request.method} {_guard.shown_url(request.url)}"
        hint = f"re-record it with {RECORD_ENV}=all and the provider's API key set"
        if not same:
            return f"cassette {self.name!r} has no recording for {where}; {hint}"
        if not unplayed:
            return (
                f"cassette {self.name!r} recorded {len(same)} request(s) to {where} and all "
                f"were replayed already; the test now sends more: {hint}"
            )
        differs = _differing_keys(unplayed[0].body, body)
        return (
            f"cassette {self.name!r}: the body of {where} matches none of the "
            f"{len(unplayed)} unplayed recording(s) (differs in: {differs}); the test "
            f"changed since recording: {hint}"
        )


def _differing_keys(recorded: Any, sent: Any) -> str:
    if isinstance(recorded, dict) and isinstance(sent, dict):
        keys = sorted(k for k in recorded.keys() | sent.keys() if recorded.get(k) != sent.get(k))
        return ", ".join(keys) or "nothing"
    return "the whole body"


class _SyncTee(httpx.SyncByteStream):
    """Passes a response body through, keeping a copy for the cassette."""

    def __init__(self, inner: httpx.SyncByteStream, done: Callable[[bytes], None]) -> None:
        self._inner = inner
        self._done = done
        self._parts: list[bytes] = []

    def __iter__(self) -> Iterator[bytes]:
        for part in self._inner:
            self._parts.append(part)
            yield part

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            self._done(b"".join(self._parts))


class _AsyncTee(httpx.AsyncByteStream):
    """The async `_SyncTee`."""

    def __init__(self, inner: httpx.AsyncByteStream, done: Callable[[bytes], None]) -> None:
        self._inner = inner
        self._done = done
        self._parts: list[bytes] = []

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._inner:
            self._parts.append(part)
            yield part

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            self._done(b"".join(self._parts))
