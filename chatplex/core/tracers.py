"""Process-wide tracers: handlers that hear every top-level call without being passed.

LangChain adds its `LangChainTracer` to every call when `LANGSMITH_TRACING` is set, at the
moment it configures the call's callbacks. This is the same place for chatplex: a
registered tracer is a callback handler (LangChain's method names, see
`chatplex.chat.callbacks`) that `ensure_config` adds to the callbacks of every call that
does not nest under a run already; its children inherit it through their config, as they
inherit the caller's handlers.

With no tracer registered, a call pays one attribute load and one truth test of an
empty tuple (`ACTIVE`), nothing else: `bench/bench_tracing.py` measures it.

The environment is read where LangChain reads it: LangChain checks `LANGSMITH_TRACING`
at the first call it configures (and caches the answer), so a script that sets the
variable after its imports is traced. `probe_at_first_call(callback)` (called by
`chatplex/__init__.py` when `import chatplex` saw no switch) puts a stand-in in `ACTIVE`
that runs the callback, once, at the first top-level call, and leaves.

A tracer may say that an outer framework already traces what it would trace: its
`covered_by` names that framework (e.g. `"langchain"`), and a call whose config carries
`_traced_by` with that name (set by `ChatChatplex`, which LangChain's own tracer has
reported already) does not get it, so the model appears once in LangSmith, not twice.

A tracer that sets `run_inline = True` promises plain (not async) methods that only
record: they are called in place, on the caller's thread or event loop, never handed
to a worker thread. One that sets `first_token_only = True` is told the first token of
a stream only (`on_llm_new_token`), not every chunk.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

__all__ = [
    "ACTIVE",
    "Tracer",
    "add_tracer",
    "probe_at_first_call",
    "remove_tracer",
    "tracers",
    "with_tracers",
]

logger = logging.getLogger("chatplex.tracing")

#: The registered tracers, in order. Replaced (never mutated) under `_lock`, so a
#: reader on another thread sees the old tuple or the new one, never half of either.
ACTIVE: tuple[Any, ...] = ()
_lock = threading.Lock()


class Tracer:
    """What chatplex's runs and LangChain's callback managers read of a process-wide
    tracer, as LangSmith's and OpenTelemetry's answer it: it records in place, a failure
    of its own never breaks the call it watches, it ignores no kind of run, and no outer
    framework traces for it (`covered_by`, for a subclass to name one)."""

    covered_by: str | None = None
    run_inline = True
    raise_error = False
    # LangChain's managers read these when they call it (LangChain's tools and runnables
    # inside chatplex chains report to it themselves); their keywords beyond the ones a
    # tracer uses are taken and ignored (`**_`).
    ignore_llm = ignore_chain = ignore_agent = ignore_retriever = False
    ignore_chat_model = ignore_retry = ignore_custom_event = False


def add_tracer(tracer: Any) -> None:
    """Register `tracer` (a callback handler) for every top-level call of this process.
    Adding the same object twice registers it once."""
    global ACTIVE
    with _lock:
        if not any(t is tracer for t in ACTIVE):
            ACTIVE = (*ACTIVE, tracer)


def remove_tracer(tracer: Any) -> None:
    """Stop sending calls to `tracer` (no error if it was not registered)."""
    global ACTIVE
    with _lock:
        ACTIVE = tuple(t for t in ACTIVE if t is not tracer)


def tracers() -> tuple[Any, ...]:
    """The registered tracers."""
    return tuple(t for t in ACTIVE if t is not _PROBE)


class _FirstCallProbe:
    """Stands first in `ACTIVE` until the first top-level call runs `_probe_callback`."""

    covered_by = None

    def __repr__(self) -> str:
        return "<chatplex tracers: environment read at the first call>"


_PROBE = _FirstCallProbe()
_probe_callback: Callable[[], None] | None = None


def probe_at_first_call(callback: Callable[[], None]) -> None:
    """Run `callback` (which may add tracers) once, at the first top-level call of the
    process, before that call's tracers are attached: the call it happens in is traced."""
    global ACTIVE, _probe_callback
    with _lock:
        _probe_callback = callback
        if not any(t is _PROBE for t in ACTIVE):
            ACTIVE = (_PROBE, *ACTIVE)


def _run_probe() -> None:
    global ACTIVE, _probe_callback
    with _lock:
        callback, _probe_callback = _probe_callback, None
        ACTIVE = tuple(t for t in ACTIVE if t is not _PROBE)
    if callback is None:  # another thread's first call ran it
        return
    try:
        callback()
    except Exception as exc:  # tracing never breaks the program it watches
        logger.warning("turning tracing on from the environment failed: %r", exc)


def with_tracers(config: Mapping[str, object]) -> list[Any] | None:
    """The callbacks `config` gets with the registered tracers added, or None when it
    keeps its own: the call nests under a run (its tracers came with the parent's
    config) or already has them. The caller sets them: `run_config` owns the config.

    Called by `ensure_config` / `get_config_list` only while `ACTIVE` is not empty."""
    if ACTIVE and ACTIVE[0] is _PROBE:
        _run_probe()
        if not ACTIVE:
            return None
    if config.get("_parent_run") is not None:
        return None
    outside = config.get("_traced_by")
    current = config.get("callbacks")
    if current is None and outside is None:  # the usual top-level call: all of them
        return list(ACTIVE)
    if current is None:
        items: list[Any] = []
    elif isinstance(current, (list, tuple)):
        items = list(current)
    elif hasattr(current, "handlers"):  # LangChain's manager: its handlers, by identity
        present = list(current.handlers)
        new = [t for t in ACTIVE if _wanted(t, outside) and not _among(t, present)]
        return [current, *new] if new else None
    else:
        items = [current]
    new = [t for t in ACTIVE if _wanted(t, outside) and not _among(t, items)]
    return [*items, *new] if new else None


def _wanted(tracer: Any, outside: object) -> bool:
    return outside is None or getattr(tracer, "covered_by", None) != outside


def _among(tracer: Any, items: list[Any]) -> bool:
    return any(item is tracer for item in items)
