"""`BotocoreHeaders`: what boto3's client sends of itself and of each attempt, under a
retry mode and a Config, as the Bedrock drop-ins send it (the drop-in's own use of it:
`test_dropin.py`'s `test_botocores_attempt_headers_follow_the_retry_configuration`)."""

from __future__ import annotations

from chatplex.chat.sdk_agents import PartnerHeaders
from chatplex.providers.bedrock.botocore_dropin import BotocoreHeaders
from chatplex.providers.bedrock.botocore_dropin import botocore_headers

_AGENT = "Boto3/1.40.0 md/Botocore#1.40.0 ua/2.1 os/linux cfg/retry-mode#standard x/y"
_BASE = PartnerHeaders(
    {"User-Agent": _AGENT}, {"User-Agent": _AGENT}, frozenset({"user-agent"}), {}
)


def test_each_call_gets_its_own_invocation_id_and_its_retries_are_counted() -> None:
    headers = botocore_headers(_BASE, "standard", 3, 60.0)
    assert isinstance(headers, BotocoreHeaders) and headers.per_call
    assert {"amz-sdk-request", "amz-sdk-invocation-id", "user-agent"} <= headers.names
    first, retried = headers.first_attempt(None, frozenset())
    again = headers.first_attempt(None, frozenset())[0]
    assert first.pop("amz-sdk-invocation-id") != again["amz-sdk-invocation-id"]
    assert first == {"amz-sdk-request": "attempt=1; max=3"} and retried is not None
    assert retried(1, None) == [("amz-sdk-request", "attempt=2; max=3")]
    said = retried(1, "Sun, 01 Nov 2026 10:00:00 GMT")  # the Date plus the read timeout
    assert said == [("amz-sdk-request", "ttl=20261101T100100Z; attempt=2; max=3")]


def test_the_legacy_mode_and_a_header_given_are_as_botocore_sends_them() -> None:
    legacy = botocore_headers(_BASE, "legacy", 5, None)
    assert " cfg/retry-mode#legacy " in legacy.sync["User-Agent"]
    assert legacy.first_attempt(None, frozenset())[0]["amz-sdk-request"] == "attempt=1"
    given = botocore_headers(_BASE, "standard", 3, 60.0)
    assert given.first_attempt(None, frozenset({"amz-sdk-request"})) == ({}, None)
