"""`InMemoryCache`: a process-local reply cache, least recently used entries out first."""

from __future__ import annotations

import threading
from collections import OrderedDict

from .base import BaseCache

__all__ = ["InMemoryCache"]


class InMemoryCache(BaseCache):
    """A process-local cache; with `maxsize`, the least recently used entries go first.

    Examples:
        >>> cache = InMemoryCache(maxsize=2)
        >>> cache.update("a", "1"); cache.update("b", "2")
        >>> cache.lookup("a")  # "a" is now the most recent
        '1'
        >>> cache.update("c", "3")  # the oldest, "b", leaves
        >>> cache.lookup("b") is None, len(cache)
        (True, 2)
    """

    def __init__(self, maxsize: int | None = None) -> None:
        if maxsize is not None and (not isinstance(maxsize, int) or maxsize < 1):
            raise ValueError(f"maxsize must be a positive int or None, got {maxsize!r}")
        self.maxsize = maxsize
        self._data: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def lookup(self, key: str) -> str | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None and self.maxsize is not None:
                self._data.move_to_end(key)
            return value

    def update(self, key: str, value: str) -> None:
        with self._lock:
            self._data[key] = value
            if self.maxsize is not None:
                self._data.move_to_end(key)
                while len(self._data) > self.maxsize:
                    self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"InMemoryCache(maxsize={self.maxsize!r}, entries={len(self._data)})"
