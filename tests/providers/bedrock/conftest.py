"""Shared by the Bedrock tests: `isolated_aws`, no AWS setting of the machine's (its AWS_*
credentials and region, its config and credentials files, instance metadata) reaching a
test. Modules opt in with `pytestmark = pytest.mark.usefixtures("isolated_aws")`; a
module that unsets more variables defines its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._aws import isolate_aws


@pytest.fixture
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_aws(monkeypatch, tmp_path)
