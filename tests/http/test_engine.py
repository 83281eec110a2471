"""The attempt engine (`_engine.Call`) driven by hand: fabricated events, no sockets, no
transport, no sleeping -- each test plays the driver's part and checks the engine's
answers (what to read, what to emit, whether and when to retry, what to raise)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any

import httpx
import pytest
from _httpkit import FakeAdapter
from _httpkit import FakeParser
from _httpkit import HoldingAdapter
from _httpkit import held
from _httpkit import sse

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import APIConnectionError
from chatplex.errors import APIError
from chatplex.errors import BadRequestError
from chatplex.errors import DeadlineExceededError
from chatplex.errors import RateLimitError
from chatplex.errors import ServerError
from chatplex.errors import StreamError
from chatplex.http import RetryPolicy
from chatplex.http import retry_policy
from chatplex.http._engine import DONE
from chatplex.http._engine import PIECE
from chatplex.http._engine import READ_EVENTS
from chatplex.http._engine import READ_WHOLE
from chatplex.http._engine import RETRY
from chatplex.http._engine import Call
from chatplex.http._engine import Phase
from chatplex.messages import AIMessageChunk
from chatplex.messages import HumanMessage
from chatplex.providers.anthropic.adapter import AnthropicAdapter

SSE = {"content-type": "text/event-stream", "x-request-id": "req-e"}


class Permit:
    """A permit that records its releases (the real one ignores all but the first)."""

    def __init__(self) -> None:
        self.releases: list[dict[str, Any]] = []
        self.headers: list[Any] = []  # the response headers each release handed over

    def release(self, **kw: Any) -> None:
        self.headers.append(kw.pop("headers", None))
        self.releases.append(kw)


def policy(max_retries: int = 2, **kw: Any) -> RetryPolicy:
    def never(seconds: float) -> None:
        raise AssertionError("the engine never sleeps")

    kw.setdefault("random", lambda: 0.0)
    return retry_policy(max_retries, sleep=never, **kw)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """Only builds requests: its transport fails the test if anything is sent."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("the engine does no I/O")

    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        yield client


def start(
    http: httpx.Client, *, stream: bool = True, adapter: Any = None, **kw: Any
) -> tuple[Call, Permit]:
    """A call at its first attempt, holding a recording permit."""
    adapter = adapter or FakeAdapter()
    call = Call(adapter, adapter.request(), stream=stream, **kw)
    call.prepare(http)
    call.begin()
    permit = Permit()
    call.permit_acquired(permit)  # type: ignore[arg-type]
    return call, permit


def read_whole(call: Call) -> Iterable[AIMessageChunk]:
    """The driver's part for a body read whole: its bytes in one read, then the end."""
    call.body_part(call.response.content)
    return call.body_read()


def response(call: Call, status: int = 200, **kw: Any) -> httpx.Response:
    kw.setdefault("headers", SSE)
    return httpx.Response(status, request=call.req, **kw)


def texts(chunks: Iterable[AIMessageChunk]) -> list[str]:
    return [c.text for c in chunks]


def fail(call: Call, exc: BaseException) -> BaseException:
    """`failed(exc)` as the driver calls it: inside the except block; what it raised."""
    try:
        raise exc
    except BaseException as caught:
        try:
            call.failed(caught)
        except BaseException as raised:
            return raised
    raise AssertionError("failed() answered a retry")


def retry_after(call: Call, exc: BaseException) -> float:
    try:
        raise exc
    except BaseException as caught:
        _, delay = call.failed(caught)
    return delay


# ---- success ---------------------------------------------------------------------------


def test_a_stream_succeeds_first_try(http: httpx.Client) -> None:
    call, permit = start(http)
    assert call.response_received(response(call)) is READ_EVENTS
    first = list(call.bytes_received(sse("Hel", done=False)))
    rest = list(call.bytes_received(sse("lo")))
    assert texts(first) == ["Hel"] and texts(rest) == ["lo"]
    assert first[0].response_metadata == {"request_id": "req-e", "attempts": 1}
    assert list(call.body_ended()) == [] and call.phase is DONE
    assert call.nbytes == len(sse("Hel", done=False)) + len(sse("lo"))
    assert permit.releases == [{"used_tokens": None, "status": 200}]


def test_a_non_stream_call_succeeds_first_try(http: httpx.Client) -> None:
    call, permit = start(http, stream=False)
    reply = response(call, json={"text": "hi"}, headers={"x-request-id": "req-1"})
    assert call.response_received(reply) is READ_WHOLE
    assert list(read_whole(call)) == [] and call.phase is DONE
    assert call.message.text == "hi"
    assert call.message.response_metadata == {"request_id": "req-1", "attempts": 1}
    assert permit.releases == [{"used_tokens": None, "status": 200}]


