"""LangChain's reply caches, met by protocol: chatplex's replies stored in the cache a
script set with LangChain's `set_llm_cache`, or passed as a model's `cache=`.

Each entry is one `Generation` whose `text` is chatplex's stored reply (`entries.py`),
filed under the chatplex key and `LANGCHAIN_LLM_STRING`. chatplex never imports
langchain_core for it: the cache is found, and `Generation` taken, where the user's
LangChain already loaded them. A call waits for such a cache at most `FOREIGN_WAIT` s and
never past its deadline: async calls await its `alookup` / `aupdate` (LangChain runs a
sync cache in a thread there, so a locked file blocks no loop), sync calls with a
deadline ask it from a helper thread. A cache that fails or is too slow is a miss
(`chat/caching/faults.py`).
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

from .base import BaseCache

__all__ = [
    "FOREIGN_WAIT",
    "QUIET_AFTER_TIMEOUT",
    "LANGCHAIN_LLM_STRING",
    "LangChainCache",
    "is_langchain_cache",
    "langchain_default",
    "wrap",
]

#: What chatplex's entries are filed under in a LangChain cache (its `llm_string`): the
#: key (`prompt`) already covers provider, URL and body.
LANGCHAIN_LLM_STRING = "chatplex/v1"


#: The longest a call waits for a LangChain cache's answer (s), within its deadline.
FOREIGN_WAIT = 1.0
#: After an answer that did not come in time, calls do not ask the cache for this long
#: (s): misses at once, instead of each waiting for a cache that is stuck.
QUIET_AFTER_TIMEOUT = 10.0
#: LangChain caches that answer at once (a dict): asked on the caller's thread.
_ANSWER_AT_ONCE = frozenset({("langchain_core.caches", "InMemoryCache")})


class LangChainCache(BaseCache):
    """A LangChain cache (`langchain_core.caches.BaseCache`: `lookup(prompt, llm_string)`
    / `update(prompt, llm_string, generations)`) holding chatplex's replies: each entry is
    one `Generation` whose `text` is the stored reply, under (`cache_key`,
    LANGCHAIN_LLM_STRING). Made by chatplex when LangChain's `set_llm_cache` holds one, or
    a LangChain cache is passed as `cache=`; chatplex never imports langchain_core for
    it (the `Generation` class is found where the user's LangChain already loaded it).

    As LangChain's own models do, async calls use the cache's `alookup` / `aupdate` (by
    default LangChain runs `lookup` / `update` in a thread: a locked file blocks no
    loop). A call waits for an answer up to `FOREIGN_WAIT` s, never past its deadline; a
    sync call with a deadline asks from a helper thread so it can stop waiting. After a
    wait in vain the cache is not asked for `QUIET_AFTER_TIMEOUT` s."""

    def __init__(self, cache: Any) -> None:
        self.cache = cache
        self._quiet_until = 0.0  # monotonic: until then, not asked (it did not answer)
        # LangChain's own in-memory cache answers at once: asked directly, no thread.
        kind = type(cache)
        self._instant = (kind.__module__, kind.__qualname__) in _ANSWER_AT_ONCE

    def lookup(self, key: str) -> str | None:
        return _generation_text(self.cache.lookup(key, LANGCHAIN_LLM_STRING))

    def update(self, key: str, value: str) -> None:
        self.cache.update(key, LANGCHAIN_LLM_STRING, _generations(self.cache, value))

    def lookup_within(self, key: str, deadline: float | None) -> str | None:
        if self._instant or (deadline is None and not self._quiet_until):
            return self.lookup(key)
        found = self._within(deadline, self.cache.lookup, key, LANGCHAIN_LLM_STRING)
        return _generation_text(found)

    def update_within(self, key: str, value: str, deadline: float | None) -> None:
        if self._instant or (deadline is None and not self._quiet_until):
            self.update(key, value)
            return
        generations = _generations(self.cache, value)
        self._within(deadline, self.cache.update, key, LANGCHAIN_LLM_STRING, generations)

    async def alookup_within(self, key: str, deadline: float | None) -> str | None:
        alookup = getattr(self.cache, "alookup", None)
        if alookup is None or self._instant:  # sync methods only, or no wait possible
            return self.lookup(key)
        found = await self._awithin(deadline, alookup, key, LANGCHAIN_LLM_STRING)
        return _generation_text(found)

    async def aupdate_within(self, key: str, value: str, deadline: float | None) -> None:
        aupdate = getattr(self.cache, "aupdate", None)
        if aupdate is None or self._instant:
            self.update(key, value)
            return
        generations = _generations(self.cache, value)
        await self._awithin(deadline, aupdate, key, LANGCHAIN_LLM_STRING, generations)

    def _wait(self, deadline: float | None) -> float:
        """How long to wait for an answer; TimeoutError while the cache is quiet."""
        now = time.monotonic()
        if self._quiet_until:
            if now < self._quiet_until:
                raise TimeoutError(
                    f"no answer within {FOREIGN_WAIT:g} s lately: not asked for "
                    f"{QUIET_AFTER_TIMEOUT:g} s"
                )
            self._quiet_until = 0.0
        left = FOREIGN_WAIT if deadline is None else deadline - now
        return max(0.0, min(FOREIGN_WAIT, left))

    def _timed_out(self, wait: float) -> TimeoutError:
        self._quiet_until = time.monotonic() + QUIET_AFTER_TIMEOUT
        return TimeoutError(f"no answer within {wait:.2f} s")

    def _within(self, deadline: float | None, method: Any, *args: Any) -> Any:
        """`method(*args)` on a helper thread; TimeoutError once the wait is over (the
        thread finishes on its own)."""
        from concurrent.futures import TimeoutError as NoResultYet  # the builtin from 3.11

        wait = self._wait(deadline)
        future = _helper_threads().submit(method, *args)
        try:
            return future.result(wait)
        except NoResultYet:
            if future.done():  # the method's own TimeoutError
                raise
            future.cancel()
            raise self._timed_out(wait) from None

    async def _awithin(self, deadline: float | None, method: Any, *args: Any) -> Any:
        """`await method(*args)`, cut off with TimeoutError once the wait is over."""
        import asyncio

        wait = self._wait(deadline)
        try:
            return await asyncio.wait_for(method(*args), wait)
        except TimeoutError:
            raise self._timed_out(wait) from None

    def clear(self) -> None:
        self.cache.clear()

    def __repr__(self) -> str:
        return f"LangChainCache({self.cache!r})"


def _generation_text(found: Any) -> str | None:
    text = getattr(found[0], "text", None) if found else None
    return text if isinstance(text, str) else None


def _generations(cache: Any, value: str) -> list[Any]:
    outputs = sys.modules.get("langchain_core.outputs")
    if outputs is None:  # its caches import it: only a look-alike comes without it
        raise TypeError(f"cannot store in {cache!r}: langchain_core is not loaded")
    return [outputs.Generation(text=value)]


_helpers: Any = None  # the threads sync calls with a deadline ask a LangChain cache from
_helpers_lock = threading.Lock()


def _helper_threads() -> Any:
    global _helpers
    with _helpers_lock:
        if _helpers is None:
            from concurrent.futures import ThreadPoolExecutor

            _helpers = ThreadPoolExecutor(4, thread_name_prefix="chatplex-langchain-cache")
        return _helpers


_wrapped: tuple[Any, LangChainCache] | None = None  # the last LangChain cache seen, wrapped


def wrap(cache: Any) -> LangChainCache:
    """One wrapper per LangChain cache, so identical calls in flight meet on it."""
    global _wrapped
    last = _wrapped
    if last is not None and last[0] is cache:
        return last[1]
    wrapper = LangChainCache(cache)
    _wrapped = (cache, wrapper)
    return wrapper


def is_langchain_cache(value: Any) -> bool:
    return callable(getattr(value, "lookup", None)) and callable(getattr(value, "update", None))


def langchain_default() -> LangChainCache | None:
    """LangChain's process-wide cache, if the user loaded langchain_core and set one (a
    dict lookup when they did not)."""
    module = sys.modules.get("langchain_core.globals")
    if module is None:
        return None
    get = getattr(module, "get_llm_cache", None)
    cache = get() if callable(get) else None
    return None if cache is None else wrap(cache)
