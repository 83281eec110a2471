"""The two thin shells around the attempt engine (`_engine.Call`): all of a call's I/O.

Each runs the call's attempts: wait for a permit (with a budget), send, read the body --
whole, or read by read, handing each to the engine and yielding the chunks it returns
(a gzip or deflate body decoded in bounded pieces: `_decoding`) --
and on any failure let the engine decide: it raises, or says how long to sleep before the
next attempt. The response is closed on every way out of an attempt (`close_response`);
the engine releases the permit. A non-stream call yields nothing: its reply is
`call.message`.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import AsyncGenerator
from collections.abc import Generator
from typing import TYPE_CHECKING

from ._clamp import active
from ._decoding import abody_reads
from ._decoding import body_reads
from ._direct import direct_transport
from ._direct import send_direct
from ._direct import send_lean_sync
from ._direct import sync_lean_pool
from ._engine import READ_WHOLE
from ._pool import get_async_client
from ._pool import get_sync_client
from ._watch import Watch

if TYPE_CHECKING:
    import httpx

    from ..messages import AIMessageChunk
    from ._engine import Call

__all__ = ["adrive", "close_response", "drive"]

#: Whether this thread is inside a garbage collection (`gc.callbacks`).
_collecting = threading.local()


def _watch_collections(phase: str, info: dict[str, int]) -> None:
    _collecting.now = phase == "start"


gc.callbacks.append(_watch_collections)


#: The reads of the streams being read. Held here, they stay out of the garbage a
#: collection finalizes when a stream is abandoned in a reference cycle (finalized there,
#: httpcore's iterator closes its stream inline); `close_response` closes and drops them.
_READING: set[Generator[bytes, None, None]] = set()


def close_response(
    response: httpx.Response, reads: Generator[bytes, None, None] | None = None
) -> None:
    """`response.close()` (its stream's `reads` closed first), on a thread of its own
    where a garbage collection finalizes an abandoned stream (LangChain leaves one
    unclosed when a parallel branch fails): the collection may run inside httpcore's
    connection-pool lock on this thread (a request allocating), which that close takes
    too, and would wait for itself. Inline while the interpreter shuts down: no thread
    starts then (`Thread.start` would wait for ever on the exit's last collection), and no
    request holds the lock."""
    if getattr(_collecting, "now", False) and not sys.is_finalizing():
        threading.Thread(
            target=_close, args=(response, reads), name="chatplex-close", daemon=True
        ).start()
    else:
        _close(response, reads)


def _close(response: httpx.Response, reads: Generator[bytes, None, None] | None) -> None:
    if reads is not None:
        reads.close()  # (which closes the stream)
        _READING.discard(reads)
    response.close()


def drive(call: Call, client: httpx.Client | None) -> Generator[AIMessageChunk, None, None]:
    """`call` on `client` (None: the shared one), blocking the thread for every wait; the
    shared client's sockets end each wait at `call.until()` (`_clamp`). Its non-stream
    requests go on its lean connections when they can (`_direct.sync_lean_pool`)."""
    owned = client is None
    http = client if client is not None else get_sync_client()
    req, budget = call.prepare(http), call.budget
    while True:
        call.begin()
        if budget is not None:
            call.permit_acquired(budget.acquire(call.tokens, deadline=call.deadline))
        response = reads = None
        active.call = call
        try:
            lean = sync_lean_pool(http, req) if owned and not call.stream else None
            if lean is not None:
                response = send_lean_sync(http, lean, req)
            else:
                response = http.send(req, stream=True)
            if call.response_received(response) is READ_WHOLE:
                part = call.body_part
                for raw in body_reads(response):
                    part(raw)
                yield from call.body_read()
            else:
                feed = call.bytes_received
                reads = body_reads(response)
                _READING.add(reads)
                for raw in reads:
                    chunks = feed(raw)
                    if chunks:
                        yield from chunks
                        active.call = call  # the consumer may have made calls meanwhile
                        call.resumed()
                yield from call.body_ended()
            return
        except BaseException as exc:  # GeneratorExit too: the consumer stopped
            raw = b""  # the reply's bytes leave no trace in this frame's locals
            retry, delay = call.failed(exc)  # raises unless another attempt is due
        finally:
            active.call = None
            if response is not None:
                close_response(response, reads)
        retry.sleep(delay)


async def adrive(
    call: Call, client: httpx.AsyncClient | None
) -> AsyncGenerator[AIMessageChunk, None]:
    """`call` on `client` (None: the running loop's shared one); every wait for the
    server is cut off at `call.until()` by one timer per attempt (`_watch`). The shared
    client's requests take the direct path to aiohttp when they can (`_direct`)."""
    owned = client is None
    http = client if client is not None else get_async_client()
    req, budget = call.prepare(http), call.budget
    watch = Watch(call)
    while True:
        call.begin()
        if budget is not None:
            call.permit_acquired(await budget.aacquire(call.tokens, deadline=call.deadline))
        response = None
        try:
            watch.enter()
            direct = direct_transport(http, req) if owned else None
            if direct is not None:
                response = await send_direct(http, direct, req, whole=not call.stream)
            else:
                response = await http.send(req, stream=True)
            if call.response_received(response) is READ_WHOLE:
                part = call.body_part
                async for raw in abody_reads(response):
                    part(raw)
                chunks = call.body_read()
            else:
                feed = call.bytes_received
                async for raw in abody_reads(response):
                    chunks = feed(raw)
                    if chunks:
                        watch.leave()  # the consumer's time is not the server's
                        for chunk in chunks:
                            yield chunk
                        call.resumed()
                        watch.enter()
                chunks = call.body_ended()
            watch.leave()
            for chunk in chunks:
                yield chunk
            return
        except BaseException as exc:  # GeneratorExit, CancelledError too
            raw = b""  # the reply's bytes leave no trace in this frame's locals
            retry, delay = call.failed(watch.translate(exc))  # raises unless retrying
        finally:
            watch.stop()
            if response is not None:
                await response.aclose()
        await retry.asleep(delay)