@pytest.mark.parametrize("stream", [False, True], ids=["send", "stream"])
def test_the_permit_gets_the_response_headers(http: httpx.Client, stream: bool) -> None:
    """The budget learns announced limits from them: handed over at release, no hook."""
    call, permit = start(http, stream=stream)
    limits = {"x-ratelimit-limit-requests": "500", "content-type": "application/json"}
    call.response_received(response(call, json={"text": "hi"}, headers=limits))
    list(read_whole(call))
    assert [h["x-ratelimit-limit-requests"] for h in permit.headers] == ["500"]


def test_a_failed_attempt_hands_its_headers_over_too(http: httpx.Client) -> None:
    call, permit = start(http, stream=False, retry=policy())
    limited = {"retry-after": "1", "x-ratelimit-limit-requests": "60"}
    call.response_received(response(call, 429, json={"error": "slow"}, headers=limited))
    with pytest.raises(RateLimitError) as info:
        call.body_read()
    retry_after(call, info.value)
    assert [h["x-ratelimit-limit-requests"] for h in permit.headers] == ["60"]
    call.begin()  # a transport failure of the next attempt: no response, no headers
    second = Permit()
    call.permit_acquired(second)  # type: ignore[arg-type]
    retry_after(call, httpx.ConnectError("refused"))
    assert second.headers == [None]


def test_the_request_is_built_once_and_without_io(http: httpx.Client) -> None:
    adapter = FakeAdapter()
    call = Call(adapter, adapter.request(q="é"), stream=False)
    assert call.phase is Phase.IDLE
    req = call.prepare(http)
    assert req.content == '{"model":"m","q":"é"}'.encode()
    assert call.tokens == 0  # no budget: no estimate


# ---- retries ---------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["send", "stream"])
def test_a_retryable_status_is_retried_after_the_policys_delay(
    http: httpx.Client, stream: bool
) -> None:
    call, permit = start(http, stream=stream, retry=policy())
    busy = response(call, 503, json={"error": "busy"}, headers={"retry-after": "2"})
    assert call.response_received(busy) is READ_WHOLE
    with pytest.raises(ServerError) as info:
        read_whole(call)
    assert retry_after(call, info.value) == 2.0 and call.phase is RETRY
    assert info.value.attempts == 1
    assert permit.releases == [{"status": 503, "retry_after": 2.0}]

    call.begin()
    second = Permit()
    call.permit_acquired(second)  # type: ignore[arg-type]
    assert call.attempt == 2
    if stream:
        call.response_received(response(call))
        (chunk,) = call.bytes_received(sse("ok"))
        assert chunk.response_metadata["attempts"] == 2
        call.body_ended()
    else:
        call.response_received(response(call, json={"text": "ok"}))
        read_whole(call)
        assert call.message.response_metadata["attempts"] == 2
    assert second.releases == [{"used_tokens": None, "status": 200}]


def test_backoff_grows_with_the_attempts(http: httpx.Client) -> None:
    call, _ = start(http, stream=False, retry=policy(3))
    delays = []
    for _ in range(3):
        delays.append(retry_after(call, httpx.ConnectError("refused")))
        call.begin()
    assert delays == [0.5, 1.0, 2.0]
    err = fail(call, httpx.ConnectError("refused"))
    assert isinstance(err, APIConnectionError) and err.attempts == 4


def test_each_retrys_headers_get_the_date_of_the_last_response_with_one(
    http: httpx.Client,
) -> None:
    """`retry_headers` is called before each retry, not the first attempt, with the retries
    taken and the `Date` of the call's last response that had one: a response without a
    Date, or an attempt without a response, leaves the last."""
    asked: list[tuple[int, str | None]] = []

    def said(retries: int, date: str | None) -> list[tuple[str, str]]:
        asked.append((retries, date))
        return [("x-retries", str(retries))]

    call, _ = start(http, stream=False, retry=policy(4), retry_headers=said)
    retry_after(call, httpx.ConnectError("refused"))  # no response yet
    dated = {"date": "Sun, 01 Nov 2026 10:00:00 GMT"}
    for headers in (dated, {}, None):
        call.begin()
        if headers is None:
            retry_after(call, httpx.ConnectError("refused"))
            continue
        call.response_received(response(call, 503, json={"error": "busy"}, headers=headers))
        with pytest.raises(ServerError) as info:
            read_whole(call)
        retry_after(call, info.value)
    call.begin()
    date = dated["date"]
    assert asked == [(1, None), (2, date), (3, date), (4, date)]
    assert call.req.headers["x-retries"] == "4"


