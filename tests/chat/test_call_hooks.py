"""call_hooks: the reply cache and usage tracking load when something uses them; a script
that uses neither never imports them, and one that does behaves as before.

Each case runs in a fresh interpreter: this test process has loaded everything already.
The interpreters are forked from a zygote (tests/_zygote.py) that has loaded only what
every case's model call loads anyway (`PRELOAD`: the HTTP stack and the call path), none
of OPTIONAL and nothing of LangChain (checked), so each case still loads the modules its
script brings in, as a fresh `python -c` does."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest

from chatplex.chat.call_hooks import call_cache
from chatplex.chat.call_hooks import check_cache
from chatplex.chat.call_hooks import reply_cache
from chatplex.testing import MockServer
from tests._zygote import PRELOAD
from tests._zygote import Zygote

#: The module's tests share one pytest-xdist worker, so its zygote starts once.
pytestmark = pytest.mark.xdist_group("call_hooks")

#: The modules a call without a cache or a tracker must not load.
OPTIONAL = [
    "chatplex.chat.caching.cache",
    "chatplex.chat.caching.inflight",
    "chatplex.chat.accounting.usage",
    "chatplex.chat.accounting.cost",
]


#: Runs a script (which sets `out`) in a fresh interpreter; `out` as JSON.
Run = Callable[[str], dict[str, object]]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """Run `code` (which sets `out`) in a fresh interpreter; `out` as JSON."""
    folder = tmp_path_factory.mktemp("call-hooks")
    zygote = Zygote(folder, dict(os.environ), PRELOAD, public_names=False)

    def fresh(code: str) -> dict[str, object]:
        program = (
            "import json, sys\n"
            f"early = [n for n in sys.modules if n in {OPTIONAL!r} or n.startswith('langchain')]\n"
            "assert not early, early\n"
            f"{code}\nprint(json.dumps(out))\n"
        )
        done = zygote.run(program, folder, timeout=120)
        assert done.returncode == 0, done.stderr
        result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    try:
        yield fresh
    finally:
        zygote.close()


def model_code(url: str, provider: str) -> str:
    if provider == "openai":
        return (
            f"m = chatplex.init_chat_model('openai:gpt-4o-mini', base_url={url!r}, api_key='sk-x')"
        )
    return (
        f"m = chatplex.init_chat_model('anthropic:claude-sonnet-4-5', base_url={url!r}, "
        "api_key='sk-x')"
    )


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_calls_without_a_cache_or_a_tracker_load_neither(
    mock: MockServer, provider: str, run: Run
) -> None:
    url = mock.openai_base_url if provider == "openai" else mock.anthropic_base_url
    out = run(
        "import asyncio, chatplex\n"
        f"{model_code(url, provider)}\n"
        "texts = [m.invoke('a').text, ''.join(c.text for c in m.stream('b'))]\n"
        "texts.append(asyncio.run(m.ainvoke('c')).text)\n"
        f"out = {{'texts': texts, 'loaded': [n for n in {OPTIONAL!r} if n in sys.modules]}}"
    )
    assert out == {"texts": ["Echo: a", "Echo: b", "Echo: c"], "loaded": []}


def test_a_cache_set_after_import_is_used(mock: MockServer, run: Run) -> None:
    out = run(
        "import chatplex\n"
        f"{model_code(mock.openai_base_url, 'openai')}\n"
        "m.invoke('warm')\n"  # a call first: nothing cached, nothing loaded
        "chatplex.set_llm_cache(chatplex.InMemoryCache())\n"
        "first, second = m.invoke('x'), m.invoke('x')\n"
        "out = {'cached': [first.response_metadata.get('cached'),"
        " second.response_metadata.get('cached')]}"
    )
    assert out == {"cached": [None, True]}


def test_langchains_process_wide_cache_is_honoured_without_chatplex_loading_a_cache_first(
    mock: MockServer, run: Run
) -> None:
    pytest.importorskip("langchain_core")
    out = run(
        "import chatplex\n"
        "from langchain_core.caches import InMemoryCache\n"
        "from langchain_core.globals import set_llm_cache\n"
        f"{model_code(mock.openai_base_url, 'openai')}\n"
        "set_llm_cache(InMemoryCache())\n"
        "first, second = m.invoke('y'), m.invoke('y')\n"
        "out = {'cached': second.response_metadata.get('cached'),"
        " 'loaded': 'chatplex.chat.caching.cache' in sys.modules}"
    )
    assert out == {"cached": True, "loaded": True}


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_usage_tracked_after_import_counts_every_reply(
    mock: MockServer, sync: bool, run: Run
) -> None:
    call = "m.invoke('z')" if sync else "asyncio.run(m.ainvoke('z'))"
    out = run(
        "import asyncio, chatplex\n"
        f"{model_code(mock.openai_base_url, 'openai')}\n"
        f"{call}\n"  # untracked
        "with chatplex.track_usage() as usage:\n"
        f"    {call}\n"
        "    list(m.stream('s'))\n"
        "out = {'requests': usage.requests, 'priced': usage.cost > 0}"
    )
    assert out == {"requests": 2, "priced": True}


def test_check_cache_passes_plain_settings_and_checks_objects() -> None:
    assert check_cache(None) is None
    assert check_cache(True) is True
    assert check_cache(False) is False
    with pytest.raises(TypeError, match="cache must be"):
        check_cache(object())


def test_reply_cache_false_is_no_cache_whatever_is_set() -> None:
    assert reply_cache(False) is None


def test_a_call_langchain_makes_of_a_model_without_a_cache_skips_langchains() -> None:
    """LangChain ran its process-wide cache around the call already (the model's
    `cache=None` reads it where LangChain did not make the call); a cache setting of the
    model's own is its own either way."""
    from langchain_core.caches import InMemoryCache
    from langchain_core.globals import set_llm_cache

    from chatplex import InMemoryCache as OwnCache

    under_langchain = {"_traced_by": "langchain"}
    set_llm_cache(InMemoryCache())
    try:
        assert call_cache(None, under_langchain) is None
        assert call_cache(None, {}) is not None  # LangChain's, wrapped
        assert call_cache(True, under_langchain) is not None  # asked for: as before
        own = OwnCache()
        assert call_cache(own, under_langchain) is own
        assert call_cache(False, {}) is None
    finally:
        set_llm_cache(None)


