"""IBM Cloud IAM: the watsonx.ai API key exchanged for a bearer token, cached until near
its expiry. Pure: the exchange is a request the chat layer sends.

`IAMToken.fetch()` is the exchange to send when no token is held fresh (None
otherwise): IBM's documented `POST https://iam.cloud.ibm.com/identity/token`, form body
`grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=<key>`, with how to read its
reply (`CredentialFetch`). The chat layer sends it as it sends a call (the model's HTTP
client, timeout and retries, the call's deadline, the reply capped at `MAX_REPLY_BYTES`;
`chat/credentials.py`), so it is mocked, proxied and bounded as every call is.
`authorization()` is then the `Authorization` value (`Bearer <token>`, a `Secret`), kept
until 80% of its lifetime (`expires_in`) has passed, as IBM's SDK core refreshes it. A
call refused with 401 drops it (`drop`). A token that is no header value (a control
character, non-ASCII) is refused. Neither the key nor the token appears in any repr,
log or error.
"""

from __future__ import annotations

import functools
import threading
import time
import urllib.parse
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from ...adapters.base import CredentialFetch
from ...adapters.bodies import loads
from ...adapters.bodies import reply_object
from ...adapters.bodies import snippet
from ...adapters.header_values import control_character
from ...adapters.reading import reply_count
from ...adapters.reading import reply_text
from ...adapters.request_types import HTTPRequest
from ...errors import APIError
from ...errors import status_error
from ...secret import Secret
from ...secret import scrub_text

__all__ = ["GRANT_TYPE", "IAM_URL", "MAX_REPLY_BYTES", "TIMEOUT", "IAMToken"]

#: IBM Cloud IAM's token endpoint.
IAM_URL = "https://iam.cloud.ibm.com/identity/token"
#: The grant that exchanges an API key for an access token.
GRANT_TYPE = "urn:ibm:params:oauth:grant-type:apikey"
#: The share of a token's lifetime after which it is refreshed (IBM's SDK core: 80%).
REFRESH_SHARE = 0.8
#: How long the whole exchange may take, in seconds, when the call has no earlier deadline.
TIMEOUT = 30.0
#: The most an IAM reply's body may hold: a token reply is a few kilobytes.
MAX_REPLY_BYTES = 256 * 1024
_PROVIDER = "ibm"
_HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}


class IAMToken:
    """A key and its cached access token: `fetch()` the exchange to send, then
    `authorization()` the header value."""

    __slots__ = ("__weakref__", "_clock", "_key", "_refresh_at", "_token", "lock", "url")

    def __init__(
        self,
        api_key: Secret,
        *,
        url: str = IAM_URL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._key = api_key
        #: Where the key is exchanged (IBM Cloud IAM, or a test server).
        self.url = url
        self._clock = clock
        self._token: Secret | None = None
        self._refresh_at = 0.0
        #: Held by the one sync exchange in flight (`CredentialFetch.holder`).
        self.lock = threading.Lock()

    def __repr__(self) -> str:
        return f"IAMToken(url={self.url!r})"

    def __getstate__(self) -> dict[str, Any]:
        # A copy (`copy.deepcopy`, a model pickled for another process) has its own lock,
        # which cannot be copied, and exchanges the key for its own token when it needs one.
        return {"api_key": self._key, "url": self.url, "clock": self._clock}

    def __setstate__(self, state: dict[str, Any]) -> None:
        key = state.pop("api_key")
        self.__init__(key, **state)  # type: ignore[misc]

    def fetch(self) -> CredentialFetch | None:
        """The exchange to send now, None while the held token is fresh."""
        if self.authorization() is not None:
            return None
        request = HTTPRequest("POST", self.url, dict(_HEADERS), content=_form(self._key), json={})
        return CredentialFetch(
            request=request,
            read=functools.partial(self._read, sent=self._clock()),
            refused=self._failure,
            max_bytes=MAX_REPLY_BYTES,
            timeout=TIMEOUT,
            lock=self.lock,
            holder=self,
        )

    def authorization(self) -> Secret | None:
        """`Bearer <token>` while the held token is fresh, else None (`fetch` it)."""
        token = self._token
        return token if token is not None and self._clock() < self._refresh_at else None

    def drop(self, authorization: str | None) -> bool:
        """A request carrying `authorization` was refused (401): forget that token, so
        the next `fetch()` asks IAM again. True when `authorization` was one of this
        key's tokens (a fresh one may then succeed)."""
        token = self._token
        if authorization is None or token is None:
            return False
        if token.get() == authorization:
            self._token = None
        return True

    def _read(self, body: bytes, *, sent: float) -> None:
        data = reply_object(body, _PROVIDER)
        access = reply_text(data.get("access_token"), "IAM's access_token")
        if not access:
            raise APIError("IBM Cloud IAM's reply has no access_token", provider=_PROVIDER)
        if not access.isascii() or control_character(access) is not None:
            del access  # the error's traceback shows this frame's locals
            raise APIError(
                "IBM Cloud IAM's access_token is not a header value (a control character "
                "or a non-ASCII one): not sent",
                provider=_PROVIDER,
            )
        lifetime = reply_count(data.get("expires_in"), "IAM's expires_in") or 0
        self._token = Secret(f"Bearer {access}")
        self._refresh_at = sent + lifetime * REFRESH_SHARE

    def _failure(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        data = loads(body)
        said = data.get("errorMessage") if isinstance(data, dict) else None
        message = said if isinstance(said, str) and said else snippet(body)
        code = data.get("errorCode") if isinstance(data, dict) else None
        details = data.get("context") if isinstance(data, dict) else None
        request_id = details.get("requestId") if isinstance(details, dict) else None
        return status_error(
            provider=_PROVIDER,
            status=status,
            message=f"IBM Cloud IAM refused the API key exchange: {self._masked(message)}",
            headers=headers,
            code=code if isinstance(code, (str, int)) else None,
            request_id=request_id if isinstance(request_id, str) else None,
            body=None,  # IAM's error body may echo the request: not kept
        )

    def _masked(self, text: str) -> str:
        return scrub_text(text, _key_forms(self._key))


def _form(key: Secret) -> bytes:
    """The exchange's form body (IBM's documented grant)."""
    return urllib.parse.urlencode({"grant_type": GRANT_TYPE, "apikey": key.get()}).encode()


def _key_forms(key: Secret) -> tuple[str, ...]:
    """The key as an error may quote it: as it is, and as the form body encoded it."""
    return (key.get(), urllib.parse.quote_plus(key.get()), urllib.parse.quote(key.get()))
