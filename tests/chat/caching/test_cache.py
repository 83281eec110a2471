"""Reply caches (chatplex/chat/caching/cache.py): hits send nothing, 50 % duplicates send
half, the process-wide cache and the opt-outs, a custom backend. Keys and the stored
format: test_entries.py; the backends: test_memory.py, test_sqlite.py; in flight and
streams: test_inflight.py; LangChain's caches: test_langchain_cache.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex import BaseCache
from chatplex import InMemoryCache
from chatplex import get_llm_cache
from chatplex import init_chat_model
from chatplex import set_llm_cache
from chatplex.chat import sending
from chatplex.chat.accounting.cost import reply_cost
from chatplex.testing import MockServer
from tests._calls import ask

from ..conftest import ask_batch
from ..conftest import make
from ..conftest import parity
from ..conftest import providers

SENTINEL = "sk-SENTINEL-never-in-a-file-7f3a9c"
pytestmark = pytest.mark.usefixtures("clean_cache")


# ---- hits ---------------------------------------------------------------------------------


@providers
@parity
async def test_the_second_of_two_identical_calls_sends_nothing(
    mock: MockServer, provider: str, sync: bool
) -> None:
    model = make(mock, provider, cache=InMemoryCache())
    first = await ask(model, sync, "hello")
    second = await ask(model, sync, "hello")
    assert mock.stats.requests == 1
    assert second.text == first.text == "Echo: hello"
    assert second.response_metadata["cached"] is True
    assert second.response_metadata["attempts"] == 0
    assert second.response_metadata["cost"]["total"] == 0.0
    assert reply_cost(second) == second.response_metadata["cost"]
    assert "cached" not in first.response_metadata
    assert second.usage_metadata == first.usage_metadata
    assert second is not first


@parity
async def test_the_process_wide_cache_and_the_opt_outs(mock: MockServer, sync: bool) -> None:
    cache = InMemoryCache()
    set_llm_cache(cache)
    assert get_llm_cache() is cache
    model = make(mock)
    await ask(model, sync, "a")
    await ask(model, sync, "a")
    assert mock.stats.requests == 1
    await ask(model, sync, "a", cache=False)  # this call only
    assert mock.stats.requests == 2
    await ask(model.bind(cache=False), sync, "a")  # this binding
    await ask(make(mock, cache=False), sync, "a")  # this model
    assert mock.stats.requests == 4
    own = InMemoryCache()
    await ask(make(mock, cache=own), sync, "a")  # a model's own cache wins
    assert mock.stats.requests == 5 and len(own) == 1


def test_set_llm_cache_refuses_other_objects() -> None:
    with pytest.raises(TypeError):
        set_llm_cache({})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        init_chat_model("openai:gpt-4o-mini", api_key="sk-x", cache="yes")


@parity
async def test_a_thousand_inputs_half_duplicates_send_five_hundred_requests(
    mock: MockServer, sync: bool
) -> None:
    model = make(mock, cache=InMemoryCache())
    inputs = [f"row {i % 500}" for i in range(1000)]
    replies = await ask_batch(model, sync, inputs, config={"max_concurrency": 32})
    assert [r.text for r in replies] == [f"Echo: {text}" for text in inputs]
    assert mock.stats.requests == 500
    assert sum(bool(r.response_metadata.get("cached")) for r in replies) == 500


def test_hits_skip_the_rate_limiter(mock: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    model = make(mock, cache=InMemoryCache())
    model.invoke("once")

    def forbidden(*args: Any) -> Any:
        raise AssertionError("a cache hit asked for a budget")

    monkeypatch.setattr(sending, "budget_for", forbidden)  # what a sent call asks
    assert model.invoke("once").response_metadata["cached"] is True


def test_a_custom_backend_is_a_subclass_with_lookup_and_update(mock: MockServer) -> None:
    class DictCache(BaseCache):
        def __init__(self) -> None:
            self.data: dict[str, str] = {}

        def lookup(self, key: str) -> str | None:
            return self.data.get(key)

        def update(self, key: str, value: str) -> None:
            self.data[key] = value

        def clear(self) -> None:
            self.data.clear()

    cache = DictCache()
    model = make(mock, cache=cache)
    model.invoke("z")
    assert model.invoke("z").response_metadata["cached"] is True
    (value,) = cache.data.values()
    assert json.loads(value)["v"] == 1
