"""A client's nested retry loops (`core.retry_layers`, `core.retry.layered_policy`):
ibm-watsonx-ai's two, counted and waited as it does; other statuses raised at once,
failures without a status left to the policy underneath."""

from __future__ import annotations

import doctest

from chatplex.core import retry
from chatplex.core import retry_layers
from chatplex.core.retry import layered_policy
from chatplex.core.retry import retry_policy
from chatplex.core.retry_layers import RetryLayer
from chatplex.errors import APIConnectionError
from chatplex.errors import status_error

INNER = RetryLayer(frozenset({500, 503}), retries=3, initial_delay=0.3, max_delay=3.0)
OUTER = RetryLayer(frozenset({429, 503}), retries=10, initial_delay=0.5, max_delay=8.0, jitter=0.25)


def _delays(policy: retry.RetryPolicy, error: BaseException) -> list[float]:
    waits, attempt = [], 1
    while (wait := policy.delay(error, attempt)) is not None:
        waits.append(wait)
        attempt += 1
    return waits


def test_a_status_both_loops_retry_is_sent_their_product_of_times() -> None:
    policy = layered_policy((INNER, OUTER), retry_policy(), random=lambda: 1.0)
    waits = _delays(policy, status_error(provider="p", status=503, message="no"))
    assert len(waits) + 1 == 44
    assert waits[:8] == [0.3, 0.6, 1.2, 0.625, 0.3, 0.6, 1.2, 1.25]
    assert max(waits) == 10.0  # 8 s, lengthened by its 25 %


def test_each_loop_alone_and_a_status_none_retries() -> None:
    policy = layered_policy((INNER, OUTER), retry_policy(), random=lambda: 0.0)
    assert _delays(policy, status_error(provider="p", status=500, message="no")) == [0.3, 0.6, 1.2]
    assert len(_delays(policy, status_error(provider="p", status=429, message="no"))) == 10
    assert _delays(policy, status_error(provider="p", status=502, message="no")) == []


def test_a_failure_without_a_status_is_the_policy_underneath() -> None:
    underneath = retry_policy(max_retries=2, jitter=0.0)
    policy = layered_policy((INNER, OUTER), underneath)
    assert _delays(policy, APIConnectionError("reset")) == [0.5, 1.0]


def test_the_doctests() -> None:
    for module in (retry, retry_layers):
        failures, tried = doctest.testmod(module)
        assert tried and not failures
