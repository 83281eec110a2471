"""botocore's headers as a drop-in sends them: the User-Agent under a Config's options,
`amz-sdk-request` per attempt and the call's `amz-sdk-invocation-id` (compared with
boto3's own in tests/partners/bedrock/test_bedrock_headers.py)."""

from __future__ import annotations

import uuid

import pytest

from chatplex.providers.bedrock.sdk_headers import feature_ids
from chatplex.providers.bedrock.sdk_headers import first_attempt
from chatplex.providers.bedrock.sdk_headers import first_request
from chatplex.providers.bedrock.sdk_headers import retried
from chatplex.providers.bedrock.sdk_headers import user_agent

pytest.importorskip("botocore")

STANDARD = (
    "Boto3/1.44.8 md/Botocore#1.44.8 ua/2.1 os/linux md/arch#x86_64 lang/python#3.11.7 "
    "md/pyimpl#CPython cfg/retry-mode#standard Botocore/1.44.8 x-client-framework:langchain-aws"
)
DATE = "Sun, 01 Nov 2026 10:00:00 GMT"


def test_the_user_agent_says_the_configuration() -> None:
    assert user_agent(STANDARD, "standard", None, None, None) == STANDARD
    legacy = user_agent(STANDARD, "legacy", None, "my-app/1", "my app")
    assert legacy.endswith(
        " cfg/retry-mode#legacy app/my-app Botocore/1.44.8 my-app/1 "
        "x-client-framework:langchain-aws"
    )
    assert user_agent(STANDARD, "standard", "custom/9", None, None) == (
        "custom/9 Botocore/1.44.8 x-client-framework:langchain-aws"
    )
    # langchain-aws adds its tag to the Config's extra once.
    tagged = user_agent(STANDARD, "standard", None, "x-client-framework:langchain-aws", None)
    assert tagged == STANDARD


def test_the_user_agent_says_the_clients_features_before_its_retry_mode() -> None:
    said = user_agent(STANDARD, "adaptive", None, None, "app", frozenset({"n", "F", "N"}))
    assert " md/pyimpl#CPython m/F,N,n cfg/retry-mode#adaptive app/app Botocore/" in said
    # botocore's legacy string (a Config's user_agent) names no feature.
    override = user_agent(STANDARD, "standard", "custom/9", None, None, frozenset({"E"}))
    assert override == "custom/9 Botocore/1.44.8 x-client-framework:langchain-aws"


def test_the_features_are_botocores_ids_of_the_clients_settings() -> None:
    assert feature_ids("standard", (None, None), False, ()) == {"E", "Z", "b"}  # its defaults
    required = ("WHEN_REQUIRED", "when_required")
    assert feature_ids("legacy", required, True, {"n"}) == {"D", "a", "c", "N", "n"}
    assert feature_ids("adaptive", ("never", "sometimes"), False, {"e"}) == {"F", "e"}
    assert feature_ids("unheard-of", (None, None), False, ()) == {"Z", "b"}  # none registered


def test_each_attempt_says_its_number_and_when_it_ends() -> None:
    assert first_request("adaptive", 4) == "attempt=1; max=4"
    assert retried(3, 60, 1, None) == [("amz-sdk-request", "attempt=2; max=3")]  # no Date
    assert retried(3, 60, 2, DATE) == [
        ("amz-sdk-request", "ttl=20261101T100100Z; attempt=3; max=3")
    ]
    assert retried(3, None, 2, DATE) == [("amz-sdk-request", "attempt=3; max=3")]
    assert retried(3, 60, 1, "not a date") == [("amz-sdk-request", "attempt=2; max=3")]


def test_each_call_gets_its_own_invocation_id_unless_its_request_names_one() -> None:
    made = first_attempt("standard", 3, frozenset())
    assert set(made) == {"amz-sdk-request", "amz-sdk-invocation-id"}
    assert made["amz-sdk-request"] == "attempt=1; max=3"
    assert uuid.UUID(made["amz-sdk-invocation-id"]).version == 4
    again = first_attempt("standard", 3, frozenset())
    assert again["amz-sdk-invocation-id"] != made["amz-sdk-invocation-id"]  # one per call
    given = first_attempt("legacy", 3, frozenset({"amz-sdk-invocation-id"}))
    assert given == {"amz-sdk-request": "attempt=1"}  # the given id is kept
    assert first_attempt("standard", 3, frozenset({"amz-sdk-request"})) == {}  # given
