"""`RunnableConfig`: per-call options that flow from a chain to every step inside it.

A config is a plain dict (a TypedDict), as in LangChain, so existing code passes the same
literals. `timeout` becomes an absolute `deadline` the first time a config is prepared;
children inherit the deadline, so one budget covers the whole call (retries and waiting
in the rate limiter included).
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Awaitable
from collections.abc import Mapping
from collections.abc import Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING
from typing import Any
from typing import TypedDict
from typing import TypeVar

from ..errors import DeadlineExceededError
from . import tracers

if TYPE_CHECKING:
    import uuid

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "RunnableConfig",
    "check_deadline",
    "check_timeout",
    "child_config",
    "current_config",
    "deadline_cut",
    "ensure_config",
    "get_config_list",
    "merge_configs",
    "passed_deadline",
    "remaining_time",
    "user_config",
    "within_deadline",
]

T = TypeVar("T")

#: Concurrency of `batch`/`abatch` when `max_concurrency` is not given: enough to keep a
#: provider busy, few enough to stay inside default rate limits and the pool size (100).
DEFAULT_MAX_CONCURRENCY = 32


class RunnableConfig(TypedDict, total=False):
    """Options for one call (a dict: `config={"timeout": 30, "tags": ["nightly"]}`).

    Attributes:
        max_concurrency: at most this many calls in flight in `batch`/`abatch`, and
            branches of a map on the sync path, everywhere under the call (as LangChain).
        timeout: seconds for the whole call, retries and rate-limit waits included;
            raises `DeadlineExceededError` (a `TimeoutError`). In `batch`, each input
            gets its own budget when it starts.
        tags: labels passed to callbacks and events.
        metadata: key-value labels passed to callbacks and events.
        run_name: the run's name in callbacks, events and traces.
        callbacks: handler objects (see `chatplex.chat.callbacks`).
        configurable: values for configurable fields (e.g. the model to use).
        deadline: the absolute `time.monotonic()` value derived from `timeout`.
        recursion_limit: LangChain's key, accepted.
        run_id: the id of this call's run (its children get their own), as in LangChain.

    Examples:
        >>> from chatplex import RunnableLambda
        >>> config = RunnableConfig(tags=["demo"], max_concurrency=2, timeout=30)
        >>> RunnableLambda(lambda x: x + 1).batch([1, 2, 3], config=config)
        [2, 3, 4]
    """

    max_concurrency: int | None
    timeout: float | None
    tags: list[str]
    metadata: dict[str, Any]
    run_name: str
    callbacks: Any
    configurable: dict[str, Any]
    deadline: float
    recursion_limit: int
    run_id: uuid.UUID | None
    # Private, kept by the run tree (core/runs.py): the run a call nests under, and
    # the positional tag (`seq:step:N`, `map:key:K`) a composite gave this child only.
    _parent_run: Any
    _position_tag: str
    # The run of a foreign runnable's own call (core/foreign.py): its id and parent are
    # handed to the foreign object, which reports that run to the handlers itself.
    _own_run: Any
    # The framework that already traces this call (`"langchain"`: ChatChatplex inside a
    # LangChain run): process-wide tracers covered by it are not added (core/tracers.py).
    _traced_by: str
    # The chat-model run of this call (chat/model.py), told of its retries and waits.
    _chat_run: Any


#: Prefixes of the tags composites give one child only (`child_config`): a run's own
#: position, never inherited (LangChain keeps them on the callback manager instead).
POSITIONAL_PREFIXES = ("seq:step:", "map:key:", "condition:", "branch:", "retry:attempt:")

# Set while a user function (a lambda) runs, so a model invoked inside it without a
# config still inherits callbacks, tags and the deadline of the surrounding call.
_current: ContextVar[RunnableConfig | None] = ContextVar("chatplex_config", default=None)


def current_config() -> ContextVar[RunnableConfig | None]:
    return _current


def ensure_config(config: RunnableConfig | Mapping[str, Any] | None = None) -> RunnableConfig:
    """A fresh config dict: the ambient (lambda) config under `config`, deadline derived."""
    ambient = _current.get()
    if config is None:
        out: RunnableConfig = dict(ambient) if ambient else {}  # type: ignore[assignment]
    else:
        if not isinstance(config, Mapping):
            raise TypeError(f"config must be a dict (RunnableConfig), got {type(config).__name__}")
        out = merge_configs(ambient, config) if ambient else dict(config)  # type: ignore[assignment]
    _validate(out)
    # Process-wide tracers (LangSmith, OpenTelemetry) join top-level calls; a step inside
    # a run has them from its parent's config (asked here: a call less per traced step).
    if tracers.ACTIVE and out.get("_parent_run") is None:
        _attach_tracers(out)
    timeout = out.get("timeout")
    if timeout is not None:
        deadline = time.monotonic() + timeout
        if "deadline" not in out or deadline < out["deadline"]:
            out["deadline"] = deadline
        out.pop("timeout")
    return out


def _validate(config: RunnableConfig) -> None:
    mc = config.get("max_concurrency")
    if mc is not None and (not isinstance(mc, int) or isinstance(mc, bool) or mc < 1):
        raise ValueError(f"max_concurrency must be a positive int, got {mc!r}")
    check_timeout(config.get("timeout"))


def check_timeout(timeout: object) -> float | None:
    """A run config's `timeout` in seconds (None: none set); ValueError unless it is a
    positive number."""
    if timeout is None:
        return None
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return float(timeout)


def merge_configs(
    base: RunnableConfig | Mapping[str, Any] | None, override: RunnableConfig | Mapping[str, Any]
) -> RunnableConfig:
    """`override` over `base`: tags and callbacks are concatenated, metadata and
    configurable merged, the earlier deadline kept, other keys replaced."""
    out: dict[str, Any] = dict(base) if base else {}
    items: dict[str, Any] = dict(override)
    for key, value in items.items():
        if value is None:
            continue
        if key == "tags":
            out["tags"] = list(dict.fromkeys([*out.get("tags", ()), *value]))
        elif key in ("metadata", "configurable"):
            out[key] = {**out.get(key, {}), **value}
        elif key == "callbacks":
            # By identity, once: code inside a lambda that passes its config on would
            # otherwise register the ambient handlers twice (and get every event twice).
            both = [*_as_list(out.get("callbacks")), *_as_list(value)]
            out["callbacks"] = list({id(h): h for h in both}.values())
        elif key == "deadline" and "deadline" in out:
            out["deadline"] = min(out["deadline"], value)
        else:
            out[key] = value
    return out  # type: ignore[return-value]


def _as_list(callbacks: Any) -> list[Any]:
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple)):
        return list(callbacks)
    return [callbacks]


def child_config(config: RunnableConfig, *, tag: str | None = None) -> RunnableConfig:
    """The config a composite passes to a child: everything but its own name, plus an
    optional positional tag (`seq:step:2`, `map:key:joke`). `max_concurrency` is kept:
    as in LangChain, it bounds every batch and map under the call.

    The positional tag is also recorded as `_position_tag`, which is not passed further
    down: runs label themselves with their own position, not their ancestors'."""
    child: dict[str, Any] = dict(config)  # a C-level copy, then drop: faster than filtering
    child.pop("run_name", None)
    child.pop("run_id", None)  # the caller's run's id, not its children's
    child.pop("_position_tag", None)
    if tag is not None:
        child["tags"] = [*config.get("tags", ()), tag]
        child["_position_tag"] = tag
    return child  # type: ignore[return-value]


