"""The side-by-side harness: one case, run with LangChain and with chatplex.

A case is a LangChain script (imports included) that defines `main()` or `async def
main()` and returns what a user would look at. The chatplex side is the same source with
only its import lines rewritten (`port`), as a porting user would change them. Both run
in-process against one local mock server (`chatplex.testing.MockServer`), reached through
the environment (`OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`, keys), so a case's model line
can stay as the tutorials wrote it: `ChatOpenAI(model="gpt-4o-mini")`.

What is compared is `observe(result)`: the observable shape of a result (text, message
type, tool calls, token counts, event names in order), never ids or timings.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import re
import sys
import textwrap
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: LangChain module -> chatplex module, for `from X import ...` lines. What a user changes.
IMPORT_MAP = {
    "langchain_openai": "chatplex",
    "langchain_anthropic": "chatplex",
    "langchain.chat_models": "chatplex",
    "langchain_core.messages": "chatplex.messages",
    "langchain_core.prompts": "chatplex.runnables",
    "langchain_core.output_parsers": "chatplex.runnables",
    "langchain_core.runnables": "chatplex.runnables",
    "langchain_core.runnables.config": "chatplex.runnables",
    "langchain_core.callbacks": "chatplex.runnables",
    "langchain_core.callbacks.manager": "chatplex.runnables",
}

_FROM_IMPORT = re.compile(r"^(\s*)from\s+([\w.]+)\s+import\s", re.M)


def port(source: str) -> str:
    """The chatplex version of a LangChain script: only `from X import` lines change."""

    def swap(match: re.Match[str]) -> str:
        indent, module = match.group(1), match.group(2)
        return f"{indent}from {IMPORT_MAP.get(module, module)} import "

    return _FROM_IMPORT.sub(swap, source)


@dataclass(frozen=True)
class Case:
    """One compatibility case.

    `origin`: where it comes from ("seed 001 block 7", or "pattern: <what scripts do>").
    `status`: "same" (the default), or the README's column for it: "deliberate" (chatplex
    differs on purpose) or "gap" (not there yet); both need a README entry naming the case.
    """

    name: str
    origin: str
    source: str
    status: str = "same"
    why: str = ""
    tags: tuple[str, ...] = field(default=())

    @property
    def langchain_source(self) -> str:
        return textwrap.dedent(self.source).strip() + "\n"

    @property
    def chatplex_source(self) -> str:
        return port(self.langchain_source)


#: LangChain's process-wide cached HTTP clients (module, function): an async one is bound
#: to the loop of the first `asyncio.run` that used it, so every later case would fail
#: with "Event loop is closed" (LangChain's own bug, shown by one deliberate case).
_LANGCHAIN_CLIENT_CACHES = (
    ("langchain_openai.chat_models._client_utils", "_cached_async_httpx_client"),
    ("langchain_openai.chat_models._client_utils", "_cached_sync_httpx_client"),
    ("langchain_anthropic._client_utils", "_get_default_async_httpx_client"),
    ("langchain_anthropic._client_utils", "_get_default_httpx_client"),
)


def fresh_langchain_clients() -> None:
    """Forget LangChain's cached clients, so each case starts as a new script would."""
    for module_name, function in _LANGCHAIN_CLIENT_CACHES:
        module = sys.modules.get(module_name)
        cached = getattr(module, function, None)
        clear = getattr(cached, "cache_clear", None)
        if clear is not None:
            clear()


def run(source: str, name: str, *, quiet: bool = False) -> Any:
    """Execute a case's source and call its `main()` (awaited when async).

    `quiet`: ignore warnings (for the LangChain reference, whose deprecation notices,
    about models, `astream_log` or `version="v1"`, say nothing about behaviour)."""
    fresh_langchain_clients()
    namespace: dict[str, Any] = {"__name__": f"compat_{name}"}
    try:
        with warnings.catch_warnings():
            if quiet:
                warnings.simplefilter("ignore")
            exec(compile(source, f"<compat case {name}>", "exec"), namespace)
            main = namespace["main"]
            result = asyncio.run(main()) if inspect.iscoroutinefunction(main) else main()
        return observe(result)
    finally:
        # LangChain's clients are closed only by garbage collection: collect them here,
        # where their ResourceWarnings can be ignored, not in some later test.
        namespace.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()


def run_side(source: str, name: str) -> Any:
    """`run`, with an exception observed as its kind instead of raised. Warnings are
    ignored as on the reference side: chatplex warns where LangChain does
    (`astream_events(version="v1")`), and behaviour is what is compared."""
    try:
        return run(source, name, quiet=True)
    except Exception as exc:  # noqa: BLE001 - a case that raises is observed, not fatal
        return {"raised": type(exc).__name__, "message": str(exc)[:200]}


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
