"""How `ChatVertexAI`'s retries wait where its `wait_exponential_kwargs` is given: as
langchain-google-vertexai's retry decorator (`_retry.create_base_retry_decorator`)
waits, tenacity's `wait_exponential` of its defaults (`PARTNER_WAITS`: 4 s, 4 s, 4 s,
8 s, then 10 s) updated with the keys given, no jitter. The waits replace those of the
policy the model's calls run under (`partner_waits`): what is retried and how often
stay that policy's, and a server's own delay (`retry-after`, Google's `RetryInfo`) is
still honoured up to `max_retry_after`, as for chatplex's other drop-ins waiting as
LangChain's base retry decorator does.

>>> from chatplex.core.retry import retry_policy
>>> from chatplex.errors import ServerError
>>> policy = partner_waits(retry_policy(5), {}, 60.0)
>>> [policy.delay(ServerError("down"), n) for n in (1, 2, 3, 4, 5)]
[4.0, 4.0, 4.0, 8.0, 10.0]
>>> policy = partner_waits(retry_policy(5), {"min": 1, "max": 3}, 60.0)
>>> [policy.delay(ServerError("down"), n) for n in (1, 2, 3)]
[1.0, 2.0, 3.0]
>>> policy.delay(ServerError("down", retry_after=26.0), 1)  # (the server's delay)
26.0
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from tenacity.wait import wait_exponential

from ...core.retry import RetryPolicy
from ...core.retry import wait_retry_after

__all__ = ["PARTNER_WAITS", "partner_wait", "partner_waits"]

#: langchain-google-vertexai's `wait_exponential` parameters, which its
#: `wait_exponential_kwargs` updates (`dict.update`: any key, unknown ones too).
PARTNER_WAITS: Mapping[str, float] = {"multiplier": 1.0, "min": 4.0, "max": 10.0, "exp_base": 2.0}


def partner_wait(given: Mapping[str, Any] | None) -> wait_exponential:
    """tenacity's `wait_exponential` of `PARTNER_WAITS` updated with `given`: a key it
    does not take raises its TypeError, as the partner's decorator does (there at each
    call, before any request)."""
    return wait_exponential(**{**PARTNER_WAITS, **(given or {})})


def partner_waits(
    policy: RetryPolicy, given: Mapping[str, Any] | None, max_retry_after: float
) -> RetryPolicy:
    """`policy` waiting as the partner waits with `given` (`partner_wait`), a server's
    delay first (capped at `max_retry_after`); its retries, stop, sleeps and clock kept."""
    wait = wait_retry_after(partner_wait(given), cap=max_retry_after)
    return dataclasses.replace(policy, wait=wait)
