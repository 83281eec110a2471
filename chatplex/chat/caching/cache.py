"""The process-wide reply cache (`set_llm_cache`) and which cache a call uses (`resolve`,
`check_setting`); the whole design of the reply caches is described here.

>>> chatplex.set_llm_cache(chatplex.InMemoryCache(maxsize=10_000))  # doctest: +SKIP
>>> model = init_chat_model("openai:gpt-4o-mini", cache=SQLiteCache("r.db"))  # doctest: +SKIP
>>> model.invoke("hi", cache=False)  # this call: straight to the provider  # doctest: +SKIP

`set_llm_cache` caches every model; a model's `cache=` setting wins over it.

The key (`cache_key`) is the SHA-256 of a canonical JSON document (sorted keys, no
spaces, UTF-8) holding the format version, the provider name, the endpoint URL (base URL
and path) and the request body exactly as the adapter builds it -- model, messages, tools,
every setting -- minus the fields that only choose streaming (`stream`,
`stream_options`), plus the request headers the provider's spec declares change replies
(`ProviderSpec.cache_key_headers`: an API version, a beta flag). Never the API key nor any
other header: two keys for the same provider share
entries. Each request is its own entry, so changing a setting for some rows of a run
leaves the others cached.

What is stored: the reply (an `AIMessage`) as JSON -- `{"v": 1, "message": {...}}` with
the message's fields, less the per-call metadata (`attempts`, `cost`) -- never the
request. A hit returns a new message whose
`response_metadata` has `"cached": True`, `"attempts": 0` and a zero `"cost"`; it skips
the rate limiter and costs nothing. A stream that hits replays the reply as one chunk,
which merges to the stored message. Errors are never stored, nor a stream its consumer
left early.

Calls go through a cache in `chat/caching/inflight.py`, which also makes identical calls in
flight share one HTTP call.

Keys and stored values: `entries.py`. Backends: `InMemoryCache` (`memory.py`:
process-local, LRU with `maxsize`) and `SQLiteCache` (`sqlite.py`: one file,
WAL: safe for several processes on one machine). Both answer in microseconds on the
calling thread -- no thread hop on a hit. SQLite never waits for a lock itself: chatplex
retries between short pauses (`asyncio.sleep` on a loop) within the cache's `timeout`
and half the call's remaining deadline, then goes on as a miss; a locked, corrupt or
read-only file is a miss logged once (`chat/caching/faults.py`). LangChain's caches:
`chat/caching/langchain_cache.py`. Your own backend: subclass `BaseCache` (`lookup` / `update` of
strings by key; `lookup_within` / `update_within` and their async twins get the call's
deadline).
"""

from __future__ import annotations

import sys
from typing import Any

from .base import BaseCache

__all__ = [
    "check_setting",
    "get_llm_cache",
    "resolve",
    "set_llm_cache",
]

# ---- the process-wide default -----------------------------------------------------------

_default: BaseCache | None = None


def set_llm_cache(cache: BaseCache | None) -> None:
    """Cache every chat model's replies in `cache` (None: stop), LangChain-style. A model's
    own `cache=` setting wins: `cache=False` opts a model (or a call) out.

    Args:
        cache: an `InMemoryCache`, a `SQLiteCache` (or another `BaseCache`), or None.

    Raises:
        TypeError: anything else (install a LangChain cache with LangChain's
            `set_llm_cache`: chatplex's models use it too).

    Examples:
        >>> from chatplex import InMemoryCache, get_llm_cache
        >>> set_llm_cache(InMemoryCache())
        >>> type(get_llm_cache()).__name__
        'InMemoryCache'
        >>> set_llm_cache(None)
    """
    global _default
    if cache is not None and not isinstance(cache, BaseCache):
        raise TypeError(f"set_llm_cache takes a chatplex BaseCache or None, got {cache!r}")
    _default = cache


def get_llm_cache() -> BaseCache | None:
    """The cache `set_llm_cache` installed, if any."""
    return _default


def resolve(setting: BaseCache | bool | None) -> BaseCache | None:
    """The cache a call uses: its model's (or the call's) `cache` setting, else the
    process-wide one -- chatplex's, else LangChain's (`langchain_core.globals.
    set_llm_cache`, when the user has loaded it). `False`: none; `True`: the process-wide
    one (none set: none)."""
    if setting is None or setting is True:
        if _default is not None:
            return _default
        if "langchain_core.globals" not in sys.modules:  # no LangChain: no cache of its
            return None
        from .langchain_cache import langchain_default

        return langchain_default()
    if setting is False:
        return None
    return setting


def check_setting(value: Any) -> BaseCache | bool | None:
    """A model's `cache=` setting, checked; a LangChain cache object comes back wrapped."""
    if value is None or isinstance(value, (bool, BaseCache)):
        return value
    from .langchain_cache import is_langchain_cache
    from .langchain_cache import wrap

    if is_langchain_cache(value):
        return wrap(value)
    raise TypeError(
        "cache must be a chatplex BaseCache (InMemoryCache, SQLiteCache), a LangChain "
        f"cache (lookup(prompt, llm_string) / update(...)), True, False or None, got {value!r}"
    )
