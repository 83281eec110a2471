"""An AWS setup of nothing of this machine's, for the tests that build botocore or
Bedrock clients: no AWS variable of the environment, no config or credentials file, no
instance metadata."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: The variables botocore (and Bedrock's API key) read credentials and a region from.
AWS_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_BEARER_TOKEN_BEDROCK",
)


def every_aws_variable() -> tuple[str, ...]:
    """The environment's AWS_* variables, whichever they are."""
    return tuple(name for name in os.environ if name.startswith("AWS_"))


def isolate_aws(
    patch: pytest.MonkeyPatch, folder: Path, unset: tuple[str, ...] = AWS_VARIABLES
) -> None:
    """`unset` taken out of the environment, botocore's config and credentials files
    pointed into `folder` (where there are none), and instance metadata off."""
    for name in unset:
        patch.delenv(name, raising=False)
    patch.setenv("AWS_CONFIG_FILE", str(folder / "config"))
    patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(folder / "credentials"))
    patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
