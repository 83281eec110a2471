"""SigV4 signing and credentials: the signature equals the one boto3's own
bedrock-runtime client puts on the same request at the same time; credentials from
explicit keys, the environment and a shared-config profile; region resolution; the
session token masked in botocore's debug log; no secret in any repr."""

from __future__ import annotations

import copy
import datetime
import logging
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatplex.errors import MissingKeyError
from chatplex.providers.bedrock.auth import BearerToken
from chatplex.providers.bedrock.auth import SigV4Signer
from chatplex.providers.bedrock.auth import TokenMaskingFilter
from chatplex.providers.bedrock.auth import resolve_region
from chatplex.secret import Secret
from tests._aws import AWS_VARIABLES
from tests._aws import isolate_aws
from tests.providers.bedrock._keys import example_signer

boto3 = pytest.importorskip("boto3")

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLE-session-token"


@pytest.fixture(autouse=True)
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No real AWS configuration, credentials or instance metadata reach the tests."""
    more = ("AWS_DEFAULT_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE")
    more += ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI")
    isolate_aws(monkeypatch, tmp_path, (*AWS_VARIABLES, *more))
    yield tmp_path


def boto3_request(model_id: str, token: str | None) -> Any:
    """What boto3's client sends for `converse` (captured before it is sent)."""
    from botocore.awsrequest import AWSResponse

    seen: dict[str, Any] = {}

    class Raw:
        def stream(self, **_: Any) -> Iterator[bytes]:
            yield b"{}"

        def read(self, *_: Any, **__: Any) -> bytes:
            return b'{"output": {"message": {"role": "assistant", "content": []}}}'

    def capture(request: Any, **_: Any) -> Any:
        seen["request"] = request
        return AWSResponse(request.url, 200, {"content-type": "application/json"}, Raw())

    client = boto3.client(
        "bedrock-runtime",
        region_name="eu-west-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key=SECRET,
        aws_session_token=token,
    )
    client.meta.events.register("before-send.bedrock-runtime.Converse", capture)
    client.converse(modelId=model_id, messages=[{"role": "user", "content": [{"text": "Hi"}]}])
    return seen["request"]


@pytest.mark.parametrize("token", [None, TOKEN])
@pytest.mark.parametrize(
    "model_id",
    [
        "anthropic.claude-3-5-haiku-20241022-v1:0",
        "us.anthropic.claude-3-5-haiku-20241022-v1:0",
        "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-3-5-haiku-20241022-v1:0",
    ],
)
def test_the_signature_is_botocores_for_the_same_request_and_time(
    model_id: str, token: str | None
) -> None:
    from chatplex.providers.bedrock.adapter import BedrockAdapter

    sent = boto3_request(model_id, token)
    when = datetime.datetime.strptime(sent.headers["X-Amz-Date"].decode(), "%Y%m%dT%H%M%SZ")
    adapter = BedrockAdapter(region_name="eu-west-1")  # for its URL of the model
    assert adapter.url(model_id, stream=False) == sent.url
    signer = example_signer("eu-west-1", when, token)
    signed = signer.sign("POST", sent.url, sent.body, {"Content-Type": "application/json"})
    assert signed["Authorization"] == sent.headers["Authorization"].decode()
    assert signed["X-Amz-Date"] == sent.headers["X-Amz-Date"].decode()
    if token:
        assert signed["X-Amz-Security-Token"] == token


def test_a_different_body_gets_a_different_signature() -> None:
    when = datetime.datetime(2026, 1, 2, 3, 4, 5)
    signer = SigV4Signer(
        "us-east-1", access_key=Secret("AK"), secret_key=Secret("SK"), now=lambda: when
    )
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse"
    one = signer.sign("POST", url, b'{"a":1}', {"content-type": "application/json"})
    two = signer.sign("POST", url, b'{"a":2}', {"content-type": "application/json"})
    assert one["Authorization"] != two["Authorization"]
    assert one["X-Amz-Date"] == "20260102T030405Z"


