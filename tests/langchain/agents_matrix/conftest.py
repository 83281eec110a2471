"""One scripted mock server per module of the matrix, and an environment that reaches
nothing but it: no AWS setting of the machine, Perplexity's base URL (its class takes
none) pointed at the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chatplex.testing import MockServer
from tests._aws import isolate_aws

from ._kit import SCRIPT
from ._kit import close_pools


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    patch = pytest.MonkeyPatch()
    aws = Path(tmp_path_factory.mktemp("aws"))
    isolate_aws(patch, aws)
    with MockServer(script=SCRIPT) as running:
        patch.setenv("PERPLEXITY_BASE_URL", running.url)
        try:
            yield running
        finally:
            patch.undo()
            close_pools()
