"""The kept differences of the side-by-side suites (`tests/partners/<suite>/`, each a
`DIFFERENCES` table: script -> (why, normaliser), `why` one or more
`tests.partners._sidebyside.Difference`) as the documentation shows them: one generated
table per suite in its provider page(s) and in the porting page's per-wire section,
between two markers, in plain words for users (what chatplex does, what LangChain does,
the closed reason it is kept; no test names, no paths). The compat suite's cases
(tests/compat/: LangChain scripts ported to chatplex's names) that differ are the porting
page's table of cases by name: each kept one with its closed reason, each not the same
yet with what differs. tests/test_docs_site.py checks the pages hold exactly these
tables; after a suite's table changes, regenerate them:

    .venv/bin/python -m tests._porting_tables
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import differences

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PORTING = DOCS / "porting.md"

#: Suite folder -> the provider page its kept differences belong to. The compatible
#: suite's keys are (partner package, script): the package names the page there.
SUITE_PAGES: dict[str, str | None] = {
    "anthropic": "anthropic",
    "ollama": "ollama",
    "openai": "openai",
    "azure": "azure_openai",
    "responses": "openai_responses",
    "google": "google_genai",
    "vertex": "google_vertexai",
    "bedrock": "bedrock_converse",
    "cohere": "cohere",
    "watsonx": "ibm",
    "compatible": None,  # per package
    "init_chat_model": None,  # no provider page: the porting page only
}

#: Suite modules whose rows belong to another page than their suite's, by the start of
#: their names (langchain-aws's ChatBedrock and ChatAnthropicBedrock, beside
#: ChatBedrockConverse in the bedrock suite).
MODULE_PAGES = {"test_chatbedrock_": "bedrock", "test_anthropic_bedrock_": "anthropic_bedrock"}

#: Suite folder -> the porting page's per-wire heading its table goes under.
PORTING_SECTIONS = {
    "anthropic": "### Anthropic (langchain-anthropic)",
    "openai": "### OpenAI and Azure OpenAI (langchain-openai)",
    "azure": "### OpenAI and Azure OpenAI (langchain-openai)",
    "responses": "### OpenAI and Azure OpenAI (langchain-openai)",
    "google": "### Google Gemini and Vertex AI (langchain-google-genai)",
    "vertex": "### Google Gemini and Vertex AI (langchain-google-genai)",
    "bedrock": "### AWS Bedrock (langchain-aws)",
    "ollama": "### Ollama (langchain-ollama)",
    "compatible": "### OpenAI-compatible providers",  # a prefix of the heading
    "cohere": "### Cohere (langchain-cohere)",
    "watsonx": "### IBM watsonx.ai (langchain-ibm)",
    "init_chat_model": "### `init_chat_model` (langchain)",
}


@dataclass(frozen=True)
class Kept:
    suite: str
    #: the provider the row is about where the suite covers several (the compatible
    #: suite's (package, script) keys, or its module per provider); else None
    package: str | None
    script: str
    #: one difference the script shows (a row of several has one Kept each); anything
    #: else is an invalid row, which tests/partners/test_reasons.py fails
    why: Difference | object

    @property
    def page(self) -> str | None:
        return self.package or SUITE_PAGES.get(self.suite)


def suites() -> list[str]:
    """The side-by-side suites there are (a folder under tests/partners/)."""
    return sorted(
        p.name for p in (ROOT / "tests" / "partners").iterdir() if list(p.glob("test_*.py"))
    )


def kept(suite: str) -> list[Kept]:
    """The kept differences of every module of the suite that has a `DIFFERENCES` table,
    one per (script, difference)."""
    rows = []
    for path in sorted((ROOT / "tests" / "partners" / suite).glob("test_*.py")):
        module = importlib.import_module(f"tests.partners.{suite}.{path.stem}")
        # test_nebius_sidebyside.py in a suite of several providers: nebius's rows
        own = path.stem.removeprefix("test_").removesuffix("_sidebyside")
        if SUITE_PAGES.get(suite) or not (DOCS / "providers" / f"{own}.md").is_file():
            own = None
        own = next((p for start, p in MODULE_PAGES.items() if path.stem.startswith(start)), own)
        for key, (why, _) in getattr(module, "DIFFERENCES", {}).items():
            package, script = key if isinstance(key, tuple) else (own, key)
            rows += [Kept(suite, package, script, one) for one in differences(why)]
    return rows


def begin(suite: str) -> str:
    return f"<!-- kept differences: tests/partners/{suite}/ (python -m tests._porting_tables) -->"


END = "<!-- /kept differences -->"


def _plain(text: str) -> str:
    return " ".join(text.split()).replace("|", chr(92) + "|")


#: How a row with no closed reason yet (chatplex's preference, to become LangChain's
#: behaviour: tests/partners/test_reasons.py lists them) shows: as it is.
_NOT_A_REASON = "no closed reason: chatplex's preference, to become LangChain's behaviour"


def _shown(why: object) -> Difference:
    if isinstance(why, Difference):
        return why
    return Difference(Reason.RAISES, "the same as chatplex without this preference", str(why))


def render(suite: str, rows: list[Kept], with_package: bool) -> str:
    """The table: one row per difference (the providers it holds for, on the porting
    page's compatible section), in the suite's order."""
    grouped: dict[Difference, list[Kept]] = {}
    for row in rows:
        grouped.setdefault(_shown(row.why), []).append(row)
    head = ["| provider " if with_package and suite == "compatible" else ""]
    lines = [
        begin(suite),
        "",
        "Kept only where LangChain's own behaviour fails the user:",
        "",
        f"{head[0]}| what chatplex does | what LangChain does | kept because |",
        "|---" * (4 if head[0] else 3) + "|",
    ]
    for why, same in grouped.items():
        known = any(isinstance(r.why, Difference) for r in same)
        reason = why.reason.value if known else _NOT_A_REASON
        cells = [_plain(why.chatplex), _plain(why.langchain), reason]
        if head[0]:
            names = dict.fromkeys(r.package or "" for r in same)
            cells.insert(0, ", ".join(n for n in names if n))
        lines.append("| " + " | ".join(cells) + " |")
    if not grouped:
        lines.append(
            ("| -- " if head[0] else "") + "| none: every script gives the same result | -- | -- |"
        )
    return "\n".join([*lines, "", END])


def block(text: str, suite: str) -> str | None:
    """The generated block of `suite` in a page's text, or None."""
    start = text.find(begin(suite))
    if start < 0:
        return None
    return text[start : text.index(END, start) + len(END)]


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


def expected(suite: str) -> dict[Path, str]:
    """Page -> the suite's table it must hold: its provider pages' and the porting
    page's."""
    rows = kept(suite)
    pages = dict(_pages_of(rows))
    if suite in SUITE_PAGES and SUITE_PAGES[suite] and not pages:
        pages[str(SUITE_PAGES[suite])] = []
    for path in sorted((DOCS / "providers").glob("*.md")):  # a page whose rows all went
        if begin(suite) in path.read_text(encoding="utf-8"):
            pages.setdefault(path.stem, [])
    tables = {
        DOCS / "providers" / f"{page}.md": render(suite, page_rows, with_package=False)
        for page, page_rows in pages.items()
    }
    tables[PORTING] = render(suite, rows, with_package=True)
    return tables


COMPAT = ROOT / "tests" / "compat"
COMPAT_BEGIN = "<!-- compat cases that differ: tests/compat/ (python -m tests._porting_tables) -->"

#: Where the compat table sits: inside the porting page's note, indented as its body.
_COMPAT_INDENT = "    "


def compat_cases() -> list[Any]:
    """The compat suite's cases (its modules import one another by their bare names, as
    pytest and its import-order interpreters load them)."""
    if str(COMPAT) not in sys.path:
        sys.path.insert(0, str(COMPAT))
    return list(importlib.import_module("compat_cases").CASES)


def render_compat(cases: list[Any]) -> str:
    """The porting page's table of the compat cases kept different, by name, each with
    its closed reason."""
    lines = [
        "| case | what chatplex does | what LangChain does | kept because |",
        "|---|---|---|---|",
    ]
    for case in cases:
        if case.status == "deliberate":
            why = case.kept
            cells = [_plain(why.chatplex), _plain(why.langchain), why.reason.value]
            lines.append(f"| `{case.name}` | " + " | ".join(cells) + " |")
    if len(lines) == 2:
        lines.append("| none | every case gives the same result | -- | -- |")
    body = "\n".join(_COMPAT_INDENT + line if line else "" for line in ["", *lines, ""])
    return f"{COMPAT_BEGIN}\n{body}\n{_COMPAT_INDENT}{END}"


def compat_block(text: str) -> str | None:
    """The generated compat table in the porting page's text, or None."""
    start = text.find(COMPAT_BEGIN)
    if start < 0:
        return None
    return text[start : text.index(END, start) + len(END)]


def regenerate() -> None:
    text = PORTING.read_text(encoding="utf-8")
    old = compat_block(text)
    if old is not None:
        PORTING.write_text(text.replace(old, render_compat(compat_cases())), encoding="utf-8")
    for suite in suites():
        for path, table in expected(suite).items():
            text = path.read_text(encoding="utf-8")
            if path == PORTING:
                heading = PORTING_SECTIONS[suite]
                text = _put(text, suite, table, _next_heading(text, heading))
            else:
                text = _put(text, suite, table, "## Offline example")
            path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    regenerate()
