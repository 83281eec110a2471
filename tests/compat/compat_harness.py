"""The side-by-side harness: one case, run with LangChain and with chatplex.

A case is a LangChain script (imports included) that defines `main()` or `async def
main()` and returns what a user would look at. The chatplex side is the same source with
only its import lines rewritten (`port`), as a porting user would change them, and
`import_only_difference` proves it (the two module trees are equal once their import
statements are removed). Both run in-process against one local mock server
(`chatplex.testing.MockServer`), reached through the environment (`OPENAI_BASE_URL`,
`ANTHROPIC_BASE_URL`, keys), so a case's model line can stay as the tutorials wrote it:
`ChatOpenAI(model="gpt-4o-mini")`.

What is compared is `observe(result)`: the observable shape of a result (text, message
type, tool calls, token counts, event names in order), never ids or timings; and, for a
case that names `wire` keys, those keys of every request body the server received.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import gc
import importlib
import inspect
import sys
import textwrap
import warnings
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import problems

#: Where a ported script takes its chat models from: the port the docs give, only the
#: chat-model import changes (decision 001); the rest of the script stays LangChain's.
TARGET = "chatplex.langchain"

#: The modules a LangChain script imports chat models from.
MODEL_MODULES = frozenset(
    {
        "langchain_openai",
        "langchain_anthropic",
        "langchain.chat_models",
        "langchain_groq",
        "langchain_deepseek",
        "langchain_xai",
        "langchain_mistralai",
        "langchain_together",
        "langchain_fireworks",
        "langchain_sambanova",
    }
)


def target_exports() -> frozenset[str]:
    """The names `chatplex.langchain` exports (its `__all__`)."""
    return frozenset(importlib.import_module(TARGET).__all__)


def port(source: str, exports: frozenset[str] | None = None) -> str:
    """The ported version of a LangChain script: each `from X import a, b` line of a
    chat-model module is split into the names `chatplex.langchain` exports (now imported
    from it) and the rest (still from X). Nothing else changes."""
    exports = target_exports() if exports is None else exports
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or node.level or node.module not in MODEL_MODULES:
            continue
        moved = [a for a in node.names if a.name in exports]
        if not moved:
            continue
        kept = [a for a in node.names if a.name not in exports]
        indent = lines[node.lineno - 1][: node.col_offset]
        new = f"{indent}from {TARGET} import {_names(moved)}\n"
        if kept:
            new += f"{indent}from {node.module} import {_names(kept)}\n"
        edits.append((node.lineno - 1, node.end_lineno or node.lineno, new))
    for start, end, new in sorted(edits, reverse=True):
        lines[start:end] = [new]
    return "".join(lines)


def _names(aliases: list[ast.alias]) -> str:
    return ", ".join(a.name if a.asname is None else f"{a.name} as {a.asname}" for a in aliases)


class _DropImports(ast.NodeTransformer):
    def visit_Import(self, node: ast.Import) -> None:
        return None

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        return None


def _bound_and_rest(source: str) -> tuple[list[str], str]:
    """The names `source`'s imports bind, and its tree without them (one parse)."""
    tree = ast.parse(source)
    bound = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound += [a.asname or a.name for a in node.names]
    return sorted(bound), ast.dump(_DropImports().visit(tree))


def import_only_difference(original: str, ported: str) -> list[str]:
    """Why `ported` is more than an import swap of `original` (empty: it is not): the
    two trees must be equal once every import statement is removed, and the imports must
    bind the same names."""
    (original_names, original_rest), (ported_names, ported_rest) = map(
        _bound_and_rest, (original, ported)
    )
    problems = []
    if original_rest != ported_rest:
        problems.append("the scripts differ outside their import statements")
    if original_names != ported_names:
        problems.append("the imports bind different names")
    return problems


#: The columns of the porting table. "deliberate" cases are kept differences, held to
#: issue 47's closed set as the partner suites' are: a `Difference` (its `Reason`:
#: LangChain raises, hangs, loses or corrupts data, or sends a request its provider
#: rejects) and a check of LangChain's outcome.
STATUSES = ("same", "deliberate")

#: Reads LangChain's observation of a case: True while LangChain still shows the failure
#: a kept difference is kept for.
LangChainCheck = Callable[[Any], bool]


