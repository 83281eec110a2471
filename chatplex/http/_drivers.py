"""The two thin shells around the attempt engine (`_engine.Call`): all of a call's I/O.

Each runs the call's attempts: wait for a permit (with a budget), send, read the body --
whole, or read by read, handing each to the engine and yielding the chunks it returns --
and on any failure let the engine decide: it raises, or says how long to sleep before the
next attempt. The response is closed on every way out of an attempt; the engine releases
the permit. A non-stream call yields nothing: its reply is `call.message`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Generator
from typing import TYPE_CHECKING

from ._engine import READ_WHOLE
from ._pool import get_async_client, get_sync_client
from ._request import within

if TYPE_CHECKING:
    import httpx

    from ..messages import AIMessageChunk
    from ._engine import Call

__all__ = ["adrive", "drive"]


def drive(call: Call, client: httpx.Client | None) -> Generator[AIMessageChunk, None, None]:
    """`call` on `client` (None: the shared one), blocking the thread for every wait."""
    http = client if client is not None else get_sync_client()
    req, budget = call.prepare(http), call.budget
    while True:
        call.begin()
        if budget is not None:
            call.permit_acquired(budget.acquire(call.tokens, deadline=call.deadline))
        response = None
        try:
            response = http.send(req, stream=True)
            if call.response_received(response) is READ_WHOLE:
                response.read()
                yield from call.body_read()
            else:
                feed = call.bytes_received
                for raw in response.iter_bytes():
                    yield from feed(raw)
                yield from call.body_ended()
            return
        except BaseException as exc:  # GeneratorExit too: the consumer stopped
            retry, delay = call.failed(exc)  # raises unless another attempt is due
        finally:
            if response is not None:
                response.close()
        retry.sleep(delay)


async def adrive(
    call: Call, client: httpx.AsyncClient | None
) -> AsyncGenerator[AIMessageChunk, None]:
    """`call` on `client` (None: the running loop's shared one); with a deadline, every
    wait for the server is cut off at it (`within`)."""
    http = client if client is not None else get_async_client()
    req, budget, deadline = call.prepare(http), call.budget, call.deadline
    while True:
        call.begin()
        if budget is not None:
            call.permit_acquired(await budget.aacquire(call.tokens, deadline=deadline))
        response = None
        try:
            if deadline is None:
                response = await http.send(req, stream=True)
            else:
                response = await within(lambda: http.send(req, stream=True), deadline)
            if call.response_received(response) is READ_WHOLE:
                await (response.aread() if deadline is None else within(response.aread, deadline))
                chunks = call.body_read()
            else:
                feed = call.bytes_received
                source = response.aiter_bytes()
                async for raw in source if deadline is None else _until(source, deadline):
                    for chunk in feed(raw):
                        yield chunk
                chunks = call.body_ended()
            for chunk in chunks:
                yield chunk
            return
        except BaseException as exc:  # GeneratorExit, CancelledError too
            retry, delay = call.failed(exc)  # raises unless another attempt is due
        finally:
            if response is not None:
                await response.aclose()
        await retry.asleep(delay)


async def _until(source: AsyncIterator[bytes], deadline: float) -> AsyncGenerator[bytes, None]:
    """`source`, with each wait for bytes cut off at the deadline (only used with one)."""
    step = source.__anext__
    while True:
        try:
            raw = await within(step, deadline)
        except StopAsyncIteration:
            return
        yield raw
