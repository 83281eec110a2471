"""What boto3's client sends of itself and of each attempt, as the Bedrock drop-ins send
it: `BotocoreHeaders`, the drop-ins' `PartnerHeaders` built from `sdk_headers.py`'s pure
pieces (the User-Agent under a retry mode and a Config's options, botocore's
`amz-sdk-request` per attempt and the call's `amz-sdk-invocation-id`)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Collection
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar
from typing import cast

from ...chat.sdk_agents import PartnerHeaders
from ...chat.sdk_agents import RetryHeaders
from .sdk_headers import SDK_INVOCATION
from .sdk_headers import SDK_REQUEST
from .sdk_headers import feature_ids
from .sdk_headers import first_attempt
from .sdk_headers import retried
from .sdk_headers import user_agent

if TYPE_CHECKING:
    from ...chat.model import ChatModel
    from .adapter import BedrockAdapter

__all__ = [
    "BotocoreHeaders",
    "ConverseHeaders",
    "attempts",
    "botocore_headers",
    "converse_headers",
    "converse_model_headers",
]


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
    """`base` (the User-Agent its record declares, for the standard mode) under
    botocore's retry `mode`, `attempts` in all, its read timeout (`seconds`), a
    Config's `agent`: (`user_agent`, `user_agent_extra`, `user_agent_appid`) and the
    client's `features` (`sdk_headers.feature_ids`)."""
    sent = {
        name: user_agent(value, mode, *agent, features) if name.lower() == "user-agent" else value
        for name, value in base.sync.items()
    }
    names = base.names | {SDK_REQUEST, SDK_INVOCATION}
    return BotocoreHeaders(sent, sent, names, {}, mode=mode, attempts=attempts, seconds=seconds)


def attempts(model: ChatModel) -> int:
    """The attempts a call of `model` makes in all, as botocore counts them (`max=`)."""
    stop = getattr(model.retry_policy, "stop", None)
    return int(getattr(stop, "max_attempt_number", model.max_retries + 1))


def converse_headers(model: ChatModel, base: PartnerHeaders | None) -> PartnerHeaders | None:
    """Under LangChain's name (`base`, the headers the name sends), boto3's headers under
    `model`'s retries (a copy bound with other `max_retries` says so) and the features
    boto3's client says it was built with (its credentials' source found by the first
    request's signature, before these are read), as its adapter's `botocore` options
    say; None (no `base`) in chatplex's own family."""
    from .auth import Boto3Defaults

    adapter = cast("BedrockAdapter", model.adapter)
    options = adapter.botocore
    if base is None or options is None:
        return base
    override, extra, appid = options.agent
    asked = None in (options.retry_mode, appid, *options.checksums)
    found = options.defaults() if asked or options.found else Boto3Defaults()
    mode, appid = options.retry_mode or found.mode, appid or found.appid
    checksums = [
        mine or said for mine, said in zip(options.checksums, found.checksums, strict=True)
    ]
    features = feature_ids(mode, checksums, adapter.endpoint_given, adapter.credential_ids())
    key = (base, mode, attempts(model), options.read_timeout, (override, extra, appid), features)
    made = options.made
    if not made or made[0][0][0] is not base or made[0][0][1:] != key[1:]:
        made[:] = [(key, botocore_headers(*key))]
    return cast("PartnerHeaders", made[0][1])


@dataclasses.dataclass(frozen=True, slots=True)
class ConverseHeaders(PartnerHeaders):
    """The headers of a `ChatBedrockConverse` built from its record (`dropin.build`):
    LangChain's name's (`base`), which a call's model sends as boto3's
    (`converse_headers`: under its retries, a copy's own, and the features its client
    has by then)."""

    base: PartnerHeaders | None = None

    def of(self, model: Any) -> PartnerHeaders:
        return converse_headers(model, self.base) or self


def converse_model_headers(base: PartnerHeaders) -> ConverseHeaders:
    """`ConverseHeaders` under LangChain's name (`base`)."""
    names = base.names | {SDK_REQUEST, SDK_INVOCATION}  # (as `botocore_headers`)
    return ConverseHeaders(base.sync, base.aio, names, {}, base=base)