@dataclass(frozen=True)
class Case:
    """One compatibility case.

    `origin`: where it comes from ("seed 001 block 7", or "pattern: <what scripts do>").
    `status`: "same" (the default) or "deliberate" (a kept difference: `kept` says what
    LangChain does, what chatplex does and the closed reason, `langchain_fails` reads
    LangChain's observation and holds while LangChain still fails so); the porting
    page's table is made from the deliberate ones (tests/_porting_tables.py). `wire`:
    paths into each request body that are compared too (what each request asked the
    provider for; see `wire_value`). `order`: also run in fresh interpreters, with
    chatplex imported before LangChain and after (see compat_order.py).
    """

    name: str
    origin: str
    source: str
    status: str = "same"
    tags: tuple[str, ...] = field(default=())
    wire: tuple[str, ...] = field(default=())
    order: bool = False
    kept: Difference | None = None
    langchain_fails: LangChainCheck | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"{self.name}: status {self.status!r} is not one of {STATUSES}")
        if self.status == "deliberate":
            found = problems(self.kept, {self.name})
            if found or not callable(self.langchain_fails):
                raise ValueError(
                    f"{self.name}: a deliberate case needs `kept` (a Difference with a closed "
                    f"reason) and `langchain_fails` (a check of LangChain's outcome): {found}"
                )
        elif self.kept is not None or self.langchain_fails is not None:
            raise ValueError(f"{self.name}: only a deliberate case keeps a difference")

    # Cached: a case reads each several times (a port parses the script).
    @functools.cached_property
    def langchain_source(self) -> str:
        return textwrap.dedent(self.source).strip() + "\n"

    @functools.cached_property
    def chatplex_source(self) -> str:
        return port(self.langchain_source)


#: LangChain's process-wide cached async HTTP clients (module, function): one is bound to
#: the loop of the first `asyncio.run` that used it, so every later case would fail with
#: "Event loop is closed" (LangChain's own bug, shown by one deliberate case). The sync
#: ones are kept, as in any long-running process (building one costs an SSL context).
_LANGCHAIN_CLIENT_CACHES = (
    ("langchain_openai.chat_models._client_utils", "_cached_async_httpx_client"),
    ("langchain_anthropic._client_utils", "_get_default_async_httpx_client"),
)


def fresh_langchain_clients() -> None:
    """Forget LangChain's cached async clients, so each case's loop gets its own."""
    for module_name, function in _LANGCHAIN_CLIENT_CACHES:
        module = sys.modules.get(module_name)
        cached = getattr(module, function, None)
        clear = getattr(cached, "cache_clear", None)
        if clear is not None:
            clear()


#: Request bodies the mock server received since the last `run` began (appended by
#: `record_request`, the server's fault plan, on the server's thread).
WIRE: list[dict[str, Any]] = []


def record_request(request: Any) -> None:
    """The mock server's `fault_plan`: remember the body, inject nothing."""
    WIRE.append(dict(request.json or {}))


_ABSENT = "<absent>"


def wire_value(body: Any, path: str) -> Any:
    """The part of a request body at `path`: keys joined by dots, `name[]` for each item
    of a list, `*` for each value of a mapping (`tools[].function.strict`,
    `response_format.json_schema.schema.properties.*.description`)."""
    if not path:
        return body
    head, _, rest = path.partition(".")
    if head == "*":
        if not isinstance(body, Mapping):
            return _ABSENT
        return {k: wire_value(v, rest) for k, v in body.items()}
    key, each = (head[:-2], True) if head.endswith("[]") else (head, False)
    if not isinstance(body, Mapping) or key not in body:
        return _ABSENT
    value = body[key]
    if each:
        if not isinstance(value, list):
            return _ABSENT
        return [wire_value(item, rest) for item in value]
    return wire_value(value, rest)


def _wire_view(paths: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{p: wire_value(body, p) for p in paths} for body in WIRE]


