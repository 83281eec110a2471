"""The kept differences of the side-by-side suites (`tests/partners/<suite>/`, each a
`DIFFERENCES` table: script -> (why, normaliser)) as the documentation shows them: one
generated table per suite in its provider page(s) and in the porting page's per-wire
section, between two markers. tests/test_docs_site.py checks the pages list every kept
difference; after a suite's table changes, regenerate them:

    .venv/bin/python -m tests._porting_tables
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PORTING = DOCS / "porting.md"

#: Suite folder -> the provider page its kept differences belong to. The compatible
#: suite's keys are (partner package, script): the package names the page there.
SUITE_PAGES: dict[str, str | None] = {
    "ollama": "ollama",
    "azure": "azure_openai",
    "responses": "openai_responses",
    "google": "google_genai",
    "vertex": "google_vertexai",
    "bedrock": "bedrock_converse",
    "cohere": "cohere",
    "compatible": None,  # per package
    "init_chat_model": None,  # no provider page: the porting page only
}

#: A suite module whose rows belong to another page than its suite's (langchain-aws's
#: ChatBedrock, beside ChatBedrockConverse in the bedrock suite).
MODULE_PAGES = {"test_chatbedrock_sidebyside": "bedrock"}

#: Suite folder -> the porting page's per-wire heading its table goes under.
PORTING_SECTIONS = {
    "azure": "### OpenAI and Azure OpenAI (langchain-openai)",
    "responses": "### OpenAI and Azure OpenAI (langchain-openai)",
    "google": "### Google Gemini and Vertex AI (langchain-google-genai)",
    "vertex": "### Google Gemini and Vertex AI (langchain-google-genai)",
    "bedrock": "### AWS Bedrock (langchain-aws)",
    "ollama": "### Ollama (langchain-ollama)",
    "compatible": "### OpenAI-compatible providers",  # a prefix of the heading
    "cohere": "### Cohere (langchain-cohere)",
    "init_chat_model": "### `init_chat_model` (langchain)",
}


@dataclass(frozen=True)
class Kept:
    suite: str
    #: the provider the row is about where the suite covers several (the compatible
    #: suite's (package, script) keys, or its module per provider); else None
    package: str | None
    script: str
    why: str

    @property
    def page(self) -> str | None:
        return self.package or SUITE_PAGES.get(self.suite)


def suites() -> list[str]:
    """The side-by-side suites there are (a folder under tests/partners/)."""
    return sorted(
        p.name for p in (ROOT / "tests" / "partners").iterdir() if list(p.glob("test_*.py"))
    )


def kept(suite: str) -> list[Kept]:
    """The kept differences of every module of the suite that has a `DIFFERENCES` table."""
    rows = []
    for path in sorted((ROOT / "tests" / "partners" / suite).glob("test_*.py")):
        module = importlib.import_module(f"tests.partners.{suite}.{path.stem}")
        # test_nebius_sidebyside.py in a suite of several providers: nebius's rows
        own = path.stem.removeprefix("test_").removesuffix("_sidebyside")
        if SUITE_PAGES.get(suite) or not (DOCS / "providers" / f"{own}.md").is_file():
            own = None
        own = MODULE_PAGES.get(path.stem, own)
        for key, (why, _) in getattr(module, "DIFFERENCES", {}).items():
            package, script = key if isinstance(key, tuple) else (own, key)
            rows.append(Kept(suite, package, script, " ".join(why.split())))
    return rows


def begin(suite: str) -> str:
    return f"<!-- kept differences: tests/partners/{suite}/ (python -m tests._porting_tables) -->"


END = "<!-- /kept differences -->"


def render(suite: str, rows: list[Kept], with_package: bool) -> str:
    """The table: scripts sharing one reason on one row, in the suite's order."""
    grouped: dict[str, list[Kept]] = {}
    for row in rows:
        grouped.setdefault(row.why, []).append(row)
    lines = [
        begin(suite),
        "",
        f"Kept in the side-by-side suite (`tests/partners/{suite}/`, its `DIFFERENCES`):",
        "",
        "| scripts | difference kept, and why |",
        "|---|---|",
    ]
    for why, same in grouped.items():
        names = [
            f"{r.package} `{r.script}`" if with_package and r.package else f"`{r.script}`"
            for r in same
        ]
        lines.append(f"| {', '.join(names)} | {why.replace('|', chr(92) + '|')} |")
    if not grouped:
        lines.append("| -- | none: every script gives the same result |")
    return "\n".join([*lines, "", END])


def block(text: str, suite: str) -> str | None:
    """The generated block of `suite` in a page's text, or None."""
    start = text.find(begin(suite))
    if start < 0:
        return None
    return text[start : text.index(END, start) + len(END)]


def documented_scripts(text: str, suite: str) -> set[str]:
    found = block(text, suite) or ""
    return {
        name
        for row in found.splitlines()
        if row.startswith("| ")
        for name in re.findall(r"`([^`]+)`", row.split(" | ")[0])
    }


def _put(text: str, suite: str, table: str, before: str | None) -> str:
    old = block(text, suite)
    if old is not None:
        return text.replace(old, table)
    if before is None:  # the last section: the page's end
        return text.rstrip("\n") + "\n\n" + table + "\n"
    at = text.index(before)
    return text[:at] + table + "\n\n" + text[at:]


def _next_heading(text: str, heading: str) -> str | None:
    """The heading after `heading` (the section ends there); None at the page's end."""
    rest = text[text.index(heading) + len(heading) :]
    found = re.search(r"^##+ .*$", rest, re.M)
    return found.group(0) if found else None


def _pages_of(rows: list[Kept]) -> Iterator[tuple[str, list[Kept]]]:
    pages: dict[str, list[Kept]] = {}
    for row in rows:
        if row.page is not None:
            pages.setdefault(row.page, []).append(row)
    yield from pages.items()


def regenerate() -> None:
    porting = PORTING.read_text(encoding="utf-8")
    for suite in suites():
        rows = kept(suite)
        pages = dict(_pages_of(rows))
        if suite in SUITE_PAGES and SUITE_PAGES[suite] and not pages:
            pages[str(SUITE_PAGES[suite])] = []
        for page, page_rows in pages.items():
            path = DOCS / "providers" / f"{page}.md"
            text = path.read_text(encoding="utf-8")
            table = render(suite, page_rows, with_package=False)
            path.write_text(_put(text, suite, table, "## Offline example"), encoding="utf-8")
        heading = PORTING_SECTIONS[suite]
        table = render(suite, rows, with_package=True)
        porting = _put(porting, suite, table, _next_heading(porting, heading))
    PORTING.write_text(porting, encoding="utf-8")


if __name__ == "__main__":
    regenerate()
