"""A clean AWS environment for the Bedrock wires' calls over the mock server (no
config, credentials file or instance metadata of the machine running the tests), and the
server: the fixtures "aws" and "server" (a test module imports both)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


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