def run(source: str, name: str, *, quiet: bool = False, wire: tuple[str, ...] = ()) -> Any:
    """Execute a case's source and call its `main()` (awaited when async).

    `quiet`: ignore warnings (for the LangChain reference, whose deprecation notices,
    about models, `astream_log` or `version="v1"`, say nothing about behaviour).
    `wire`: also return those keys of the request bodies sent meanwhile."""
    fresh_langchain_clients()
    WIRE.clear()
    namespace: dict[str, Any] = {"__name__": f"compat_{name}"}
    try:
        with warnings.catch_warnings():
            if quiet:
                warnings.simplefilter("ignore")
            # dont_inherit: a script runs without this module's `from __future__ import
            # annotations` (TypedDict schemas would otherwise see strings).
            code = compile(source, f"<compat case {name}>", "exec", dont_inherit=True)
            exec(code, namespace)
            main = namespace["main"]
            result = asyncio.run(main()) if inspect.iscoroutinefunction(main) else main()
        seen = observe(result)
        return {"result": seen, "wire": _wire_view(wire)} if wire else seen
    finally:
        # LangChain's clients are closed only by garbage collection: collect them here,
        # where their ResourceWarnings can be ignored, not in some later test.
        namespace.clear()
        fresh_langchain_clients()  # (the next run's first step) their cached ones too
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
        _refreeze()


def _refreeze() -> None:
    """What lives on after a case's collection (modules and classes it loaded, the
    caches of typing, pydantic and LangChain that grew) is frozen out of the collector,
    as the suite's fixtures froze what was loaded before: the next case's `gc.collect()`
    walks what that case made, not all that every case before it left alive. Called just
    after a collection, so no garbage is frozen; no client of LangChain's is cached then,
    so none is kept from its collection. After every case: a collection then costs
    about 1 ms, where one walking what many cases had left alive cost ~9 ms. What a
    later case drops of what was frozen is never collected (~10k objects over the
    side-by-side cases)."""
    gc.freeze()


def run_side(source: str, name: str, *, wire: tuple[str, ...] = ()) -> Any:
    """`run`, with an exception observed as its kind instead of raised. Warnings are
    ignored as on the reference side: chatplex warns where LangChain does
    (`astream_events(version="v1")`), and behaviour is what is compared."""
    try:
        return run(source, name, quiet=True, wire=wire)
    except Exception as exc:  # noqa: BLE001 - a case that raises is observed, not fatal
        return {"raised": type(exc).__name__, "message": str(exc)[:200]}


def run_case(case: Case) -> tuple[Any, Any]:
    """(LangChain's observation, the ported script's). The reference must run cleanly."""
    return run_reference(case), run_ported(case)


def run_reference(case: Case) -> Any:
    """LangChain's observation of `case`: its script run as written, which must not raise."""
    return run(case.langchain_source, case.name, quiet=True, wire=case.wire)


def run_ported(case: Case) -> Any:
    """The ported script's observation of `case` (an exception observed as its kind)."""
    return run_side(case.chatplex_source, case.name, wire=case.wire)


_USAGE_KEYS = ("input_tokens", "output_tokens", "total_tokens")


def observe(value: Any) -> Any:
    """The comparable shape of a result: messages by their visible fields, containers
    element-wise, stream events by their kind and name, errors by status."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, BaseException):
        return {"error": getattr(value, "status_code", getattr(value, "status", None))}
    kind = type(value).__name__
    if hasattr(value, "content") and hasattr(value, "type"):
        shown: dict[str, Any] = {"message": kind, "content": observe(value.content)}
        calls = getattr(value, "tool_calls", None)
        if calls:
            shown["tool_calls"] = [(c["name"], c["args"]) for c in calls]
        usage = getattr(value, "usage_metadata", None)
        if usage:
            shown["usage"] = {k: usage.get(k) for k in _USAGE_KEYS}
        return shown
    if isinstance(value, Mapping):
        if "event" in value and "run_id" in value:  # a stream event
            return (value["event"], value.get("name"))
        # Ids (tool-call ids, run ids) differ from run to run and are never compared.
        return {str(k): observe(v) for k, v in value.items() if k != "id"}
    if isinstance(value, (list, tuple)):
        return [observe(v) for v in value]
    if hasattr(value, "to_messages"):  # a prompt value (LangChain's is pydantic too)
        return {"prompt": [observe(m) for m in value.to_messages()]}
    if hasattr(value, "model_dump"):  # a pydantic object (structured output)
        return {"model": kind, **observe(value.model_dump())}
    return {"object": kind, "text": str(value)[:200]}
