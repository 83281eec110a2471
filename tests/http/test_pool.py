from __future__ import annotations

import asyncio
import os
import threading

import httpx
import pytest
from _httpkit import FakeAdapter

import chatplex.http
from chatplex.http import PoolSettings
from chatplex.http import _pool
from chatplex.http import aclose
from chatplex.http import asend
from chatplex.http import astream
from chatplex.http import configure_pool
from chatplex.http import connections_in_use
from chatplex.http import get_async_client
from chatplex.http import get_sync_client
from chatplex.http import pool_settings
from tests._leaks import no_resource_warnings


def live_loops() -> int:
    return sum(1 for loop in list(_pool._async_clients) if not loop.is_closed())


def test_one_sync_client_per_process_even_under_a_thread_race() -> None:
    seen: list[httpx.Client] = []
    barrier = threading.Barrier(8)

    def grab() -> None:
        barrier.wait()
        seen.append(get_sync_client())

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in seen}) == 1
    assert seen[0] is get_sync_client()


def test_close_resets_the_sync_client() -> None:
    first = get_sync_client()
    chatplex.http.close()
    assert first.is_closed
    assert get_sync_client() is not first


def test_default_settings_reach_the_clients() -> None:
    settings = pool_settings()
    assert settings == PoolSettings()
    client = get_sync_client()
    assert client.timeout == httpx.Timeout(connect=5.0, read=600.0, write=600.0, pool=600.0)
    pool = client._transport._pool  # type: ignore[attr-defined]
    assert pool._max_connections == 100 and pool._max_keepalive_connections == 20


async def test_configure_pool_before_use_and_refusal_while_open() -> None:
    new = configure_pool(connect_timeout=1.5, max_connections=7)
    assert new.connect_timeout == 1.5 and pool_settings() is new
    client = get_async_client()
    assert client.timeout.connect == 1.5
    assert client._transport._pool._max_connections == 7  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError, match="before the first request"):
        configure_pool(read_timeout=1.0)
    await aclose()
    assert client.is_closed
    assert configure_pool(PoolSettings(), read_timeout=9.0).read_timeout == 9.0


def test_configure_pool_rejects_unknown_settings() -> None:
    with pytest.raises(TypeError, match="bogus"):
        configure_pool(bogus=1)


def test_ssl_context_is_built_once_and_shared() -> None:
    async def context() -> object:
        return get_async_client()._transport._pool._ssl_context  # type: ignore[attr-defined]

    first, second = asyncio.run(context()), asyncio.run(context())
    assert first is second is get_sync_client()._transport._pool._ssl_context  # type: ignore[attr-defined]


async def test_one_async_client_per_loop() -> None:
    client = get_async_client()
    assert get_async_client() is client

    def in_other_thread() -> httpx.AsyncClient:
        async def main() -> httpx.AsyncClient:
            return get_async_client()

        return asyncio.run(main())

    other = await asyncio.to_thread(in_other_thread)
    assert other is not client
    assert other.is_closed  # closed by its loop's shutdown_asyncgens()
    assert not client.is_closed


def test_get_async_client_needs_a_running_loop() -> None:
    with pytest.raises(RuntimeError):
        get_async_client()


async def test_aclose_closes_this_loops_client_and_the_sync_client() -> None:
    aclient, client = get_async_client(), get_sync_client()
    await aclose()
    assert aclient.is_closed and client.is_closed
    assert get_async_client() is not aclient


def test_repeated_asyncio_run_with_a_module_level_model(local: FakeAdapter) -> None:
    """The classic: a model built once, `asyncio.run(model.ainvoke(...))` called again and
    again. No "Event loop is closed", no leaked connection, every loop's client closed."""
    clients: list[httpx.AsyncClient] = []

    async def once(i: int) -> str:
        message = await asend(local, local.request(f"/json?text=r{i}"))
        clients.append(get_async_client())
        return message.text

    with no_resource_warnings():
        for i in range(50):
            assert asyncio.run(once(i)) == f"r{i}"
    assert len({id(c) for c in clients}) == 50
    assert all(c.is_closed for c in clients)
    assert live_loops() == 0


def test_threads_each_running_their_own_loops(local: FakeAdapter) -> None:
    clients: list[httpx.AsyncClient] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    async def work(tag: str) -> None:
        message = await asend(local, local.request(f"/json?text={tag}"))
        assert message.text == tag
        async with astream(local, local.request("/sse?n=2")) as chunks:
            assert len([c async for c in chunks]) == 2
        with lock:
            clients.append(get_async_client())

    def thread_main(n: int) -> None:
        try:
            for i in range(5):
                asyncio.run(work(f"t{n}-{i}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with no_resource_warnings():
        threads = [threading.Thread(target=thread_main, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors
    assert len(clients) == 40 and all(c.is_closed for c in clients)
    assert live_loops() == 0


def test_runner_reuse_keeps_one_client_per_loop(local: FakeAdapter) -> None:

    async def current() -> httpx.AsyncClient:
        await asend(local, local.request("/json"))
        return get_async_client()

    with no_resource_warnings():
        with asyncio.Runner() as runner:
            first = runner.run(current())
            assert runner.run(current()) is first
            assert not first.is_closed
        assert first.is_closed


def test_loop_closed_without_shutdown_asyncgens_is_forgotten() -> None:
    """Documented limit: such a loop cannot close its client; the next new client forgets
    it. With `await aclose()` before `loop.close()` nothing is left behind at all."""
    loop = asyncio.new_event_loop()

    async def grab() -> httpx.AsyncClient:
        return get_async_client()

    stale = loop.run_until_complete(grab())
    loop.close()
    assert loop in _pool._async_clients

    async def fresh() -> httpx.AsyncClient:
        return get_async_client()

    assert asyncio.run(fresh()) is not stale
    assert loop not in _pool._async_clients

    tidy = asyncio.new_event_loop()

    async def grab_and_close() -> httpx.AsyncClient:
        client = get_async_client()
        await aclose()
        return client

    assert tidy.run_until_complete(grab_and_close()).is_closed
    tidy.close()
    assert tidy not in _pool._async_clients


def test_connections_in_use_without_an_httpcore_pool() -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    assert connections_in_use(client) == 0
    assert connections_in_use(get_sync_client()) == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
# 3.12+ warns about fork() in a process with threads (our local server runs in one).
@pytest.mark.filterwarnings("ignore:.*fork:DeprecationWarning")
def test_a_forked_child_gets_its_own_pool(local: FakeAdapter) -> None:
    parent = get_sync_client()
    chatplex.http.send(local, local.request("/json"))
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        ok = get_sync_client() is not parent
        ok = ok and chatplex.http.send(local, local.request("/json?text=c")).text == "c"
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert get_sync_client() is parent


def test_docstring_examples() -> None:
    import doctest

    from chatplex.http import _pool

    failures, tried = doctest.testmod(_pool)
    assert failures == 0 and tried > 0
