"""Every Python block of README.md and of the documentation site's pages (docs/**/*.md)
runs as written, as the pages' "Try it offline" says: in a fresh directory, against the
embedded mock server, with only the two base-URL variables set. A block that stops
running fails `make test`.

Each block runs in a process of its own. One whose first import is chatplex runs in a
child forked from an interpreter that has only imported chatplex, its HTTP stack and
what a model call loads (tests/_zygote.py), which spares each block a few tenths of a
second of imports; one that imports `chatplex.langchain` before running anything
(about half of them) in a child of another that has imported that too, and with it
langchain-core (~0.9 s of CPU a block, ~30 s a run); any other (a block that imports
LangChain, respx, Ray... before chatplex, where the order could matter) runs in a fresh
interpreter, `python -c`. A block that imports Ray joins the session's Ray cluster (its
`ray.init()` reads `RAY_ADDRESS`), whose workers reach the cluster's own mock server."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from chatplex.testing import MockServer
from tests._zygote import PRELOAD
from tests._zygote import Zygote

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def blocks() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((f"{doc.relative_to(ROOT)}:{line}", match.group(1)))
    return found


def _needs_ray(code: str) -> bool:
    return re.search(r"^import .*\bray\b", code, re.M) is not None


#: The blocks share one pytest worker, so the two zygotes are started once a run, not once
#: on each worker (the langchain one imports langchain-core: ~1.5 s of CPU a start).
ONE_WORKER = pytest.mark.xdist_group("docs_blocks")


def cases() -> list[object]:
    """Each block a case; those that start a Ray cluster marked `ray` (skipped without
    the extra, and kept on the one pytest worker the Ray tests share), the others on
    the docs blocks' one worker."""
    return [
        pytest.param(
            where, code, id=where, marks=[pytest.mark.ray if _needs_ray(code) else ONE_WORKER]
        )
        for where, code in blocks()
    ]


def _chatplex_first(code: str) -> bool:
    """Whether the block imports chatplex before running anything else or importing
    anything but the standard library: for such a block, chatplex imported before its
    first line changes nothing it could see."""
    return _first_import(code) is not None


def _langchain_first(code: str) -> bool:
    """Whether the block, so, also imports `chatplex.langchain` (or a module of it) before
    running anything, among imports of chatplex and the standard library only: then it,
    and langchain-core, imported before its first line change nothing it could see
    either. (Such a block's own-family lines run with LangChain loaded by the block
    itself, so they never ran in a process free of it.)"""
    return "chatplex.langchain" in (_first_import(code) or set())


def _first_import(code: str) -> set[str] | None:
    """The chatplex modules (dotted, at most two parts) the block's opening imports name:
    the imports before its first other statement or its first import of anything but
    chatplex and the standard library. None: they name no chatplex module."""
    found: set[str] = set()
    for statement in ast.parse(code).body:
        if isinstance(statement, ast.Import):
            names = [alias.name for alias in statement.names]
        elif isinstance(statement, ast.ImportFrom) and statement.level == 0:
            names = [statement.module or ""]
        else:
            break
        modules = {name.split(".")[0] for name in names}
        if not modules <= sys.stdlib_module_names | {"chatplex"}:
            break
        found |= {".".join(name.split(".")[:2]) for name in names if name.startswith("chatplex")}
    return found or None


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as srv:
        # A Batch API job "takes" no time (1 s by default): the bulk page's block polls
        # every 5 s, and it finds its jobs done at the first poll instead of the third.
        srv._core.batches.default_seconds = 0.0
        yield srv


