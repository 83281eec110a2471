"""The reply-cache interface (chatplex/chat/caching/base.py): a backend needs `lookup`,
`update` and `clear`; the deadline-aware methods calls use fall back to them."""

from __future__ import annotations

import time

import pytest

from chatplex import BaseCache
from chatplex.chat.caching import base as cache_base


class DictCache(BaseCache):
    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        self.asked: list[str] = []

    def lookup(self, key: str) -> str | None:
        self.asked.append(f"lookup {key}")
        return self.data.get(key)

    def update(self, key: str, value: str) -> None:
        self.asked.append(f"update {key}")
        self.data[key] = value

    def clear(self) -> None:
        self.data.clear()


def test_a_backend_must_have_lookup_update_and_clear() -> None:
    class Partial(BaseCache):
        def lookup(self, key: str) -> str | None:
            return None

    with pytest.raises(TypeError, match="abstract"):
        Partial()  # type: ignore[abstract]


async def test_the_methods_calls_use_fall_back_to_lookup_and_update() -> None:
    store = DictCache()
    deadline = time.monotonic() + 5
    store.update_within("a", "1", deadline)
    assert store.lookup_within("a", deadline) == "1"
    await store.aupdate_within("b", "2", None)
    assert await store.alookup_within("b", None) == "2"
    assert store.asked == ["update a", "lookup a", "update b", "lookup b"]


def test_the_interface_is_the_one_chatplex_exports() -> None:
    assert BaseCache is cache_base.BaseCache
