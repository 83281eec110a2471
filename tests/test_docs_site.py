"""The documentation site covers what users look for: a page per provider name
`init_chat_model` accepts, each with its parts, every page in the navigation, the
performance page's chart equal to the one the benchmark drew, and the built site's links:
every internal href and #anchor resolves, the 404 page and the sitemap at the published
address (`site_url`). The site is `make docs`'s site/ when fresh, else built here (strict).
Its Python blocks run in tests/examples/test_docs_blocks.py; the API reference's names and
docstring examples in tests/examples/test_docs_reference.py."""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote
from urllib.parse import urljoin
from urllib.parse import urlsplit

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


#: A Markdown table's header and rule, then its first line: a row or not (an empty table).
_TABLE_START = re.compile(r"^\|.*\|\n\|[-| :]+\|\n(.*)$", re.M)


@pytest.mark.parametrize("page", sorted((DOCS / "providers").glob("*.md")), ids=lambda p: p.stem)
def test_a_provider_page_has_no_empty_table_and_names_no_internal_path(page: Path) -> None:
    text = re.sub(r"<!--.*?-->", "", page.read_text(encoding="utf-8"), flags=re.S)
    for table in _TABLE_START.finditer(text):
        assert table.group(1).startswith("|"), f"{page.name}: a table with no rows"
    assert not re.search(r"\btests/|\bproviders/\w+/\w+\.py\b", text), page.name


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
    # A decision record (docs/decisions/) says which issue decided it: that is its context.
    decisions = DOCS / "decisions"
    for page in [
        ROOT / "README.md",
        *(p for p in DOCS.rglob("*.md") if decisions not in p.parents),
    ]:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"\bissue \d+", text, re.I), f"{page.name} names an issue"
        assert "this branch" not in text, page.name


def test_the_changelog_is_in_keep_a_changelog_form() -> None:
    from chatplex import __version__

    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "keepachangelog.com" in text and "semver.org" in text
    # What a user can do, read in a few minutes: not a log of every change.
    assert len(text.splitlines()) <= 150
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


def test_the_compat_cases_that_differ_are_the_porting_pages_table() -> None:
    # tests/compat/'s cases that differ, each kept one with its closed reason, are the
    # porting page's table by name, generated from the cases.
    text = porting_tables.PORTING.read_text(encoding="utf-8")
    shown = porting_tables.compat_block(text)
    assert shown is not None, "docs/porting.md lacks the compat cases' table"
    assert shown == porting_tables.render_compat(porting_tables.compat_cases()), (
        "tests/compat/'s cases and docs/porting.md disagree (regenerate the tables: "
        ".venv/bin/python -m tests._porting_tables)"
    )


# ---- the built site: every internal link and anchor resolves, at the published address


def _site_url() -> str:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    found = re.search(r"^site_url:\s*(\S+)\s*$", text, re.M)
    assert found, "mkdocs.yml has no site_url: the 404 page's links and the sitemap break"
    return found.group(1).rstrip("/") + "/"


def _newest_source() -> float:
    sources = [ROOT / "mkdocs.yml", ROOT / "CHANGELOG.md", *DOCS.rglob("*")]
    sources += (ROOT / "chatplex").rglob("*.py")  # the API reference is read from them
    return max(path.stat().st_mtime for path in sources if path.is_file())


#: The tests reading the built site share one pytest-xdist worker: when site/ is stale,
#: each worker reaching one of them built the whole site again (~13 s of CPU each).
ONE_BUILD = pytest.mark.xdist_group("docs_site")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site: `make docs`'s site/ when it is newer than every source, else a
    fresh strict build (what `make test` relies on: it does not build site/ first)."""
    built = ROOT / "site"
    marker = built / "sitemap.xml"
    if marker.is_file() and marker.stat().st_mtime >= _newest_source():
        return built
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stderr[-3000:]}"
    return out


class _Page(HTMLParser):
    """A page's ids (anchors) and the URLs it points at (href, src)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and tag != "meta":
                self.ids.add(value)
            elif name in ("href", "src") and tag != "base":
                self.links.append(value)


@functools.cache
def _read(page: Path) -> _Page:
    """A page parsed once (the reference pages are large and linked to many times)."""
    parsed = _Page()
    parsed.feed(page.read_text(encoding="utf-8"))
    return parsed


