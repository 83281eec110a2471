"""A clean AWS environment for the Bedrock wires' calls over the mock server (no
config, credentials file or instance metadata of the machine running the tests), and the
server: the fixtures "aws" and "server" (a test module imports both); and the settings a
model is built with over that server (`over`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def over(server: Any) -> dict[str, Any]:
    """A Bedrock model's settings over the mock `server`: its region, endpoint and keys,
    no retries."""
    keys = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"}
    return {"region_name": "us-east-1", "endpoint_url": server.url, **keys, "max_retries": 0}


@pytest.fixture(name="aws")
def clean_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_BEARER_TOKEN_BEDROCK", raising=False)
    yield


@pytest.fixture(name="server")
def mock_server_in_clean_aws_env(aws: None) -> Iterator[Any]:
    from chatplex.testing import MockServer

    with MockServer() as srv:
        yield srv
