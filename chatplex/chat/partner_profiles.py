"""The model profiles of the LangChain partner classes, as chatplex ships them
(`chatplex/langchain/profiles/<name>.json`: data derived from the models.dev project,
MIT License, as the partners' own): what a drop-in's LangChain chat model reports as
`profile`, and what an engine reads where its partner decides by the profile (the levels
langchain-aws's `reasoning_effort` takes). Read here, below both, as data: nothing of
`chatplex.langchain` (nor LangChain) is imported.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from importlib import resources
from typing import Any

__all__ = ["found_profile", "profile_table"]


@functools.cache
def profile_table(name: str | None) -> dict[str, dict[str, Any]]:
    """A partner package's model profiles (`profiles/<name>.json`), by model name; read
    once, on the first model that asks."""
    if name is None:
        return {}
    folder = resources.files("chatplex").joinpath("langchain").joinpath("profiles")
    table: dict[str, dict[str, Any]] = json.loads(
        folder.joinpath(f"{name}.json").read_text("utf-8")
    )
    return table


def found_profile(name: str | None, models: Iterable[str]) -> dict[str, Any]:
    """A copy of the first non-empty profile of `models` (the names the partner looks
    it up by, in its order) in `name`'s table; empty where it has none."""
    table = profile_table(name)
    return dict(next((table[m] for m in models if table.get(m)), {}))
