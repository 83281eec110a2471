"""What ChatBedrockConverse's and ChatBedrock's requests say about who calls and which
attempt each is, beside langchain-aws's own on the same settings: langchain-aws builds
boto3's client itself (its `create_aws_client`, `user_agent_extra` patched in by its
`__init__`), and both send to the same server on 127.0.0.1, which answers each call's
first attempt with a 500 (retried) and the second with a 400 (not retried). Compared per
attempt: the header names, the User-Agent (its feature list `m/...` as a set: botocore
joins a set, in an order of the process's), `amz-sdk-request` (`attempt=1; max=3`, then
`ttl=<time>; attempt=2; max=3`, the `max` from the retry configuration langchain-aws
hands boto3, the `ttl` the 500's `Date` plus the read timeout) and
`amz-sdk-invocation-id` (one uuid4 per call, the same on its retry). The server's `Date`
is fixed; botocore's backoff and chatplex's are patched to 0."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests._aws import every_aws_variable
from tests._aws import isolate_aws
from tests._local_server import Answering
from tests._local_server import serving
from tests.partners._sidebyside import CALL_WAYS
from tests.partners._sidebyside import sent_once

langchain_aws = pytest.importorskip("langchain_aws")
botocore_config = pytest.importorskip("botocore.config")

import chatplex.langchain  # noqa: E402
from chatplex import init_chat_model  # noqa: E402
from chatplex.version import USER_AGENT  # noqa: E402

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
KEYS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "not-a-real-secret"}
#: Each HTTP client's own framing, not the SDK's: left out of the names compared.
FRAMING = {"host", "content-length", "accept-encoding", "connection"}
#: Sent by chatplex also where boto3 sends none: httpx's default `Accept: */*` (urllib3,
#: under botocore, sends none), a stream's event-stream type (the adapter's, signed, in
#: both families); where boto3 sends one (InvokeModel's `application/json`), the same.
OURS_ONLY = {"accept"}
#: A retry's `amz-sdk-request`: its `ttl` (left out where botocore has no read timeout).
RETRY = re.compile(r"(?:ttl=(\d{8}T\d{6}Z); )?(attempt=2; max=\d+)")
#: The `Date` of every answer, and the `ttl` a retry after it says with a read timeout of 60.
DATE = "Sun, 01 Nov 2026 10:00:00 GMT"
TTL_60 = "20261101T100100Z"


class _Server(Answering):
    """Records each request's headers; answers odd requests 500 (to be retried at once),
    even ones 400, all dated `DATE`; with `cut`, closes the connection on odd ones."""

    seen: list[dict[str, str]]
    cut = False

    def date_time_string(self, timestamp: float | None = None) -> str:
        return DATE

    def do_POST(self) -> None:
        self.seen.append({k.lower(): v for k, v in self.headers.items()})
        self.read_body()
        if self.cut and len(self.seen) % 2 == 1:
            self.close_connection = True  # no answer: a connection that failed
            return
        status, kind = (500, "InternalServerException")
        if len(self.seen) % 2 == 0:
            status, kind = (400, "ValidationException")
        self.send_response(status)
        self.send_header("x-amzn-ErrorType", kind)
        self.send_header("retry-after", "0")  # (botocore reads none)
        self.send_header("content-type", "application/json")
        body = b'{"message": "no"}'
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def seen(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, chatplex_retries_at_once: None
) -> Iterator[tuple[str, list[Any]]]:
    isolate_aws(monkeypatch, tmp_path, every_aws_variable())
    import boto3
    import botocore.retries.standard

    # boto3's default session finds the default chain's credentials once per process,
    # and only its first client says where from: a session of the test's own.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    import botocore.retryhandler

    # botocore's backoff (standard and legacy) at 0: the retry comes at once.
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", _no_wait)
    monkeypatch.setattr(botocore.retryhandler, "delay_exponential", _no_wait)
    # chatplex's too (`chatplex_retries_at_once`): a `retry-after: 0` asks no wait, so its
    # own backoff came (~0.45 s a test, ~17 s over the file).
    headers: list[dict[str, str]] = []
    with serving(_Server, seen=headers) as url:
        yield url, headers


def _no_wait(*args: Any, **kwargs: Any) -> float:
    return 0


def _sent(
    cls: Any, url: str | None, seen: list[Any], how: str, keys: Any = KEYS, **settings: Any
) -> list[dict[str, str]]:
    """The headers of each attempt of one call `how` of `cls(...)` (a 500, then a 400),
    sent to `url` (None: the endpoint the environment configures) with `keys`."""
    seen.clear()
    where = {"endpoint_url": url} if url else {}
    model = cls(model=MODEL, region_name="us-east-1", **where, **keys, **settings)
    sent_once(model, how)  # the 400: only the requests are wanted
    return [{k: v for k, v in h.items() if k not in FRAMING} for h in seen]


FEATURES = re.compile(r" m/(\S+)")


def _agent(headers: dict[str, str]) -> tuple[str, frozenset[str]]:
    """botocore's User-Agent, its feature list `m/...` apart as a set of ids."""
    agent = headers["user-agent"]
    listed = FEATURES.search(agent)
    ids = frozenset(listed.group(1).split(",")) if listed else frozenset()
    return FEATURES.sub(" m/", agent), ids


