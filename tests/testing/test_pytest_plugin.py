"""chatplex's pytest plugin (`testing/pytest_plugin.py`): registered by entry point, it
guards a fresh session and gives the fixtures; `-p no:chatplex` removes it all; importing
it, and starting a session with it, imports no HTTP library; the testing page's complete
CI test runs, offline, in a fresh pytest session."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

#: The documentation's testing page, whose complete CI test is this module's subject.
PAGE = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
#: Each inner session's options: no cache, and not langsmith's entry-point plugin, which
#: has nothing to do with chatplex's and imports langsmith at every session start (~1 s
#: of CPU per inner session here); every other installed plugin loads as in a user's.
INNER_OPTIONS = ("-q", "-p", "no:cacheprovider", "-p", "no:langsmith_plugin")


def page_ci_test() -> str:
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    [block] = [b for b in blocks if "def test_bot(chat_mock)" in b]
    return str(block)


def test_the_page_ci_test_is_short() -> None:
    assert len(page_ci_test().strip().splitlines()) < 15


def test_the_page_ci_test_passes(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nfilterwarnings = error\nasyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makepyfile(test_bot=page_ci_test())
    result = pytester.runpytest_subprocess(*INNER_OPTIONS)
    result.assert_outcomes(passed=1)


def test_importing_the_plugin_imports_no_http_library() -> None:
    code = textwrap.dedent(
        """
        import sys
        import chatplex.testing.pytest_plugin
        heavy = {"httpx", "respx", "httpcore", "aiohttp", "chatplex.http._pool"}
        print(sorted(heavy & set(sys.modules)))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_a_session_start_loads_nothing_heavy_until_chatplex_sends() -> None:
    # pytest loads the plugin in every session where chatplex is installed: its configure
    # hook (the guard's activation) must not load chatplex's HTTP layer (httpx, asyncio,
    # chatplex's core: ~80 ms); the hooks go on when that layer is first loaded.
    code = textwrap.dedent(
        """
        import sys
        import chatplex.testing.pytest_plugin as plugin

        class Config:  # what the hook uses of pytest's
            def addinivalue_line(self, name, line):
                assert name == "markers"

        before = set(sys.modules)
        plugin.pytest_configure(Config())
        loaded = set(sys.modules) - before
        heavy = ("chatplex", "httpx", "aiohttp", "asyncio")
        print(sorted(m for m in loaded if m.startswith(heavy)))
        import asyncio
        from chatplex.http import get_async_client, get_sync_client
        from chatplex.testing import _guard
        print(_guard._on_request in get_sync_client().event_hooks["request"])

        async def hooked():
            return _guard._aon_request in get_async_client().event_hooks["request"]

        print(asyncio.run(hooked()))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split("\n")[:3] == ["[]", "True", "True"], out.stdout + out.stderr


INNER = """
import pytest
from chatplex import init_chat_model

def test_unmocked():
    init_chat_model("openai:gpt-4o-mini", api_key="sk-test", max_retries=0).invoke("hi")

def test_fixture_is_registered(chat_mock):
    chat_mock.openai.reply_text("pong")
    model = init_chat_model("openai:gpt-4o-mini", api_key="sk-test")
    assert model.invoke("ping").text == "pong"
"""


def test_the_entry_point_plugin_guards_a_fresh_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_subprocess(*INNER_OPTIONS)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*NetworkBlockedError: chatplex tried to send POST*"])


def test_disabling_the_plugin_removes_the_guard_and_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import chatplex.http

        def test_no_hooks():
            client = chatplex.http.get_sync_client()
            assert client.event_hooks["request"] == []
        """
    )
    result = pytester.runpytest_subprocess(*INNER_OPTIONS, "-p", "no:chatplex")
    result.assert_outcomes(passed=1)
