"""The I/O of the Batch APIs: runs a provider's steps (`adapters.batch_api.Steps`) over
HTTP, sync or async, on chatplex's shared pooled clients.

Each `Call` becomes one request with the credentials of the model's adapter; an error
status becomes the adapter's typed error (`map_error`: status, provider message, request
id), a transport failure `APIConnectionError` / `APITimeoutError`. Retries follow the
model's retry policy, except that a call which starts a job is retried only after a 429
(the provider did not process it): after a lost reply, a retry could start a second,
billed job. Downloads stream to a temporary file renamed into place once complete, so a
result file on disk is always whole.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeVar

from ..adapters.base import Adapter
from ..adapters.batch_api import Call
from ..adapters.batch_api import Reply
from ..adapters.batch_api import Steps
from ..adapters.header_values import check_headers_sent
from ..errors import APIConnectionError
from ..errors import APIError
from ..errors import APITimeoutError
from ..errors import RateLimitError
from ..secret import MaskedHeaders
from ..secret import Secret
from ..secret.urls import hold_url
from ..secret.urls import path_joined
from ..secret.urls import shown_url
from ..secret.urls import url_joined

if TYPE_CHECKING:
    import httpx

    from ..core.retry import RetryPolicy

__all__ = ["Transport"]

T = TypeVar("T")
_NOT_SENT = ("content-type", "content-length")


class Transport:
    """Where and how one batch talks to its provider: base URL, credentials, retries.

    `headers`: the adapter's request headers (credentials included, masked in any repr);
    `client` / `async_client`: your own httpx clients, else chatplex's shared ones.
    """

    def __init__(
        self,
        adapter: Adapter,
        base_url: str | Secret,
        headers: Mapping[str, str],
        *,
        retry: RetryPolicy,
        client: httpx.Client | None = None,
        async_client: httpx.AsyncClient | None = None,
    ) -> None:
        # A base URL carrying a credential (`?api-key=`) is held as a `Secret` from here
        # on, and sent as a URL that masks it: no frame's locals hold it in clear.
        base_url = hold_url(base_url)
        self.adapter = adapter
        self._base_url = url_joined(base_url, "")
        #: The base URL as it may be shown (credentials masked); where the calls go.
        self.base_url = shown_url(self._base_url)
        # A masking dict, so no key shows in a repr, a log or an error.
        self._headers = MaskedHeaders(
            (k, v) for k, v in headers.items() if k.lower() not in _NOT_SENT
        )
        self._headers.secret_names = getattr(headers, "secret_names", frozenset())
        check_headers_sent(self._headers)  # sent as they are by every call of the batch
        self.retry = retry
        self.client = client
        self.async_client = async_client

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r})"

    # ---- sync ------------------------------------------------------------------------

    def run(self, steps: Steps[T]) -> T:
        """Drive `steps` to their value, sending each call they yield."""
        try:
            call = next(steps)
            while True:
                call = steps.send(self.send(call))
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        finally:
            steps.close()

    def send(self, call: Call) -> Reply:
        attempt = 1
        while True:
            try:
                return self._attempt(call)
            except APIError as err:
                delay = self._delay(call, err, attempt)
                if delay is None:
                    raise
                self.retry.sleep(delay)
                attempt += 1

    def _attempt(self, call: Call) -> Reply:
        import httpx

        from ..http import get_sync_client

        client = self.client or get_sync_client()
        try:
            if call.download_to is not None:
                request = self._request(client, call, {"headers": self._headers})
                with contextlib.closing(client.send(request, stream=True)) as response:
                    if response.status_code >= 400:
                        raise self._error(response, response.read())
                    _write_atomically(call.download_to, response.iter_bytes())
                    return Reply(response.status_code, response.headers)
            with contextlib.ExitStack() as stack:
                kwargs = {"headers": self._headers, **self._body(call, stack, sync=True)}
                response = client.send(self._request(client, call, kwargs))
        except httpx.RequestError as exc:
            raise self._failure(exc) from None
        if response.status_code >= 400:
            raise self._error(response, response.content)
        return Reply(response.status_code, response.headers, response.content)

    # ---- async -----------------------------------------------------------------------

    async def arun(self, steps: Steps[T]) -> T:
        """The async `run`: same steps, on the running loop's shared client."""
        try:
            call = next(steps)
            while True:
                call = steps.send(await self.asend(call))
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        finally:
            steps.close()

    async def asend(self, call: Call) -> Reply:
        attempt = 1
        while True:
            try:
                return await self._aattempt(call)
            except APIError as err:
                delay = self._delay(call, err, attempt)
                if delay is None:
                    raise
                await self.retry.asleep(delay)
                attempt += 1

    async def _aattempt(self, call: Call) -> Reply:
        import httpx

        from ..http import get_async_client

        client = self.async_client or get_async_client()
        try:
            if call.download_to is not None:
                request = self._request(client, call, {"headers": self._headers})
                response = await client.send(request, stream=True)
                try:
                    if response.status_code >= 400:
                        raise self._error(response, await response.aread())
                    await _awrite_atomically(call.download_to, response.aiter_bytes())
                    return Reply(response.status_code, response.headers)
                finally:
                    await response.aclose()
            with contextlib.ExitStack() as stack:
                kwargs = {"headers": self._headers, **self._body(call, stack, sync=False)}
                response = await client.send(self._request(client, call, kwargs))
        except httpx.RequestError as exc:
            raise self._failure(exc) from None
        if response.status_code >= 400:
            raise self._error(response, response.content)
        return Reply(response.status_code, response.headers, response.content)

    # ---- shared ----------------------------------------------------------------------

    def _request(
        self, client: httpx.Client | httpx.AsyncClient, call: Call, kwargs: dict[str, Any]
    ) -> httpx.Request:
        """The request of `call`: built on the shown URL, then given the one to send as a
        URL that masks its credentials (the http layer's `secret_url`)."""
        from ..http import secret_url

        shown = path_joined(self.base_url, call.path)
        request = client.build_request(call.method, shown, **kwargs)
        held = path_joined(self._base_url, call.path)
        if isinstance(held, Secret):
            request.url = secret_url(held)
        return request

    def _body(self, call: Call, stack: contextlib.ExitStack, *, sync: bool) -> dict[str, Any]:
        if call.upload is not None:
            fields, path = call.upload
            file = stack.enter_context(open(path, "rb"))  # noqa: SIM115 - closed by the stack
            return {
                "data": dict(fields),
                "files": {"file": (os.path.basename(path), file, "application/jsonl")},
            }
        if call.body is not None:
            chunks = call.body()
            content: Any = chunks if sync else _aiter(chunks)
            headers = MaskedHeaders(self._headers)
            headers.secret_names = self._headers.secret_names
            headers["content-type"] = _JSON
            return {"content": content, "headers": headers}
        if call.json is not None:
            return {"json": dict(call.json)}
        return {}

    def _delay(self, call: Call, err: APIError, attempt: int) -> float | None:
        err.attempts = attempt
        if not call.idempotent and not isinstance(err, RateLimitError):
            return None
        return self.retry.delay(err, attempt)

    def _error(self, response: httpx.Response, body: bytes) -> APIError:
        from ..http import scrub_secrets

        err = self.adapter.map_error(response.status_code, body, response.headers)
        body = b""  # no frame's locals keep what the server said (a key it echoed)
        # A server that echoes the key (a 401's "Incorrect API key provided: sk-...")
        # does not get it stored in the job's errors nor shown.
        scrub_secrets(err, response.request)
        return err

    def _failure(self, exc: httpx.RequestError) -> APIError:
        import httpx

        host = self.base_url
        kind = type(exc).__name__
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(f"{kind} talking to {host}", provider=self.adapter.provider)
        return APIConnectionError(
            f"connection to {host} failed ({kind})", provider=self.adapter.provider
        )


_JSON = "application/json"


async def _aiter(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


def _write_atomically(path: str, chunks: Iterator[bytes]) -> None:
    partial = path + ".partial"
    with open(partial, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    os.replace(partial, path)


async def _awrite_atomically(path: str, chunks: AsyncIterator[bytes]) -> None:
    partial = path + ".partial"
    with open(partial, "wb") as out:
        async for chunk in chunks:
            out.write(chunk)
    os.replace(partial, path)
