"""How a runnable streams: `Runnable.stream` and `astream` (through the traced run when
callbacks watch, each piece checked against the call's deadline, and the pieces yielded
so far kept on a `DeadlineExceededError` as its `partial`).

`base.Runnable`'s methods call these; they read it through `_traced.Hooks` (`base.py`
imports this module, so it is not imported here).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

from ..errors import DeadlineExceededError
from . import _traced
from .chunks import aclose_iterator
from .chunks import close_iterator
from .partial_results import YieldedSoFar
from .partial_results import give_partial
from .run_config import RunnableConfig
from .run_config import check_deadline
from .run_config import ensure_config
from .run_config import within_deadline

__all__ = ["astream", "stream"]


def stream(
    runnable: _traced.Hooks[Any],
    input: Any,
    config: RunnableConfig | None,
    kwargs: dict[str, Any],
) -> Iterator[Any]:
    """`runnable.stream(input, config, **kwargs)`."""
    cfg, iterator = _started(runnable, input, config, kwargs, asynchronous=False)
    seen = YieldedSoFar()  # what was yielded: DeadlineExceededError.partial
    try:
        for chunk in iterator:
            seen.append(chunk)
            yield chunk
            check_deadline(cfg)
    except DeadlineExceededError as err:
        give_partial(err, seen)
        raise runnable._deadline_error(err, cfg) from err.__cause__  # the same chain
    finally:
        close_iterator(iterator)


async def astream(
    runnable: _traced.Hooks[Any],
    input: Any,
    config: RunnableConfig | None,
    kwargs: dict[str, Any],
) -> AsyncIterator[Any]:
    """`runnable.astream(input, config, **kwargs)`: a `timeout` given to this call bounds
    the wait for each piece."""
    owns_deadline = bool(config and config.get("timeout"))
    cfg, iterator = _started(runnable, input, config, kwargs, asynchronous=True)
    seen = YieldedSoFar()  # what was yielded: DeadlineExceededError.partial
    try:
        if owns_deadline:
            deadline = cfg["deadline"]
            while True:
                try:
                    chunk = await within_deadline(anext(iterator), deadline)
                except StopAsyncIteration:
                    return
                seen.append(chunk)
                yield chunk
        else:
            async for chunk in iterator:
                seen.append(chunk)
                yield chunk
    except DeadlineExceededError as err:
        give_partial(err, seen)
        raise runnable._deadline_error(err, cfg) from err.__cause__  # the same chain
    finally:
        await aclose_iterator(iterator)


def _started(
    runnable: _traced.Hooks[Any],
    input: Any,
    config: RunnableConfig | None,
    kwargs: dict[str, Any],
    *,
    asynchronous: bool,
) -> tuple[RunnableConfig, Any]:
    """The call's config, its deadline checked, and its pieces: its `_stream` (or
    `_astream`) hook's, or the traced run's when callbacks watch."""
    cfg = ensure_config(config)
    try:
        check_deadline(cfg)
    except DeadlineExceededError as err:
        raise runnable._deadline_error(err, cfg) from err.__cause__  # the same chain
    if cfg.get("callbacks"):
        traced = _traced.astream if asynchronous else _traced.stream
        return cfg, traced(runnable, input, cfg, kwargs)
    hook = runnable._astream if asynchronous else runnable._stream
    return cfg, hook(input, cfg, **kwargs)
