"""Every Python block of README.md and of the documentation site's pages (docs/**/*.md)
runs as written, as the pages' "Try it offline" says: in a fresh directory, against the
embedded mock server, with only the two base-URL variables set. A block that stops
running fails `make test`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from chatplex.testing import MockServer

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


def cases() -> list[object]:
    """Each block a case; those that start a Ray cluster marked `ray` (skipped without
    the extra, and kept on the one pytest worker the Ray tests share)."""
    return [
        pytest.param(where, code, id=where, marks=[pytest.mark.ray] if _needs_ray(code) else [])
        for where, code in blocks()
    ]


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as srv:
        yield srv


def test_the_docs_have_python_blocks() -> None:
    assert len(blocks()) >= 40  # the pages' own, at least: a broken pattern finds none


@pytest.mark.parametrize(("where", "code"), cases())
def test_a_block_runs_as_written(where: str, code: str, server: MockServer, tmp_path: Path) -> None:
    if _needs_ray(code):
        pytest.importorskip("ray", reason="needs Ray: pip install 'chatplex[ray]'")
    drop = ("CHATPLEX_", "OPENAI_", "ANTHROPIC_", "LANGSMITH_", "LANGCHAIN_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["OPENAI_BASE_URL"] = server.openai_base_url
    env["ANTHROPIC_BASE_URL"] = server.anthropic_base_url
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, f"{where} failed:\n{result.stderr[-3000:]}"
