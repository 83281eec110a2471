"""The attempt engine: what one call does next, decided without any I/O.

Every HTTP call is one `Call` -- a non-stream call (`send`) reads its reply whole and
parses it to one `AIMessage`; a stream call (`stream`) feeds the body's bytes to a
decoder -- server-sent events, or the adapter's own framing: `stream_framing`, a
zero-argument callable returning an object with `feed(raw) -> list` and `flush() -> list`
(newline-delimited JSON, the AWS event-stream) -- and each decoded item to the adapter's
parser, and emits `AIMessageChunk`s. A driver (`_drivers.py`, one sync, one async) does the
I/O -- sending, reading, sleeping, waiting for the rate limiter -- and tells the engine
what happened; the engine answers with the next step (as h11 does for HTTP/1.1):

=============================================  ==============================================
the driver tells the engine                    the engine answers
=============================================  ==============================================
`prepare(http)`: before the first attempt      the httpx request every attempt sends
`begin()`: an attempt starts                   (before a retry: timeouts clamped to the
                                               time left, or DeadlineExceededError)
`permit_acquired(permit)`: with a budget,      --
after `budget.acquire(call.tokens)`
`response_received(response)`: headers in      READ_WHOLE: `body_part` per read, then
                                               `body_read()`; READ_EVENTS:
                                               `bytes_received` per read, `body_ended()`
`body_part(raw)`: one read of a whole body     -- (raises past a bound)
`body_read()`: the body is read whole          the chunks to emit (none for a non-stream
                                               call: its reply is `call.message`)
`bytes_received(raw)`: one read of the body    the chunks to emit now (mostly 0 or 1)
`resumed()`: after yielding chunks             -- (content came: the wait restarts now)
`body_ended()`: the body is over               the last chunks to emit: success
`failed(exc)`: anything raised in an attempt,  raises the error to show, or answers
GeneratorExit and CancelledError included      `(policy, delay)`: sleep, then `begin()`
=============================================  ==============================================

The engine owns the attempt counter, the retry decision (`RetryPolicy.delay`; none past
a stream's success headers without `RetryPolicy.stream_bodies`), the deadline checks, the
metadata-only chunks held back until the first content (so a failure before any content is
retried unseen), the partial replies of failed streams, and the permit: released exactly
once per attempt, on every way out. A driver only has to close the response. What a read
response becomes is `_reply.py`'s; what a failure becomes, `_attempt_errors.py`'s.

Bounds. Every wait for the server ends by `until()`: the earlier of the call's deadline
and `waiting_since + limit`, where `limit` is the per-request read timeout (a whole
body must arrive within it) or, for a stream, the idle timeout (the read timeout if none
is set). A stream's wait restarts only when content arrives and the consumer asks for
more (`resumed()`): bytes, SSE comments and keep-alive pings are not progress, and time
the consumer spends on a chunk is not the server's. The drivers enforce `until()` on
every blocking wait (the sync pool's sockets through `_clamp`, async through
`_watch`); the engine checks it again after every read, so a client without those (a
mock transport, your own) still ends within one read of it. `max_bytes` bounds the body
(`ResponseTooLargeError`, before reading when Content-Length already says so).
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

import httpx

from ..adapters.sse import SSEDecoder
from ..errors import APIError
from ..errors import DeadlineExceededError
from ..messages import AIMessageChunk
from ..messages import merge_chunks
from ..messages import pieces_held
from ..messages import set_metadata
from ._attempt_errors import cut_short
from ._attempt_errors import shown
from ._attempt_errors import then_raise
from ._attempt_errors import timed_out
from ._attempt_errors import typed
from ._attempt_errors import unreadable
from ._errors import status_failure
from ._errors import unexpected_content_type
from ._reply import has_content
from ._reply import is_json
from ._reply import keep_body
from ._reply import mark_opening
from ._reply import parse_reply
from ._reply import refuse_wrong_shape
from ._reply import reply_chunk
from ._reply import too_large
from ._request import build_request
from ._request import log_response
from ._request import reclamp
from ._request import wait_limit
from ._retry import release_failed
from ._retry import stream_used_tokens
from ._retry import used_tokens

if TYPE_CHECKING:
    from ..adapters.base import Adapter
    from ..adapters.request_types import HTTPRequest
    from ..core.retry import RetryPolicy
    from ..messages import AIMessage
    from ._ratelimit import Budget
    from ._ratelimit import Permit

__all__ = [
    "READ_EVENTS",
    "READ_WHOLE",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "PIECE",
    "Call",
    "Phase",
    "Step",
    "estimate",  # from _reply.py, for _send.py
]


class Phase(enum.Enum):
    """Where a call stands (`Call.phase`)."""

    IDLE = "no attempt running yet"
    SENDING = "an attempt is under way: no response yet"
    ERROR_BODY = "an error status arrived: its body is read whole for the error"
    WHOLE_BODY = "a reply to read whole: a non-stream call, or JSON to a stream request"
    EVENTS = "a stream's body: each read goes to the stream decoder and the parser"
    RETRY = "an attempt failed: waiting out the delay before the next one"
    DONE = "the call ended: a reply, the end of a stream, or an error raised"


class Step(enum.Enum):
    """How to read a response's body (`Call.response_received`'s answer)."""

    READ_WHOLE = "read the body whole, then call body_read()"
    READ_EVENTS = "feed each read to bytes_received(), then call body_ended()"


# Module constants: an Enum member lookup (`Phase.DONE`) costs ~80 ns on Python 3.11.
READ_WHOLE = Step.READ_WHOLE
READ_EVENTS = Step.READ_EVENTS
IDLE = Phase.IDLE
SENDING = Phase.SENDING
ERROR_BODY = Phase.ERROR_BODY
WHOLE_BODY = Phase.WHOLE_BODY
EVENTS = Phase.EVENTS
RETRY = Phase.RETRY
DONE = Phase.DONE

_NOTHING: tuple[AIMessageChunk, ...] = ()

#: 64 MiB: far above any real reply (a long generation is a few MB at most; base64 images
#: in server-tool results are the largest), far below what would hurt a process.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
#: The longest piece of a read parsed at once (64 KiB, a socket read's size): the bounds
#: are checked between pieces, so a decoder's huge output cannot outlive them.
PIECE = 64 * 1024
#: A stream's chunks are merged into one (`Call._compact`) once this many are held...
COMPACT_MIN = 512
#: ... or, for a long reply, one per this many bytes of it.
COMPACT_RATIO = 512


class Call:
    """The state of one call's attempts; the event methods are listed in the module doc.

    `stream`: True for a stream call, False for a non-stream one. `clock`: the monotonic
    clock of the bounds (injectable for tests). `max_response_bytes`: the body bound
    (None: `DEFAULT_MAX_RESPONSE_BYTES`). `partner_words`: a failure takes the words of
    the wire's SDK (a LangChain drop-in's call); else it keeps chatplex's words, whatever
    SDK was imported (`sdk_errors`), and drops the `response` of a failure in transit
    unless its kind is one of `kept_responses` (as the partner's error holds one).
    `retry_headers`: see `CallOptions` (`_send.py`). `hold_opening`: a stream's
    metadata-only chunks wait for its first content (so a failure before any is retried
    unseen); False: each goes out as it is parsed, as a partner SDK yields it (a
    drop-in's call: a task cancelled after a stream's opening chunk has had it)."""

    __slots__ = (
        "_decode",
        "_finish",
        "_flush",
        "_parse",
        "_parser",
        "_body",
        "_compact_at",
        "adapter",
        "attempt",
        "budget",
        "clock",
        "dated",
        "deadline",
        "http",
        "fresh",
        "hold_opening",
        "idle_timeout",
        "kept_responses",
        "limit",
        "max_bytes",
        "message",
        "nbytes",
        "partner_words",
        "permit",
        "phase",
        "received",
        "req",
        "request",
        "response",
        "retry",
        "retry_headers",
        "started",
        "status",
        "stream",
        "timeout",
        "tokens",
        "waiting_since",
    )

    # Set by prepare() / begin() / response_received() / body_read(), before any reader.
    http: httpx.Client | httpx.AsyncClient
    req: httpx.Request
    response: httpx.Response
    message: AIMessage  # a non-stream call's reply, once body_read() returned
    permit: Permit | None
    status: int | None
    received: list[AIMessageChunk]  # this attempt's chunks: the partial reply, the usage
    started: bool  # has a chunk been emitted? then no more retries
    nbytes: int  # body bytes read in this attempt
    limit: float  # seconds a wait may last (math.inf: none), set by prepare()
    waiting_since: float  # when the current wait for the server began
    fresh: bool  # content emitted since the last resumed()
    _body: bytes | bytearray  # a whole body's reads so far (joined as they come)
    # Items are SSEEvents, or what the adapter's `stream_framing` decoder yields.
    _decode: Callable[[bytes], list[Any]]
    _flush: Callable[[], list[Any]]
    _parse: Callable[[Any], AIMessageChunk | None]
    _finish: Callable[[], None]
    _parser: object  # this attempt's stream parser (None before its events)

    def __init__(
        self,
        adapter: Adapter,
        request: HTTPRequest,
        *,
        stream: bool,
        timeout: httpx.Timeout | float | None = None,
        idle_timeout: float | None = None,
        deadline: float | None = None,
        retry: RetryPolicy | None = None,
        budget: Budget | None = None,
        max_response_bytes: int | None = None,
        partner_words: bool = False,
        kept_responses: Collection[str] = (),
        hold_opening: bool = True,
        retry_headers: Callable[[int, str | None], Iterable[tuple[str, str]]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.adapter = adapter
        self.request = request
        self.stream = stream
        self.timeout = timeout
        self.idle_timeout = idle_timeout
        self.deadline = deadline
        self.retry = retry
        self.budget = budget
        self.clock = clock
        self.partner_words = partner_words
        self.kept_responses = kept_responses
        self.hold_opening = hold_opening
        self.retry_headers = retry_headers
        self.dated: str | None = None  # the Date of the last response with one (`begin`)
        self.max_bytes = (
            DEFAULT_MAX_RESPONSE_BYTES if max_response_bytes is None else max_response_bytes
        )
        self.attempt = 0
        self.tokens = 0
        self.phase = IDLE

    def prepare(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        """The request every attempt sends (raises before any I/O: a passed deadline,
        NaN in the body); with a budget that paces tokens, `tokens` is the estimate to
        acquire (else 0: the reported usage is charged at release)."""
        self.http = http
        self.req = build_request(
            http,
            self.request,
            timeout=self.timeout,
            idle_timeout=self.idle_timeout,
            deadline=self.deadline,
        )
        budget = self.budget
        # The estimate walks the whole body: for a budget pacing tokens (or not saying).
        if budget is not None and getattr(budget, "counts_tokens", True):
            self.tokens = estimate(self.request)
        self.limit = wait_limit(http, self.timeout, self.idle_timeout if self.stream else None)
        return self.req

    def begin(self) -> None:
        """An attempt starts. Before a retry, the request's timeouts are clamped to the
        time now left (DeadlineExceededError if none is: nothing is held then), and its
        `retry_headers` set (given the `Date` of the call's last response with one)."""
        self.attempt += 1
        if self.attempt > 1:
            if self.deadline is not None:
                reclamp(self.http, self.req, self.timeout, self.deadline, self.idle_timeout)
            if self.retry_headers is not None:
                if self.status is not None:  # the last attempt's response (`_headers`)
                    self.dated = self.response.headers.get("date") or self.dated
                for name, value in self.retry_headers(self.attempt - 1, self.dated):
                    self.req.headers[name] = value
        self.phase = SENDING
        self.permit = None
        self.status = None
        self.received = []
        self._parser = None
        self.started = False
        self.fresh = False
        self.nbytes = 0
        self._body = b""
        self._compact_at = COMPACT_MIN
        self.waiting_since = self.clock()

    def permit_acquired(self, permit: Permit) -> None:
        """The permit is in: the wait for the server starts now (not the limiter's)."""
        self.permit = permit
        self.waiting_since = self.clock()

    def until(self) -> float:
        """When the current wait for the server must end (monotonic; math.inf: never)."""
        end = self.waiting_since + self.limit
        deadline = self.deadline
        return end if deadline is None or end < deadline else deadline

    def resumed(self) -> None:
        """The driver yielded chunks and was asked for more: if content was among them,
        the wait for the next content starts now."""
        if self.fresh:
            self.fresh = False
            self.waiting_since = self.clock()

    # What a failure becomes (`_attempt_errors.py`), as methods of the call.
    def timed_out(self) -> Exception:  # a method: mypy checks callers elsewhere by it
        return timed_out(self)

    cut_short = cut_short
    _typed = typed
    _shown = shown
    _unreadable = unreadable

    def response_received(self, response: httpx.Response) -> Step:
        """The status line and headers are in: how to read the body."""
        self.response = response
        self.status = status = response.status_code
        length = response.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            raise too_large(self.adapter, self.req, self.max_bytes, int(length))
        if not self.stream:
            self.phase = WHOLE_BODY  # parse_reply() checks the status
            return READ_WHOLE
        log_response(response, None)
        if status >= 300:  # redirects are not followed: report them, do not parse them
            self.phase = ERROR_BODY
            return READ_WHOLE
        if is_json(response):
            self.phase = WHOLE_BODY
            return READ_WHOLE
        # The adapter's own framing (NDJSON, AWS event-stream), else server-sent events.
        decoder = (self.adapter.stream_framing or SSEDecoder)()
        wrong = unexpected_content_type(self.adapter, response, decoder.media_types)
        if wrong is not None:  # an HTML page or text where events were asked for
            raise wrong
        self.phase = EVENTS  # before the adapter's code runs: its errors are the stream's
        parser = self.adapter.stream_parser(response.headers)
        # Bound once per response: the per-read path makes no attribute lookups for them.
        self._decode, self._flush = decoder.feed, decoder.flush
        self._parse, self._finish = parser.feed, parser.finish
        self._parser = parser
        return READ_EVENTS

    def body_part(self, raw: bytes) -> None:
        """One read of a body read whole (bounded in size and time). The reads are joined
        as they come, into one buffer: a list of them cost an object per read, so a reply
        in tiny reads (1-byte chunks) took fifty times its size."""
        self.nbytes += len(raw)
        if self.nbytes > self.max_bytes:
            self._body = b""
            raise too_large(self.adapter, self.req, self.max_bytes, self.nbytes)
        body = self._body
        if body.__class__ is bytearray:
            body += raw  # in place, amortized linear
        elif body:
            self._body = bytearray(body) + raw  # a second read: one buffer from now on
        else:
            self._body = raw  # the first read, kept as it is (most replies are one read)
        if self.clock() >= self.until():
            raise self.timed_out()

    def body_read(self) -> Iterable[AIMessageChunk]:
        """The whole body is in (`body_part`): the chunks to emit (none for a non-stream
        call, whose reply is now `message`); raises an error status's error."""
        response = self.response
        body, self._body = self._body, b""
        keep_body(response, body if body.__class__ is bytes else bytes(body))
        body = b""  # the body is the response's: no local keeps it (tracebacks show locals)
        if not self.stream:
            message = parse_reply(self.adapter, response)
            permit = self.permit
            if permit is not None:
                self.permit = None
                # Reading the usage builds the reply's lazy usage: only when it is charged.
                used = used_tokens(message) if getattr(permit, "wants_usage", True) else None
                permit.release(used_tokens=used, status=self.status, headers=response.headers)
            set_metadata(message, "attempts", self.attempt)  # leaves lazy metadata unbuilt
            self.message = message
            self.phase = DONE
            return _NOTHING
        if self.phase is ERROR_BODY:
            raise status_failure(self.adapter, response, response.content)
        self.received.append(reply_chunk(self.adapter, response))
        return self._end(_NOTHING)

    def bytes_received(self, raw: bytes) -> Iterable[AIMessageChunk]:
        """One read of a stream's body: the chunks to emit now, in order (a failure in
        the middle of a read comes after the chunks before it). A read longer than
        `PIECE` (a decoder's output: one gzip read can expand a thousandfold) is taken
        a piece at a time, each piece checked against the bounds before it is parsed."""
        if len(raw) > PIECE:
            return self._in_pieces(raw)
        if self.clock() >= self.until():
            raise self.timed_out()
        self.nbytes += len(raw)
        if self.nbytes > self.max_bytes:
            raise too_large(self.adapter, self.req, self.max_bytes, self.nbytes)
        received = self.received
        n = len(received)
        parse = self._parse
        try:
            for event in self._decode(raw):
                chunk = parse(event)
                if chunk is not None:
                    if chunk.content.__class__ is not str:  # blocks, or a wrong type
                        refuse_wrong_shape(chunk)
                    received.append(chunk)
        except Exception as exc:
            return self._read_failed(exc, n)
        if self.started:  # the hot path (has_content inlined: it runs once per chunk)
            out = received[n:]
            if not self.fresh:
                for chunk in out:
                    if chunk.content or chunk.tool_call_chunks or chunk.additional_kwargs:
                        self.fresh = True
                        break
            if len(received) >= self._compact_at:
                self._compact()
            return out
        return self._emit(n)

    def _in_pieces(self, raw: bytes) -> Iterator[AIMessageChunk]:
        """A long read's chunks, piece by piece: a piece is checked against `until()` and
        `max_bytes` and parsed only once the chunks of the pieces before it were taken,
        so the bounds hold between decoded pieces as between socket reads, and only one
        piece's events are held at a time."""
        try:
            for start in range(0, len(raw), PIECE):
                yield from self.bytes_received(raw[start : start + PIECE])
                self.resumed()  # as the driver does after each read's chunks
        finally:
            raw = b""  # the reply's bytes leave no trace in this frame's locals

    def body_ended(self) -> Iterable[AIMessageChunk]:
        """The end of a stream's body: the last event (one without a blank line after
        it), `parser.finish()`, and -- if no content came -- the held-back metadata."""
        received = self.received
        n = len(received)
        try:
            for event in self._flush():
                chunk = self._parse(event)
                if chunk is not None:
                    if chunk.content.__class__ is not str:
                        refuse_wrong_shape(chunk)
                    received.append(chunk)
            self._finish()
        except Exception as exc:
            return self._read_failed(exc, n)
        return self._end(self._emit(n))

    def failed(self, exc: BaseException) -> tuple[RetryPolicy, float]:
        """Anything raised during an attempt, including GeneratorExit (the consumer
        stopped) and CancelledError: the permit is released, then either the error to
        show is raised -- typed, with `attempts` and any partial reply -- or the answer
        is `(policy, delay)`: `policy.sleep(delay)` (or `asleep`), then `begin()`."""
        err = self._typed(exc) if isinstance(exc, Exception) else exc
        self.phase = DONE
        permit = self.permit
        self.permit = None
        if not isinstance(err, APIError):  # a deadline, a stop, a bug: never retried
            if permit is not None:
                if self.stream:
                    used = stream_used_tokens(self.received)
                    permit.release(used_tokens=used, status=self.status, headers=self._headers())
                else:
                    permit.release()
            raise self._shown(err)
        err.attempts = self.attempt
        retry = self.retry
        # What the retry policy allows in all (an SDK's words may say the last was spent).
        err.max_attempts = getattr(getattr(retry, "stop", None), "max_attempt_number", 1)
        if permit is not None:
            release_failed(permit, err, self._headers())
        opened = self.stream and (self.status or 600) < 300  # a stream's success headers came
        if self.started or retry is None or (opened and not retry.stream_bodies):
            raise self._shown(err)
        try:
            delay = retry.delay(err, self.attempt, self.deadline)
        except DeadlineExceededError as passed:
            self._shown(passed)  # the same object, its class widened: re-raised as it is
            raise
        if delay is None:
            raise self._shown(err)
        self.phase = RETRY
        return retry, delay

    # ---- internals ---------------------------------------------------------------------

    def _headers(self) -> httpx.Headers | None:
        """This attempt's response headers (for the budget to learn limits from), if a
        response came: `status` is reset by `begin()`, `response` is not."""
        return self.response.headers if self.status is not None else None

    def _compact(self) -> None:
        """The chunks received so far merged into one (they were all emitted): what a
        failure's partial reply and the usage need, without a chunk object (~450 bytes)
        kept per event -- tiny events held nine times the reply's size. The next
        compaction waits for `nbytes // COMPACT_RATIO` more chunks (at least
        `COMPACT_MIN`, and at least as many as the merged chunk holds tool-call fragments
        and blocks, which it walks again), so the text merged again each time costs at
        most that ratio in bytes copied per chunk and a stream of many tool calls one
        fragment per chunk, and the chunks held stay below the reply's size."""
        merged = merge_chunks(self.received)
        self.received = [merged]
        held = pieces_held(merged)
        self._compact_at = max(COMPACT_MIN, self.nbytes // COMPACT_RATIO, held) + 1

    def _emit(self, n: int) -> Sequence[AIMessageChunk]:
        """The chunks from `received[n]` on that may reach the caller now: all of them
        once content has started; until then none, unless one of them is content (or,
        not `hold_opening`, any chunk: it went out, so no retry hides a failure now)."""
        received = self.received
        if self.started:
            return received[n:]
        for i in range(n, len(received)):
            if has_content(received[i]):
                self.started = self.fresh = True
                return self._opening()
        if not self.hold_opening and len(received) > n:
            self.started = True  # (not `fresh`: metadata is no progress of the reply)
            return self._opening()
        return _NOTHING

    def _opening(self) -> list[AIMessageChunk]:
        """Every chunk so far, to emit now; the first carries the request id and the
        attempts made, as `send()`'s message does (merged stream == non-stream reply)."""
        received = self.received
        mark_opening(received[0].response_metadata, self.response, self.adapter, self.attempt)
        return received.copy()  # `received` keeps growing while these are emitted

    def _end(self, out: Sequence[AIMessageChunk]) -> Sequence[AIMessageChunk]:
        """A stream's success: a stream with no content at all emits its metadata."""
        if not self.started and self.received:
            self.started = True
            out = self._opening()
        self.phase = DONE
        permit = self.permit
        if permit is not None:
            self.permit = None
            # Summing the chunks' usage walks the whole stream: only when it is charged.
            wanted = getattr(permit, "wants_usage", True)
            used = stream_used_tokens(self.received) if wanted else None
            permit.release(used_tokens=used, status=self.status, headers=self.response.headers)
        return out

    def _read_failed(self, exc: Exception, n: int) -> Iterable[AIMessageChunk]:
        """A read whose events failed to parse: the chunks parsed before the failure
        still go out (`_emit` from `n`), then the failure, as `_unreadable` makes it."""
        out = self._emit(n)
        unread = self._unreadable(exc)
        if out:
            return then_raise(out, unread)
        if unread is exc:
            raise exc
        raise unread from exc


# ---- helpers (no I/O either) ---------------------------------------------------------


def estimate(request: HTTPRequest) -> int:
    from ._ratelimit import estimate_tokens  # only calls with a rate limit need it

    return estimate_tokens(request)