def test_a_non_retryable_status_is_raised_at_once(http: httpx.Client) -> None:
    call, permit = start(http, stream=False, retry=policy())
    call.response_received(response(call, 400, json={"error": "bad"}))
    with pytest.raises(BadRequestError) as info:
        read_whole(call)
    assert fail(call, info.value) is info.value and call.phase is DONE
    assert info.value.attempts == 1
    assert permit.releases == [{"status": 400, "retry_after": None}]


def test_without_a_policy_nothing_is_retried(http: httpx.Client) -> None:
    call, _ = start(http, stream=False)
    err = fail(call, httpx.ConnectError("refused"))
    assert isinstance(err, APIConnectionError) and err.retryable and err.attempts == 1
    assert isinstance(err.__cause__, httpx.ConnectError)


def test_after_the_first_content_chunk_a_failure_is_not_retried(http: httpx.Client) -> None:
    call, permit = start(http, retry=policy())
    call.response_received(response(call))
    assert texts(call.bytes_received(sse("par", "tial", done=False))) == ["par", "tial"]
    broke = httpx.ReadError("reset")
    err = fail(call, broke)
    assert isinstance(err, StreamError) and err.__cause__ is broke
    assert err.partial is not None and err.partial.text == "partial"
    assert err.retryable and err.attempts == 1 and err.request_id == "req-e"
    assert call.phase is DONE and permit.releases == [{"status": None, "retry_after": None}]


def test_a_failure_before_any_content_is_retried_unseen(http: httpx.Client) -> None:
    call, _ = start(http, retry=policy())
    call.response_received(response(call))
    assert list(call.bytes_received(sse("", done=False))) == []  # metadata only: held
    assert retry_after(call, httpx.ReadError("reset")) == 0.5


def test_a_stream_that_ends_early_before_content_is_retried(http: httpx.Client) -> None:
    call, _ = start(http, retry=policy())
    call.response_received(response(call))
    assert list(call.bytes_received(sse("", done=False))) == []
    with pytest.raises(StreamError, match="before the done event") as info:
        call.body_ended()
    assert retry_after(call, info.value) == 0.5
    assert info.value.retryable  # cut short, nothing shown: made retryable


def test_a_declared_error_event_keeps_its_retryability(http: httpx.Client) -> None:
    class Declaring(FakeParser):
        def feed(self, event: SSEEvent) -> AIMessageChunk | None:
            if event.event == "error":
                raise StreamError("bad request", body={"x": 1}, retryable=False)
            return super().feed(event)

    class Adapter(FakeAdapter):
        def stream_parser(self, headers: Mapping[str, str]) -> FakeParser:
            return Declaring()

    call, _ = start(http, adapter=Adapter(), retry=policy())
    call.response_received(response(call))
    with pytest.raises(StreamError) as info:
        call.bytes_received(b"event: error\ndata: {}\n\n")
    err = fail(call, info.value)
    assert err is info.value and not err.retryable


# ---- held-back metadata ----------------------------------------------------------------


def test_metadata_chunks_are_held_until_the_first_content(http: httpx.Client) -> None:
    call, _ = start(http)
    call.response_received(response(call))
    assert list(call.bytes_received(sse("", done=False))) == []
    assert list(call.bytes_received(sse("", done=False))) == []
    assert not call.started
    out = list(call.bytes_received(sse("x", "", done=False)))
    assert texts(out) == ["", "", "x", ""] and call.started
    assert out[0].response_metadata == {"request_id": "req-e", "attempts": 1}
    assert all(c.response_metadata == {} for c in out[1:])
    assert texts(call.bytes_received(sse("y", done=False))) == ["y"]


def test_not_holding_the_opening_each_chunk_goes_out_as_it_comes(http: httpx.Client) -> None:
    # A drop-in's stream: its partner's SDK yields the opening chunk as its event arrives
    # (a task cancelled after it has had it), and retries no stream once one went out.
    call, _ = start(http, retry=policy(), hold_opening=False)
    call.response_received(response(call))
    (opening,) = call.bytes_received(sse("", done=False))
    assert opening.response_metadata == {"request_id": "req-e", "attempts": 1}
    assert call.started and not call.fresh  # metadata is no progress of the reply
    assert texts(call.bytes_received(sse("x", done=False))) == ["x"]
    err = fail(call, httpx.ReadError("reset"))
    assert isinstance(err, StreamError) and err.partial is not None and err.attempts == 1


def test_a_stream_with_no_content_emits_its_metadata_at_the_end(http: httpx.Client) -> None:
    call, _ = start(http)
    call.response_received(response(call))
    assert list(call.bytes_received(sse(""))) == []
    (only,) = call.body_ended()
    assert only.response_metadata == {"request_id": "req-e", "attempts": 1}


