"""Which retry policy a `ChatModel` call runs under: the model's own `retry_policy`, else
the one its `max_retries` and `max_retry_after` make; a drop-in's as its partner retries
(`PartnerCalls`: which failures and error statuses, a stream at all, past its headers, a
reply that is not JSON). `sending.py` sends with it; `side_call.py` and the LangChain
family read it too.

>>> from chatplex import FakeChatModel
>>> retry_policy_for(FakeChatModel(max_retries=4)).stop.max_attempt_number
5
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from ..core.retry import RetryPolicy
    from ..core.retry_layers import RetryLayer
    from .call import Transport

__all__ = ["LANGCHAIN_BASE_WAITS", "retry_policy_for"]


def retry_policy_for(
    model: Transport, *, stream: bool = False, asynchronous: bool = False
) -> RetryPolicy:
    """The model's own `retry_policy`, else the one its `max_retries` and
    `max_retry_after` make; under a LangChain name, as its partner retries
    (`PartnerCalls`: which failures and statuses, a stream at all, past its headers, a
    reply that is not JSON, which failures in transit, on an `asynchronous` call too;
    its SDK's nested loops, `retry_layers` (a stream's: `stream_retry_layers`), for
    the statuses they retry): chatplex's retries stay reachable as `retry_policy=`."""
    if model.retry_policy is not None:
        return model.retry_policy
    make = _retry_policy or _load_retry_policy()
    calls = model.partner_calls
    if stream and not calls.streams_retried:
        return make(0, model.max_retry_after)
    # (a keyword given is a cached policy of its own: the default one is passed by none)
    transit = calls.transit_retried
    only = _retried(
        calls.retries,
        calls.malformed_replies_retried,
        calls.statuses,
        None if transit is None else (transit, asynchronous),
    )
    ends: dict[str, Any] = {} if only is None else {"only": only}
    if stream and not calls.stream_bodies_retried:
        ends["stream_bodies"] = False
    if calls.retries is not None and calls.counts_attempts:
        # tenacity's stop_after_attempt(max_retries): that many attempts, one at least.
        retries = max(model.max_retries - 1, 0)
        return make(retries, model.max_retry_after, **ends, **LANGCHAIN_BASE_WAITS)
    retries = model.max_retries if calls.fixed_retries is None else calls.fixed_retries
    policy = make(retries, model.max_retry_after, **ends)
    layers = calls.retry_layers
    if stream and calls.stream_retry_layers is not None:
        layers = calls.stream_retry_layers
    if layers is None:
        return policy
    # (a failure without a status: as `policy` retries it)
    return _layered_policy(layers, policy)


#: LangChain's `create_base_retry_decorator` waits: `wait_exponential(multiplier=1,
#: min=4, max=10)`, no jitter.
LANGCHAIN_BASE_WAITS = {"initial_delay": 1.0, "min_delay": 4.0, "max_delay": 10.0, "jitter": 0.0}


@functools.lru_cache(maxsize=16)
def _retried(
    kinds: frozenset[str] | None,
    malformed: bool,
    statuses: frozenset[int] | None,
    transit: tuple[Callable[[BaseException, bool], bool], bool] | None = None,
) -> Callable[..., bool] | None:
    """What a drop-in retries: failures in transit of `kinds` (None: any), and where
    `transit` is `(retried, asynchronous)`, those `retried(error, asynchronous)` takes; a
    reply that is not JSON only where `malformed`; an error status only among `statuses`
    (None: any chatplex retries). None: all (one per set of these: policies are cached
    by it).

    >>> only = _retried(None, True, frozenset({503}))
    >>> from chatplex.errors import status_error
    >>> [only(status_error(provider="p", status=s, message="no")) for s in (503, 529)]
    [True, False]
    """
    from ..errors import APIError
    from ..sdk_error_families import decode_failure
    from ..sdk_error_families import failure_kind

    if kinds is None and malformed and statuses is None and transit is None:
        return None

    def retried(exc: BaseException) -> bool:
        if kinds is not None and failure_kind(exc) not in kinds:
            return False
        if transit is not None and failure_kind(exc) is not None:
            return transit[0](exc, transit[1])
        if not malformed and decode_failure(exc) is not None:
            return False
        if statuses is None or not isinstance(exc, APIError):
            return True
        # (an SDK's class may hold a word as `status`: `status_code` is the HTTP one)
        status = exc.status_code
        return status is None or status in statuses

    return retried


# The retry policies, bound by the first call that needs them (a reply served from the
# cache needs none): a per-call import costs more than the policy's cached lookup.
_retry_policy: Callable[..., RetryPolicy] | None = None


def _load_retry_policy() -> Callable[..., RetryPolicy]:
    global _retry_policy
    from ..core.retry import retry_policy

    _retry_policy = retry_policy
    return retry_policy


def _layered_policy(layers: tuple[RetryLayer, ...], otherwise: RetryPolicy) -> RetryPolicy:
    from ..core.retry import layered_policy
    from ..core.retry_layers import as_set

    return layered_policy(as_set(layers), otherwise)
