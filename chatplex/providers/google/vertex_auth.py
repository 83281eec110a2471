"""Vertex AI's bearer token from google-auth credentials (the extra `chatplex[vertexai]`).

`VertexAuth` holds a credentials object (`credentials=`, else Application Default
Credentials from `google.auth.default()`), and gives the `Authorization` header value of
each request as a `Secret`: the token is refreshed by google-auth when it is missing or
expired, the only I/O of the Vertex adapter (google-auth's own HTTP call to Google's
token endpoint, through `google.auth.transport.requests`). The token is never logged
and appears in no repr. google-auth is imported on first use only.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from ...secret import Secret

__all__ = ["VertexAuth"]

_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
_MISSING = (
    "Vertex AI needs google-auth for its credentials: pip install 'chatplex[vertexai]' "
    "(or pass api_key= for Vertex AI express mode)"
)


class VertexAuth:
    """Credentials and the project they are for; `authorization()` gives the header."""

    __slots__ = ("_credentials", "_lock", "project")

    def __init__(self, credentials: Any, project: str | None) -> None:
        project = project or os.environ.get("GOOGLE_CLOUD_PROJECT") or None
        if credentials is None:
            try:
                import google.auth
            except ImportError:
                raise ImportError(_MISSING) from None
            credentials, found = google.auth.default(scopes=_SCOPES)
            project = project or found
        elif not callable(getattr(credentials, "refresh", None)):
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
        self._credentials = credentials
        self.project: str = project
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"VertexAuth(project={self.project!r})"

    @property
    def identity(self) -> str:
        """Whose budget the calls spend (the service account or the project), no secret."""
        who = getattr(self._credentials, "service_account_email", None)
        return f"{who or type(self._credentials).__name__}@{self.project}"

    def authorization(self) -> Secret | None:
        """`Bearer <token>`, refreshed first when the token is missing or expired; None
        for google-auth's `AnonymousCredentials` (no header, as google-auth applies them:
        an emulator or a proxy that adds its own)."""
        if _anonymous(self._credentials):
            return None
        with self._lock:  # one refresh at a time: concurrent calls reuse its token
            credentials = self._credentials
            if not getattr(credentials, "valid", False) or not getattr(credentials, "token", None):
                credentials.refresh(_auth_request())
            token = credentials.token
        if not isinstance(token, str) or not token:
            raise ValueError("the Vertex AI credentials gave no access token after refresh")
        return Secret(f"Bearer {token}")


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
