"""`SQLiteCache` (chatplex/chat/caching/sqlite.py): hits, the file shared by processes and
never holding the API key, pickling, LangChain's `database_path`. A file locked by
another process, corrupt, a folder or read-only: test_sqlite_locked_files.py."""

from __future__ import annotations

import inspect
import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from chatplex import SQLiteCache
from chatplex import init_chat_model
from chatplex.testing import MockServer
from tests._calls import ask

from ..conftest import make
from ..conftest import parity

SENTINEL = "sk-SENTINEL-never-in-a-file-7f3a9c"
pytestmark = pytest.mark.usefixtures("clean_cache")


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


def test_sqlite_cache_takes_langchains_database_path(tmp_path: Path) -> None:
    """`SQLiteCache(database_path=...)` as LangChain's spells it (its default file too);
    `path=` stays chatplex's earlier name, and both at once with two values is refused."""
    by_langchains_name = SQLiteCache(database_path=tmp_path / "a.db")
    assert by_langchains_name.path == str(tmp_path / "a.db")
    assert SQLiteCache(path=tmp_path / "b.db").path == str(tmp_path / "b.db")
    assert inspect.signature(SQLiteCache).parameters["database_path"].default == ".langchain.db"
    with pytest.raises(TypeError, match="database_path= and path="):
        SQLiteCache(database_path=tmp_path / "a.db", path=tmp_path / "b.db")


def test_docstring_examples() -> None:
    import doctest

    from chatplex.chat.caching import sqlite

    failures, tried = doctest.testmod(sqlite)
    assert failures == 0 and tried > 0