def _target(site: Path, path: str) -> Path | None:
    """The file a URL path (under the site's root) is served from, or None."""
    candidate = site / unquote(path).lstrip("/")
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def _broken(site: Path, page: Path, served_at: str, root_path: str) -> list[str]:
    """Each link of `page` (served at URL path `served_at`) that points nowhere in the
    site, or at an anchor its target page lacks."""
    base = f"https://site.invalid{served_at}"
    problems = []
    for link in _read(page).links:
        if link.startswith(("mailto:", "javascript:", "data:")):
            continue
        url = urlsplit(urljoin(base, link))
        if url.netloc != "site.invalid":
            if not link.startswith(_site_url()):
                continue  # another site: not checked here (no network in tests)
            url = urlsplit(urljoin(base, root_path + link[len(_site_url()) :]))
        if not url.path.startswith(root_path):
            problems.append(f"{link!r} leaves the site's path {root_path}")
            continue
        target = _target(site, url.path[len(root_path) :])
        if target is None:
            problems.append(f"{link!r}: no such page or file")
        elif (
            url.fragment
            and target.suffix == ".html"
            and unquote(url.fragment) not in _read(target).ids
        ):
            problems.append(f"{link!r}: no anchor #{url.fragment} on that page")
    return [f"{page.relative_to(site)}: {problem}" for problem in problems]


@ONE_BUILD
def test_every_internal_link_and_anchor_of_the_site_resolves(site: Path) -> None:
    root_path = urlsplit(_site_url()).path
    problems = []
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":
            continue  # below: served at any path
        relative = page.relative_to(site).as_posix()
        served_at = root_path + relative.removesuffix("index.html")
        problems += _broken(site, page, served_at, root_path)
    assert len(list(site.rglob("*.html"))) > 40  # the pages were found
    assert not problems, "\n".join(problems)


@ONE_BUILD
@pytest.mark.parametrize("missing", ["no-such-page/", "providers/no/such/page/"])
def test_the_404_page_works_at_any_path_under_the_published_address(
    site: Path, missing: str
) -> None:
    """A host serves 404.html for every unknown URL, at that URL: its links must be
    absolute under site_url's path (they are relative to / without site_url)."""
    root_path = urlsplit(_site_url()).path
    page = site / "404.html"
    assert page.is_file()
    assert not _broken(site, page, root_path + missing, root_path)
    local = [link for link in _read(page).links if not urlsplit(link).netloc]
    assert local and all(link.startswith(root_path) for link in local), local


@ONE_BUILD
def test_the_sitemap_lists_the_pages_at_the_published_address(site: Path) -> None:
    locations = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text("utf-8"))
    assert len(locations) == len(_nav_pages())
    for location in locations:
        assert location.startswith(_site_url()), location
        assert _target(site, location[len(_site_url()) :]) is not None, location


@ONE_BUILD
def test_the_reference_shows_examples_as_code(site: Path) -> None:
    """A docstring's `>>>` lines render as a code block, not as nested quotes with the
    lines run together (what a plain docstring paragraph of `>>>` becomes)."""
    for page in sorted((site / "reference").rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        # Markdown reads `>>> x` outside a code block as three nested quotes of "x".
        nested = re.findall(r"<blockquote>\s*<blockquote>\s*<blockquote>\s*<p>([^<]*)", text)
        assert not nested, f"{page.relative_to(site)}: `>>>` lines shown as quotes: {nested}"
    models = (site / "reference" / "models" / "index.html").read_text(encoding="utf-8")
    assert "&gt;&gt;&gt;" in models and "<blockquote>" not in models


@ONE_BUILD
@pytest.mark.parametrize("word", ["migrate", "migration", "FAQ"])
def test_the_site_search_finds_the_faq_and_migration_page(site: Path, word: str) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    found = {
        doc["location"].split("#")[0] for doc in index["docs"] if word in doc["title"] + doc["text"]
    }
    assert "faq/" in found, found


@ONE_BUILD
def test_the_site_links_the_repository_and_the_changelog(site: Path) -> None:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^repo_url: https://github\.com/", text, re.M)
    assert "changelog.md" in _nav_pages()
    changelog = (site / "changelog" / "index.html").read_text(encoding="utf-8")
    assert "Keep a Changelog" in changelog  # the repository's CHANGELOG.md, included


def test_the_link_check_finds_what_is_broken(tmp_path: Path) -> None:
    page = tmp_path / "a" / "index.html"
    page.parent.mkdir()
    page.write_text(
        '<h1 id="x">x</h1><a href="#x">ok</a><a href="../b/">missing page</a>'
        '<a href="#nope">missing anchor</a><a href="/elsewhere/">outside</a>'
        f'<a href="{_site_url()}a/#x">absolute, fine</a><a href="https://example.com/">other</a>',
        encoding="utf-8",
    )
    assert _broken(tmp_path, page, "/chatplex/a/", "/chatplex/") == [
        "a/index.html: '../b/': no such page or file",
        "a/index.html: '#nope': no anchor #nope on that page",
        "a/index.html: '/elsewhere/' leaves the site's path /chatplex/",
    ]
