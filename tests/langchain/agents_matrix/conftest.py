"""One scripted mock server per module of the matrix, and an environment that reaches
nothing but it: no AWS setting of the machine, Perplexity's base URL (its class takes
none) pointed at the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chatplex.testing import MockServer

from ._kit import SCRIPT
from ._kit import close_pools

_AWS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_BEARER_TOKEN_BEDROCK",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    patch = pytest.MonkeyPatch()
    aws = Path(tmp_path_factory.mktemp("aws"))
    for name in _AWS:
        patch.delenv(name, raising=False)
    patch.setenv("AWS_CONFIG_FILE", str(aws / "config"))
    patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(aws / "credentials"))
    patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with MockServer(script=SCRIPT) as running:
        patch.setenv("PERPLEXITY_BASE_URL", running.url)
        try:
            yield running
        finally:
            patch.undo()
            close_pools()
