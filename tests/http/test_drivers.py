"""The two drivers (`_drivers.drive` / `adrive`) over `httpx.MockTransport`: each main
path run sync and async alike, the response closed and the permit released on every way
out. Sleeps are recorded, never waited."""

from __future__ import annotations

import asyncio
import functools
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from _httpkit import Body
from _httpkit import FakeAdapter
from _httpkit import Handler
from _httpkit import answers
from _httpkit import mock_clients
from _httpkit import sse

from chatplex.errors import APIConnectionError
from chatplex.errors import DeadlineExceededError
from chatplex.errors import ServerError
from chatplex.errors import StreamError
from chatplex.http import RetryPolicy
from chatplex.http import retry_policy
from chatplex.http._drivers import adrive
from chatplex.http._drivers import drive
from chatplex.http._engine import PIECE
from chatplex.http._engine import Call
from chatplex.messages import AIMessageChunk

parity = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])

SSE = {"content-type": "text/event-stream", "x-request-id": "req-d"}


class Recorder:
    """A budget, its permits and the policy's sleeps, all writing to one log."""

    def __init__(self) -> None:
        self.log: list[tuple[Any, ...]] = []

    def acquire(self, tokens: int, *, deadline: float | None = None) -> Recorder:
        self.log.append(("acquire", deadline))
        return self

    async def aacquire(self, tokens: int, *, deadline: float | None = None) -> Recorder:
        return self.acquire(tokens, deadline=deadline)

    def release(self, **kw: Any) -> None:
        kw.pop("headers", None)  # tests/http/test_engine.py checks what is handed over
        self.log.append(("release", kw))

    def sleep(self, seconds: float) -> None:
        self.log.append(("sleep", seconds))

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def policy(self, max_retries: int = 2) -> RetryPolicy:
        return retry_policy(max_retries, sleep=self.sleep, asleep=self.asleep, random=lambda: 0.0)


def events(body: Body) -> httpx.Response:
    return httpx.Response(200, headers=SSE, stream=body)


async def run(sync: bool, call: Call, handler: Handler) -> list[AIMessageChunk]:
    """Every chunk the driver yields, sync or async, on mock clients."""
    client, aclient = mock_clients(handler)
    if sync:
        with client:
            return list(drive(call, client))
    async with aclient:
        return [chunk async for chunk in adrive(call, aclient)]


def new_call(stream: bool, rec: Recorder | None = None, **kw: Any) -> Call:
    adapter = FakeAdapter()
    if rec is not None:
        kw.update(retry=rec.policy(), budget=rec)
    return Call(adapter, adapter.request(), stream=stream, **kw)


@parity
async def test_a_non_stream_call_yields_nothing_and_keeps_the_message(sync: bool) -> None:
    rec = Recorder()
    call = new_call(False, rec)
    _, handler = answers(httpx.Response(200, json={"text": "hi"}))
    assert await run(sync, call, handler) == []
    assert call.message.text == "hi" and call.message.response_metadata["attempts"] == 1
    assert rec.log == [("acquire", None), ("release", {"used_tokens": None, "status": 200})]


@parity
async def test_a_stream_yields_its_chunks_and_closes_the_response(sync: bool) -> None:
    body = Body([sse("a", "b", done=False), sse("c")])
    call = new_call(True)
    chunks = await run(sync, call, answers(events(body))[1])
    assert [c.text for c in chunks] == ["a", "b", "c"] and body.closed
    assert chunks[0].response_metadata == {"request_id": "req-d", "attempts": 1}


