"""Both families' names in one namespace each, so a scripted scenario is written once and
run on langchain-core and on chatplex's own family (`import chatplex` is the port)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

import chatplex

_LANGCHAIN_MODULES = (
    "langchain_core.messages",
    "langchain_core.prompts",
    "langchain_core.output_parsers",
    "langchain_core.runnables",
    "langchain_core.tools",
    "langchain_core.callbacks",
    "langchain_core.exceptions",
    "langchain_core.chat_history",
    "langchain_core.runnables.history",
)


def langchain() -> SimpleNamespace:
    """langchain-core's public names from the modules a script imports them from (the
    test is skipped without langchain-core)."""
    names: dict[str, Any] = {}
    for module_name in _LANGCHAIN_MODULES:
        module = pytest.importorskip(module_name)
        public = getattr(module, "__all__", None) or _defined_in(module)
        names.update({n: getattr(module, n) for n in public})
    return SimpleNamespace(**names)


def _defined_in(module: Any) -> list[str]:
    """The public names a module without `__all__` defines itself (its classes and
    functions, not what it imports): `langchain_core.exceptions`'s exceptions."""
    return [
        n
        for n, v in vars(module).items()
        if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__
    ]


def same(scenario: Callable[[Any], Any]) -> Any:
    """`scenario` run on langchain-core, then on chatplex: the results must be equal.
    Returns chatplex's."""
    theirs = scenario(langchain())
    ours = scenario(chatplex)
    assert ours == theirs
    return ours