#: How deep lambdas that return runnables may nest (LangChain's default).
DEFAULT_RECURSION_LIMIT = 25


def nested_config(config: RunnableConfig, owner: str, input: Any) -> RunnableConfig:
    """The config for the runnable a lambda returned: one level less of
    `recursion_limit`; RecursionError (LangChain's words) when none is left."""
    limit = config.get("recursion_limit", DEFAULT_RECURSION_LIMIT)
    if limit <= 0:
        raise RecursionError(f"Recursion limit reached when invoking {owner} with input {input}.")
    return {**config, "recursion_limit": limit - 1}


def user_config(config: RunnableConfig) -> RunnableConfig:
    """The config as user code sees it (a lambda's `config=`, a listener's, a foreign
    runnable's): `tags`, `metadata`, `configurable` and `callbacks` are always there, as
    in LangChain (`callbacks` is a list, empty when nobody watches). Tags are the
    caller's: positional ones (`seq:step:2`) are not in a LangChain config either.

    Filled here, at the edge to user code, rather than in `ensure_config`: a plain call
    never reads them, and every call would pay for four containers it does not use."""
    out: dict[str, Any] = dict(config)
    out.pop("run_id", None)  # the id of the run calling this code, not of what it calls
    out["tags"] = [t for t in config.get("tags") or () if not t.startswith(POSITIONAL_PREFIXES)]
    out["metadata"] = dict(config.get("metadata") or {})
    out["configurable"] = dict(config.get("configurable") or {})
    out.setdefault("recursion_limit", DEFAULT_RECURSION_LIMIT)
    callbacks = config.get("callbacks")
    out["callbacks"] = _as_list(callbacks) if not hasattr(callbacks, "handlers") else callbacks
    return out  # type: ignore[return-value]


