"""Reply caches (chatplex/chat/caching/cache.py): hits send nothing, 50 % duplicates send half,
keys and the stored format, the SQLite file is shared by processes and never holds the
API key. A SQLite file locked by another process, corrupt, a folder or read-only:
test_cache_locked_files.py. In flight and streams: test_inflight.py; LangChain's caches:
test_langchain_cache.py."""

from __future__ import annotations

import inspect
import json
import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex import BaseCache
from chatplex import InMemoryCache
from chatplex import SQLiteCache
from chatplex import get_llm_cache
from chatplex import set_llm_cache
from chatplex.adapters.base import HTTPRequest
from chatplex.chat import sending
from chatplex.chat.accounting.cost import reply_cost
from chatplex.chat.caching.cache import cache_key
from chatplex.chat.caching.cache import dump_reply
from chatplex.chat.caching.cache import load_reply
from chatplex.lean import init_chat_model
from chatplex.testing import MockServer

from ..conftest import ask
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


# ---- keys ---------------------------------------------------------------------------------


def request(body: dict[str, Any], headers: dict[str, str] | None = None) -> HTTPRequest:
    return HTTPRequest("POST", "https://api.x/v1/chat/completions", headers or {}, body)


def test_the_key_is_the_provider_url_and_body_never_the_api_key() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "temperature": 0}
    key = cache_key("openai", request(body, {"authorization": "Bearer a"}))
    assert len(key) == 64
    assert key == cache_key("openai", request(body, {"authorization": "Bearer b"}))
    reordered = {"temperature": 0, "messages": body["messages"], "model": "m"}
    assert key == cache_key("openai", request(reordered))
    streamed = {**body, "stream": True, "stream_options": {"include_usage": True}}
    assert key == cache_key("openai", request(streamed))  # stream and non-stream share
    assert key != cache_key("openai", request({**body, "temperature": 1}))
    assert key != cache_key("anthropic", request(body))
    other_url = HTTPRequest("POST", "https://other/v1/chat/completions", {}, body)
    assert key != cache_key("openai", other_url)
    beta = request(body, {"anthropic-beta": "prompt-caching-2024-07-31"})
    assert key != cache_key("openai", beta)  # a beta header changes the reply


@parity
async def test_one_changed_setting_misses_only_the_rows_it_changes(
    mock: MockServer, sync: bool
) -> None:
    cache = InMemoryCache()
    model = make(mock, cache=cache)
    rows = [f"r{i}" for i in range(10)]
    await ask_batch(model, sync, rows)
    changed = model.bind(temperature=0.5)
    for i, row in enumerate(rows):
        await ask(changed if i < 3 else model, sync, row)
    assert mock.stats.requests == 13  # 10 first, then only the 3 changed rows


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


# ---- SQLite -------------------------------------------------------------------------------


@parity
async def test_sqlite_cache_hits_and_never_stores_the_key(
    mock: MockServer, sync: bool, tmp_path: Path
) -> None:
    path = tmp_path / "replies.db"
    model = make(mock, cache=SQLiteCache(path), api_key=SENTINEL)
    await ask(model, sync, "secret?")
    assert (await ask(model, sync, "secret?")).response_metadata["cached"] is True
    assert mock.stats.requests == 1
    files = list(tmp_path.iterdir())
    assert files and all(SENTINEL.encode() not in f.read_bytes() for f in files)
    with sqlite3.connect(path) as conn:
        (value,) = conn.execute("SELECT value FROM chatplex_cache").fetchone()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert json.loads(value)["message"]["content"] == "Echo: secret?"
    assert SENTINEL not in value


def _child(path: str, base_url: str, text: str) -> tuple[str, bool]:
    model = init_chat_model(
        "openai:gpt-4o-mini", base_url=base_url, api_key="sk-child", cache=SQLiteCache(path)
    )
    reply = model.invoke(text)
    return reply.text, bool(reply.response_metadata.get("cached"))


def test_a_sqlite_cache_file_is_shared_by_processes(mock: MockServer, tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        first = pool.starmap(_child, [(path, mock.openai_base_url, f"q{i}") for i in range(6)])
        assert all(not cached for _, cached in first)
        again = pool.starmap(_child, [(path, mock.openai_base_url, f"q{i}") for i in range(6)])
    assert [text for text, _ in again] == [f"Echo: q{i}" for i in range(6)]
    assert all(cached for _, cached in again)
    assert mock.stats.requests == 6
    assert len(SQLiteCache(path)) == 6
    model = make(mock, cache=SQLiteCache(path))  # and this process reads them too
    assert model.invoke("q3").response_metadata["cached"] is True


def test_sqlite_cache_pickles_and_clears(tmp_path: Path) -> None:
    import pickle

    cache = SQLiteCache(tmp_path / "p.db")
    cache.update("k", "v")
    clone = pickle.loads(pickle.dumps(cache))
    assert clone.lookup("k") == "v"
    clone.clear()
    assert cache.lookup("k") is None
    cache.close()
    clone.close()


def test_hits_are_independent_objects_and_the_decode_memo_is_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Hits decode through a memo of marshal bytes: each hit is a fresh object tree, and
    the memo stays within its byte bound."""
    from chatplex.chat.caching import cache as module

    message = AIMessage(
        "hi",
        response_metadata={"model_name": "m", "token_usage": {"total_tokens": 3}},
        usage_metadata={"input_tokens": 1, "output_tokens": 2, "total_tokens": 3},
    )
    value = dump_reply(message)
    first = load_reply(value)
    assert first is not None
    first.response_metadata["token_usage"]["total_tokens"] = 99
    first.usage_metadata["input_tokens"] = 99  # type: ignore[index]
    second = load_reply(value)
    assert second is not None
    assert second.response_metadata["token_usage"] == {"total_tokens": 3}
    assert second.usage_metadata == message.usage_metadata
    monkeypatch.setattr(module, "_MEMO_BYTES", 10_000)
    for i in range(200):
        load_reply(dump_reply(AIMessage(f"reply {i}")))
    assert module._memo_size <= 10_000
    assert sum(len(k) + len(v) for k, v in module._memo.items()) == module._memo_size


def test_sqlite_cache_takes_langchains_database_path(tmp_path: Path) -> None:
    """`SQLiteCache(database_path=...)` as LangChain's spells it (its default file too);
    `path=` stays chatplex's earlier name, and both at once with two values is refused."""
    by_langchains_name = SQLiteCache(database_path=tmp_path / "a.db")
    assert by_langchains_name.path == str(tmp_path / "a.db")
    assert SQLiteCache(path=tmp_path / "b.db").path == str(tmp_path / "b.db")
    assert inspect.signature(SQLiteCache).parameters["database_path"].default == ".langchain.db"
    with pytest.raises(TypeError, match="database_path= and path="):
        SQLiteCache(database_path=tmp_path / "a.db", path=tmp_path / "b.db")
