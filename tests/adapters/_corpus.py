"""Loader for the shared wire corpus (../shared/wire-corpus): recorded response bodies
with a `<case>.meta.json` sidecar each. Tests skip cleanly when the corpus is absent.

`CHATPLEX_WIRE_CORPUS` overrides the location.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Case", "corpus_dir", "load_cases"]


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


def corpus_dir() -> Path | None:
    """The corpus directory, or None when it is not there."""
    env = os.environ.get("CHATPLEX_WIRE_CORPUS")
    path = Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "wire-corpus"
    return path if path.is_dir() else None


def load_cases(providers: set[str]) -> list[Case]:
    """Every case whose sidecar names one of `providers`, sorted by name."""
    root = corpus_dir()
    if root is None:
        return []
    cases = []
    for meta_path in sorted(root.glob("*.meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("provider") not in providers:
            continue
        name = meta_path.name.removesuffix(".meta.json")
        body_path = root / meta.get("body_file", "")
        if not meta.get("body_file") or not body_path.is_file():
            continue
        cases.append(Case(name=name, meta=meta, body=body_path.read_bytes()))
    return cases
