"""IBM Cloud IAM: the watsonx.ai API key exchanged for a bearer token, cached until near
its expiry.

`IAMToken.authorization()` gives each request's `Authorization` value as a `Secret`
(`Bearer <access token>`). The token comes from IBM Cloud IAM (`POST
https://iam.cloud.ibm.com/identity/token`, form body `grant_type=urn:ibm:params:oauth:
grant-type:apikey&apikey=<key>`, IBM's documented exchange) and is kept until 80% of
its lifetime (`expires_in`) has passed, as IBM's SDK core refreshes it; one refresh at
a time, so concurrent calls reuse its token. A call refused with 401 drops it (`drop`),
so the next authorisation fetches a fresh one.

The exchange is the only I/O of the watsonx adapter, made through its `authorize` /
`aauthorize` hooks (an async call makes it in a worker thread, never on the loop). A
provider's translation may not import an HTTP client, so it is sent with the standard
library (`bounded_post`), bounded as every chatplex call: its reply's size
(`MAX_REPLY_BYTES`), the whole exchange's time (the call's deadline, else `TIMEOUT`,
however slowly the server sends), typed errors that never quote the key. Or with the
`post` callable given (tests; a proxy of your own). A token that is no header value
(a control character, non-ASCII) is refused. Neither the key nor the token appears in
any repr, log or error.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from collections.abc import Mapping

from ...adapters.bodies import loads
from ...adapters.bodies import reply_object
from ...adapters.bodies import snippet
from ...adapters.header_values import control_character
from ...adapters.reading import reply_count
from ...adapters.reading import reply_text
from ...errors import APIConnectionError
from ...errors import APIError
from ...errors import APITimeoutError
from ...errors import DeadlineExceededError
from ...errors import ResponseTooLargeError
from ...errors import status_error
from ...secret import Secret
from ...secret import scrub_text

__all__ = ["GRANT_TYPE", "IAM_URL", "MAX_REPLY_BYTES", "IAMToken", "Post", "bounded_post"]

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

#: `post(url, form_body, headers) -> (status, body)`: one POST, made synchronously.
Post = Callable[[str, bytes, Mapping[str, str]], tuple[int, bytes]]


def bounded_post(
    url: str, body: bytes, headers: Mapping[str, str], *, until: float, by_deadline: bool
) -> tuple[int, bytes]:
    """The POST with the standard library (the environment's proxy for the URL, as
    urllib follows it): (status, body) for any HTTP answer. It ends by `until`
    (`time.monotonic()`) however slowly the server sends: `DeadlineExceededError` when
    `by_deadline` (the call's deadline), else `APITimeoutError`. A body over
    `MAX_REPLY_BYTES` is `ResponseTooLargeError`; no answer, or one that cannot be read
    (a cut chunked body), `APIConnectionError`, naming the failure's kind only."""
    left = until - time.monotonic()
    if left <= 0:
        raise _late(by_deadline)
    connection = _connection(urllib.parse.urlsplit(url), left)
    # Socket timeouts bound each wait; this bounds them all (a byte a second never ends
    # a wait): the socket is shut at `until`, which ends any read blocked on it.
    watchdog = threading.Timer(left, _shut, (connection,))
    watchdog.daemon = True
    watchdog.start()
    reply: http.client.HTTPResponse | None = None
    try:
        connection.request("POST", _target(url, connection), body, dict(headers))
        reply = connection.getresponse()
        data = reply.read(MAX_REPLY_BYTES + 1)
        status = reply.status
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if time.monotonic() >= until - 0.005:
            raise _late(by_deadline) from None
        raise APIConnectionError(
            f"IBM Cloud IAM could not be reached or its reply read ({type(exc).__name__})",
            provider=_PROVIDER,
        ) from None
    finally:
        watchdog.cancel()
        if reply is not None:
            reply.close()
        connection.close()
    if len(data) > MAX_REPLY_BYTES:
        raise ResponseTooLargeError(
            f"IBM Cloud IAM's reply is over {MAX_REPLY_BYTES} bytes: not a token reply",
            provider=_PROVIDER,
            status=status,
        )
    return status, data


def _connection(where: urllib.parse.SplitResult, timeout: float) -> http.client.HTTPConnection:
    host, port = where.hostname or "", where.port
    proxy = urllib.request.getproxies().get(where.scheme)
    if proxy and not urllib.request.proxy_bypass(host):
        via = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        if where.scheme == "https":  # a CONNECT tunnel, TLS to IAM inside it
            tunnel = http.client.HTTPSConnection(
                via.hostname or "", via.port or 80, timeout=timeout, context=_tls()
            )
            tunnel.set_tunnel(host, port)
            return tunnel
        return http.client.HTTPConnection(via.hostname or "", via.port or 80, timeout=timeout)
    if where.scheme == "https":
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=_tls())
    return http.client.HTTPConnection(host, port, timeout=timeout)


