"""Cancellation: a cancelled `ainvoke` / `astream` / `abatch` task, an `aclose()`d stream,
a `break` out of `for chunk in model.stream(...)`, and a task cancelled while waiting to
retry all close the HTTP response at once and give the connection back to the pool --
with no "Task was destroyed but it is pending" and no ResourceWarning (checked by the
`no_orphan_tasks` fixture)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from _faultkit import NEVER
from _faultkit import FaultPlan
from _faultkit import make_model
from _faultkit import own_key
from _faultkit import providers
from _faultkit import until

from chatplex.http import connections_in_use
from chatplex.http import get_async_client
from chatplex.http import get_sync_client
from chatplex.http._ratelimit import get_budget
from chatplex.testing import MockServer
from tests._leaks import frozen_heap
from tests._leaks import no_resource_warnings

# A leak during a test fails it at once (the project's default only shows them, since
# the garbage collector reports them in whichever test runs next; `no_orphan_tasks`
# collects earlier garbage before each test here).
pytestmark = pytest.mark.filterwarnings("error::ResourceWarning")

SLOW = {"x-mock-latency": f"{NEVER:g}"}  # still waiting when we cancel, however slow we are
TRICKLE = {"x-mock-chunk-delay": "0.1"}  # with WORDS, still going when we stop (30 s)
WORDS = " ".join(f"w{i}" for i in range(300))


@pytest.fixture(scope="module", autouse=True)
def _frozen_heap() -> Iterator[None]:
    """`no_orphan_tasks` collects garbage twice a test: over only what this module made,
    not the whole worker's heap (seconds a test on a loaded worker; tests/_leaks.py)."""
    with frozen_heap():
        yield


@pytest.fixture(autouse=True)
def no_orphan_tasks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Nothing left for the garbage collector or the loop to complain about: no asyncio
    error and no ResourceWarning from this test (`no_resource_warnings` judges only the
    test's own leaks)."""
    with caplog.at_level(logging.ERROR, logger="asyncio"), no_resource_warnings():
        yield
    assert not [r for r in caplog.records if r.name == "asyncio"], caplog.text


async def cancel_when(coro: Awaitable[Any], ready: Callable[[], bool], what: str) -> None:
    """Run `coro` as a task, cancel it once `ready()` holds, wait for it to end."""
    task = asyncio.ensure_future(coro)
    await until(ready, what)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def cancel_when_waiting(
    mock: MockServer, send: Callable[[dict[str, str]], Awaitable[Any]], requests: int = 1
) -> None:
    """Run `send(headers)` as a task: its `requests` requests, SLOW, under a key of their
    own; cancel it once the server holds all of them (the client waits for the replies),
    wait for it to end. Not at the first pool slot taken: that cancels a request whose
    connection is still opening, or one just written that the server, on a loaded
    machine, reads only during a later test -- and counts among that test's requests."""
    key = own_key()
    await cancel_when(
        send({**SLOW, "x-request-key": key}),
        lambda: mock.stats.attempts.get(key) == requests,
        "the server never held the requests",
    )


#: The provider's model on the mock server, and the async client it sends through.
Served = tuple[Any, httpx.AsyncClient]


@pytest.fixture
async def served(mock: MockServer, provider: str) -> Served:
    return make_model(mock, provider), get_async_client()


@providers
@pytest.mark.parametrize("config", [None, {"timeout": 30}], ids=["no-deadline", "with-a-deadline"])
async def test_cancelling_ainvoke_frees_the_connection(
    served: Served, mock: MockServer, config: Any
) -> None:
    model, client = served
    await cancel_when_waiting(mock, lambda h: model.ainvoke("hi", config=config, extra_headers=h))
    assert connections_in_use(client) == 0


@providers
async def test_cancelling_a_task_consuming_astream_frees_the_connection(served: Served) -> None:
    model, client = served
    received: list[Any] = []

    async def consume() -> None:
        async for chunk in model.astream(WORDS, extra_headers=TRICKLE):
            received.append(chunk)

    await cancel_when(consume(), lambda: bool(received), "no chunk came")
    assert connections_in_use(client) == 0


@providers
async def test_aclose_after_the_first_chunk_frees_the_connection(served: Served) -> None:
    model, client = served
    stream = model.astream(WORDS, extra_headers=TRICKLE)
    first = await anext(stream)  # type: ignore[call-overload]
    assert first is not None and connections_in_use(client) == 1
    await stream.aclose()  # type: ignore[attr-defined]
    assert connections_in_use(client) == 0


@providers
async def test_breaking_out_of_async_for_frees_the_connection_a_few_turns_later(
    served: Served,
) -> None:
    # `break` cannot await the generator's close; the loop finalizes the dropped generator
    # (asyncgen hooks) on its next turns. `async with`/`aclose()` free it at once (above).
    model, client = served
    async for chunk in model.astream(WORDS, extra_headers=TRICKLE):
        assert chunk is not None
        break
    for _ in range(5):
        await asyncio.sleep(0)
    assert connections_in_use(client) == 0


@providers
async def test_cancelling_abatch_frees_every_connection(served: Served, mock: MockServer) -> None:
    model, client = served
    inputs = [f"q{i}" for i in range(12)]
    await cancel_when_waiting(mock, lambda h: model.abatch(inputs, extra_headers=h), requests=12)
    assert connections_in_use(client) == 0


@providers
async def test_cancelling_while_waiting_to_retry_frees_the_connection_and_the_permit(
    mock: MockServer, plan: FaultPlan, provider: str
) -> None:
    limit = {"requests_per_minute": 6000, "max_in_flight": 4}
    model = make_model(mock, provider, rate_limit=limit, api_key=f"sk-cancel-{provider}")
    budget = get_budget(model.adapter.budget_key(model.model), model.rate_limit)  # type: ignore[union-attr,arg-type]
    client = get_async_client()
    headers = plan.always("status=503;retry_after=30")
    key = headers["x-request-key"]
    task = asyncio.ensure_future(model.ainvoke("hi", extra_headers=headers))
    # Until the first attempt failed and the retry wait began: the server had the request
    # (counted under its own key: `stats.requests` also counts any request an earlier
    # test left on its way) and the permit is back. The driver gives it back and
    # closes the response in one step, before it sleeps: the wait holds no connection.
    await until(
        lambda: mock.stats.attempts.get(key) == 1 and budget.in_flight == 0,
        "no failed first attempt",
    )
    assert connections_in_use(client) == 0
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert connections_in_use(client) == 0 and budget.in_flight == 0
    assert mock.stats.attempts[key] == 1


@providers
async def test_a_users_own_async_client_is_freed_too(mock: MockServer, provider: str) -> None:
    async with httpx.AsyncClient() as own:
        model = make_model(mock, provider, http_async_client=own)
        await cancel_when_waiting(mock, lambda h: model.ainvoke("hi", extra_headers=h))
        assert connections_in_use(own) == 0


@providers
def test_breaking_out_of_a_sync_stream_frees_the_connection(
    mock: MockServer, provider: str
) -> None:
    model = make_model(mock, provider)
    client = get_sync_client()
    for chunk in model.stream(WORDS, extra_headers=TRICKLE):
        assert chunk is not None and connections_in_use(client) == 1
        break
    assert connections_in_use(client) == 0


@providers
def test_closing_a_sync_stream_frees_the_connection(mock: MockServer, provider: str) -> None:
    model = make_model(mock, provider)
    client = get_sync_client()
    stream = model.stream(WORDS, extra_headers=TRICKLE)
    next(stream)
    assert connections_in_use(client) == 1
    stream.close()  # type: ignore[attr-defined]
    assert connections_in_use(client) == 0
