"""What boto3's client sends of itself and of each attempt, as the Bedrock drop-ins send
it: `BotocoreHeaders`, the drop-ins' `PartnerHeaders` built from `sdk_headers.py`'s pure
pieces (the User-Agent under a retry mode and a Config's options, botocore's
`amz-sdk-request` per attempt and the call's `amz-sdk-invocation-id`)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Collection
from typing import Any
from typing import ClassVar

from ...chat.sdk_agents import PartnerHeaders
from ...chat.sdk_agents import RetryHeaders
from .sdk_headers import SDK_INVOCATION
from .sdk_headers import SDK_REQUEST
from .sdk_headers import first_attempt
from .sdk_headers import retried
from .sdk_headers import user_agent

__all__ = ["BotocoreHeaders", "botocore_headers"]


@dataclasses.dataclass(frozen=True, slots=True)
class BotocoreHeaders(PartnerHeaders):
    """What boto3's client sends under langchain-aws's configuration: its User-Agent
    (`cfg/retry-mode#<mode>`), and per attempt botocore's `amz-sdk-request`
    (`handlers.add_retry_headers`): `attempt=1; max=<attempts>` first (`attempt=1` alone
    in the legacy mode, whose `max` is set only when a retry is weighed), then
    `ttl=<time>; attempt=<n>; max=<attempts>`, its `ttl` the last response's `Date` plus
    the read timeout (`sdk_headers.retried`; none before a response); and the call's own
    `amz-sdk-invocation-id` (`per_call`)."""

    per_call: ClassVar[bool] = True
    mode: str = "standard"
    attempts: int = 3
    #: botocore's read timeout (its default: 60; None: none, and no `ttl`).
    seconds: float | None = 60.0

    def first_attempt(
        self, timeout: Any, named: Collection[str]
    ) -> tuple[dict[str, str], RetryHeaders | None]:
        first = first_attempt(self.mode, self.attempts, named)
        if not first:  # given: kept, with no invocation id added
            return first, None
        return first, functools.partial(retried, self.attempts, self.seconds)


def botocore_headers(
    base: PartnerHeaders,
    mode: str,
    attempts: int,
    seconds: float | None,
    agent: tuple[str | None, str | None, str | None] = (None, None, None),
    features: frozenset[str] = frozenset(),
) -> BotocoreHeaders:
    """`base` (the User-Agent `chatplex.dropins` writes for the standard mode) under
    botocore's retry `mode`, `attempts` in all, its read timeout (`seconds`), a
    Config's `agent`: (`user_agent`, `user_agent_extra`, `user_agent_appid`) and the
    client's `features` (`sdk_headers.feature_ids`)."""
    sent = {
        name: user_agent(value, mode, *agent, features) if name.lower() == "user-agent" else value
        for name, value in base.sync.items()
    }
    names = base.names | {SDK_REQUEST, SDK_INVOCATION}
    return BotocoreHeaders(sent, sent, names, {}, mode=mode, attempts=attempts, seconds=seconds)