def get_config_list(
    config: RunnableConfig | Sequence[RunnableConfig] | None, length: int
) -> list[RunnableConfig]:
    """One config per batch input: a list is used as given (same length required)."""
    if isinstance(config, Sequence) and not isinstance(config, Mapping):
        if len(config) != length:
            raise ValueError(
                f"batch got {length} inputs but {len(config)} configs; pass one config "
                "or exactly one per input"
            )
        configs: list[RunnableConfig] = [dict(c) for c in config]  # type: ignore[misc]
    else:
        configs = [dict(config) if config else {} for _ in range(length)]  # type: ignore[misc]
        if length > 1 and configs[0].get("run_id") is not None:
            # One id names one run: the first input's (LangChain's rule and warning).
            warnings.warn(
                "Provided run_id be used only for the first element of the batch.",
                category=RuntimeWarning,
                stacklevel=3,
            )
            for c in configs[1:]:
                del c["run_id"]
    for c in configs:  # reject a bad max_concurrency/timeout before anything starts
        _validate(c)
    if tracers.ACTIVE:
        for c in configs:
            _attach_tracers(c)
    return configs


def _attach_tracers(config: RunnableConfig) -> None:
    callbacks = tracers.with_tracers(config)
    if callbacks is not None:
        config["callbacks"] = callbacks


def remaining_time(config: RunnableConfig) -> float | None:
    """Seconds left before the deadline, or None when there is none."""
    deadline = config.get("deadline")
    return None if deadline is None else deadline - time.monotonic()


def passed_deadline() -> DeadlineExceededError:
    """The error of a call whose run config's deadline (its `timeout`) has passed."""
    return DeadlineExceededError("the call's deadline (RunnableConfig timeout) passed")


def check_deadline(config: RunnableConfig) -> None:
    """Raise `DeadlineExceededError` if the config's deadline has passed."""
    deadline = config.get("deadline")
    if deadline is not None and time.monotonic() >= deadline:
        raise passed_deadline()


#: A cancellation this close to the deadline is its watch's (timers wake a hair early).
_SLACK = 0.005


def deadline_cut(exc: BaseException, config: RunnableConfig) -> DeadlineExceededError | None:
    """The deadline's error where `exc` is the cancellation by which its watch
    (`within_deadline`) cut an async call short, arriving once the call's deadline has
    passed: what a run inside then hears, as the call raises it and as a sync call's runs
    hear it. None for any other error."""
    if isinstance(exc, asyncio.CancelledError):
        deadline = config.get("deadline")
        if deadline is not None and time.monotonic() >= deadline - _SLACK:
            return passed_deadline()
    return None


async def within_deadline(awaitable: Awaitable[T], deadline: float) -> T:
    """Await `awaitable`, cut off at `deadline` (monotonic) with `DeadlineExceededError`."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        if asyncio.iscoroutine(awaitable):
            awaitable.close()
        raise passed_deadline()
    try:
        return await asyncio.wait_for(awaitable, remaining)
    except TimeoutError as exc:
        # Only wait_for's own timeout means the deadline; a provider timeout raised
        # inside (APITimeoutError, also a TimeoutError) passes through unchanged.
        if type(exc) not in (asyncio.TimeoutError, TimeoutError):
            raise
        raise passed_deadline() from None