@parity
@pytest.mark.parametrize("stream", [False, True], ids=["send", "stream"])
async def test_a_failed_attempt_is_closed_released_slept_and_retried(
    sync: bool, stream: bool
) -> None:
    rec = Recorder()
    busy = Body([b'{"error": "busy"}'])
    ok = events(Body([sse("ok")])) if stream else httpx.Response(200, json={"text": "ok"})
    seen, handler = answers(httpx.Response(503, stream=busy), ok)
    call = new_call(stream, rec)
    chunks = await run(sync, call, handler)
    assert len(seen) == 2 and busy.closed
    assert rec.log == [
        ("acquire", None),
        ("release", {"status": 503, "retry_after": None}),
        ("sleep", 0.5),
        ("acquire", None),
        ("release", {"used_tokens": None, "status": 200}),
    ]
    reply = chunks[0] if stream else call.message
    assert reply.text == "ok" and reply.response_metadata["attempts"] == 2


@parity
async def test_the_last_error_is_raised_after_every_attempt(sync: bool) -> None:
    rec = Recorder()
    seen, handler = answers(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as info:
        await run(sync, new_call(False, rec), handler)
    assert info.value.attempts == 3 and len(seen) == 3
    assert [entry[0] for entry in rec.log].count("sleep") == 2


@parity
async def test_a_stream_broken_after_content_raises_with_the_partial(sync: bool) -> None:
    rec = Recorder()
    body = Body([sse("par", "tial", done=False)], error=httpx.ReadError("reset"))
    seen, handler = answers(events(body))
    with pytest.raises(StreamError) as info:
        await run(sync, new_call(True, rec), handler)
    err = info.value
    assert err.partial is not None and err.partial.text == "partial" and err.attempts == 1
    assert len(seen) == 1 and body.closed and "sleep" not in [e[0] for e in rec.log]


@parity
async def test_a_consumer_stop_closes_the_response_and_releases_the_permit(sync: bool) -> None:
    rec = Recorder()
    body = Body([sse("a", done=False), sse("b", done=False), sse("c")])
    client, aclient = mock_clients(answers(events(body))[1])
    call = new_call(True, rec)
    if sync:
        with client:
            chunks = drive(call, client)
            assert next(chunks).text == "a"
            chunks.close()
    else:
        async with aclient:
            achunks = adrive(call, aclient)
            assert (await achunks.__anext__()).text == "a"
            await achunks.aclose()
    assert body.closed
    assert rec.log == [("acquire", None), ("release", {"used_tokens": None, "status": 200})]


async def test_cancelling_the_async_driver_closes_and_releases() -> None:
    rec = Recorder()
    arrived = asyncio.Event()

    class Endless(Body):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield sse("a", done=False)
            arrived.set()
            await asyncio.Event().wait()  # the server goes quiet
            yield b""  # pragma: no cover

    body = Endless([])
    _, aclient = mock_clients(answers(events(body))[1])

    async def consume() -> None:
        async for _chunk in adrive(new_call(True, rec), aclient):
            pass

    async with aclient:
        task = asyncio.create_task(consume())
        await arrived.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert body.closed
    assert rec.log == [("acquire", None), ("release", {"used_tokens": None, "status": 200})]


@parity
async def test_a_json_reply_to_a_stream_request_is_one_chunk(sync: bool) -> None:
    _, handler = answers(httpx.Response(200, json={"text": "all at once"}))
    chunks = await run(sync, new_call(True), handler)
    assert [c.text for c in chunks] == ["all at once"]


@parity
async def test_a_passed_deadline_sends_nothing(sync: bool) -> None:
    seen, handler = answers(httpx.Response(200, json={"text": "never"}))
    with pytest.raises(DeadlineExceededError):
        await run(sync, new_call(False, deadline=time.monotonic() - 1), handler)
    assert seen == []


@parity
async def test_a_retry_with_no_time_left_fails_without_sleeping(sync: bool) -> None:
    rec = Recorder()
    busy = httpx.Response(503, json={"error": "later"}, headers={"retry-after": "30"})
    seen, handler = answers(busy)
    call = new_call(False, rec, deadline=time.monotonic() + 10)
    with pytest.raises(DeadlineExceededError) as info:
        await run(sync, call, handler)
    assert isinstance(info.value.__cause__, ServerError) and len(seen) == 1
    assert "sleep" not in [e[0] for e in rec.log]


@parity
async def test_an_html_page_for_a_stream_is_a_clear_error_not_retried(sync: bool) -> None:
    from chatplex.errors import UnexpectedContentTypeError

    rec = Recorder()
    page = Body([b"<html><body>Sign in</body></html>"])
    seen, handler = answers(httpx.Response(200, headers={"content-type": "text/html"}, stream=page))
    call = new_call(True, rec)
    with pytest.raises(UnexpectedContentTypeError, match="text/html") as caught:
        await run(sync, call, handler)
    assert len(seen) == 1 and page.closed  # one attempt, and the connection is released
    assert caught.value.retryable is False
    assert [entry[0] for entry in rec.log] == ["acquire", "release"]


# ---- a gzip bomb: decoded bytes are counted, and the clock read, piece by piece --------


def bomb(event: bytes, decoded: int) -> list[bytes]:
    """A gzip body that decodes to `decoded` bytes of `event`s, cut in 64 KiB network
    reads: each read expands about a thousandfold."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = event * (1024 * 1024 // len(event))
    body = b"".join(packer.compress(block) for _ in range(decoded // len(block)))
    body += packer.flush()
    return [body[i : i + 65536] for i in range(0, len(body), 65536)]


BOMB_EVENT = sse("a", done=False)


@functools.cache
def the_bomb() -> list[bytes]:
    """64 MiB decoded, from about 100 KiB on the wire: made by the first test that sends
    it (~1 s of CPU), not by each worker that imports this module."""
    return bomb(BOMB_EVENT, 64 * 1024 * 1024)


def bombed(stream: bool) -> httpx.Response:
    headers = {**SSE} if stream else {"content-type": "application/json"}
    headers["content-encoding"] = "gzip"
    return httpx.Response(200, headers=headers, stream=Body(the_bomb()))


@parity
@pytest.mark.parametrize("stream", [False, True], ids=["send", "stream"])
async def test_a_gzip_bomb_is_refused_one_piece_past_max_response_bytes(
    sync: bool, stream: bool
) -> None:
    """The decoded bytes count, as they are decoded: the reply is refused one piece past
    the bound, and what was held at the peak is that, not a read's thousandfold."""
    from chatplex.errors import ResponseTooLargeError

    bound = 1024 * 1024
    call = new_call(stream, max_response_bytes=bound)
    # Memory is traced for a reply only: a stream's parsed events are the next test's,
    # and tracing its ~100k small allocations cost ~2 s of CPU for a peak left unread.
    if not stream:
        tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError, match=f"max_response_bytes={bound}"):
            await run(sync, call, answers(bombed(stream))[1])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert bound < call.nbytes <= bound + PIECE
    if not stream:
        assert peak < 4 * bound  # the bound's bytes and one piece; not a read's 64 MiB