def block_env(server: MockServer) -> dict[str, str]:
    drop = ("CHATPLEX_", "OPENAI_", "ANTHROPIC_", "LANGSMITH_", "LANGCHAIN_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["OPENAI_BASE_URL"] = server.openai_base_url
    env["ANTHROPIC_BASE_URL"] = server.anthropic_base_url
    return env


def ray_block_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """A Ray block joins the session's cluster (tests/conftest.py's `ray_cluster`):
    its `ray.init()` reads `RAY_ADDRESS`, as under `ray job submit`, and its workers
    reach the cluster's mock server. A cluster of its own cost more than the rest of
    the block (~11 of ~20 s of CPU: Ray's daemons, prestarted workers and Ray Data's
    actors, started and stopped for one block)."""
    ray = request.getfixturevalue("ray_cluster")
    env = block_env(request.getfixturevalue("ray_mock_server"))
    env["RAY_ADDRESS"] = ray.get_runtime_context().gcs_address
    return env


#: What several blocks load beyond a model call (`PRELOAD`), each otherwise loading it
#: again: the OpenAI-compatible presets' wire, the price table of a cost.
OWN_PRELOAD = PRELOAD + ("chatplex.providers.compatible.adapter", "genai_prices.data")

#: What a drop-in's first call loads beyond chatplex.langchain's public names: LangChain's
#: tracing of the run, and the partners' classes behind the drop-ins most blocks build
#: (OpenAI's, with its Responses API, Anthropic's, the OpenAI-compatible presets').
DROP_IN_PRELOAD = (
    "langchain_core.env",
    "langchain_core.messages.block_translators.langchain_v0",
    "langchain_core.tracers.context",
    "langchain_core.tracers.langchain",
    "langchain_core.tracers.run_collector",
    "langchain_core.tracers.stdout",
    "langsmith.run_helpers",
    "chatplex.providers.openai.partner",
    "chatplex.providers.openai.responses_adapter",
    "chatplex.providers.anthropic.partner",
    "chatplex.providers.compatible.partner",
)


@pytest.fixture(scope="module")
def zygote(server: MockServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zygote]:
    started = Zygote(tmp_path_factory.mktemp("zygote"), block_env(server), OWN_PRELOAD)
    try:
        yield started
    finally:
        started.close()


@pytest.fixture(scope="module")
def langchain_zygote(
    server: MockServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Zygote]:
    """The zygote of the blocks that import `chatplex.langchain` first: `zygote`'s
    imports, and chatplex.langchain with its public names (langchain-core's models,
    messages, callbacks and tracers; no partner package), the SDKs its drop-ins import
    when built (their errors' classes: `sdk_errors.load_partner_sdks`) and what their
    first call loads (`DROP_IN_PRELOAD`)."""
    started = Zygote(
        tmp_path_factory.mktemp("langchain-zygote"),
        block_env(server),
        OWN_PRELOAD + ("chatplex.langchain", "openai", "anthropic") + DROP_IN_PRELOAD,
        public_names_of=("chatplex.langchain",),
    )
    try:
        yield started
    finally:
        started.close()


def test_the_docs_have_python_blocks() -> None:
    assert len(blocks()) >= 40  # the pages' own, at least: a broken pattern finds none


def test_only_blocks_that_import_chatplex_first_are_forked() -> None:
    assert _chatplex_first("import asyncio, json\nfrom chatplex import bulk\nx = 1\n")
    assert _chatplex_first("# a comment\nimport chatplex.testing\n")
    assert not _chatplex_first("import respx\nfrom chatplex import init_chat_model\n")
    assert not _chatplex_first("import os\nos.environ['X'] = '1'\nimport chatplex\n")
    assert not _chatplex_first("print(1)\n")
    forked = [where for where, code in blocks() if _chatplex_first(code)]
    assert len(forked) >= 30  # most blocks: the zygote is worth its start
    assert _langchain_first("import json\nfrom chatplex.langchain import ChatOpenAI\n")
    assert _langchain_first("import chatplex.langchain.callbacks\n")
    assert _langchain_first("import chatplex\nfrom chatplex.langchain import ChatOpenAI\n")
    assert _langchain_first("import chatplex.testing, chatplex.langchain\nx = 1\n")
    assert not _langchain_first(
        "import chatplex\nx = 1\nfrom chatplex.langchain import ChatOpenAI\n"
    )
    assert not _langchain_first("import chatplex\nimport respx\nimport chatplex.langchain\n")
    assert not _langchain_first("from chatplex import langchain\n")
    assert not _langchain_first("from langchain_core.messages import HumanMessage\n")
    assert not _langchain_first(
        "from langchain_core.messages import HumanMessage\nimport chatplex.langchain\n"
    )
    langchain = [where for where, code in blocks() if _langchain_first(code)]
    assert len(langchain) >= 20  # their own zygote is worth its start too


@ONE_WORKER
def test_a_forked_block_runs_as_python_c_would(zygote: Zygote, tmp_path: Path) -> None:
    first = zygote.run(
        "import atexit, os, sys\n"
        "leaked = 1\n"
        "atexit.register(print, 'at exit')\n"
        "print(os.getcwd(), sys.argv, repr(sys.path[0]), __name__, sys.stdin.read() == '')\n"
        "print(sys.modules['__main__'].leaked, end='')  # flushed at exit\n",
        cwd=tmp_path,
        timeout=60,
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout == f"{tmp_path} ['-c'] '' __main__ True\n1at exit\n"
    second = zygote.run("print(leaked)", cwd=tmp_path, timeout=60)  # a fresh __main__
    assert second.returncode == 1 and second.stdout == ""
    assert second.stderr.startswith("Traceback") and "NameError: name 'leaked'" in second.stderr
    exits = zygote.run("import sys; sys.exit(3)", cwd=tmp_path, timeout=60)
    assert exits.returncode == 3
    hangs = zygote.run("import time; time.sleep(30)", cwd=tmp_path, timeout=1)
    assert hangs.returncode < 0 and "still running after 1 s" in hangs.stderr
    # The zygote's imports are frozen out of the cyclic collector; the script's own
    # cycles are collected, their finalizers run, as in `python -c`.
    cycle = zygote.run(
        "import gc\n"
        "class Node:\n"
        "    def __del__(self): print('collected')\n"
        "node = Node(); node.me = node; del node\n"
        "print(gc.collect() > 0)\n",
        cwd=tmp_path,
        timeout=60,
    )
    assert (cycle.returncode, cycle.stdout) == (0, "collected\nTrue\n"), cycle.stderr


@pytest.mark.parametrize(("where", "code"), cases())
def test_a_block_runs_as_written(
    where: str, code: str, server: MockServer, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    ray = _needs_ray(code)
    env = ray_block_env(request) if ray else block_env(server)
    if _chatplex_first(code) and not ray:  # the zygotes' environment is `server`'s
        fixture = "langchain_zygote" if _langchain_first(code) else "zygote"
        zygote: Zygote = request.getfixturevalue(fixture)
        result = zygote.run(code, cwd=tmp_path, timeout=240)
    else:
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )
    assert result.returncode == 0, f"{where} failed:\n{result.stderr[-3000:]}"
