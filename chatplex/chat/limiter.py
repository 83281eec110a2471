"""`rate_limiter=`: chatplex's own `RateLimit`, or a LangChain-style limiter object.

A LangChain-style limiter is anything with `acquire(blocking=True)` (and, for async
calls, `aacquire(blocking=True)`), such as `langchain_core.rate_limiters.
InMemoryRateLimiter`. chatplex asks it before every HTTP attempt (a retry is a request
too), through the same slot its own budgets use, so streams, batches and retries are
paced alike. A `RateLimit` (or its dict) is chatplex's shared budget (see
`chatplex.http.RateLimit`).

>>> from chatplex.http import RateLimit
>>> split_rate_limiter(RateLimit(requests_per_minute=60))
(RateLimit(requests_per_minute=60, tokens_per_minute=None, max_in_flight=None), None)
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from ..http import Releasable

if TYPE_CHECKING:
    from ..http import Budget
    from ..http import RateLimit

__all__ = ["ForeignLimiterBudget", "split_rate_limiter"]


class _Permit(Releasable):
    """What a foreign limiter's acquire gives back: nothing to hand back later. Its
    `release` is every permit's (the same keywords, so a wrong one fails here as it
    would on chatplex's own budget); a foreign limiter learns nothing from the answer."""

    __slots__ = ()

    def _answered(self, answer: object) -> None:
        pass


_PERMIT = _Permit()


class ForeignLimiterBudget:
    """A LangChain-style limiter in the place of a chatplex `Budget`: the http layer
    acquires it before every attempt; it knows nothing of tokens or deadlines (a call's
    deadline still bounds an async wait, which is cancelled with the call)."""

    __slots__ = ("limiter",)

    counts_tokens = False  # it is told nothing of tokens: no estimate is made for it

    def __init__(self, limiter: Any) -> None:
        self.limiter = limiter

    def __repr__(self) -> str:
        return f"ForeignLimiterBudget({type(self.limiter).__name__})"

    def acquire(self, tokens: int, *, deadline: float | None = None) -> _Permit:
        self.limiter.acquire(blocking=True)
        return _PERMIT

    async def aacquire(self, tokens: int, *, deadline: float | None = None) -> _Permit:
        aacquire = getattr(self.limiter, "aacquire", None)
        if aacquire is None:
            raise TypeError(
                f"rate_limiter {type(self.limiter).__name__} has no aacquire(); async calls "
                "need one (or use chatplex.http.RateLimit, which serves both)"
            )
        result = aacquire(blocking=True)
        if inspect.isawaitable(result):
            await result
        return _PERMIT

    def as_budget(self) -> Budget:
        """Typed as the http layer's budget, which it stands in for."""
        return cast("Budget", self)


def split_rate_limiter(value: Any) -> tuple[RateLimit | None, ForeignLimiterBudget | None]:
    """`rate_limiter=` as (chatplex limits, foreign limiter): a `RateLimit` or a dict of
    its fields is chatplex's own; an object with `acquire` is a LangChain-style limiter.
    Anything else is a TypeError, before any request."""
    if value is None:
        return None, None
    from ..http import RateLimit

    if isinstance(value, (RateLimit, Mapping)):
        return RateLimit.coerce(value), None
    if callable(getattr(value, "acquire", None)):
        return None, ForeignLimiterBudget(value)
    raise TypeError(
        "rate_limiter must be a chatplex.http.RateLimit (or a dict of its fields) or an "
        "object with acquire(blocking=True) / aacquire(blocking=True) such as "
        f"langchain_core.rate_limiters.InMemoryRateLimiter; got {type(value).__name__}"
    )
