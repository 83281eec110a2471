"""boto3's clients as langchain-aws builds them (`llm.client`, `llm.bedrock_client`):
the service, the region (given, else the environment's), the credentials, the endpoint,
the model's timeout and retries over a given botocore config, langchain-aws's user
agent. Building a boto3 client sends nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from botocore.config import Config

from chatplex.chat.params import SettingRefused
from chatplex.langchain import ChatBedrock
from chatplex.langchain import ChatBedrockConverse
from chatplex.providers.bedrock.sdk_clients import control_client
from chatplex.providers.bedrock.sdk_clients import runtime_client
from tests._replies import anthropic_message


def test_each_client_is_its_service_in_the_region_given() -> None:
    keys = {"aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": "s3cret"}
    runtime = runtime_client(region_name="eu-west-3", **keys)
    control = control_client(region_name="eu-west-3", endpoint_url="http://127.0.0.1:9", **keys)
    assert runtime.meta.service_model.service_name == "bedrock-runtime"
    assert control.meta.service_model.service_name == "bedrock"
    assert (runtime.meta.region_name, control.meta.endpoint_url) == (
        "eu-west-3",
        "http://127.0.0.1:9",
    )
    signed = runtime._request_signer._credentials
    assert (signed.access_key, signed.secret_key) == ("AKIAEXAMPLE", "s3cret")
    assert runtime.meta.config.user_agent_extra == "x-client-framework:langchain-aws"


def test_the_region_falls_back_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    assert runtime_client(aws_access_key_id="a", aws_secret_access_key="b").meta.region_name == (
        "ap-south-1"
    )
    monkeypatch.setenv("AWS_REGION", "us-west-2")  # read first, as langchain-aws reads it
    assert runtime_client(aws_access_key_id="a", aws_secret_access_key="b").meta.region_name == (
        "us-west-2"
    )


def test_the_model_s_bounds_go_over_a_given_config() -> None:
    given = Config(read_timeout=99, connect_timeout=98, max_pool_connections=3)
    client = runtime_client(
        region_name="us-east-1",
        aws_access_key_id="a",
        aws_secret_access_key="b",
        config=given,
        timeout=7,
        max_retries=2,
    )
    config = client.meta.config
    assert (config.read_timeout, config.connect_timeout) == (7, 7)
    # (botocore reads `max_attempts` as retries: the attempts in all are one more)
    assert config.retries["total_max_attempts"] == 3 and config.max_pool_connections == 3
    untouched = runtime_client(
        region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    assert untouched.meta.config.read_timeout == 60  # botocore's own default stays


def test_the_drop_in_builds_them_on_first_read_and_keeps_them() -> None:
    model = ChatBedrockConverse(
        model="anthropic.claude-3-haiku-20240307-v1:0",
        region_name="eu-central-1",
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="s3cret",
        timeout=5,
    )
    client = model.client
    assert client is model.client  # built once
    assert client.meta.region_name == "eu-central-1" and client.meta.config.read_timeout == 5
    assert model.bedrock_client.meta.service_model.service_name == "bedrock"
    assert "s3cret" not in repr(model)


@pytest.mark.parametrize("name", ["client", "bedrock_client"])
@pytest.mark.parametrize("cls", [ChatBedrock, ChatBedrockConverse])
def test_a_given_client_is_still_refused_and_its_reason_holds(cls: Any, name: str) -> None:
    """Both classes refuse a given boto3 client (either one) naming why, and what the
    reason says holds: `http_client=` is where their requests go (ChatBedrock's over
    InvokeModel, and over Converse), and reading either attribute gives boto3's."""
    model = "anthropic.claude-3-haiku-20240307-v1:0"
    keys = {"aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": "s3cret"}
    with pytest.raises(SettingRefused, match=rf"{name}=\.\.\.\) .*not a given boto3 client"):
        cls(model=model, region_name="us-east-1", **keys, **{name: object()})
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.endswith("/converse"):
            message = {"role": "assistant", "content": [{"text": "Hi."}]}
            return httpx.Response(200, json={"output": {"message": message}, **_CONVERSE})
        return httpx.Response(200, json=_MESSAGE)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    ways = ({"beta_use_converse_api": True}, {}) if cls is ChatBedrock else ({},)
    for way in ways:
        given = cls(model=model, region_name="us-east-1", **keys, http_client=http, **way)
        assert given.invoke("Hi").content == "Hi."
        held = getattr(given, name)
        assert type(held).__module__ == "botocore.client" and held is getattr(given, name)
    assert seen[-1].endswith("/invoke" if cls is ChatBedrock else "/converse")


_CONVERSE = {
    "stopReason": "end_turn",
    "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
    "metrics": {"latencyMs": 1},
}
_MESSAGE = anthropic_message(
    "Hi.", model="claude", usage={"input_tokens": 1, "output_tokens": 1}, stop_sequence=None
)
