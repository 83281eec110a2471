"""The example AWS keys the Bedrock tests sign with (AWS's documented examples), an
adapter built over them at a fixed time (`keyed_with`), and a SigV4 signer over them
(`example_signer`) that signs a request again to check its signature."""

from __future__ import annotations

import datetime
from typing import Any
from typing import TypeVar

from chatplex.providers.bedrock.auth import SigV4Signer
from chatplex.secret import Secret

ACCESS_KEY = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN"
WHEN = datetime.datetime(2026, 11, 23, 12, 0, 0)

A = TypeVar("A")


def keyed_with(cls: type[A], **settings: Any) -> A:
    """`cls` (a Bedrock adapter) in us-west-2 over the example keys, its clock at WHEN."""
    return cls(
        region_name="us-west-2",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET,
        now=lambda: WHEN,
        **settings,
    )


def example_signer(region: str, when: datetime.datetime, token: str | None = TOKEN) -> SigV4Signer:
    """A SigV4 signer over the example keys (and `token`, if any) at `when`."""
    return SigV4Signer(
        region,
        access_key=Secret(ACCESS_KEY),
        secret_key=Secret(SECRET),
        session_token=Secret(token) if token else None,
        now=lambda: when,
    )
