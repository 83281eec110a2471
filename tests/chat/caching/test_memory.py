"""`InMemoryCache` (chatplex/chat/caching/memory.py): least recently used entries leave
first past `maxsize`."""

from __future__ import annotations

import pytest

from chatplex import InMemoryCache


def test_in_memory_cache_evicts_the_least_recently_used() -> None:
    cache = InMemoryCache(maxsize=2)
    cache.update("a", "1")
    cache.update("b", "2")
    assert cache.lookup("a") == "1"
    cache.update("c", "3")
    assert cache.lookup("b") is None and cache.lookup("a") == "1" and len(cache) == 2
    cache.clear()
    assert len(cache) == 0
    with pytest.raises(ValueError):
        InMemoryCache(maxsize=0)


def test_docstring_examples() -> None:
    import doctest

    from chatplex.chat.caching import memory

    failures, tried = doctest.testmod(memory)
    assert failures == 0 and tried > 0
