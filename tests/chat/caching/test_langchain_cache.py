"""LangChain's caches (chatplex/chat/caching/langchain_cache.py): LangChain's `set_llm_cache` and
a LangChain cache as `cache=` hold chatplex's replies, langchain_core is never imported
for it, and a LangChain cache that is stuck (a locked file under SQLAlchemy) or fails is
a miss said once, within the call's deadline, on a loop that keeps running."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.caches import BaseCache as LangChainBaseCache
from langchain_core.globals import set_llm_cache as set_langchain_cache

from chatplex import InMemoryCache
from chatplex import set_llm_cache
from chatplex.chat.caching import langchain_cache
from chatplex.testing import MockServer
from tests._calls import ask
from tests._fresh import fresh_python
from tests.chat.caching._cachelog import cache_warnings

from ..conftest import make
from ..conftest import parity

pytestmark = pytest.mark.usefixtures("clean_cache")
DEADLINE = 3.0
MARGIN = 4.0


@parity
async def test_langchains_set_llm_cache_is_honoured(mock: MockServer, sync: bool) -> None:
    """A script that already set LangChain's global cache gets chatplex's replies cached
    in it (`tests/compat` case seed002_llm_cache runs the tutorial's version)."""
    from langchain_core.caches import InMemoryCache as LangChainInMemoryCache
    from langchain_core.globals import set_llm_cache as set_langchain_cache

    model = make(mock)
    store = LangChainInMemoryCache()
    set_langchain_cache(store)
    try:
        first = await ask(model, sync, "lc")
        second = await ask(model, sync, "lc")
        assert mock.stats.requests == 1 and second.response_metadata["cached"] is True
        assert second.id == first.id and second.text == first.text
        assert len(store._cache) == 1  # one entry, under chatplex's key
        set_llm_cache(InMemoryCache())  # chatplex's own global wins over LangChain's
        await ask(model, sync, "lc")
        assert mock.stats.requests == 2
    finally:
        set_langchain_cache(None)
        set_llm_cache(None)
    await ask(model, sync, "lc")  # neither set: sent again
    assert mock.stats.requests == 3


def test_a_langchain_cache_as_a_models_cache_setting(mock: MockServer) -> None:
    from langchain_core.caches import InMemoryCache as LangChainInMemoryCache

    from chatplex.providers.openai.dropin import build  # (ChatOpenAI's plain model)

    store = LangChainInMemoryCache()
    model = build(
        {
            "model": "gpt-4o-mini",
            "base_url": mock.openai_base_url,
            "api_key": "sk-lc",
            "cache": store,
        }
    )
    model.invoke("x")
    assert model.invoke("x").response_metadata["cached"] is True
    assert mock.stats.requests == 1
    assert model.invoke("x", cache=False).response_metadata.get("cached") is None
    assert mock.stats.requests == 2
    with pytest.raises(TypeError, match="LangChain cache"):
        make(mock, cache=object())


def test_chatplex_never_imports_langchain_for_its_cache(mock: MockServer) -> None:
    code = (
        "import sys, chatplex\n"
        "m = chatplex.init_chat_model('openai:gpt-4o-mini',"
        f" base_url={mock.openai_base_url!r},"
        " api_key='sk-x')\n"
        "m.invoke('hi')\n"
        "print('langchain_core' in sys.modules)\n"
    )
    out = fresh_python(code)
    assert out.stdout.strip() == "False"


class StuckCache(LangChainBaseCache):
    """A LangChain cache whose every method hangs until released (as SQLAlchemy's SQLite
    cache does on a locked file), or raises `error` when given one."""

    def __init__(self, error: Exception | None = None) -> None:
        self.release = threading.Event()
        self.error = error
        self.asked = 0

    def lookup(self, prompt: str, llm_string: str) -> Any:
        self.asked += 1
        if self.error is not None:
            raise self.error
        self.release.wait(30)
        return None

    def update(self, prompt: str, llm_string: str, return_val: Any) -> None:
        self.lookup(prompt, llm_string)

    def clear(self, **kwargs: Any) -> None:
        pass


@pytest.fixture
def global_langchain_cache() -> Iterator[list[Any]]:
    installed: list[Any] = []
    yield installed
    for cache in installed:
        if isinstance(cache, StuckCache):
            cache.release.set()
    set_langchain_cache(None)


@parity
async def test_a_stuck_langchain_global_cache_is_a_miss_within_the_deadline(
    mock: MockServer,
    sync: bool,
    global_langchain_cache: list[Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    stuck = StuckCache()
    global_langchain_cache.append(stuck)
    set_langchain_cache(stuck)
    caplog.set_level(logging.WARNING, logger="chatplex.cache")
    model = make(mock)
    gaps: list[float] = []
    done = asyncio.Event()

    async def tick() -> None:
        last = time.monotonic()
        while not done.is_set():
            await asyncio.sleep(0.02)
            gaps.append(time.monotonic() - last)
            last = time.monotonic()

    ticker = asyncio.create_task(tick())
    slowest = 0.0
    try:
        for i in range(20):
            started = time.monotonic()
            text, config = f"q{i}", {"timeout": DEADLINE}
            if sync:
                reply = await asyncio.to_thread(model.invoke, text, config)
            else:
                reply = await model.ainvoke(text, config)
            slowest = max(slowest, time.monotonic() - started)
            assert reply.text == f"Echo: q{i}" and "cached" not in reply.response_metadata
    finally:
        done.set()
        await ticker
        stuck.release.set()  # the threads still asking it end
    assert slowest < DEADLINE + MARGIN
    assert mock.stats.requests == 20
    assert max(gaps) < 1.5
    assert stuck.asked == 1  # asked once; not again while it stays quiet
    (warning,) = cache_warnings(caplog)
    assert "TimeoutError" in warning and "LangChainCache" in warning


@parity
async def test_a_failing_langchain_cache_is_a_miss_said_once(
    mock: MockServer, sync: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLAlchemy's SQLite cache on a locked file raises once its own timeout is over."""
    failing = StuckCache(sqlite3.OperationalError("database is locked"))
    model = make(mock, cache=failing)
    caplog.set_level(logging.WARNING, logger="chatplex.cache")
    for i in range(20):
        reply = await ask(model, sync, f"q{i % 3}")
        assert "cached" not in reply.response_metadata
    assert mock.stats.requests == 20
    assert failing.asked == 40  # a lookup and a store each time: no wait to cut short
    (warning,) = cache_warnings(caplog)
    assert "is locked" in warning


def test_a_quiet_langchain_cache_is_asked_again_later(
    mock: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(langchain_cache, "FOREIGN_WAIT", 0.05)
    monkeypatch.setattr(langchain_cache, "QUIET_AFTER_TIMEOUT", 0.2)
    stuck = StuckCache()
    try:
        wrapper = langchain_cache.wrap(stuck)
        with pytest.raises(TimeoutError):
            wrapper.lookup_within("k", time.monotonic() + DEADLINE)
        with pytest.raises(TimeoutError, match="not asked"):
            wrapper.lookup_within("k", None)  # quiet: not even without a deadline
        assert stuck.asked == 1
        time.sleep(0.3)
        stuck.release.set()  # it answers again
        assert wrapper.lookup_within("k", time.monotonic() + DEADLINE) is None
        assert stuck.asked == 2
    finally:
        stuck.release.set()


async def test_a_langchain_cache_answers_async_calls_through_its_async_methods() -> None:
    class AsyncFirst(LangChainBaseCache):
        def __init__(self) -> None:
            self.data: dict[tuple[str, str], Any] = {}
            self.sync_calls = 0

        def lookup(self, prompt: str, llm_string: str) -> Any:
            self.sync_calls += 1
            return self.data.get((prompt, llm_string))

        def update(self, prompt: str, llm_string: str, return_val: Any) -> None:
            self.sync_calls += 1
            self.data[(prompt, llm_string)] = return_val

        async def alookup(self, prompt: str, llm_string: str) -> Any:
            return self.data.get((prompt, llm_string))

        async def aupdate(self, prompt: str, llm_string: str, return_val: Any) -> None:
            self.data[(prompt, llm_string)] = return_val

        def clear(self, **kwargs: Any) -> None:
            self.data.clear()

    store = AsyncFirst()
    wrapper = langchain_cache.wrap(store)
    await wrapper.aupdate_within("k", "v", None)
    assert await wrapper.alookup_within("k", time.monotonic() + DEADLINE) == "v"
    assert store.sync_calls == 0  # its own alookup / aupdate, not the sync methods
    assert wrapper.lookup_within("k", time.monotonic() + DEADLINE) == "v"  # helper thread
    assert store.sync_calls == 1


async def test_langchains_in_memory_cache_is_asked_on_the_callers_thread() -> None:
    """It answers at once: no helper thread, no timer, even for calls with a deadline."""
    from langchain_core.caches import InMemoryCache as LangChainInMemoryCache

    store = LangChainInMemoryCache()
    threads: list[int] = []
    lookup = store.lookup

    def recording_lookup(prompt: str, llm_string: str) -> Any:
        threads.append(threading.get_ident())
        return lookup(prompt, llm_string)

    store.lookup = recording_lookup  # type: ignore[method-assign]
    wrapper = langchain_cache.wrap(store)
    wrapper.update_within("k", "v", time.monotonic() + DEADLINE)
    assert wrapper.lookup_within("k", time.monotonic() + DEADLINE) == "v"
    assert await wrapper.alookup_within("k", time.monotonic() + DEADLINE) == "v"
    assert threads == [threading.get_ident()] * 2