def test_a_cache_object_is_used_though_the_process_wide_cache_never_loaded(
    mock: MockServer, run: Run
) -> None:
    # A backend's own module (chat/caching/memory.py) does not load chat/caching/cache.py:
    # a model holding its cache object, set on the attribute, still uses it.
    out = run(
        "import chatplex\n"
        "from chatplex.chat.caching.memory import InMemoryCache\n"
        f"{model_code(mock.openai_base_url, 'openai')}\n"
        "m.cache = InMemoryCache()\n"
        "first, second = m.invoke('z'), m.invoke('z')\n"
        "out = {'cached': second.response_metadata.get('cached'),"
        " 'loaded': 'chatplex.chat.caching.cache' in sys.modules}"
    )
    assert out == {"cached": True, "loaded": False}


def test_a_module_another_thread_is_importing_is_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two threads' first calls: one imports chat/caching/cache.py, the other must not see it
    # half-executed (AttributeError: no 'resolve'). A stand-in module whose import the
    # test holds open shows the same.
    import threading
    import types

    from chatplex.chat.call_hooks import loaded

    gate = types.ModuleType("_call_hooks_gate")
    gate.started, gate.release = threading.Event(), threading.Event()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "_call_hooks_gate", gate)
    (tmp_path / "_slow_module.py").write_text(
        "import _call_hooks_gate as gate\n"
        "gate.started.set()\n"
        "gate.release.wait(10)\n"
        "resolve = 'complete'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    importer = threading.Thread(target=__import__, args=("_slow_module",))
    importer.start()
    assert gate.started.wait(10)  # the module is in sys.modules, half-executed
    seen: list[object] = []
    reader = threading.Thread(
        target=lambda: seen.append(getattr(loaded("_slow_module"), "resolve", None))
    )
    reader.start()
    reader.join(0.2)  # the reader waits for the importer...
    gate.release.set()
    reader.join(10)
    importer.join(10)
    assert seen == ["complete"]  # ...and sees the whole module, never a half-run one
    monkeypatch.delitem(sys.modules, "_slow_module")
    assert loaded("_no_such_module_here") is None


def test_under_langchain_a_call_uses_its_own_cache_or_chatplexs_never_langchains() -> None:
    import chatplex
    from chatplex.chat.call_hooks import cache_under_langchain

    mine = chatplex.InMemoryCache()
    assert cache_under_langchain(mine) is mine
    assert cache_under_langchain(False) is False
    assert cache_under_langchain(None) is False  # LangChain's own: LangChain runs it
    assert cache_under_langchain(True) is False
    shared = chatplex.InMemoryCache()
    chatplex.set_llm_cache(shared)
    try:
        assert cache_under_langchain(None) is shared
        assert cache_under_langchain(True) is shared
    finally:
        chatplex.set_llm_cache(None)