def test_a_signer_copies_and_pickles_and_its_copy_resolves_its_own_chain(
    monkeypatch: pytest.MonkeyPatch, isolated_aws: Path
) -> None:
    """A Bedrock model copies and pickles (langchain-aws's cannot: its botocore client):
    the copy signs with the same keys; one on the default chain resolves it again."""
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse"
    keys = SigV4Signer("us-east-1", access_key=Secret("AKIDKEYS"), secret_key=Secret("SK"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFIRST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-first")
    chained = SigV4Signer("us-east-1")
    chained.sign("POST", url, b"{}", {})  # resolves the chain, kept
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDSECOND")
    for copy_of in (copy.deepcopy, lambda signer: pickle.loads(pickle.dumps(signer))):
        signed = copy_of(keys).sign("POST", url, b"{}", {})
        assert signed["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDKEYS/")
        assert "Credential=AKIDFIRST/" in chained.sign("POST", url, b"{}", {})["Authorization"]
        again = copy_of(chained).sign("POST", url, b"{}", {})
        assert "Credential=AKIDSECOND/" in again["Authorization"]


def test_credentials_from_the_environment_and_from_a_profile(
    monkeypatch: pytest.MonkeyPatch, isolated_aws: Path
) -> None:
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-from-env")
    signed = SigV4Signer("us-east-1").sign("POST", url, b"{}", {})
    assert signed["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDFROMENV/")
    (isolated_aws / "credentials").write_text(
        "[team]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s3cr3t\n"
        "aws_session_token = profile-token\n"
    )
    signed = SigV4Signer("us-east-1", profile="team").sign("POST", url, b"{}", {})
    assert "Credential=AKIDPROFILE/" in signed["Authorization"]
    assert signed["X-Amz-Security-Token"] == "profile-token"


def test_the_credentials_source_is_said_as_botocore_registers_it(
    monkeypatch: pytest.MonkeyPatch, isolated_aws: Path
) -> None:
    """botocore's User-Agent ids of where the credentials came from: `e` for keys given;
    for its chain, those it registers while finding them, once the first signature has
    (kept with the chain: a copy finds its own); `3` for an API key while
    AWS_BEARER_TOKEN_BEDROCK is set."""
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse"
    keys = SigV4Signer("us-east-1", access_key=Secret("AK"), secret_key=Secret("SK"))
    assert keys.feature_ids() == {"e"}
    (isolated_aws / "credentials").write_text(
        "[team]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s3cr3t\n"
    )
    profile = SigV4Signer("us-east-1", profile="team")
    assert profile.feature_ids() == set()  # not found yet
    profile.sign("POST", url, b"{}", {})
    assert profile.feature_ids() == {"n"}  # CREDENTIALS_PROFILE
    assert pickle.loads(pickle.dumps(profile)).feature_ids() == set()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-from-env")
    chained = SigV4Signer("us-east-1")
    chained.sign("POST", url, b"{}", {})
    assert chained.feature_ids() == {"g"}  # CREDENTIALS_ENV_VARS
    bearer = BearerToken(Secret("key"))
    assert bearer.feature_ids() == set()
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "another")
    assert bearer.feature_ids() == {"3"}  # BEARER_SERVICE_ENV_VARS


def test_no_credentials_anywhere_is_a_clear_error_before_any_request() -> None:
    from botocore.exceptions import NoCredentialsError

    signer = SigV4Signer("us-east-1")
    with pytest.raises(ValueError, match="no AWS credentials found") as raised:
        signer.sign("POST", "https://x/model/m/converse", b"{}", {})
    # botocore's class too, as langchain-aws raises (boto3's client): one class for both.
    assert isinstance(raised.value, NoCredentialsError)
    assert str(raised.value).startswith("Unable to locate credentials: ")
    # Named as botocore's (a traceback, a log, `type(err).__module__`), as langchain-aws's.
    assert type(raised.value).__module__ == "botocore.exceptions"
    with pytest.raises(NoCredentialsError) as again:
        signer.sign("POST", "https://x/model/m/converse", b"{}", {})
    assert type(again.value) is type(raised.value)


def test_no_credentials_is_the_own_familys_missing_key_error_and_crosses_processes() -> None:
    """One class for a missing credential in chatplex's own family (`MissingKeyError`,
    raised at the first call, where AWS's chain is read, before any request), and it
    pickles and copies whole: botocore's own `__reduce__` read `kwargs` it never had."""
    with pytest.raises(MissingKeyError) as raised:
        SigV4Signer("us-east-1").sign("POST", "https://x/model/m/converse", b"{}", {})
    for again in (pickle.loads(pickle.dumps(raised.value)), copy.deepcopy(raised.value)):
        assert type(again) is type(raised.value) and str(again) == str(raised.value)


def test_keys_must_come_in_pairs() -> None:
    with pytest.raises(ValueError, match="together"):
        SigV4Signer("us-east-1", access_key=Secret("AK"))
    with pytest.raises(ValueError, match="aws_session_token needs"):
        SigV4Signer("us-east-1", session_token=Secret("t"))


def test_region_resolution(monkeypatch: pytest.MonkeyPatch, isolated_aws: Path) -> None:
    with pytest.raises(ValueError, match="no AWS region"):
        resolve_region(None, None)
    (isolated_aws / "config").write_text("[profile team]\nregion = ap-south-1\n")
    assert resolve_region(None, "team") == "ap-south-1"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-1")
    assert resolve_region(None, "team") == "us-west-1"
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    assert resolve_region(None, None) == "eu-central-1"
    assert resolve_region("us-east-2", None) == "us-east-2"
    with pytest.raises(ValueError, match="look like"):
        resolve_region("US East", None)


def test_the_session_token_is_masked_in_botocores_debug_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    signer = SigV4Signer(
        "us-east-1",
        access_key=Secret("AK"),
        secret_key=Secret(SECRET),
        session_token=Secret(TOKEN),
    )
    with caplog.at_level(logging.DEBUG, logger="botocore.auth"):
        signer.sign("POST", "https://x.example/model/m/converse", b"{}", {})
    assert "CanonicalRequest" in caplog.text
    assert "x-amz-security-token:***" in caplog.text
    assert TOKEN not in caplog.text and SECRET not in caplog.text


def test_the_filter_leaves_other_records_alone() -> None:
    record = logging.LogRecord("botocore.auth", logging.DEBUG, "", 0, "plain %s", ("x",), None)
    assert TokenMaskingFilter().filter(record) and record.getMessage() == "plain x"


def test_reprs_show_no_secret() -> None:
    signer = SigV4Signer(
        "us-east-1",
        access_key=Secret("AKID"),
        secret_key=Secret(SECRET),
        session_token=Secret(TOKEN),
    )
    bearer = BearerToken(Secret("bedrock-api-key-123"))
    for shown in (repr(signer), repr(bearer)):
        assert SECRET not in shown and TOKEN not in shown and "bedrock-api-key-123" not in shown
    assert bearer.sign("POST", "u", b"", {})["authorization"] == "Bearer bedrock-api-key-123"


def test_the_credentials_handed_to_botocore_show_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    signer = SigV4Signer(
        "us-east-1",
        access_key=Secret("AKID"),
        secret_key=Secret(SECRET),
        session_token=Secret(TOKEN),
    )
    creds = signer._credentials()
    assert (creds.access_key, creds.secret_key, creds.token) == ("AKID", SECRET, TOKEN)
    assert SECRET not in repr(creds) and TOKEN not in repr(creds)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    chained = SigV4Signer("us-east-1")._credentials()
    assert chained.secret_key == SECRET and chained.token is None
    assert SECRET not in repr(chained)


def test_boto3s_defaults_are_read_as_botocore_reads_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from chatplex.providers.bedrock.auth import Boto3Defaults
    from chatplex.providers.bedrock.auth import boto3_defaults

    for name in (*CHECKSUM_VARIABLES, "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_SDK_UA_APP_ID"):
        monkeypatch.delenv(name, raising=False)
    # botocore's defaults
    supported = ("when_supported", "when_supported")
    assert boto3_defaults(None) == Boto3Defaults("standard", None, None, supported)
    assert boto3_defaults(None).retries() == 2  # the standard mode: 3 attempts
    assert boto3_defaults(None).retries("legacy") == 4  # a Config's mode wins
    monkeypatch.setenv("AWS_RETRY_MODE", "legacy")
    assert boto3_defaults(None).retries() == 4
    assert boto3_defaults(None).retries("adaptive") == 2
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("AWS_SDK_UA_APP_ID", "my app")
    for name in CHECKSUM_VARIABLES:
        monkeypatch.setenv(name, "when_required")
    said = boto3_defaults(None)
    assert said == Boto3Defaults("legacy", 1, "my app", ("when_required", "when_required"))
    assert boto3_defaults(None).retries() == 0


CHECKSUM_VARIABLES = ("AWS_REQUEST_CHECKSUM_CALCULATION", "AWS_RESPONSE_CHECKSUM_VALIDATION")