def test_the_last_event_is_emitted_before_finish_fails(http: httpx.Client) -> None:
    call, _ = start(http, retry=policy())
    call.response_received(response(call))
    assert texts(call.bytes_received(b'data: {"t": "a"}\n\ndata: {"t": "b"}')) == ["a"]
    out = iter(call.body_ended())  # "b" lacked its blank line; no done event came
    assert next(out).text == "b"
    with pytest.raises(StreamError, match="before the done event") as info:
        next(out)
    err = fail(call, info.value)
    assert err is info.value and err.partial is not None and err.partial.text == "ab"


def test_a_read_that_fails_half_way_emits_what_came_before(http: httpx.Client) -> None:
    call, _ = start(http, retry=policy())
    call.response_received(response(call))
    out = iter(call.bytes_received(sse("a", done=False) + b"data: {not json\n\n"))
    assert next(out).text == "a"  # reached the caller before the failure...
    with pytest.raises(StreamError) as info:  # the parser's ValueError, typed at once
        next(out)
    assert isinstance(info.value.__cause__, ValueError)
    err = fail(call, info.value)  # ...so the malformed event is not retried
    assert isinstance(err, StreamError) and "malformed stream event" in err.message
    assert not err.retryable and err.partial is not None and err.partial.text == "a"


@pytest.mark.parametrize("how", ["reset", "body-ended", "malformed"])
def test_a_stream_cut_keeps_the_pieces_its_parser_holds_on_the_partial(
    http: httpx.Client, how: str
) -> None:
    # Held for the end, never emitted: the partial has them, the call cut inside its
    # arguments read exactly (an invalid call), not dropped nor repaired.
    call, _ = start(http, adapter=HoldingAdapter())
    call.response_received(response(call))
    out = call.bytes_received(sse("a", done=False) + held('{"city": ') + held('"Par'))
    assert texts(out) == ["a"]
    if how == "reset":
        err = fail(call, httpx.ReadError("reset"))
    else:
        with pytest.raises(StreamError) as info:
            list(call.body_ended() if how == "body-ended" else call.bytes_received(b"data: {\n\n"))
        err = fail(call, info.value)
    assert isinstance(err, StreamError) and err.partial is not None
    assert err.partial.text == "a" and err.partial.tool_calls == []
    [cut] = err.partial.invalid_tool_calls
    assert (cut["name"], cut["args"]) == ("f", '{"city": "Par')


# ---- deadlines -------------------------------------------------------------------------


def test_a_deadline_that_leaves_no_time_for_another_attempt(http: httpx.Client) -> None:
    deadline = time.monotonic() + 60
    call, _ = start(http, stream=False, deadline=deadline, retry=policy(clock=lambda: deadline - 5))
    call.response_received(response(call, 503, json={"e": 1}, headers={"retry-after": "30"}))
    with pytest.raises(ServerError) as info:
        read_whole(call)
    err = fail(call, info.value)
    assert isinstance(err, DeadlineExceededError) and "no time for attempt 2" in str(err)
    assert err.__cause__ is info.value and info.value.attempts == 1


def test_a_deadline_passing_mid_stream_keeps_the_partial(http: httpx.Client) -> None:
    deadline = time.monotonic() + 60  # prepare() clamps the timeouts on the real clock
    now = [deadline - 2]  # within the client's 5 s read timeout of the deadline
    call, permit = start(http, deadline=deadline, retry=policy(), clock=lambda: now[0])
    call.response_received(response(call))
    now[0] = deadline - 1
    assert texts(call.bytes_received(sse("so ", "far", done=False))) == ["so ", "far"]
    now[0] = deadline
    with pytest.raises(DeadlineExceededError, match="mid-stream") as info:
        call.bytes_received(sse("late", done=False))
    err = fail(call, info.value)
    assert err is info.value and call.phase is DONE
    assert isinstance(err.partial, AIMessageChunk) and err.partial.text == "so far"
    assert permit.releases == [{"used_tokens": None, "status": 200}]


#: The size of each event of `long_read` (bytes).
EVENT = 60


