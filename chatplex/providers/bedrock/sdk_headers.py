"""What boto3's client says of itself and of each attempt, as a drop-in sends it (pure:
the drop-in's `BotocoreHeaders` and the adapter put these on its requests).

- `User-Agent`: botocore's (`useragent.UserAgentString`) under langchain-aws's
  `x-client-framework:langchain-aws`, the retry mode and a Config's options
  (`user_agent`).
- `amz-sdk-request` per attempt (`handlers.add_retry_headers`): `attempt=1; max=3` on the
  first (`first_request`; `attempt=1` alone in the legacy mode), then
  `ttl=<time>; attempt=2; max=3` (`retried`), the `ttl` the last response's `Date` plus
  botocore's read timeout (`Endpoint._set_ttl`).
- `amz-sdk-invocation-id`, a uuid4 per call that its retries repeat (`invocation_header`).

Both are added after the signature, unsigned, as botocore adds them: a retry changes
`amz-sdk-request` without signing again.

>>> first_request("standard", 3), first_request("legacy", 5)
('attempt=1; max=3', 'attempt=1')
"""

from __future__ import annotations

import datetime
import email.utils
import uuid
from collections.abc import Mapping
from contextvars import ContextVar

from ...adapters.headers import header_value
from .auth import user_agent_part

__all__ = [
    "SDK_INVOCATION",
    "SDK_REQUEST",
    "SdkRequest",
    "answered",
    "answered_at",
    "first_request",
    "invocation_header",
    "retried",
    "user_agent",
]

SDK_REQUEST = "amz-sdk-request"
SDK_INVOCATION = "amz-sdk-invocation-id"


class SdkRequest(str):
    """The first attempt's `amz-sdk-request`, as a drop-in's partner headers give it: a
    call carrying it gets its own `amz-sdk-invocation-id` (`invocation_header`); no other
    call does (chatplex's own family sends neither)."""

    __slots__ = ()


#: The `Date` of the last error response of the drop-in call being sent: set by the
#: adapter's `map_error` (`answered`), cleared when a drop-in's call gets its headers
#: (`invocation_header`). Per thread and task, as a call.
_ANSWERED: ContextVar[str | None] = ContextVar("chatplex_bedrock_answered", default=None)


def answered(headers: Mapping[str, str]) -> None:
    """An error response came with these headers: its `Date` is what the call's next
    retry counts its `ttl` from (one without a Date leaves the last, as botocore)."""
    date = header_value(headers, "date")
    if date:
        _ANSWERED.set(date)


def answered_at() -> str | None:
    """The `Date` of the last response with one that the call being sent got (None:
    none yet, as after a connection that failed)."""
    return _ANSWERED.get()


def invocation_header(
    given: Mapping[str, str], request: Mapping[str, str]
) -> dict[str, str] | None:
    """With a drop-in's `amz-sdk-request` among the call's `given` headers (and no
    invocation id in the `request`'s): the call's new invocation id (and its retries
    start with no response seen); else None."""
    if not any(type(value) is SdkRequest for value in given.values()):
        return None
    if any(name.lower() == SDK_INVOCATION for name in request):
        return None
    _ANSWERED.set(None)
    return {SDK_INVOCATION: str(uuid.uuid4())}


def first_request(mode: str, attempts: int) -> str:
    """The first attempt's `amz-sdk-request`: the legacy mode sets `max` only when it
    weighs a retry."""
    return "attempt=1" if mode == "legacy" else f"attempt=1; max={attempts}"


def retried(attempts: int, seconds: float | None, retries: int) -> list[tuple[str, str]]:
    """The `amz-sdk-request` of the attempt after `retries` retries: its `ttl` the last
    response's Date plus the read timeout `seconds`; none before a response with a Date,
    and none where the read timeout is None (botocore's sum fails and is skipped)."""
    said = f"attempt={retries + 1}; max={attempts}"
    date = answered_at()
    try:
        ends = email.utils.parsedate_to_datetime(date) if date and seconds is not None else None
    except (TypeError, ValueError):
        ends = None
    if ends is None or seconds is None:
        return [(SDK_REQUEST, said)]
    ends += datetime.timedelta(seconds=seconds)
    return [(SDK_REQUEST, f"ttl={ends.strftime('%Y%m%dT%H%M%SZ')}; {said}")]


def user_agent(
    standard: str, mode: str, override: str | None, extra: str | None, appid: str | None
) -> str:
    """boto3's User-Agent (`standard`: `<botocore's words> cfg/retry-mode#standard
    Botocore/<version> x-client-framework:langchain-aws`) as botocore writes it: the
    retry `mode`, `app/<appid>` after it, `override` in place of its own words (its
    legacy string), a Config's `extra` before langchain-aws's tag (which langchain-aws
    appends to it)."""
    words, _, rest = standard.partition(" Botocore/")
    version, _, framework = rest.partition(" ")
    words = words.replace("cfg/retry-mode#standard", f"cfg/retry-mode#{mode}")
    if appid:
        words = f"{words} app/{user_agent_part(appid)}"
    if extra:
        framework = extra if framework in extra.split() else f"{extra} {framework}"
    return f"{override or words} Botocore/{version} {framework}"
