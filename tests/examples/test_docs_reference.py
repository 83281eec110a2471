"""The API reference (docs/reference/*.md, rendered by mkdocstrings from the docstrings)
covers the public API and its examples run: every name of `chatplex.__all__` and of each
public package's `__all__` is on a reference page, the `>>>` examples of every docstring
those pages render run as doctests (an example that calls a model starts the embedded
mock server itself), and the error table on the errors page is the one tests/_error_table.py
generates from the error classes."""

from __future__ import annotations

import doctest
import importlib
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import chatplex
from tests import _error_table as error_table
from tests._dotted import resolve

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "reference"

#: The packages users import names from: the root and each extra's entry point.
PUBLIC_MODULES = (
    "chatplex",
    "chatplex.errors",
    "chatplex.testing",
    "chatplex.langchain",
    "chatplex.bulk",
    "chatplex.batches",
    "chatplex.otel",
    "chatplex.ray",
)

#: Packages of which a few names are for users, each on a reference page too: the
#: HTTP layer's settings (a model's `rate_limit=` and `retry_policy=` take them).
PUBLIC_NAMES = {
    "chatplex.http": (
        "RateLimit",
        "RetryPolicy",
        "retry_policy",
        "configure_pool",
        "pool_settings",
        "PoolSettings",
    ),
}

_DIRECTIVE = re.compile(r"^::: ([\w.]+)\s*$", re.M)


def documented() -> dict[str, Path]:
    """Each `::: identifier` of the reference pages and the page it is on."""
    found: dict[str, Path] = {}
    for page in sorted(REFERENCE.glob("*.md")):
        for identifier in _DIRECTIVE.findall(page.read_text(encoding="utf-8")):
            found.setdefault(identifier, page)
    return found


def public_names() -> list[tuple[str, str]]:
    every = [
        (module, name)
        for module in PUBLIC_MODULES
        for name in importlib.import_module(module).__all__
    ]
    return every + [(module, name) for module, names in PUBLIC_NAMES.items() for name in names]


def _on_the_pages(identifiers: dict[str, Path]) -> list[Any]:
    """The objects the directives render: each one's, and for a whole module (the errors
    page's `::: chatplex.errors`) every name of its `__all__`."""
    objects = []
    for identifier in identifiers:
        obj = resolve(identifier)
        if isinstance(obj, ModuleType):
            objects += [getattr(obj, name) for name in obj.__all__]
        else:
            objects.append(obj)
    return objects


def _is_on_a_page(
    module: str, name: str, identifiers: dict[str, Path], rendered: list[Any]
) -> bool:
    if f"{module}.{name}" in identifiers or module in identifiers and module != "chatplex":
        return True  # its own directive, or its whole module rendered (chatplex.errors)
    obj = getattr(importlib.import_module(module), name)
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return False
    return any(shown is obj for shown in rendered)  # rendered under another public path


def test_the_reference_pages_resolve() -> None:
    identifiers = documented()
    assert len(identifiers) > 80  # the pattern finds the directives
    for identifier in identifiers:
        resolve(identifier)  # an ImportError or AttributeError names it


def test_every_public_name_is_on_a_reference_page() -> None:
    identifiers = documented()
    rendered = _on_the_pages(identifiers)
    missing = [
        f"{module}.{name}"
        for module, name in public_names()
        if not _is_on_a_page(module, name, identifiers, rendered)
    ]
    assert not missing, "not on any docs/reference/*.md page (add `::: name`): " + ", ".join(
        missing
    )


def test_every_name_on_a_reference_page_is_public() -> None:
    public = {f"{module}.{name}" for module, name in public_names()} | set(PUBLIC_MODULES)
    private = [identifier for identifier in documented() if identifier not in public]
    assert not private, f"reference pages document names users cannot import: {private}"


# ---- the docstring examples of what the reference pages render


def _rendered() -> Iterator[tuple[str, Any]]:
    for identifier in documented():
        yield identifier, resolve(identifier)


def doctests() -> list[doctest.DocTest]:
    """The doctests of every object on a reference page (a class with its own methods, a
    module with what it defines), each once."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    found: dict[str, doctest.DocTest] = {}
    for identifier, obj in _rendered():
        module = obj if isinstance(obj, ModuleType) else inspect.getmodule(obj)
        names = vars(module).copy() if module is not None else {}
        for test in finder.find(obj, identifier, module=module, globs=names):
            if test.examples:
                found.setdefault(f"{test.filename}:{test.lineno}", test)
    return sorted(found.values(), key=lambda test: test.name)


def test_the_reference_pages_have_examples() -> None:
    assert len(doctests()) >= 25  # the docstrings' `>>>` examples are found


@pytest.mark.parametrize("test", doctests(), ids=lambda test: test.name)
def test_a_docstring_example_runs(test: doctest.DocTest) -> None:
    # Each example is whole: one that calls a model starts its own MockServer (or
    # ChatMock), as a reader would, with no environment set up for it.
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    output: list[str] = []
    # The shared pools closed before and after, as a reader's fresh interpreter has them:
    # an example that calls a model opens them, and `configure_pool` (and this worker's
    # later tests of the pool) must find them closed.
    chatplex.close()
    try:
        result = runner.run(test, out=output.append, clear_globs=True)
    finally:
        chatplex.close()
    assert result.failed == 0, "".join(output)
    assert result.attempted > 0, f"{test.name}: every example is skipped; make one run"


# ---- the error table


def test_the_error_table_is_the_generated_one() -> None:
    text = error_table.PAGE.read_text(encoding="utf-8")
    assert error_table.current(text) == error_table.render(), (
        "docs/reference/errors.md's error table is stale: .venv/bin/python -m tests._error_table"
    )


def test_every_error_class_has_advice() -> None:
    names = {cls.__name__ for cls in error_table.error_classes()}
    assert names == set(error_table.ADVICE), "tests/_error_table.py ADVICE: one row per class"


def test_the_error_table_asks_the_classes() -> None:
    rows = error_table.render().splitlines()
    assert "| 429 | `RateLimitError` | yes |" in " ".join(rows)
    assert "| 401 | `AuthenticationError` | no |" in " ".join(rows)
    quota = next(row for row in rows if row.startswith("| `QuotaExceededError`"))
    assert "`RateLimitError`" in quota and "| no |" in quota
