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
from collections.abc import Callable
from collections.abc import Sequence

__all__ = ["RetryLayer", "attempts", "layer_wait"]


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
