"""How a runnable streams: `Runnable.stream` and `astream` (through the traced run when
callbacks watch, each piece checked against the call's deadline, and the pieces yielded
so far kept on a `DeadlineExceededError` as its `partial`), and `transform` /
`atransform`, which stream over a stream of input pieces.

`base.Runnable`'s methods call these; they read it through `_traced.Hooks` (`base.py`
imports this module, so it is not imported here).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterable
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

__all__ = ["astream", "atransform", "stream", "transform"]


def stream(
    runnable: _traced.Hooks[Any],
    input: Any,
    config: RunnableConfig | None,
    kwargs: dict[str, Any],
) -> Iterator[Any]:
    """`runnable.stream(input, config, **kwargs)`."""
    cfg = ensure_config(config)
    check_deadline(cfg)
    if cfg.get("callbacks"):
        iterator = _traced.stream(runnable, input, cfg, kwargs)
    else:
        iterator = runnable._stream(input, cfg, **kwargs)
    seen = YieldedSoFar()  # what was yielded: DeadlineExceededError.partial
    try:
        for chunk in iterator:
            seen.append(chunk)
            yield chunk
            check_deadline(cfg)
    except DeadlineExceededError as err:
        give_partial(err, seen)
        raise
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
    cfg = ensure_config(config)
    check_deadline(cfg)
    if cfg.get("callbacks"):
        iterator = _traced.astream(runnable, input, cfg, kwargs)
    else:
        iterator = runnable._astream(input, cfg, **kwargs)
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
        raise
    finally:
        await aclose_iterator(iterator)


def transform(
    runnable: _traced.Hooks[Any],
    input: Iterable[Any],
    config: RunnableConfig | None,
    kwargs: dict[str, Any],
) -> Iterator[Any]:
    """`runnable.transform(input, config, **kwargs)`."""
    cfg = ensure_config(config)
    if cfg.get("callbacks"):
        return _traced.transform(runnable, iter(input), cfg, kwargs)
    return runnable._transform(iter(input), cfg, **kwargs)


def atransform(
    runnable: _traced.Hooks[Any],
    input: AsyncIterator[Any],
    config: RunnableConfig | None,
    kwargs: dict[str, Any],
) -> AsyncIterator[Any]:
    """`runnable.atransform(input, config, **kwargs)`."""
    cfg = ensure_config(config)
    if cfg.get("callbacks"):
        return _traced.atransform(runnable, input, cfg, kwargs)
    return runnable._atransform(input, cfg, **kwargs)
