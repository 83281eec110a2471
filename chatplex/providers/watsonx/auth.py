"""IBM Cloud IAM: the watsonx.ai API key exchanged for a bearer token, cached until near
its expiry.

`IAMToken.authorization()` gives each request's `Authorization` value as a `Secret`
(`Bearer <access token>`). The token comes from IBM Cloud IAM (`POST
https://iam.cloud.ibm.com/identity/token`, form body `grant_type=urn:ibm:params:oauth:
grant-type:apikey&apikey=<key>`, IBM's documented exchange) and is kept until 80% of
its lifetime (`expires_in`) has passed, as IBM's SDK core refreshes it; one refresh at
a time, so concurrent calls reuse its token. This exchange is the only I/O of the
watsonx adapter, called per request through its `authorize` / `aauthorize` hooks (an
async call makes it in a worker thread, never on the loop). It is sent with the
standard library's `urllib` (translation may not import an HTTP client), or with the
`post` callable given (tests; a proxy of your own). Neither the key nor the token
appears in any repr, log or error.
"""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from ...adapters.bodies import loads
from ...adapters.bodies import reply_object
from ...adapters.bodies import snippet
from ...adapters.reading import reply_count
from ...adapters.reading import reply_text
from ...errors import APIConnectionError
from ...errors import APIError
from ...errors import status_error
from ...secret import Secret
from ...secret import scrub_text

__all__ = ["GRANT_TYPE", "IAM_URL", "IAMToken", "Post", "urllib_post"]

#: IBM Cloud IAM's token endpoint.
IAM_URL = "https://iam.cloud.ibm.com/identity/token"
#: The grant that exchanges an API key for an access token.
GRANT_TYPE = "urn:ibm:params:oauth:grant-type:apikey"
#: The share of a token's lifetime after which it is refreshed (IBM's SDK core: 80%).
REFRESH_SHARE = 0.8
#: How long the exchange may take, in seconds.
TIMEOUT = 30.0
_PROVIDER = "ibm"

#: `post(url, form_body, headers) -> (status, body)`: one POST, made synchronously.
Post = Callable[[str, bytes, Mapping[str, str]], tuple[int, bytes]]


def urllib_post(url: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, bytes]:
    """The POST with the standard library: (status, body) for any HTTP answer, an
    `APIConnectionError` when none came."""
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as reply:
            return int(reply.status), bytes(reply.read())
    except urllib.error.HTTPError as exc:  # an answer with an error status
        with exc:
            return int(exc.code), bytes(exc.read())
    except (OSError, ValueError) as exc:  # URLError, a timeout, a refused connection
        raise APIConnectionError(
            f"IBM Cloud IAM could not be reached ({type(exc).__name__})", provider=_PROVIDER
        ) from None


class IAMToken:
    """A key and its cached access token; `authorization()` gives the header value."""

    __slots__ = ("_clock", "_key", "_lock", "_post", "_refresh_at", "_token", "url")

    def __init__(
        self,
        api_key: Secret,
        *,
        url: str = IAM_URL,
        post: Post | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._key = api_key
        #: Where the key is exchanged (IBM Cloud IAM, or a test server).
        self.url = url
        self._post: Post = post or urllib_post
        self._clock = clock
        self._token: Secret | None = None
        self._refresh_at = 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"IAMToken(url={self.url!r})"

    def __getstate__(self) -> dict[str, Any]:
        # A copy (`copy.deepcopy`, a model pickled for another process) has its own lock,
        # which cannot be copied, and exchanges the key for its own token when it needs one.
        return {"api_key": self._key, "url": self.url, "post": self._post, "clock": self._clock}

    def __setstate__(self, state: dict[str, Any]) -> None:
        key = state.pop("api_key")
        self.__init__(key, **state)  # type: ignore[misc]

    def authorization(self) -> Secret:
        """`Bearer <token>`: the cached one while fresh, else a new one from IAM."""
        token = self._fresh()
        if token is not None:
            return token
        with self._lock:  # one exchange at a time: the others wait and reuse its token
            token = self._fresh()
            if token is None:
                token = self._exchange()
        return token

    async def aauthorization(self) -> Secret:
        """`authorization()` for an async call: a needed exchange runs in a worker thread."""
        token = self._fresh()
        if token is not None:
            return token
        return await asyncio.to_thread(self.authorization)

    def _fresh(self) -> Secret | None:
        token = self._token
        return token if token is not None and self._clock() < self._refresh_at else None

    def _exchange(self) -> Secret:
        form = urllib.parse.urlencode({"grant_type": GRANT_TYPE, "apikey": self._key.get()})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        sent = self._clock()
        status, body = self._post(self.url, form.encode(), headers)
        if status != 200:
            raise self._failure(status, body)
        data = reply_object(body, _PROVIDER)
        access = reply_text(data.get("access_token"), "IAM's access_token")
        if not access:
            raise APIError("IBM Cloud IAM's reply has no access_token", provider=_PROVIDER)
        lifetime = reply_count(data.get("expires_in"), "IAM's expires_in") or 0
        self._token = Secret(f"Bearer {access}")
        self._refresh_at = sent + lifetime * REFRESH_SHARE
        return self._token

    def _failure(self, status: int, body: bytes) -> APIError:
        data = loads(body)
        said = data.get("errorMessage") if isinstance(data, dict) else None
        message = said if isinstance(said, str) and said else self._quoted(body)
        return status_error(
            provider=_PROVIDER,
            status=status,
            message=f"IBM Cloud IAM refused the API key exchange: {message}",
            code=data.get("errorCode") if isinstance(data, dict) else None,
            body=None,  # IAM's error body may echo the request: not kept
        )

    def _quoted(self, body: bytes) -> str:
        return scrub_text(snippet(body), (self._key.get(),))