@parity
@pytest.mark.parametrize("stream", [False, True], ids=["send", "stream"])
async def test_a_gzip_bomb_ends_at_the_deadline_between_decoded_pieces(
    sync: bool, stream: bool
) -> None:
    """With no size bound to stop it, the deadline does: the clock is read between
    decoded pieces (a virtual clock, one second a reading), not once a network read."""
    deadline = time.monotonic() + 60
    now = [deadline - 30]

    def clock() -> float:
        now[0] += 1
        return now[0]

    unbounded = {"timeout": 3600, "max_response_bytes": 1 << 40}  # only the deadline ends it
    call = new_call(stream, deadline=deadline, clock=clock, **unbounded)
    with pytest.raises(DeadlineExceededError):
        await run(sync, call, answers(bombed(stream))[1])
    # About 30 readings (some calls read the clock twice a piece): 30 pieces at most,
    # never the 1024 pieces of the bomb, and never the first read's 64 MiB in one go.
    assert 0 < call.nbytes <= 30 * PIECE


class _PoolLockedResponse:
    """A response whose close takes a lock, as httpcore's takes its pool's: whether it
    got it (within a bound: never a hang)."""

    def __init__(self, lock: Any) -> None:
        self.lock, self.closed = lock, []

    def close(self) -> None:
        got = self.lock.acquire(timeout=2)
        self.closed.append(got)
        if got:
            self.lock.release()


