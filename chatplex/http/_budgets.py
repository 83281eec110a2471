"""`get_budget`: the budget of a key for its limit's `scope` -- the in-process `Budget`
("process"), the machine-wide file ("machine") or the cluster's actor ("cluster").

Every kind answers the attempt engine alike (`acquire` / `aacquire`, a permit to
`release`); only "process" builds on nothing but this package, so the others load on use.

>>> get_budget(("openai", "http://x/v1", "", "m"), RateLimit(60))  # doctest: +ELLIPSIS
Budget(...)
"""

from __future__ import annotations

from typing import cast

from . import _ratelimit
from ._budget_shared import RateLimit
from ._ratelimit import Budget

__all__ = ["get_budget"]


def get_budget(key: tuple[str, ...], limit: RateLimit | None = None) -> Budget:
    """The budget every caller with this `key` (an adapter's `budget_key(model)`) and
    `limit.scope` shares; a `limit` that differs from the budget's replaces it from the
    next admission on. `limit=None` (nothing configured) is the process budget that paces
    by what it learns. Shared budgets are typed as the `Budget` they stand in for."""
    if limit is None:
        return _ratelimit.get_budget(key, None)
    if limit.scope == "machine":
        from ._budget_machine import machine_budget

        return cast(Budget, machine_budget(key, limit))
    if limit.scope == "cluster":
        from ._budget_ray import cluster_budget

        return cast(Budget, cluster_budget(key, limit))
    return _ratelimit.get_budget(key, limit)
