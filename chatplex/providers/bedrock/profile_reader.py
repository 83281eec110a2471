"""`ProfileReader`: what the environment and the shared config files say for an AWS
profile, read through one botocore Session per Bedrock build."""

from __future__ import annotations

from typing import Any

__all__ = ["ProfileReader"]


class ProfileReader:
    """What the environment and the shared config files say for `profile` (None:
    AWS_PROFILE's, else the default profile), read as botocore reads it, through one
    botocore Session made when first asked. A build makes one and shares it between its
    lookups (region, endpoint, boto3's defaults), then drops it: the next build reads
    the variables and the files afresh, as langchain-aws's builds a new Session."""

    def __init__(self, profile: str | None) -> None:
        self.profile = profile
        self._session: Any = None

    @classmethod
    def of(cls, profile: str | None | ProfileReader) -> ProfileReader:
        """`profile` itself when a reader (a build's), else a new reader for that name."""
        return profile if isinstance(profile, ProfileReader) else cls(profile)

    def session(self, botocore: Any) -> Any:
        """botocore's Session for the profile, made on first use (`botocore`: the module,
        as `auth.import_botocore` gives it or names the extra that installs it)."""
        if self._session is None:
            # Without botocore's built-in event handlers (~120, ~5 ms to register): they
            # act on the clients and service models a Session makes, and reading a
            # config variable or the config files emits no event. A Session that
            # resolves credentials (`auth._found_credentials`) keeps them: its chain
            # may make clients (STS, SSO).
            self._session = botocore.session.Session(
                profile=self.profile, include_builtin_handlers=False
            )
        return self._session
