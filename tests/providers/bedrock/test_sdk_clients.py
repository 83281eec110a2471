"""boto3's clients as langchain-aws builds them (`llm.client`, `llm.bedrock_client`):
the service, the region (given, else the environment's), the credentials, the endpoint,
the model's timeout and retries over a given botocore config, langchain-aws's user
agent. Building a boto3 client sends nothing."""

from __future__ import annotations

import pytest
from botocore.config import Config

from chatplex.langchain import ChatBedrockConverse
from chatplex.providers.bedrock.sdk_clients import control_client
from chatplex.providers.bedrock.sdk_clients import runtime_client


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


def test_a_given_client_is_still_refused_with_the_reason() -> None:
    with pytest.raises(TypeError, match="not a given boto3 client"):
        ChatBedrockConverse(
            model="anthropic.claude-3-haiku-20240307-v1:0",
            region_name="us-east-1",
            client=object(),
        )