def _target(url: str, connection: http.client.HTTPConnection) -> str:
    """The request target: the path, or the whole URL to a plain proxy."""
    where = urllib.parse.urlsplit(url)
    if where.scheme == "http" and connection.host != where.hostname:
        return url
    return urllib.parse.urlunsplit(("", "", where.path or "/", where.query, ""))


def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def _shut(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


def _late(by_deadline: bool) -> Exception:
    if by_deadline:
        return DeadlineExceededError("the call's deadline passed during the IAM token exchange")
    return APITimeoutError(f"IBM Cloud IAM did not answer within {TIMEOUT:g} s", provider=_PROVIDER)


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
        self._post = post
        self._clock = clock
        self._token: Secret | None = None
        self._refresh_at = 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"IAMToken(url={self.url!r})"

    def authorization(self, deadline: float | None = None) -> Secret:
        """`Bearer <token>`: the cached one while fresh, else a new one from IAM, fetched
        by `deadline` (`time.monotonic()`; None: within `TIMEOUT`)."""
        token = self._fresh()
        if token is not None:
            return token
        until, by_deadline = _bound(deadline)
        # One exchange at a time: the others wait (no longer than their bound) and reuse it.
        if not self._lock.acquire(timeout=max(until - time.monotonic(), 0.0)):
            raise _late(by_deadline)
        try:
            token = self._fresh()
            if token is None:
                token = self._exchange(until, by_deadline)
        finally:
            self._lock.release()
        return token

    async def aauthorization(self, deadline: float | None = None) -> Secret:
        """`authorization()` for an async call: a needed exchange runs in a worker thread."""
        token = self._fresh()
        if token is not None:
            return token
        return await asyncio.to_thread(self.authorization, deadline)

    def drop(self, authorization: str | None) -> bool:
        """A request carrying `authorization` was refused (401): forget that token, so
        the next `authorization()` fetches a fresh one. True when `authorization` was one
        of this key's tokens (a fresh one may then succeed)."""
        token = self._token
        if authorization is None or token is None:
            return False
        if token.get() == authorization:
            self._token = None
        return True

    def _fresh(self) -> Secret | None:
        token = self._token
        return token if token is not None and self._clock() < self._refresh_at else None

    def _exchange(self, until: float, by_deadline: bool) -> Secret:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        sent = self._clock()
        # The form is built in the call: no local of this frame holds the key.
        if self._post is not None:
            status, body = self._post(self.url, _form(self._key), headers)
        else:
            status, body = bounded_post(
                self.url, _form(self._key), headers, until=until, by_deadline=by_deadline
            )
        if status != 200:
            raise self._failure(status, body)
        data = reply_object(body, _PROVIDER)
        access = reply_text(data.get("access_token"), "IAM's access_token")
        if not access:
            raise APIError("IBM Cloud IAM's reply has no access_token", provider=_PROVIDER)
        if not access.isascii() or control_character(access) is not None:
            del access
            raise APIError(
                "IBM Cloud IAM's access_token is not a header value (a control character "
                "or a non-ASCII one): not sent",
                provider=_PROVIDER,
                status=status,
            )
        lifetime = reply_count(data.get("expires_in"), "IAM's expires_in") or 0
        self._token = Secret(f"Bearer {access}")
        self._refresh_at = sent + lifetime * REFRESH_SHARE
        return self._token

    def _failure(self, status: int, body: bytes) -> APIError:
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


def _bound(deadline: float | None) -> tuple[float, bool]:
    """When the exchange must end, and whether that is the call's deadline."""
    own = time.monotonic() + TIMEOUT
    if deadline is not None and deadline < own:
        return deadline, True
    return own, False