def _compare(theirs: list[dict[str, str]], ours: list[dict[str, str]]) -> None:
    assert len(theirs) == len(ours) == 2  # the 500 retried, the 400 not
    for their, our in zip(theirs, ours, strict=True):
        assert set(our) - OURS_ONLY == set(their) - OURS_ONLY
        assert our["accept"] == their.get("accept", our["accept"])
        assert _agent(our) == _agent(their)
    (their_first, their_retry), (our_first, our_retry) = theirs, ours
    for first, retry in ((their_first, their_retry), (our_first, our_retry)):
        invocation = first["amz-sdk-invocation-id"]
        assert uuid.UUID(invocation).version == 4
        assert retry["amz-sdk-invocation-id"] == invocation  # the same call
    assert our_first["amz-sdk-invocation-id"] != their_first["amz-sdk-invocation-id"]
    assert our_first["amz-sdk-request"] == their_first["amz-sdk-request"]
    their, our = (RETRY.fullmatch(r["amz-sdk-request"]) for r in (their_retry, our_retry))
    assert their is not None and our is not None
    assert our.groups() == their.groups()  # the ttl too, from the same Date


PAIRS = [
    (langchain_aws.ChatBedrockConverse, chatplex.langchain.ChatBedrockConverse),
    (langchain_aws.ChatBedrock, chatplex.langchain.ChatBedrock),
]


@pytest.mark.parametrize("how", CALL_WAYS)
@pytest.mark.parametrize("pair", PAIRS, ids=["ChatBedrockConverse", "ChatBedrock"])
def test_each_attempt_says_what_boto3s_says(
    seen: tuple[str, list[Any]], pair: tuple[Any, Any], how: str
) -> None:
    url, headers = seen
    theirs = _sent(pair[0], url, headers, how)
    ours = _sent(pair[1], url, headers, how)
    _compare(theirs, ours)
    assert theirs[0]["amz-sdk-request"] == "attempt=1; max=3"  # botocore's standard mode
    assert theirs[1]["amz-sdk-request"] == f"ttl={TTL_60}; attempt=2; max=3"
    assert " cfg/retry-mode#standard " in ours[0]["user-agent"]
    assert _agent(ours[0])[1] == {"E", "Z", "b", "N", "e"}  # as measured with boto3


@pytest.mark.parametrize(
    "settings",
    [
        {"max_retries": 4},
        {"timeout": 7},
        {"config": botocore_config.Config(retries={"total_max_attempts": 6})},
        {"config": botocore_config.Config(retries={"mode": "adaptive"})},
        {"config": botocore_config.Config(retries={"mode": "legacy"}, read_timeout=9)},
        # timeout= replaces the Config's whole `retries` (langchain-aws's merge)
        {"config": botocore_config.Config(retries={"total_max_attempts": 6}), "timeout": 9},
        {"config": botocore_config.Config(user_agent_extra="my-app/1.2")},
        {"config": botocore_config.Config(user_agent_appid="my app!#1")},
        {"config": botocore_config.Config(user_agent="custom/9", user_agent_extra="x/1")},
        {
            "config": botocore_config.Config(
                request_checksum_calculation="when_required",
                response_checksum_validation="WHEN_REQUIRED",
            )
        },
    ],
    ids=[
        "max_retries",
        "timeout",
        "total_max_attempts",
        "adaptive",
        "legacy",
        "replaced",
        "user_agent_extra",
        "user_agent_appid",
        "user_agent",
        "checksums",
    ],
)
def test_the_retry_configuration_is_said_as_boto3_says_it(
    seen: tuple[str, list[Any]], settings: dict[str, Any]
) -> None:
    url, headers = seen
    theirs = _sent(langchain_aws.ChatBedrockConverse, url, headers, "invoke", **settings)
    ours = _sent(chatplex.langchain.ChatBedrockConverse, url, headers, "invoke", **settings)
    _compare(theirs, ours)