def test_a_response_closed_inside_a_collection_waits_on_no_lock_this_thread_holds() -> None:
    import gc
    import threading

    from chatplex.http._drivers import close_response

    lock = threading.Lock()
    response = _PoolLockedResponse(lock)

    class Abandoned:  # (a stream left unclosed, in a cycle: freed by a collection)
        def __init__(self) -> None:
            self.me = self

        def __del__(self) -> None:
            close_response(response)  # type: ignore[arg-type]

    with lock:  # (the pool's lock, held while a request allocates and a collection runs)
        Abandoned()
        gc.collect()
        assert response.closed == []  # not closed inline: it would wait on this thread
    deadline = time.monotonic() + 5
    while not response.closed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert response.closed == [True]  # closed once the lock was let go


def test_a_response_closed_outside_a_collection_is_closed_at_once() -> None:
    import threading

    from chatplex.http._drivers import close_response

    response = _PoolLockedResponse(threading.Lock())
    close_response(response)  # type: ignore[arg-type]
    assert response.closed == [True]


class _PoolLockedBody(httpx.SyncByteStream):
    """A stream's body as httpcore's pool hands it: its iterator, finalized, closes it,
    and the close takes the pool's lock (`_PoolLockedResponse`)."""

    def __init__(self, lock: Any, parts: list[bytes]) -> None:
        self.parts, self.pool, self.open = parts, _PoolLockedResponse(lock), True

    def __iter__(self) -> Any:
        try:
            yield from self.parts
        finally:
            self.close()

    def close(self) -> None:  # (once, as httpcore's)
        if self.open:
            self.open = False
            self.pool.close()


def test_a_stream_abandoned_mid_way_and_collected_waits_on_no_lock_this_thread_holds() -> None:
    """LangChain leaves a stream unread when a parallel branch fails; a collection that
    frees it may run inside the next request on this thread, holding the pool's lock: the
    abandoned stream's body is closed on a thread of its own, not there (it would wait on
    this thread for ever)."""
    import gc
    import threading

    lock = threading.Lock()
    body = _PoolLockedBody(lock, [sse("a", done=False), sse("b")])
    client = httpx.Client(transport=httpx.MockTransport(answers(events(body))[1]))  # type: ignore[arg-type]

    class Abandoned:  # (the stream's consumer, left in a cycle: freed by a collection)
        def __init__(self) -> None:
            self.me, self.pieces = self, drive(new_call(True), client)
            next(self.pieces)

    gc.disable()  # (no collection before the lock is held)
    try:
        Abandoned()
        with lock:  # (the pool's lock, held while a request allocates and a collection runs)
            gc.collect()
            assert body.pool.closed == []  # not closed inline: it would wait on this thread
    finally:
        gc.enable()
    deadline = time.monotonic() + 5
    while not body.pool.closed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert body.pool.closed == [True]  # closed once the lock was let go
    client.close()


def test_a_response_freed_by_the_collection_at_exit_is_closed_and_the_process_ends() -> None:
    """A stream left unclosed until the interpreter's last collection (a script's
    `stream()` abandoned in a cycle) is closed inline: a thread started then never runs,
    and `Thread.start` would wait for it for ever (the process hung at exit)."""
    import subprocess
    import sys

    code = (
        "import os\n"
        "from chatplex.http._drivers import close_response\n"
        "class Response:\n"
        "    def close(self):\n"
        "        os.write(1, b'closed')\n"
        "class Abandoned:\n"
        "    def __init__(self):\n"
        "        self.me = self\n"
        "    def __del__(self):\n"
        "        close_response(Response())\n"
        "Abandoned()\n"
    )
    root = str(Path(__file__).resolve().parents[2])  # (this checkout's chatplex)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=root
    )
    assert (out.returncode, out.stdout) == (0, "closed"), out.stderr
