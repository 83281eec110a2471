"""Loader for the recorded wire replies: the shared corpus (../shared/wire-corpus, the
project's given recordings of OpenAI Chat Completions and Anthropic Messages) and
chatplex's own (tests/wire-corpus, the recordings of every other wire, kept in this
repository so CI has them whatever the shared folder holds). Both hold a body file and a
`<case>.meta.json` sidecar per case. Where that folder is absent, a test reading a shared
case by name skips, and the cases the corpus tests take as parameters are not collected
at all: the run says so at its end (`missing_note`, tests/conftest.py).

`CHATPLEX_WIRE_CORPUS` overrides the shared folder's location.
`tests/wire-corpus/annotations.json` adds sidecar keys to shared cases (which preset a
compatible provider's recording belongs to) without editing files we do not own.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "OWN_CORPUS",
    "Case",
    "case_file",
    "corpus_dir",
    "corpus_dirs",
    "load_cases",
    "missing_note",
    "shared_corpus_bytes",
]

OWN_CORPUS = Path(__file__).resolve().parents[1] / "wire-corpus"


@dataclass(frozen=True)
class Case:
    """One recorded response: the sidecar (`meta`) and the body bytes."""

    name: str
    meta: dict[str, Any]
    body: bytes

    @property
    def provider(self) -> str:
        return str(self.meta["provider"])

    @property
    def kind(self) -> str:
        return str(self.meta["kind"])

    @property
    def status(self) -> int:
        return int(self.meta["status"])

    @property
    def expected(self) -> dict[str, Any]:
        return dict(self.meta.get("expected") or {})

    @property
    def headers(self) -> dict[str, str]:
        # A few recorded headers are lists (repeated headers); join them as HTTP would.
        raw = self.meta.get("response_headers") or {}
        return {k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in raw.items()}


def _shared_path() -> Path:
    """Where the shared corpus is looked for."""
    env = os.environ.get("CHATPLEX_WIRE_CORPUS")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "wire-corpus"


def corpus_dir() -> Path | None:
    """The shared corpus directory, or None when it is not there."""
    path = _shared_path()
    return path if path.is_dir() else None


def missing_note() -> str | None:
    """The line a run ends with where the shared corpus is not here (None: it is). Its
    cases are parameters of the wires' corpus tests: without the folder they are not
    collected, so the counts of passed and skipped tests alone do not show it."""
    if corpus_dir() is not None:
        return None
    return (
        f"the shared wire corpus is not at {_shared_path()} (CHATPLEX_WIRE_CORPUS names another "
        "place): its recorded replies were not tested, only tests/wire-corpus's"
    )


def shared_corpus_bytes(name: str) -> bytes:
    """A file of the shared corpus, as recorded; the test skipped where it is not there."""
    folder = corpus_dir()
    if folder is None or not (folder / name).exists():
        pytest.skip("the shared wire corpus is not here")
    return (folder / name).read_bytes()


def corpus_dirs() -> list[Path]:
    """Where recordings are read from: the shared corpus (if present), then our own."""
    shared = corpus_dir()
    return [*([shared] if shared else []), OWN_CORPUS]


def case_file(name: str) -> Path | None:
    """A corpus file by name, from our own recordings or the shared ones."""
    for folder in reversed(corpus_dirs()):
        if (folder / name).is_file():
            return folder / name
    return None


def _annotations() -> dict[str, dict[str, Any]]:
    path = OWN_CORPUS / "annotations.json"
    if not path.is_file():
        return {}
    loaded: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def load_cases(providers: set[str]) -> list[Case]:
    """Every case whose sidecar names one of `providers`, sorted by name; a case in our own
    corpus wins over a shared one of the same name."""
    annotations = _annotations()
    found: dict[str, Case] = {}
    for root in corpus_dirs():
        for meta_path in sorted(root.glob("*.meta.json")):
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            name = meta_path.name.removesuffix(".meta.json")
            meta.update(annotations.get(name, {}))
            if meta.get("provider") not in providers:
                continue
            body_path = root / meta.get("body_file", "")
            if not meta.get("body_file") or not body_path.is_file():
                continue
            found[name] = Case(name=name, meta=meta, body=body_path.read_bytes())
    return [found[name] for name in sorted(found)]


def corpus_case(provider: str, name: str) -> Case:
    """`provider`'s case `name` (the test is skipped where the corpus lacks it)."""
    found = {c.name: c for c in load_cases({provider})}
    if name not in found:
        pytest.skip(f"wire corpus case {name} not present")
    return found[name]
