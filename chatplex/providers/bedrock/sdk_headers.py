"""What boto3's client says of itself and of each attempt, as a drop-in sends it (pure:
`botocore_dropin.BotocoreHeaders` puts these on the drop-ins' requests).

- `User-Agent`: botocore's (`useragent.UserAgentString`) under langchain-aws's
  `x-client-framework:langchain-aws`, the retry mode, a Config's options and the
  features its client was built with, `m/<ids>` (`user_agent`, `feature_ids`).
- `amz-sdk-request` per attempt (`handlers.add_retry_headers`): `attempt=1; max=3` on the
  first (`first_request`; `attempt=1` alone in the legacy mode), then
  `ttl=<time>; attempt=2; max=3` (`retried`), the `ttl` the last response's `Date` plus
  botocore's read timeout (`Endpoint._set_ttl`); the http layer hands the Date in.
- `amz-sdk-invocation-id`, a uuid4 made with each call's first attempt
  (`first_attempt`), which its retries repeat.

Both are added after the signature, unsigned, as botocore adds them: a retry changes
`amz-sdk-request` without signing again.

>>> first_request("standard", 3), first_request("legacy", 5)
('attempt=1; max=3', 'attempt=1')
>>> sorted(feature_ids("standard", (None, None), True, {"e"}))
['E', 'N', 'Z', 'b', 'e']
"""

from __future__ import annotations

import datetime
import email.utils
import uuid
from collections.abc import Collection
from collections.abc import Sequence

from .auth import user_agent_part

__all__ = [
    "SDK_INVOCATION",
    "SDK_REQUEST",
    "feature_ids",
    "first_attempt",
    "first_request",
    "retried",
    "user_agent",
]

SDK_REQUEST = "amz-sdk-request"
SDK_INVOCATION = "amz-sdk-invocation-id"


#: botocore's ids (`useragent._USERAGENT_FEATURE_MAPPINGS`) of a client's retry mode
#: (`client.py` `_register_retries`) and checksum settings (`args.py`
#: `_register_checksum_config_feature_ids`; a value it refuses has none).
_RETRY_MODES = {"legacy": "D", "standard": "E", "adaptive": "F"}
_REQUEST_CHECKSUMS = {"when_supported": "Z", "when_required": "a"}
_RESPONSE_CHECKSUMS = {"when_supported": "b", "when_required": "c"}
#: An endpoint given or configured (`args.py`: `ENDPOINT_OVERRIDE`).
_ENDPOINT = "N"


def feature_ids(
    mode: str, checksums: Sequence[str | None], endpoint: bool, credentials: Collection[str]
) -> frozenset[str]:
    """The features botocore registers while it builds a client (its User-Agent's
    `m/`): the retry `mode`, the `checksums` settings (`request_checksum_calculation`,
    `response_checksum_validation`; None: botocore's default, "when_supported"), whether
    an `endpoint` was given or configured, and the ids of how its `credentials` were
    found (`e` given in code, `n` a profile's file...)."""
    request, response = ((said or "when_supported").lower() for said in checksums)
    ids = {
        _RETRY_MODES.get(mode),
        _REQUEST_CHECKSUMS.get(request),
        _RESPONSE_CHECKSUMS.get(response),
        _ENDPOINT if endpoint else None,
        *credentials,
    }
    return frozenset(i for i in ids if i)


def first_attempt(mode: str, attempts: int, named: Collection[str]) -> dict[str, str]:
    """A call's first `amz-sdk-request` and its own invocation id, unless its request
    already names them (lower case in `named`: one given is kept, and a given
    `amz-sdk-request` brings no invocation id)."""
    if SDK_REQUEST in named:
        return {}
    first = {SDK_REQUEST: first_request(mode, attempts)}
    if SDK_INVOCATION not in named:
        first[SDK_INVOCATION] = str(uuid.uuid4())
    return first


def first_request(mode: str, attempts: int) -> str:
    """The first attempt's `amz-sdk-request`: the legacy mode sets `max` only when it
    weighs a retry."""
    return "attempt=1" if mode == "legacy" else f"attempt=1; max={attempts}"


def retried(
    attempts: int, seconds: float | None, retries: int, date: str | None
) -> list[tuple[str, str]]:
    """The `amz-sdk-request` of the attempt after `retries` retries: its `ttl` the `date`
    of the call's last response with one plus the read timeout `seconds`; none before a
    response with a Date, and none where the read timeout is None (botocore's sum fails
    and is skipped)."""
    said = f"attempt={retries + 1}; max={attempts}"
    try:
        ends = email.utils.parsedate_to_datetime(date) if date and seconds is not None else None
    except (TypeError, ValueError):
        ends = None
    if ends is None or seconds is None:
        return [(SDK_REQUEST, said)]
    ends += datetime.timedelta(seconds=seconds)
    return [(SDK_REQUEST, f"ttl={ends.strftime('%Y%m%dT%H%M%SZ')}; {said}")]


def user_agent(
    standard: str,
    mode: str,
    override: str | None,
    extra: str | None,
    appid: str | None,
    features: Collection[str] = (),
) -> str:
    """boto3's User-Agent (`standard`: `<botocore's words> cfg/retry-mode#standard
    Botocore/<version> x-client-framework:langchain-aws`) as botocore writes it: the
    client's `features` (`m/<ids>`, none where there are none) before the retry `mode`,
    `app/<appid>` after it, `override` in place of its own words (its legacy string,
    which names no feature), a Config's `extra` before langchain-aws's tag (which
    langchain-aws appends to it). botocore joins the ids of a set, in no fixed order:
    they are sent sorted."""
    words, _, rest = standard.partition(" Botocore/")
    version, _, framework = rest.partition(" ")
    said = f"m/{','.join(sorted(features))} " if features else ""
    words = words.replace("cfg/retry-mode#standard", f"{said}cfg/retry-mode#{mode}")
    if appid:
        words = f"{words} app/{user_agent_part(appid)}"
    if extra:
        framework = extra if framework in extra.split() else f"{extra} {framework}"
    return f"{override or words} Botocore/{version} {framework}"
