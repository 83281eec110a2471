"""ARCHITECTURE.md stays a map: short, and true about what it names.

Every code span of the map is read. A path (`chat/sending.py`, `providers/<wire>/`, with
`<...>` standing for any name) must exist in this checkout, from the root or from
`chatplex/`; `path.py:name` must also define `name`. A dotted chatplex name
(`chatplex.http.send`) must import and resolve, attribute by attribute; so must a
`Class.member` whose class chatplex or langchain-core defines. Every link must reach a
file. Paths outside the checkout (`../shared/`) are not checked: they are not in it.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest

from tests._dotted import resolve

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "ARCHITECTURE.md"
TEXT = MAP.read_text(encoding="utf-8")
SPANS = sorted(set(re.findall(r"`([^`\n]+)`", TEXT)))
LINKS = sorted(set(re.findall(r"\]\(([^)\s]+)\)", TEXT)))

_FILE = re.compile(r"\.(py|md|toml|yml|yaml|json)$")
_DOTTED = re.compile(r"\bchatplex(?:\.\w+)+")
_MEMBER = re.compile(r"^([A-Z]\w*)\.(\w+)$")
#: Where a bare class name in `Class.member` is looked up, in this order.
_CLASS_HOMES = (
    "chatplex",
    "chatplex.adapters.base",
    "chatplex.specs",
    "chatplex.chat",
    "langchain_core.language_models",
)


def _paths() -> list[str]:
    found = []
    for span in SPANS:
        if " " in span or span.startswith(("../", "http")):
            continue
        path = span.split(":", 1)[0]
        if "/" in path or _FILE.search(path):
            found.append(span)
    return found


def _existing(path: str) -> list[Path]:
    """The files or folders `path` names: from the root, else from chatplex/; a bare
    file name anywhere in the package; `<...>` and `*` stand for any name."""
    pattern = re.sub(r"<[^>]+>", "*", path.rstrip("/"))
    for base in (ROOT, ROOT / "chatplex"):
        hits = sorted(base.glob(pattern))
        if hits:
            return hits
    if "/" not in pattern:
        return sorted((ROOT / "chatplex").rglob(pattern))
    return []


def _module_of(file: Path) -> str:
    parts = file.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_map_is_at_most_300_lines() -> None:
    assert len(TEXT.splitlines()) <= 300


@pytest.mark.parametrize("span", _paths())
def test_every_path_the_map_names_exists(span: str) -> None:
    path, _, name = span.partition(":")
    hits = _existing(path)
    assert hits, f"ARCHITECTURE.md names {path!r}, which is not in the checkout"
    if name:
        (file,) = hits
        module: ModuleType = importlib.import_module(_module_of(file))
        assert hasattr(module, name), f"{path} defines no {name!r}"


@pytest.mark.parametrize("dotted", sorted({m for s in SPANS for m in _DOTTED.findall(s)}))
def test_every_dotted_chatplex_name_resolves(dotted: str) -> None:
    resolve(dotted)


@pytest.mark.parametrize("span", [s for s in SPANS if _MEMBER.match(s) and not _FILE.search(s)])
def test_every_class_member_the_map_names_exists(span: str) -> None:
    cls_name, member = span.split(".")
    for home in _CLASS_HOMES:
        cls = getattr(importlib.import_module(home), cls_name, None)
        if cls is not None:
            assert hasattr(cls, member), f"{home}.{cls_name} has no {member!r}"
            return
    pytest.fail(f"ARCHITECTURE.md names {span!r}: write its class's dotted name")


@pytest.mark.parametrize(
    "module", sorted({m for s in SPANS for m in re.findall(r"\btests(?:\.\w+)+", s)})
)
def test_every_test_module_the_map_names_exists(module: str) -> None:
    path = ROOT.joinpath(*module.split("."))
    assert path.with_suffix(".py").is_file() or path.is_dir(), module


@pytest.mark.parametrize("target", [t for t in LINKS if not t.startswith(("http", "#"))])
def test_every_link_of_the_map_reaches_a_file(target: str) -> None:
    assert (ROOT / target.split("#", 1)[0]).exists(), target


def test_the_checks_find_what_the_map_names() -> None:
    """The scans are not empty (a changed span syntax would pass everything)."""
    assert len(_paths()) > 50
    assert "chatplex.adapters.base.Adapter" in TEXT
    assert len(LINKS) > 10
    with pytest.raises(AttributeError):
        resolve("chatplex.adapters.base.NoSuchName")
    assert not _existing("chatplex/no_such_module.py")