ENVIRONMENT = {
    "AWS_RETRY_MODE": "legacy",
    "AWS_MAX_ATTEMPTS": "7",
    "AWS_SDK_UA_APP_ID": "env-app",
    "AWS_REQUEST_CHECKSUM_CALCULATION": "WHEN_REQUIRED",
    "AWS_RESPONSE_CHECKSUM_VALIDATION": "when_required",
}


@pytest.mark.parametrize("variable", sorted(ENVIRONMENT))
def test_the_environments_configuration_too(
    seen: tuple[str, list[Any]], monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    url, headers = seen
    monkeypatch.setenv(variable, ENVIRONMENT[variable])
    theirs = _sent(langchain_aws.ChatBedrockConverse, url, headers, "invoke")
    ours = _sent(chatplex.langchain.ChatBedrockConverse, url, headers, "invoke")
    _compare(theirs, ours)
    said = {"AWS_RETRY_MODE": "attempt=1", "AWS_MAX_ATTEMPTS": "attempt=1; max=7"}
    assert ours[0]["amz-sdk-request"] == said.get(variable, "attempt=1; max=3")
    assert (" app/env-app " in ours[0]["user-agent"]) == (variable == "AWS_SDK_UA_APP_ID")


PROFILES = """\
[p1]
aws_access_key_id = AKIDPROFILE
aws_secret_access_key = not-a-real-secret
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = not-a-real-secret
"""
#: A profile's settings in the shared config file.
CONFIGURED = """\
[profile p1]
retry_mode = adaptive
request_checksum_calculation = when_required
"""


@pytest.mark.parametrize(
    "way", ["env", "profile", "profile_configured", "default_chain", "aws_profile"]
)
@pytest.mark.parametrize("pair", PAIRS, ids=["ChatBedrockConverse", "ChatBedrock"])
def test_where_the_credentials_come_from_is_said_as_boto3_says_it(
    seen: tuple[str, list[Any]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    pair: tuple[Any, Any],
    way: str,
) -> None:
    """Keys in the environment (which langchain-aws reads and passes as its own), a named
    profile (its config file's settings too), and botocore's default chain (its default
    profile, or AWS_PROFILE's): the chain's source is said once the signature found it."""
    url, headers = seen
    (tmp_path / "credentials").write_text(PROFILES)
    settings: dict[str, Any] = {}
    if way == "env":
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    elif way.startswith("profile"):
        settings["credentials_profile_name"] = "p1"
    elif way == "aws_profile":
        monkeypatch.setenv("AWS_PROFILE", "p1")
    if way == "profile_configured":
        (tmp_path / "config").write_text(CONFIGURED)
    theirs = _sent(pair[0], url, headers, "invoke", {}, **settings)
    ours = _sent(pair[1], url, headers, "invoke", {}, **settings)
    _compare(theirs, ours)
    said = {"env": "e", "profile_configured": "n a F"}.get(way, "n")
    assert set(said.split()) <= _agent(ours[0])[1]


def test_an_endpoint_the_environment_configures_is_said(
    seen: tuple[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, headers = seen
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", url)
    theirs = _sent(langchain_aws.ChatBedrockConverse, None, headers, "invoke")
    ours = _sent(chatplex.langchain.ChatBedrockConverse, None, headers, "invoke")
    _compare(theirs, ours)
    assert "N" in _agent(ours[0])[1]  # ENDPOINT_OVERRIDE


@pytest.mark.parametrize("way", ["keys", "api_key", "api_key_from_env"])
def test_on_the_regions_own_endpoint_too(
    seen: tuple[str, list[Any]], monkeypatch: pytest.MonkeyPatch, way: str
) -> None:
    """No endpoint given (no `N`), and a Bedrock API key (sent over https only): each
    side's first request caught before it leaves (boto3's at its `before-send` event,
    chatplex's by its httpx transport), answered 400 (`seen`: the AWS setup alone)."""
    settings: dict[str, Any] = {"model": MODEL, "region_name": "us-east-1"}
    settings.update(KEYS if way == "keys" else {"api_key": "not-a-real-key"})
    if way == "api_key_from_env":
        monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", settings.pop("api_key"))
    agents: list[str] = []

    def theirs(request: Any, **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        agent = request.headers["User-Agent"]
        agents.append(agent.decode() if isinstance(agent, bytes) else agent)
        return AWSResponse(request.url, 400, {"x-amzn-ErrorType": "ValidationException"}, _Raw())

    def ours(request: httpx.Request) -> httpx.Response:
        agents.append(request.headers["user-agent"])
        return httpx.Response(400, json={"message": "no"})

    partner = langchain_aws.ChatBedrockConverse(**settings)
    partner.client.meta.events.register("before-send.bedrock-runtime", theirs)
    client = httpx.Client(transport=httpx.MockTransport(ours))
    for model in (partner, chatplex.langchain.ChatBedrockConverse(http_client=client, **settings)):
        sent_once(model, "invoke")
    assert len(agents) == 2  # one request each (a 400 is not retried)
    their, our = (_agent({"user-agent": agent}) for agent in agents)
    assert our == their
    said = {"keys": {"E", "Z", "b", "e"}, "api_key": {"E", "Z", "b"}}
    assert our[1] == said.get(way, {"E", "Z", "b", "3"})


class _Raw:
    """A botocore response body: botocore reads the 400's error from it."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield b'{"message": "no"}'

    def read(self, *_: Any, **__: Any) -> bytes:
        return b'{"message": "no"}'


def test_each_call_has_its_own_invocation_id(seen: tuple[str, list[Any]]) -> None:
    url, headers = seen
    model = chatplex.langchain.ChatBedrockConverse(
        model=MODEL, region_name="us-east-1", endpoint_url=url, **KEYS
    )
    for _ in range(2):
        with contextlib.suppress(Exception):
            model.invoke("hi")
    ids = [h["amz-sdk-invocation-id"] for h in headers]
    assert len(ids) == 4 and ids[0] == ids[1] != ids[2] == ids[3]


def test_a_header_given_is_kept(seen: tuple[str, list[Any]]) -> None:
    url, headers = seen
    given = {"amz-sdk-request": "mine", "User-Agent": "app/1"}
    _sent(chatplex.langchain.ChatBedrockConverse, url, headers, "invoke", default_headers=given)
    assert [(h["amz-sdk-request"], h["user-agent"]) for h in headers] == [("mine", "app/1")] * 2
    assert not [h for h in headers if "amz-sdk-invocation-id" in h]


def test_chatplex_own_family_sends_none(seen: tuple[str, list[Any]]) -> None:
    url, headers = seen
    model = init_chat_model(
        f"bedrock_converse:{MODEL}", region_name="us-east-1", endpoint_url=url, **KEYS
    )
    with contextlib.suppress(Exception):
        model.invoke("hi")
    assert len(headers) == 2  # the 500 retried
    assert [h["user-agent"] for h in headers] == [USER_AGENT] * 2
    assert not [name for h in headers for name in h if name.startswith("amz-sdk-")]


def test_a_retry_after_a_failed_connection_says_no_ttl(
    seen: tuple[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore counts the ttl from a response's Date: after a connection that failed
    there is none (and none carried from an earlier call)."""
    url, headers = seen
    monkeypatch.setattr(_Server, "cut", True)
    _sent(chatplex.langchain.ChatBedrockConverse, url, headers, "invoke")  # a ttl before
    theirs = _sent(langchain_aws.ChatBedrockConverse, url, headers, "invoke")
    ours = _sent(chatplex.langchain.ChatBedrockConverse, url, headers, "invoke")
    _compare(theirs, ours)
    assert ours[1]["amz-sdk-request"] == "attempt=2; max=3"
