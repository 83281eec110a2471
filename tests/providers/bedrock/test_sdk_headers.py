"""botocore's headers as a drop-in sends them: the User-Agent under a Config's options,
`amz-sdk-request` per attempt and the call's `amz-sdk-invocation-id` (compared with
boto3's own in tests/partners/bedrock/test_bedrock_headers.py)."""

from __future__ import annotations

import contextvars

import pytest

from chatplex.providers.bedrock.sdk_headers import SdkRequest
from chatplex.providers.bedrock.sdk_headers import answered
from chatplex.providers.bedrock.sdk_headers import answered_at
from chatplex.providers.bedrock.sdk_headers import first_request
from chatplex.providers.bedrock.sdk_headers import invocation_header
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


def test_each_attempt_says_its_number_and_when_it_ends() -> None:
    assert first_request("adaptive", 4) == "attempt=1; max=4"
    call = contextvars.Context()  # a call's own, as its thread's or task's (fresh)
    assert call.run(retried, 3, 60, 1) == [("amz-sdk-request", "attempt=2; max=3")]
    call.run(answered, {"Date": DATE})
    assert call.run(answered_at) == DATE
    assert call.run(retried, 3, 60, 2) == [
        ("amz-sdk-request", "ttl=20261101T100100Z; attempt=3; max=3")
    ]
    assert call.run(retried, 3, None, 2) == [("amz-sdk-request", "attempt=3; max=3")]
    call.run(answered, {})  # no Date: the last one kept, as botocore keeps its ttl
    assert call.run(answered_at) == DATE
    call.run(answered, {"date": "not a date"})
    assert call.run(retried, 3, 60, 1) == [("amz-sdk-request", "attempt=2; max=3")]


def test_a_dropin_call_gets_an_invocation_id_and_starts_unanswered() -> None:
    call = contextvars.Context()
    call.run(answered, {"date": DATE})
    first = {"amz-sdk-request": SdkRequest("attempt=1; max=3")}
    made = call.run(invocation_header, first, {})
    assert made is not None and set(made) == {"amz-sdk-invocation-id"}
    assert call.run(answered_at) is None  # a new call: no response yet
    assert invocation_header(first, {}) != made  # one per call
    assert invocation_header({"amz-sdk-request": "attempt=1"}, {}) is None  # not a drop-in's
    assert invocation_header(first, {"Amz-Sdk-Invocation-Id": "mine"}) is None  # given
