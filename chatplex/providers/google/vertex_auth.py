"""Vertex AI's bearer token from google-auth credentials (the extra `chatplex[vertexai]`).

`VertexAuth` holds a credentials object (`credentials=`, else Application Default
Credentials from `google.auth.default()`), and gives the `Authorization` header value of
each request as a `Secret`: the token is refreshed by google-auth when it is missing or
expired, the only I/O of the Vertex adapter (google-auth's own HTTP call to Google's
token endpoint, through `google.auth.transport.requests`). The token is never logged
and appears in no repr. google-auth is imported on first use only.

Application Default Credentials are looked up when the model is built only if they must
name the project; with a project given they are looked up at the first call, as
langchain-google-vertexai does (a model is built without credentials, and building one
touches neither the credential files nor the metadata server).
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Mapping
from typing import Any

from ...adapters.base_url import BaseURL
from ...adapters.keys import key_digest
from ...errors import MissingKeyError
from ...secret import Secret

__all__ = ["VertexAuth", "authorized", "keyed_headers"]

_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
_MISSING = (
    "Vertex AI needs google-auth for its credentials: pip install 'chatplex[vertexai]' "
    "(or pass api_key= for Vertex AI express mode)"
)


#: The audience a service account's self-signed JWT names under google-api-core's REST
#: transport (`AuthorizedSession(default_host=DEFAULT_HOST)`: the global host, whichever
#: endpoint is called).
_JWT_AUDIENCE = "https://aiplatform.googleapis.com/"


class VertexAuth:
    """Credentials and the project they are for; `authorization()` gives the header,
    `metric()` the credentials' `cred-type/...` (google-auth's).

    `own_jwt`: a service account signs its own access token (a JWT) instead of trading
    an assertion for one at Google's token endpoint, as the generated client of
    langchain-google-vertexai has it (`always_use_jwt_access=True`), and its requests
    say `cred-type/jwt` as the partner's do (a drop-in's); False: the credentials as
    given or looked up (chatplex's own family)."""

    __slots__ = ("_credentials", "_jwt", "_lock", "_plain", "project")

    def __init__(self, credentials: Any, project: str | None, own_jwt: bool = False) -> None:
        project = project or os.environ.get("GOOGLE_CLOUD_PROJECT") or None
        if credentials is None and project is None:
            credentials, project = _default_credentials()  # they may name the project
        elif credentials is not None and not callable(getattr(credentials, "refresh", None)):
            raise TypeError(
                "credentials must be a google-auth credentials object (with refresh()), "
                f"got {type(credentials).__name__}"
            )
        project = project or getattr(credentials, "project_id", None)
        if not project:
            raise ValueError(
                "Vertex AI needs a project: pass project=..., set GOOGLE_CLOUD_PROJECT, or "
                "use credentials that name one"
            )
        #: None: Application Default Credentials, looked up at the first call.
        self._plain = credentials
        self.project: str = project
        self._jwt = own_jwt
        self._credentials = self._in_use()
        self._lock = threading.Lock()

    def _in_use(self) -> Any:
        """The credentials its requests are authorised with: those given or looked up
        (`_plain`), signing their own JWT where `own_jwt` was asked."""
        return _own_jwt(self._plain) if self._jwt else self._plain

    def __getstate__(self) -> dict[str, Any]:
        # Pickles and copies (a model's, as langchain-google-vertexai's pickles) without
        # the lock: the copy holds its own.
        return {"_credentials": self._plain, "project": self.project, "_jwt": self._jwt}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._plain = state["_credentials"]
        self.project = state["project"]
        self._jwt = state.get("_jwt", False)
        self._credentials = self._in_use()
        self._lock = threading.Lock()

    def quota_project(self) -> str | None:
        """The project the credentials bill their calls to (`quota_project_id`, e.g. an
        Application Default Credentials file's), which google-auth sends as
        `x-goog-user-project` with every request it authorises (`Credentials.apply`)."""
        project = getattr(self._credentials, "quota_project_id", None)
        return project if isinstance(project, str) and project else None

    def metric(self) -> str | None:
        """What google-auth appends to `x-goog-api-client` on each API request
        (`Credentials.before_request`: `_metric_header_for_usage`, e.g. `cred-type/u`,
        `cred-type/sa`, `cred-type/jwt`, `cred-type/mds`), for the credentials in use;
        None where they say nothing or are not looked up yet."""
        metric = getattr(self._credentials, "_metric_header_for_usage", None)
        used = metric() if callable(metric) else None
        return used if isinstance(used, str) and used else None

    def __repr__(self) -> str:
        return f"VertexAuth(project={self.project!r})"

    @property
    def identity(self) -> str:
        """Whose budget the calls spend (the service account or the project), no secret."""
        credentials = self._credentials
        if credentials is None:  # Application Default Credentials, not looked up yet
            return f"ApplicationDefaultCredentials@{self.project}"
        who = getattr(credentials, "service_account_email", None)
        return f"{who or type(credentials).__name__}@{self.project}"

    def authorization(self) -> Secret | None:
        """`Bearer <token>`, refreshed first when the token is missing or expired; None
        for google-auth's `AnonymousCredentials` (no header, as google-auth applies them:
        an emulator or a proxy that adds its own)."""
        with self._lock:  # one lookup and one refresh at a time: concurrent calls share them
            if self._credentials is None:
                self._plain, _ = _default_credentials()
                self._credentials = self._in_use()
            credentials = self._credentials
            if _anonymous(credentials):
                return None
            if not getattr(credentials, "valid", False) or not getattr(credentials, "token", None):
                credentials.refresh(_auth_request())
            token = credentials.token
        if not isinstance(token, str) or not token:
            raise ValueError("the Vertex AI credentials gave no access token after refresh")
        return Secret(f"Bearer {token}")


def keyed_headers(
    api_key: Secret | None, auth: VertexAuth | None, where: BaseURL
) -> tuple[str, dict[str, Any]]:
    """A Vertex AI adapter's rate-limit key digest (of its API key, else its credentials'
    identity) and its JSON headers, with the key as `x-goog-api-key` in express mode."""
    identity = api_key or (Secret(auth.identity) if auth is not None else None)
    headers: dict[str, Any] = {"content-type": "application/json"}
    if api_key is not None:
        headers["x-goog-api-key"] = api_key
    return key_digest(identity, where), headers


def authorized(headers: Mapping[str, Any], auth: VertexAuth | None) -> dict[str, Any]:
    """`headers` with `auth`'s bearer token (refreshed by google-auth if it expired) and
    the project its credentials bill, as google-auth applies credentials (its
    `x-goog-user-project` over one given); as they are without credentials (express
    mode: an API key) or with anonymous ones."""
    out = dict(headers)
    authorization = auth.authorization() if auth is not None else None
    if auth is not None and authorization is not None:
        out["Authorization"] = authorization
        quota = auth.quota_project()
        if quota is not None:
            for name in [n for n in out if n.lower() == "x-goog-user-project"]:
                del out[name]
            out["x-goog-user-project"] = quota
    return out


def _default_credentials() -> tuple[Any, str | None]:
    """Application Default Credentials and the project they name, if any; none found is
    google-auth's `DefaultCredentialsError`, also `MissingKeyError` (`_no_credentials`)."""
    try:
        import google.auth
        from google.auth.exceptions import DefaultCredentialsError
    except ImportError:
        raise ImportError(_MISSING) from None
    try:
        credentials, project = google.auth.default(scopes=_SCOPES)
    except DefaultCredentialsError as err:
        raise _no_credentials(str(err)) from err
    return credentials, project or None


def _no_credentials(words: str) -> Exception:
    """google-auth's `DefaultCredentialsError` in `words` (what the SDK, and so
    langchain-google-vertexai, raises where no credentials are found), also chatplex's
    `MissingKeyError` (the own family's one class for a missing credential), named as
    google-auth's class; unpickled by this function."""
    from google.auth.exceptions import DefaultCredentialsError

    return _no_credentials_class(DefaultCredentialsError)(words)


@functools.cache
def _no_credentials_class(base: type[Exception]) -> type[Exception]:
    def reduce(self: Exception) -> tuple[Any, ...]:
        return (_no_credentials, (str(self),))

    return type(
        base.__name__,
        (base, MissingKeyError),
        {"__reduce__": reduce, "__module__": base.__module__},
    )


def _own_jwt(credentials: Any) -> Any:
    """A service account's credentials signing their own JWT for the partner's audience
    (google-api-core's transport: `with_always_use_jwt_access(True)`, then the session's
    `_create_self_signed_jwt`); other credentials, and None, as they are."""
    try:
        from google.oauth2 import service_account
    except ImportError:
        return credentials
    if not isinstance(credentials, service_account.Credentials):
        return credentials
    credentials = credentials.with_always_use_jwt_access(True)  # type: ignore[no-untyped-call]
    credentials._create_self_signed_jwt(_JWT_AUDIENCE)
    return credentials


def _anonymous(credentials: Any) -> bool:
    try:
        from google.auth.credentials import AnonymousCredentials
    except ImportError:
        return False
    return isinstance(credentials, AnonymousCredentials)


def _auth_request() -> Any:
    try:
        from google.auth.transport.requests import Request
    except ImportError:
        raise ImportError(_MISSING) from None
    return Request()