def long_read(pieces: int) -> bytes:
    """One read of `pieces` x PIECE bytes of EVENT-byte events: what a decoder may hand
    over at once."""
    event = sse("x" * (EVENT - len(sse("", done=False))), done=False)
    assert len(event) == EVENT
    return (event * (PIECE * pieces // EVENT + 1))[: PIECE * pieces]


def test_a_long_read_is_parsed_piece_by_piece_with_the_deadline_checked_between(
    http: httpx.Client,
) -> None:
    """A decoder's long output (a gzip read can expand a thousandfold) does not outlive
    the deadline: each PIECE is checked before it is parsed, not only each read."""
    deadline = time.monotonic() + 60
    now = [deadline - 2]
    call, permit = start(http, deadline=deadline, clock=lambda: now[0])
    call.response_received(response(call))
    chunks = iter(call.bytes_received(long_read(4)))
    first = [next(chunks) for _ in range(PIECE // EVENT)]  # the first piece's events, parsed
    assert call.nbytes == PIECE  # only the first piece counted so far
    now[0] = deadline  # the deadline passes while the consumer holds them
    with pytest.raises(DeadlineExceededError, match="mid-stream") as info:
        next(chunks)
    assert call.nbytes == PIECE  # the next piece was neither counted nor parsed
    err = fail(call, info.value)
    assert isinstance(err, DeadlineExceededError) and err.partial is not None
    assert err.partial.text == "".join(c.text for c in first)
    assert permit.releases == [{"used_tokens": None, "status": 200}]


def test_a_long_read_counts_each_piece_against_max_response_bytes(http: httpx.Client) -> None:
    from chatplex.errors import ResponseTooLargeError

    call, _ = start(http, max_response_bytes=2 * PIECE)
    call.response_received(response(call))
    taken = []
    with pytest.raises(ResponseTooLargeError, match=f"max_response_bytes={2 * PIECE}"):
        taken.extend(call.bytes_received(long_read(4)))
    assert call.nbytes == 3 * PIECE  # refused at the first piece past the bound
    assert len(taken) == 2 * PIECE // EVENT  # the events the two pieces held


def test_a_long_read_gives_the_consumers_time_back_between_pieces(http: httpx.Client) -> None:
    """The idle limit restarts after each piece's content was taken, as after a read:
    a slow consumer of one long read is not the server stalling."""
    now = [0.0]
    call, _ = start(http, idle_timeout=5.0, clock=lambda: now[0])
    call.response_received(response(call))
    taken = 0
    for _ in call.bytes_received(long_read(3)):
        taken += 1
        now[0] += 0.01  # a consumer that spends 10 ms a chunk: seconds a piece
    assert now[0] > 5.0 and taken == 3 * PIECE // EVENT


def test_a_long_stream_holds_its_chunks_merged_not_one_object_per_event(
    http: httpx.Client,
) -> None:
    """Memory that follows the reply's size, not its event count: the chunks already
    emitted are merged into one every so often, and what a failure or the permit reads
    from them (the partial reply, the usage) is unchanged."""
    from chatplex.http._engine import COMPACT_MIN

    deadline = time.monotonic() + 60
    now = [deadline - 2]
    call, permit = start(http, deadline=deadline, clock=lambda: now[0])
    call.response_received(response(call))
    pieces = [f"{i}," for i in range(10 * COMPACT_MIN)]
    emitted = []
    for piece in pieces:
        emitted += call.bytes_received(sse(piece, done=False))
        assert len(call.received) <= COMPACT_MIN  # never one chunk per event
    assert [c.text for c in emitted] == pieces  # every chunk still reached the caller
    now[0] = deadline
    with pytest.raises(DeadlineExceededError) as info:
        call.bytes_received(sse("late", done=False))
    err = fail(call, info.value)
    assert isinstance(err, DeadlineExceededError) and err.partial is not None
    assert err.partial.text == "".join(pieces)  # the partial is the whole of what came


def test_a_retry_gets_the_time_left_as_its_timeouts(http: httpx.Client) -> None:
    deadline = time.monotonic() + 2  # under the client's own 5 s timeouts
    call, _ = start(http, stream=False, deadline=deadline, retry=policy())
    first = call.req.extensions["timeout"]["read"]
    retry_after(call, httpx.ConnectError("refused"))
    time.sleep(0.01)  # what the driver's sleep would do: the clock moves on
    call.begin()
    assert call.req.extensions["timeout"]["read"] < first <= 2


def test_no_time_left_for_a_retry_fails_in_begin(http: httpx.Client) -> None:
    deadline = time.monotonic() + 60
    call, _ = start(http, stream=False, deadline=deadline, retry=policy())
    retry_after(call, httpx.ConnectError("refused"))
    call.deadline = time.monotonic() - 1  # as if the sleep had overslept the deadline
    with pytest.raises(DeadlineExceededError):
        call.begin()


# ---- other replies ---------------------------------------------------------------------


def test_a_json_reply_to_a_stream_request_is_its_one_chunk(http: httpx.Client) -> None:
    call, permit = start(http)
    reply = response(call, json={"text": "all at once"}, headers={"x-request-id": "req-j"})
    assert call.response_received(reply) is READ_WHOLE
    (chunk,) = read_whole(call)
    assert chunk.text == "all at once"
    assert chunk.response_metadata == {"request_id": "req-j", "attempts": 1}
    assert call.phase is DONE and permit.releases == [{"used_tokens": None, "status": 200}]


def test_an_error_status_whose_body_broke_off_is_still_its_status_error(
    http: httpx.Client,
) -> None:
    call, _ = start(http, retry=policy())
    limited = response(call, 429, headers={"retry-after": "3", "x-request-id": "req-r"})
    assert call.response_received(limited) is READ_WHOLE
    assert retry_after(call, httpx.ReadError("reset")) == 3.0


def test_an_error_status_on_a_stream_request(http: httpx.Client) -> None:
    call, _ = start(http)
    call.response_received(response(call, 429, json={"error": "slow down"}))
    with pytest.raises(RateLimitError) as info:
        read_whole(call)
    err = fail(call, info.value)
    assert err is info.value and err.message == "slow down" and err.request_id == "req-e"


# ---- the permit ------------------------------------------------------------------------


class UsageParser(FakeParser):
    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        chunk = super().feed(event)
        if chunk is not None:
            n = json.loads(event.data).get("n", 0)
            chunk.usage_metadata = {"input_tokens": 0, "output_tokens": n, "total_tokens": n}
        return chunk


class UsageAdapter(FakeAdapter):
    def stream_parser(self, headers: Mapping[str, str]) -> FakeParser:
        return UsageParser()


@pytest.mark.parametrize(
    "stop",
    [GeneratorExit(), asyncio.CancelledError(), KeyboardInterrupt()],
    ids=["GeneratorExit", "CancelledError", "KeyboardInterrupt"],
)
def test_a_consumer_stop_releases_the_permit_with_the_used_tokens(
    http: httpx.Client, stop: BaseException
) -> None:
    call, permit = start(http, adapter=UsageAdapter(), retry=policy())
    call.response_received(response(call))
    call.bytes_received(b'data: {"t": "a", "n": 5}\n\ndata: {"t": "b", "n": 7}\n\n')
    assert fail(call, stop) is stop and call.phase is DONE
    assert permit.releases == [{"used_tokens": 12, "status": 200}]


def _anthropic_sse(*events: dict[str, Any]) -> bytes:
    return b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


@pytest.mark.parametrize(
    "delta_usage", [{"output_tokens": 9}, {"input_tokens": 30, "output_tokens": 9}]
)
def test_an_anthropic_stream_releases_its_whole_usage(
    http: httpx.Client, delta_usage: dict[str, int]
) -> None:
    """The Anthropic parser reports usage once, on the closing chunk (message_start's
    counts updated by message_delta's): the permit gets the reply's total."""
    adapter = AnthropicAdapter(api_key="k", base_url="https://anthropic.test")
    request = adapter.build_request([HumanMessage("hi")], CallSettings(model="m"), stream=True)
    call = Call(adapter, request, stream=True)
    call.prepare(http)
    call.begin()
    permit = Permit()
    call.permit_acquired(permit)  # type: ignore[arg-type]
    call.response_received(response(call))
    start = {"id": "msg_1", "model": "m", "usage": {"input_tokens": 12, "output_tokens": 1}}
    text = {"type": "text_delta", "text": "Hello"}
    body = _anthropic_sse(
        {"type": "message_start", "message": start},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": text},
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": delta_usage},
        {"type": "message_stop"},
    )
    chunks = [*call.bytes_received(body), *call.body_ended()]
    total = delta_usage.get("input_tokens", 12) + 9
    assert [c.usage_metadata["total_tokens"] for c in chunks if c.usage_metadata] == [total]
    assert permit.releases == [{"used_tokens": total, "status": 200}]


def test_a_stream_of_many_tool_calls_is_compacted_at_o1_a_chunk(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each compaction walks the calls and blocks merged before again: the next one
    waits for as many new chunks as they are, so what is walked again adds up to no more
    than the chunks that came, however many calls the reply opens (waiting for the
    reply's bytes / 512 alone, 3,000 tool_use blocks were walked again twice as often as
    chunks came); the partial reply still holds every call."""
    from chatplex.http import _engine
    from tests._merges import MergeWalks

    walks = MergeWalks(monkeypatch, _engine)
    adapter = AnthropicAdapter(api_key="k", base_url="https://anthropic.test")
    request = adapter.build_request([HumanMessage("hi")], CallSettings(model="m"), stream=True)
    deadline = time.monotonic() + 60
    now = [deadline - 2]
    call = Call(adapter, request, stream=True, deadline=deadline, clock=lambda: now[0])
    call.prepare(http)
    call.begin()
    call.response_received(response(call))
    start = {"id": "msg_1", "model": "m", "usage": {"input_tokens": 1, "output_tokens": 1}}
    emitted = list(call.bytes_received(_anthropic_sse({"type": "message_start", "message": start})))
    calls = 3000
    for k in range(calls):
        block = {"type": "tool_use", "id": f"toolu_{k}", "name": "add", "input": {}}
        piece = {"type": "input_json_delta", "partial_json": '{"a": 1}'}
        body = _anthropic_sse(
            {"type": "content_block_start", "index": k, "content_block": block},
            {"type": "content_block_delta", "index": k, "delta": piece},
            {"type": "content_block_stop", "index": k},
        )
        emitted += call.bytes_received(body)
    assert walks.merges > 1
    assert walks.rewalked <= walks.chunks
    now[0] = deadline
    with pytest.raises(DeadlineExceededError) as info:
        call.bytes_received(_anthropic_sse({"type": "ping"}))
    err = fail(call, info.value)
    assert isinstance(err, DeadlineExceededError) and err.partial is not None
    assert [c["id"] for c in err.partial.tool_calls] == [f"toolu_{k}" for k in range(calls)]


def test_the_permit_is_released_once_even_if_stopped_after_the_end(http: httpx.Client) -> None:
    call, permit = start(http, adapter=UsageAdapter())
    call.response_received(response(call))
    call.bytes_received(b'data: {"t": "a", "n": 3}\n\nevent: done\ndata: {}\n\n')
    call.body_ended()  # released here...
    fail(call, GeneratorExit())  # ...not again when the consumer stops on the last chunk
    assert permit.releases == [{"used_tokens": 3, "status": 200}]


def test_a_deadline_while_sending_releases_the_permit(http: httpx.Client) -> None:
    call, permit = start(http, stream=False, retry=policy())
    late = DeadlineExceededError("the call's deadline passed")
    assert fail(call, late) is late
    assert permit.releases == [{}]


def test_a_bug_is_raised_as_is_and_releases_the_permit(http: httpx.Client) -> None:
    call, permit = start(http, retry=policy())
    call.response_received(response(call))
    bug = KeyError("oops")
    assert fail(call, bug) is bug and call.phase is DONE
    assert permit.releases == [{"used_tokens": None, "status": 200}]


# ---- an adapter's own stream framing (`stream_framing`) ------------------------------


class LineFraming:
    """A framing of the test's own: one item per `|`-ended piece (not SSE), bounded."""

    made = 0
    media_types = ("application/x-ndjson", "application/vnd.amazon.eventstream")

    def __init__(self) -> None:
        type(self).made += 1
        self.pending = b""

    def feed(self, raw: bytes) -> list[Any]:
        *done, self.pending = (self.pending + raw).split(b"|")
        return [("item", piece.decode()) for piece in done]

    def flush(self) -> list[Any]:
        rest, self.pending = self.pending, b""
        return [("item", rest.decode())] if rest else []


class ItemParser:
    """Takes LineFraming's items (tuples, not SSEEvents): "end" closes the stream."""

    def __init__(self) -> None:
        self.done = False

    def feed(self, item: Any) -> AIMessageChunk | None:
        kind, text = item
        assert kind == "item"
        if text == "end":
            self.done = True
            return None
        return AIMessageChunk(content=text)

    def finish(self) -> None:
        if not self.done:
            raise StreamError("stream ended before the end item")


class FramedAdapter(FakeAdapter):
    stream_framing = LineFraming

    def stream_parser(self, headers: Mapping[str, str]) -> ItemParser:
        return ItemParser()


NDJSON = {"content-type": "application/x-ndjson"}
EVENTSTREAM = {"content-type": "application/vnd.amazon.eventstream"}


@pytest.mark.parametrize("headers", [NDJSON, EVENTSTREAM, SSE])
def test_an_adapters_stream_framing_decodes_the_body(
    http: httpx.Client, headers: dict[str, str]
) -> None:
    made = LineFraming.made
    call, permit = start(http, adapter=FramedAdapter())
    assert call.response_received(response(call, headers=headers)) is READ_EVENTS
    assert LineFraming.made == made + 1  # one decoder per response
    assert texts(call.bytes_received(b"Hel|l")) == ["Hel"]
    assert texts(call.bytes_received(b"o|end|")) == ["lo"]
    assert list(call.body_ended()) == [] and call.phase is DONE
    assert permit.releases == [{"used_tokens": None, "status": 200}]


def test_the_framings_flush_reaches_the_parser_before_finish(http: httpx.Client) -> None:
    call, _ = start(http, adapter=FramedAdapter())
    call.response_received(response(call, headers=NDJSON))
    assert texts(call.bytes_received(b"a|end")) == ["a"]
    assert list(call.body_ended()) == [] and call.phase is DONE  # "end" came from flush()


def test_a_framed_stream_cut_short_is_the_parsers_error(http: httpx.Client) -> None:
    call, _ = start(http, adapter=FramedAdapter())
    call.response_received(response(call, headers=NDJSON))
    assert texts(call.bytes_received(b"a|b")) == ["a"]
    chunks = call.body_ended()
    with pytest.raises(StreamError, match="before the end item"):
        assert texts(chunks) == ["b"]  # the last item is emitted, then finish() fails


def test_a_framed_stream_is_bounded_by_max_response_bytes(http: httpx.Client) -> None:
    from chatplex.errors import ResponseTooLargeError

    call, _ = start(http, adapter=FramedAdapter(), max_response_bytes=8)
    call.response_received(response(call, headers=NDJSON))
    assert texts(call.bytes_received(b"abc|")) == ["abc"]
    with pytest.raises(ResponseTooLargeError, match="max_response_bytes=8"):
        call.bytes_received(b"defgh|")


def test_a_framed_stream_keeps_the_idle_timeout(http: httpx.Client) -> None:
    from chatplex.errors import StreamIdleTimeoutError

    now = [0.0]
    call, _ = start(http, adapter=FramedAdapter(), idle_timeout=5.0, clock=lambda: now[0])
    call.response_received(response(call, headers=NDJSON))
    assert texts(call.bytes_received(b"a|")) == ["a"]
    call.resumed()
    now[0] = 6.0
    with pytest.raises(StreamIdleTimeoutError, match="no content for 5 s"):
        call.bytes_received(b"b|")


def test_an_adapter_without_framing_gets_server_sent_events(http: httpx.Client) -> None:
    call, _ = start(http)
    call.response_received(response(call, headers={}))  # no type: read as its framing's
    assert texts(call.bytes_received(sse("hi"))) == ["hi"]


def test_a_framings_own_type_is_refused_where_the_adapter_does_not_read_it(
    http: httpx.Client,
) -> None:
    from chatplex.errors import UnexpectedContentTypeError

    call, _ = start(http)  # server-sent events: an NDJSON body is not its stream
    with pytest.raises(UnexpectedContentTypeError, match="x-ndjson"):
        call.response_received(response(call, headers=NDJSON))


def test_an_html_page_is_still_refused_with_a_framing(http: httpx.Client) -> None:
    from chatplex.errors import UnexpectedContentTypeError

    call, _ = start(http, adapter=FramedAdapter())
    page = response(call, headers={"content-type": "text/html"}, content=b"<html>")
    with pytest.raises(UnexpectedContentTypeError, match="text/html"):
        call.response_received(page)


def test_a_json_error_body_to_a_framed_stream_is_read_whole(http: httpx.Client) -> None:
    call, _ = start(http, adapter=FramedAdapter())
    failed = response(call, 404, json={"error": "model 'x' not found"}, headers=NDJSON)
    assert call.response_received(failed) is READ_WHOLE
    with pytest.raises(APIError):
        read_whole(call)


@pytest.mark.parametrize("wants", [False, True, None], ids=["no-tokens", "tokens", "unsaid"])
def test_a_replys_usage_is_read_only_for_a_permit_that_charges_it(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch, wants: bool | None
) -> None:
    """Reading the usage builds the reply's lazy usage: skipped when the permit says a
    success's usage is not charged (`wants_usage`); a permit that does not say gets it."""
    import chatplex.http._engine as engine

    read: list[object] = []
    monkeypatch.setattr(engine, "used_tokens", lambda message: read.append(message) or 42)
    call, permit = start(http, stream=False)
    if wants is not None:
        permit.wants_usage = wants  # type: ignore[attr-defined]
    call.response_received(response(call, json={"text": "hi"}))
    read_whole(call)
    charged = wants is not False
    assert permit.releases == [{"used_tokens": 42 if charged else None, "status": 200}]
    assert read == ([call.message] if charged else [])


@pytest.mark.parametrize("wants", [False, True], ids=["no-tokens", "tokens"])
def test_a_streams_usage_is_summed_only_for_a_permit_that_charges_it(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch, wants: bool
) -> None:
    import chatplex.http._engine as engine

    summed: list[object] = []
    monkeypatch.setattr(engine, "stream_used_tokens", lambda chunks: summed.append(1) or 7)
    call, permit = start(http)
    permit.wants_usage = wants  # type: ignore[attr-defined]
    call.response_received(response(call))
    list(call.bytes_received(sse("a")))
    list(call.body_ended())
    assert permit.releases == [{"used_tokens": 7 if wants else None, "status": 200}]
    assert summed == ([1] if wants else [])
