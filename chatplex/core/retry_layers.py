"""A client's retries as nested loops, each retrying its own error statuses with its own
backoff (ibm-watsonx-ai's: its HTTP transport's loop inside its rate-limit loop): how
many requests a call refused with a status sends, and the wait before each. Pure data
and arithmetic; `core.retry.layered_policy` makes a `RetryPolicy` of them.

>>> inner = RetryLayer(frozenset({500, 503}), retries=3, initial_delay=0.3, max_delay=3.0)
>>> outer = RetryLayer(frozenset({429, 503}), retries=10, initial_delay=0.5, max_delay=8.0)
>>> [attempts((inner, outer), s) for s in (400, 500, 429, 503)]
[1, 4, 11, 44]
>>> [layer_wait((inner, outer), 503, n, lambda: 0.0) for n in (1, 2, 3, 4, 5, 44)]
[0.3, 0.6, 1.2, 0.5, 0.3, None]
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from collections.abc import Sequence

__all__ = ["RetryLayer", "as_set", "attempts", "layer_wait"]


@dataclasses.dataclass(frozen=True, slots=True)
class RetryLayer:
    """One retry loop: a reply of one of `statuses` is sent again up to `retries` times,
    after `initial_delay * 2**n` seconds (n: its retries so far), at most `max_delay`,
    lengthened by up to `jitter` of itself at random. The loops of a client are listed
    innermost first: an outer loop's attempt is a whole run of the inner ones."""

    statuses: frozenset[int]
    retries: int
    initial_delay: float
    max_delay: float
    jitter: float = 0.0
    #: The environment variables that replace `retries`, `initial_delay` and `statuses`
    #: where set, read at each call (ibm-watsonx-ai's `WATSONX_MAX_RETRIES`,
    #: `WATSONX_DELAY_TIME`, `WATSONX_RETRY_STATUS_CODES`: `as_set`); None: none.
    variables: tuple[str, str, str] | None = None


def as_set(layers: tuple[RetryLayer, ...]) -> tuple[RetryLayer, ...]:
    """`layers` with the values their variables set now: a count, seconds, and a list
    of statuses (`"[429, 500]"`; one naming none is not set).

    >>> layer = RetryLayer(frozenset({429}), 10, 0.5, 8.0, variables=("R", "D", "S"))
    >>> os.environ["R"], os.environ["S"] = "2", "[503, x]"
    >>> [(n.retries, sorted(n.statuses)) for n in as_set((layer,))]
    [(2, [503])]
    >>> del os.environ["R"], os.environ["S"]
    """
    if not any(layer.variables for layer in layers):
        return layers
    return tuple(_as_set(layer) for layer in layers)


def _as_set(layer: RetryLayer) -> RetryLayer:
    if layer.variables is None:
        return layer
    retries, delay, statuses = (os.environ.get(name) for name in layer.variables)
    named = [int(s.strip()) for s in (statuses or "").strip("[]").split(",") if s.strip().isdigit()]
    return dataclasses.replace(
        layer,
        retries=layer.retries if retries is None else int(retries),
        initial_delay=layer.initial_delay if delay is None else float(delay),
        statuses=frozenset(named) if named else layer.statuses,
    )


def attempts(layers: Sequence[RetryLayer], status: int) -> int:
    """The requests a call refused with `status` every time sends: the product of the
    attempts of each loop that retries it."""
    count = 1
    for layer in layers:
        if status in layer.statuses:
            count *= layer.retries + 1
    return count


def layer_wait(
    layers: Sequence[RetryLayer], status: int, attempt: int, random: Callable[[], float]
) -> float | None:
    """Seconds before the request after `attempt` (1 for the first) was refused with
    `status`: the wait of the innermost loop that has a retry left, the inner ones
    being spent; None where none has (the call raises)."""
    left = attempt - 1  # (the attempts before, counted in each loop's own digits)
    for layer in layers:
        if status not in layer.statuses:
            continue
        tries = layer.retries + 1
        done = left % tries
        if done < layer.retries:
            wait = min(layer.initial_delay * (1 << done), layer.max_delay)
            return wait * (1.0 + layer.jitter * random()) if layer.jitter else wait
        left //= tries
    return None
