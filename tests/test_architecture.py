"""The package's large-scale shape, checked from its source: no import cycles among
chatplex's modules (imports inside functions count; TYPE_CHECKING-only ones do not), no
more modules than allowed in circles closed only by TYPE_CHECKING imports (a reader
following a type walks in circles there), and no module importing a private name or
module of another package.

The one-way layers themselves are import-linter's contract in `make check` (pyproject's
`[tool.importlinter]`); this file checks what that contract does not.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "chatplex"

#: The checks share one pytest worker, so the package is parsed and its graphs built once
#: a run (~6 s of CPU), not on each worker that meets one of them.
pytestmark = pytest.mark.xdist_group("architecture")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    return skipped


#: An import's (imported module, imported name or None, line).
Import = tuple[str, str | None, int]


@functools.cache  # each module parsed once, for every check that reads its imports
def _parsed(module: str) -> tuple[list[Import], list[Import], list[tuple[list[str], int]]]:
    """The module's chatplex imports at run time, the same with its `if TYPE_CHECKING:`
    ones as well, and the top-level packages each absolute run-time import names (with
    its line)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(), str(path))
    skipped = _type_checking_nodes(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    runtime: list[Import] = []
    typed: list[Import] = []
    roots: list[tuple[list[str], int]] = []
    for node in ast.walk(tree):
        found: list[Import] = []
        if isinstance(node, ast.Import):
            found = [(a.name, None, node.lineno) for a in node.names]
            named = [a.name.partition(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                named = []
            else:
                target = node.module or ""
                named = [target.partition(".")[0]]
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in MODULES:
                    found.append((sub, None, node.lineno))
                else:
                    found.append((target, alias.name, node.lineno))
        else:
            continue
        typed += found
        if id(node) not in skipped:
            runtime += found
            if named:
                roots.append((named, node.lineno))

    def chatplex_only(imports: list[Import]) -> list[Import]:
        return [f for f in imports if f[0] == "chatplex" or f[0].startswith("chatplex.")]

    return chatplex_only(runtime), chatplex_only(typed), roots


def _imports(module: str, typing_too: bool = False) -> list[Import]:
    """(imported module, imported name or None, line) for every runtime import, and
    with `typing_too` the `if TYPE_CHECKING:` ones as well."""
    runtime, typed, _ = _parsed(module)
    return typed if typing_too else runtime


@functools.cache
def _graph() -> dict[str, list[str]]:
    """Each module's chatplex imports. Built when a test first asks, not at collection,
    which every pytest-xdist worker does (~1 s of parsing each)."""
    return {m: sorted({t for t, _, _ in _imports(m) if t in MODULES and t != m}) for m in MODULES}


@functools.cache
def _typed_graph() -> dict[str, list[str]]:
    """`_graph` with the `if TYPE_CHECKING:` imports too."""
    return {
        m: sorted({t for t, _, _ in _imports(m, typing_too=True) if t in MODULES and t != m})
        for m in MODULES
    }


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def _package_of(module: str) -> str:
    """The package a module belongs to: `chatplex.core.base` -> `chatplex.core`;
    top-level modules (`chatplex.errors`) are packages of their own."""
    path = MODULES[module]
    if path.name == "__init__.py":
        return module
    parent = module.rpartition(".")[0]
    return module if parent == "chatplex" else parent


def test_the_graph_sees_function_level_imports() -> None:
    # The checker itself: chat models' calls (chat/sending.py) import the http layer
    # inside functions (for import speed); those edges must be in the graph, or a cycle
    # could hide there.
    assert "chatplex.http" in _graph()["chatplex.chat.sending"]


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


#: Modules in circles closed by TYPE_CHECKING imports (runtime ones are 0, above), per
#: package prefix: none in chat/ and langchain/; elsewhere no more than counted when this
#: check came (messages, http, core, testing, the openai provider's azure pair).
TYPE_ONLY_CIRCLES = {"chatplex.chat.": 0, "chatplex.langchain.": 0, "chatplex.": 0}


def _in_type_only_circles(prefix: str) -> list[str]:
    return sorted(m for c in _cycles(_typed_graph()) for m in c if m.startswith(prefix))


def test_the_typed_graph_sees_type_checking_imports() -> None:
    # The checker itself: it holds every runtime edge, and the annotations-only ones too.
    typed, runtime = _typed_graph(), _graph()
    assert all(set(runtime[m]) <= set(typed[m]) for m in MODULES)
    assert any(set(typed[m]) - set(runtime[m]) for m in MODULES)


@pytest.mark.parametrize("prefix", sorted(TYPE_ONLY_CIRCLES))
def test_type_only_import_circles_stay_within_their_cap(prefix: str) -> None:
    found = _in_type_only_circles(prefix)
    assert len(found) <= TYPE_ONLY_CIRCLES[prefix], found


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}
    assert _cycles(graph) == [["a", "b", "c"]]


def _private_crossings() -> list[str]:
    bad = []
    for module in MODULES:
        if module == "chatplex":  # the public facade re-exports; it may reach anywhere
            continue
        home = _package_of(module)
        for target, name, line in _imports(module):
            if target not in MODULES or _package_of(target) == home:
                continue
            private_module = any(p.startswith("_") for p in target.split(".")[1:])
            private_name = name is not None and name.startswith("_")
            if private_module or private_name:
                shown = f"{target}.{name}" if name else target
                bad.append(f"{module}:{line} imports {shown}")
    return bad


def test_no_module_imports_a_private_name_of_another_package() -> None:
    assert _private_crossings() == []


PURE = ["chatplex.core", "chatplex.messages", "chatplex.adapters"]
# The wires that moved out of adapters/ into their folders stay pure translation.
PURE += ["chatplex.providers.openai", "chatplex.providers.anthropic"]


@pytest.mark.parametrize("module", PURE)
def test_pure_layers_do_no_io_imports(module: str) -> None:
    # messages, core and adapters are logic without I/O: the http client stays in http/.
    for name in MODULES:
        if name == module or name.startswith(module + "."):
            for roots, line in _parsed(name)[2]:
                assert not {"httpx", "aiohttp", "socket"} & set(roots), (name, line)
