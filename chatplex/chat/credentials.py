"""A per-call credential an adapter fetches over HTTP (`FetchesCredential`: watsonx's
IBM Cloud IAM token for its key), sent before the call is authorised the way the call
itself is sent -- the model's HTTP client, timeout and retries, the call's deadline,
the adapter's typed errors -- so the exchange is mocked, proxied and bounded as every
call is, and no provider folder does I/O. One exchange at a time per credential: the
other calls wait for it (no longer than their own deadline) and reuse its token.

`authorized` / `aauthorized` are every call site's authorisation; `reauthorized` /
`areauthorized` authorise a call refused with 401 again, with a fresh credential;
`missing_as_partner` raises a credential found missing at a drop-in's call as its
partner's SDK does.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from typing import Any

from ..adapters.base import Adapter
from ..adapters.base import CredentialFetch
from ..adapters.base import FetchesCredential
from ..errors import APITimeoutError
from ..errors import ChatplexError
from ..errors import DeadlineExceededError
from ..errors import MissingKeyError
from ..sdk_error_families import ErrorFamily
from ..sdk_errors import sdk_compatible
from .body_reading import BodyReading

if TYPE_CHECKING:
    from ..adapters.request_types import HTTPRequest
    from ..core.retry import RetryPolicy
    from .call import Transport

__all__ = ["aauthorized", "areauthorized", "authorized", "missing_as_partner", "reauthorized"]

#: An exchange to send, when it must end, and whether that is its own bound.
_Due = tuple[CredentialFetch, float, bool]


def authorized(
    model: Transport, adapter: Adapter, request: HTTPRequest, deadline: float | None
) -> HTTPRequest:
    """`request` as the adapter authorises a sync call, its credential fetched first
    when it has none fresh."""
    if not adapter.authorizes_calls:
        return request
    if isinstance(adapter, FetchesCredential) and (due := _due(adapter, deadline)):
        _fetch(model, adapter, adapter, due)
    return adapter.authorize(request)


async def aauthorized(
    model: Transport | None, adapter: Adapter, request: HTTPRequest, deadline: float | None
) -> HTTPRequest:
    """`request` as the adapter authorises an async call (a token from an async
    provider, awaited), its credential fetched first when it has none fresh (with a
    `model` to send it with)."""
    if not adapter.authorizes_calls:
        return request
    if model is not None and isinstance(adapter, FetchesCredential):
        due = _due(adapter, deadline)
        if due is not None:
            await _afetch(model, adapter, adapter, due)
    return await adapter.aauthorize(request)


def missing_as_partner(model: Transport | None, err: MissingKeyError) -> BaseException:
    """What to raise for a credential found missing at a call: at a drop-in's
    (`partner_words`), the SDK class the error also is (botocore's NoCredentialsError,
    google-auth's DefaultCredentialsError), as its partner's SDK raises it there, and no
    ValueError: chatplex's `MissingKeyError`, its own family's one class, is one.
    Otherwise `err` itself. A function, not a context manager: it runs only on failure."""
    sdk = [
        c
        for c in type(err).__bases__
        if issubclass(c, BaseException) and not issubclass(c, MissingKeyError)
    ]
    if model is None or not model.partner_words or not sdk:
        return err
    cls = sdk[0]
    family = ErrorFamily(cls.__module__, lambda _err, _module: cls)
    return sdk_compatible(ChatplexError(str(err)), (family,))


def reauthorized(
    model: Transport, adapter: Adapter, request: HTTPRequest, deadline: float | None
) -> HTTPRequest | None:
    """`request`, refused with 401, authorised again with a fresh credential when the
    adapter dropped the one it carried (a token revoked or expired early); None: a fresh
    one would not help."""
    if not isinstance(adapter, FetchesCredential) or not adapter.credential_refused(request):
        return None
    return authorized(model, adapter, request, deadline)


async def areauthorized(
    model: Transport, adapter: Adapter, request: HTTPRequest, deadline: float | None
) -> HTTPRequest | None:
    """The async `reauthorized`."""
    if not isinstance(adapter, FetchesCredential) or not adapter.credential_refused(request):
        return None
    return await aauthorized(model, adapter, request, deadline)


# ---- the exchange ----------------------------------------------------------------------


def _fetch(model: Transport, adapter: Adapter, source: FetchesCredential, due: _Due) -> None:
    fetch, until, own = due
    lock = fetch.lock
    if not lock.acquire(timeout=max(until - time.monotonic(), 0.0)):
        raise _late(adapter, fetch, own)
    try:
        again = source.credential_fetch()  # None: the exchange waited for got it
        if again is not None:
            _send(model, adapter, again, until, own)
    finally:
        lock.release()


async def _afetch(model: Transport, adapter: Adapter, source: FetchesCredential, due: _Due) -> None:
    fetch, until, own = due
    lock = _async_lock(fetch.holder)
    try:
        await asyncio.wait_for(lock.acquire(), max(until - time.monotonic(), 0.0))
    except TimeoutError:
        raise _late(adapter, fetch, own) from None
    try:
        again = source.credential_fetch()  # None: the exchange waited for got it
        if again is not None:
            await _asend(model, adapter, again, until, own)
    finally:
        lock.release()


def _send(
    model: Transport, adapter: Adapter, fetch: CredentialFetch, until: float, own: bool
) -> None:
    from ..http import send  # loaded with the first exchange, as a chat's first call

    with _late_fetch(adapter, fetch, own):
        bounds = _bounds(model, fetch, until)
        send(_exchange(adapter, fetch), fetch.request, client=model.http_client, **bounds)


async def _asend(
    model: Transport, adapter: Adapter, fetch: CredentialFetch, until: float, own: bool
) -> None:
    from ..http import asend

    with _late_fetch(adapter, fetch, own):
        bounds = _bounds(model, fetch, until)
        await asend(
            _exchange(adapter, fetch), fetch.request, client=model.http_async_client, **bounds
        )


@contextmanager
def _late_fetch(adapter: Adapter, fetch: CredentialFetch, own: bool) -> Iterator[None]:
    """An exchange's deadline passing: the credential's own error where the fetch has
    its own bound (`own`), else the call's."""
    try:
        yield
    except DeadlineExceededError:
        if own:
            raise _late(adapter, fetch, own) from None
        raise


def _bounds(model: Transport, fetch: CredentialFetch, until: float) -> dict[str, Any]:
    """The model's timeout and retries, ended by `until`, the reply capped at the
    exchange's bound (or the model's, if smaller)."""
    cap = model.max_response_bytes
    return {
        "timeout": model.timeout,
        "deadline": until,
        "retry": _retry_policy(model),
        "max_response_bytes": fetch.max_bytes if cap is None else min(cap, fetch.max_bytes),
        "partner_words": model.partner_words,
        "kept_responses": model.partner_calls.kept_responses,
    }


def _retry_policy(model: Transport) -> RetryPolicy:
    if model.retry_policy is not None:
        return model.retry_policy
    from ..core.retry import retry_policy

    return retry_policy(model.max_retries, model.max_retry_after)


def _due(source: FetchesCredential, deadline: float | None) -> _Due | None:
    """The exchange to send, when it must end and whether that is its own bound (not the
    call's); None while the credential is fresh."""
    fetch = source.credential_fetch()
    if fetch is None:
        return None
    own = time.monotonic() + fetch.timeout
    if deadline is not None and deadline <= own:
        return fetch, deadline, False
    return fetch, own, True


def _late(adapter: Adapter, fetch: CredentialFetch, own: bool) -> Exception:
    if own:
        return APITimeoutError(
            f"the credential exchange at {fetch.request.url} did not end within "
            f"{fetch.timeout:g} s",
            provider=adapter.provider,
        )
    return DeadlineExceededError("the call's deadline passed during its credential exchange")


#: holder -> (its loop, the lock of its async exchanges on that loop).
_async_locks: weakref.WeakKeyDictionary[object, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _async_lock(holder: object) -> asyncio.Lock:
    """One lock per credential and event loop (an asyncio lock belongs to one loop)."""
    loop = asyncio.get_running_loop()
    held = _async_locks.get(holder)
    if held is None or held[0] is not loop:
        held = (loop, asyncio.Lock())
        _async_locks[holder] = held
    return held[1]


def _exchange(adapter: Adapter, fetch: CredentialFetch) -> BodyReading:
    """The exchange as the HTTP layer reads it: a 200 body handed to the fetch's `read`,
    an error status its `refused` error, in the adapter's name and error families."""
    provider = adapter.provider
    return BodyReading(
        provider,
        adapter.error_families,
        fetch.read,
        fetch.refused,
        lambda _: (provider, "credential"),
    )
