"""The documentation site covers what users look for: a page per provider name
`init_chat_model` accepts, each with its parts, every page in the navigation, and the
performance page's chart equal to the one the benchmark drew. (The site's build itself
is `make docs`, strict; its Python blocks run in tests/examples/test_docs_blocks.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chatplex.specs import specs

from . import _porting_tables as porting_tables

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _nav_pages() -> set[str]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = text[text.index("\nnav:") :]
    return set(re.findall(r"([\w/.-]+\.md)\s*$", nav, re.M))


@pytest.mark.parametrize("name", sorted(specs()))
def test_every_provider_name_has_its_page(name: str) -> None:
    page = DOCS / "providers" / f"{name}.md"
    assert page.is_file(), f"no page for provider {name!r}: add docs/providers/{name}.md"
    text = page.read_text(encoding="utf-8")
    assert f"`{name}`" in text  # the name init_chat_model takes
    for part in ("## Parameters", "## What differs from", "## Offline example", "MockServer"):
        assert part in text, f"{page.name} lacks {part!r}"
    assert re.search(r"^```python\n", text, re.M), f"{page.name} has no runnable example"


def test_the_provider_pages_are_the_provider_names() -> None:
    pages = {p.stem for p in (DOCS / "providers").glob("*.md")} - {"index"}
    assert pages == set(specs())  # no page for a provider that is gone


def test_every_page_is_in_the_navigation() -> None:
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert pages == _nav_pages()


def test_the_performance_chart_is_the_benchmark_s() -> None:
    ours = (DOCS / "assets" / "bench-results.png").read_bytes()
    assert ours == (ROOT / "bench" / "results.png").read_bytes(), (
        "bench/results.png was redrawn: cp bench/results.png docs/assets/bench-results.png"
    )


def test_the_pages_say_nothing_about_how_the_project_is_run() -> None:
    for page in [ROOT / "README.md", *DOCS.rglob("*.md")]:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"\bissue \d+", text, re.I), f"{page.name} names an issue"
        assert "this branch" not in text, page.name


def test_the_changelog_is_in_keep_a_changelog_form() -> None:
    from chatplex import __version__

    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "keepachangelog.com" in text and "semver.org" in text
    sections = re.findall(r"^## \[([^\]]+)\]", text, re.M)
    assert sections and sections[0] in ("Unreleased", __version__), sections
    assert set(re.findall(r"^### (\w+)", text, re.M)) <= {
        "Added",
        "Changed",
        "Deprecated",
        "Removed",
        "Fixed",
        "Security",
    }
    for section in sections:  # each heading links somewhere
        assert re.search(rf"^\[{re.escape(section)}\]: https://", text, re.M), section


def test_the_readme_is_a_front_door() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250  # the rest lives on the site's pages
    first_screen = "\n".join(text.splitlines()[:12])
    for wire in ("OpenAI", "Azure", "Anthropic", "Gemini", "Vertex", "Bedrock", "Ollama"):
        assert wire in first_screen, wire
    assert "make demo" in first_screen and "make test" in first_screen
    for name in specs():  # the providers table links each provider's page
        assert f"(docs/providers/{name}.md)" in text, name


# ---- the porting tables: every kept difference of every side-by-side suite is documented


@pytest.mark.parametrize("suite", porting_tables.suites())
def test_every_kept_difference_is_on_its_provider_page_and_the_porting_page(suite: str) -> None:
    assert suite in porting_tables.SUITE_PAGES and suite in porting_tables.PORTING_SECTIONS, (
        f"tests/partners/{suite}/ is new: name its provider page and porting section in "
        "tests/_porting_tables.py (SUITE_PAGES, PORTING_SECTIONS)"
    )
    try:
        tables = porting_tables.expected(suite)
    except pytest.skip.Exception as skipped:  # a partner package missing: fail, never skip
        pytest.fail(f"tests/partners/{suite}/ cannot be read ({skipped}): make test installs it")
    problems = []
    for page, table in tables.items():
        assert page.is_file(), f"{suite}: no page {page.relative_to(ROOT)}"
        shown = porting_tables.block(page.read_text(encoding="utf-8"), suite)
        if shown != table:
            problems.append(f"{page.relative_to(ROOT)} does not hold the suite's table")
    assert not problems, (
        f"tests/partners/{suite}/ DIFFERENCES and the docs disagree (regenerate the tables: "
        ".venv/bin/python -m tests._porting_tables):\n" + "\n".join(problems)
    )
