"""Scripts naming a shared-credentials profile beside keys (given, or in the environment),
and one the files lack, for both Bedrock classes' suites: the profile's keys sign, as
langchain-aws's client is the profile's boto3 Session; a missing one is refused when
built. Each script writes the profile into the credentials file the suite's
`isolated_aws` fixture points botocore at."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.partners._sidebyside import attempted

PROFILE = "[p1]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = not-a-real-secret\n"
ENVIRONMENT_KEYS = {"AWS_ACCESS_KEY_ID": "AKIDFROMENV", "AWS_SECRET_ACCESS_KEY": "not-a-secret"}


def _with_profile() -> None:
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text(PROFILE)


@contextlib.contextmanager
def _environment_keys() -> Iterator[None]:
    os.environ.update(ENVIRONMENT_KEYS)
    try:
        yield
    finally:
        for name in ENVIRONMENT_KEYS:
            os.environ.pop(name, None)


def rows(make: Callable[..., Any], reply: Any, model: str) -> dict[str, tuple[Any, Any]]:
    """The scripts, each `(reply, script(cls, url))`, for a suite whose `make(cls, url,
    **settings)` builds its class with keys given."""

    def profile_beside_keys(cls: Any, url: str) -> Any:
        _with_profile()
        chat = make(cls, url, credentials_profile_name="p1")
        return [chat.invoke("Hi"), asyncio.run(chat.ainvoke("Hi"))]

    def profile_beside_environment_keys(cls: Any, url: str) -> Any:
        _with_profile()
        with _environment_keys():
            where = {"endpoint_url": url, "region_name": "us-east-1"}
            chat = cls(model=model, credentials_profile_name="p1", **where)
            return [chat.invoke("Hi"), asyncio.run(chat.ainvoke("Hi"))]

    def profile_missing(cls: Any, url: str) -> Any:
        _with_profile()
        return [
            attempted(lambda: make(cls, url, credentials_profile_name="nope")),
            attempted(
                lambda: cls(
                    model=model,
                    endpoint_url=url,
                    region_name="us-east-1",
                    credentials_profile_name="nope",
                )
            ),
        ]

    return {
        "profile_beside_keys": (reply, profile_beside_keys),
        "profile_beside_environment_keys": (reply, profile_beside_environment_keys),
        "profile_missing": (reply, profile_missing),
    }
