"""How a `ChatModel` call goes over HTTP: the request built for the call, then sent or
streamed with the model's retries, rate budget, reply cache and pricing.

`ChatModel`'s I/O hooks (`_send`, `_asend`, `_send_stream`, `_asend_stream`, through
`chat/send_hooks.py`) are made of these functions; they read the model a call is sent with
through the `Transport` protocol (`chat/call.py`). This module loads with a model's first
call, not with `import chatplex`; the http layer, caches and tracing it drives load
later still, when a call first needs them.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from functools import partial
from types import ModuleType
from typing import TYPE_CHECKING
from typing import Any

from ..adapters.base import FetchesCredential
from ..core.chunks import aclose_iterator
from ..core.chunks import aclosing_iterator
from ..core.chunks import close_iterator
from ..core.chunks import closing_iterator
from ..core.interrupt import current_interrupter
from ..errors import AuthenticationError
from ..errors import MissingKeyError
from ..secret.urls import query_added
from . import credentials
from .call_hooks import apriced_stream
from .call_hooks import charge
from .call_hooks import check_budget
from .call_hooks import priced_stream
from .call_hooks import record_hit
from .retrying import retry_policy_for

if TYPE_CHECKING:
    from ..adapters.base import Adapter
    from ..adapters.request_types import CallSettings
    from ..adapters.request_types import HTTPRequest
    from ..core.retry import RetryPolicy
    from ..core.run_config import RunnableConfig
    from ..http import Budget
    from ..http import CallOptions
    from ..messages import AIMessage
    from ..messages import AIMessageChunk
    from ..messages import BaseMessage
    from .caching.base import BaseCache
    from .caching.inflight import Entry
    from .call import Transport
    from .sdk_agents import RetryHeaders

__all__ = [
    "Outgoing",
    "aauthorized",
    "aauthorized_stream",
    "acached_post",
    "acached_stream",
    "aopen_stream",
    "apost",
    "areauthorized",
    "arenewing_stream",
    "budget_for",
    "cached_post",
    "cached_stream",
    "http_request",
    "open_stream",
    "outgoing",
    "post",
    "priced_as",
    "reauthorized",
    "renewing_stream",
    "watched",
    "with_extra_headers",
]


# ---- the request ---------------------------------------------------------------------


def http_request(
    model: Transport,
    messages: list[BaseMessage],
    settings: CallSettings,
    *,
    stream: bool,
    sync: bool = True,
    deadline: float | None = None,
) -> tuple[Adapter, HTTPRequest]:
    """The adapter answering for `settings.model` and the request it builds, authorised
    (sync calls, by the call's `deadline`; async ones authorise when sent, see
    `aauthorized`) and carrying the model's `extra_headers`. A model without an adapter
    raises NotImplementedError."""
    adapter, request, _ = _http_request(
        model, messages, settings, stream=stream, sync=sync, deadline=deadline
    )
    return adapter, request


def _http_request(
    model: Transport,
    messages: list[BaseMessage],
    settings: CallSettings,
    *,
    stream: bool,
    sync: bool,
    deadline: float | None,
) -> tuple[Adapter, HTTPRequest, RetryHeaders | None]:
    """`http_request`, and what sets the request's headers again before each retry."""
    adapter = model.adapter
    if adapter is None:
        raise NotImplementedError(f"{type(model).__name__} has no adapter to send requests")
    adapter = adapter.for_model(settings.model)  # replies named by the model asked for
    try:  # (signed or authorised when built)
        request = adapter.build_request(messages, settings, stream=stream)
    except MissingKeyError as err:
        raise credentials.missing_as_partner(model, err) from err.__cause__
    if model.extra_query:
        request = _with_query(request, model.extra_query)
    if sync and adapter.authorizes_calls:  # per-call tokens (Azure Entra ID, IAM)
        try:
            request = credentials.authorized(model, adapter, request, deadline)
        except MissingKeyError as err:
            raise credentials.missing_as_partner(model, err) from err.__cause__
    headers, retried = _call_headers(model, request, sync)
    return adapter, adapter.with_call_headers(request, headers), retried


def _with_query(request: HTTPRequest, query: Mapping[str, Any]) -> HTTPRequest:
    """`request` with a call's `extra_query` added to its URL (`query_added`)."""
    if request.content is not None:  # its URL is under a signature (AWS SigV4)
        raise ValueError("extra_query cannot be added to a request its wire signs")
    url, secret_url = query_added(request.url, request.secret_url, query)
    return dataclasses.replace(request, url=url, secret_url=secret_url)


def with_extra_headers(model: Transport, request: HTTPRequest) -> HTTPRequest:
    """`request` carrying the model's `extra_headers` too (`Adapter.with_call_headers`)."""
    adapter = model.adapter
    if adapter is None:
        raise NotImplementedError(f"{type(model).__name__} has no adapter to send requests")
    return adapter.with_call_headers(request, _call_headers(model, request)[0])


_CallHeaders = tuple[Mapping[str, str], "RetryHeaders | None"]

#: `_call_headers` of a model without headers of its own (a drop-in's, nearly always),
#: by its (empty) `extra_headers`, its partner's headers, sync or not, the request's
#: header names and the model's timeout and its type (its SDK's read timeout: 5 is
#: written `5`, 5.0 `5.0`): the same for every
#: request of that model (unless the partner's are `per_call`), so made once. Each entry
#: holds the objects its key names by id (so no id is reused while it is kept).
_PARTNER_ONLY: dict[tuple[Any, ...], tuple[Any, Any, _CallHeaders]] = {}


def _call_headers(model: Transport, request: HTTPRequest, sync: bool = True) -> _CallHeaders:
    """The model's `extra_headers`, and its `sdk_headers` (its sync or async client's,
    and its SDK's first attempt's) that neither they nor the request (its
    `default_headers`) name; and what sets the SDK's per-attempt headers again before
    each retry (None for chatplex's own family). The callers merge the headers into a
    new mapping (`Adapter.with_call_headers`) and never change them."""
    partner = model.sdk_headers
    extra = model.extra_headers
    if partner is None:
        return extra, None
    partner = partner.of(model)
    key = None
    timeout = model.timeout
    if model.call_timeout is not None:  # a call's own: its SDK may write it as given
        partner = partner.with_call_timeout(model.call_timeout)
    if (
        not extra
        and partner is model.sdk_headers
        and not partner.per_call
        and (timeout is None or type(timeout) in (int, float))
    ):
        key = (id(extra), id(partner), sync, tuple(request.headers), timeout, type(timeout))
        known = _PARTNER_ONLY.get(key)
        if known is not None and known[0] is extra and known[1] is partner:
            return known[2]
    named = {k.lower() for k in (*request.headers, *extra)} & partner.names
    headers = copy.copy(extra)  # still a MaskedHeaders: its repr shows no key it holds
    for name, value in partner.sent_by(sync).items():
        if name.lower() not in named:
            headers[name] = value
    first, retried = partner.first_attempt(timeout, named)
    headers.update(first)
    if key is not None:
        if len(_PARTNER_ONLY) >= 256:  # models made and dropped: start again
            _PARTNER_ONLY.clear()
        _PARTNER_ONLY[key] = (extra, partner, (headers, retried))
    return headers, retried


@dataclasses.dataclass(frozen=True, slots=True)
class Outgoing:
    """One call's request on its way out, with what it goes out under: the model (its
    clients, retries, budget, bounds), the adapter that built the request (and reads the
    reply), the call's settings and config, and what sets its partner SDK's per-attempt
    headers again before each retry (a drop-in's)."""

    model: Transport
    adapter: Adapter
    request: HTTPRequest
    settings: CallSettings
    config: RunnableConfig
    retry_headers: RetryHeaders | None = None


def outgoing(
    model: Transport,
    messages: list[BaseMessage],
    settings: CallSettings,
    config: RunnableConfig,
    *,
    stream: bool,
    sync: bool = True,
) -> Outgoing:
    """The call's request (`http_request`), ready to be posted or streamed."""
    deadline = config.get("deadline")
    adapter, request, retried = _http_request(
        model, messages, settings, stream=stream, sync=sync, deadline=deadline
    )
    return Outgoing(model, adapter, request, settings, config, retried)


async def aauthorized(
    adapter: Adapter,
    request: HTTPRequest,
    deadline: float | None = None,
    model: Transport | None = None,
) -> HTTPRequest:
    """`request` as the adapter authorises an async call (a token from an async
    provider, awaited; a credential it fetches over HTTP, sent with `model` by the call's
    `deadline`: `credentials.py`); the adapter's sync `authorize`, or nothing,
    otherwise."""
    try:
        return await credentials.aauthorized(model, adapter, request, deadline)
    except MissingKeyError as err:
        raise credentials.missing_as_partner(model, err) from err.__cause__


def reauthorized(call: Outgoing, request: HTTPRequest) -> HTTPRequest | None:
    """`request` authorised again with a fresh credential after a 401, when the adapter
    dropped the one it carried (`FetchesCredential`: a token revoked or expired early);
    None: a fresh one would not help. Sync."""
    deadline = call.config.get("deadline")
    return credentials.reauthorized(call.model, call.adapter, request, deadline)


async def areauthorized(call: Outgoing, request: HTTPRequest) -> HTTPRequest | None:
    """The async `reauthorized`."""
    deadline = call.config.get("deadline")
    return await credentials.areauthorized(call.model, call.adapter, request, deadline)


def aauthorized_stream(
    adapter: Adapter,
    request: HTTPRequest,
    open_stream: Callable[[HTTPRequest], AsyncIterator[AIMessageChunk]],
    deadline: float | None = None,
    model: Transport | None = None,
) -> AsyncIterator[AIMessageChunk]:
    """`open_stream(request)`, the request authorised first when the adapter has a
    per-call hook (the stream itself is returned unwrapped otherwise)."""
    if not adapter.authorizes_calls:
        return open_stream(request)

    async def chunks() -> AsyncIterator[AIMessageChunk]:
        inner = open_stream(await aauthorized(adapter, request, deadline, model))
        async with aclosing_iterator(inner):
            async for chunk in inner:
                yield chunk

    return chunks()


def renewing_stream(
    call: Outgoing,
    request: HTTPRequest,
    opened: Callable[[HTTPRequest], Iterator[AIMessageChunk]],
) -> Iterator[AIMessageChunk]:
    """`opened(request)`'s chunks; refused with 401 before its first chunk, those of the
    request authorised again with a fresh credential (`reauthorized`), once."""
    chunks = opened(request)
    try:
        first = next(chunks, _END)
    except AuthenticationError:
        close_iterator(chunks)
        fresh = reauthorized(call, request)
        if fresh is None:
            raise
        chunks = opened(fresh)
        first = next(chunks, _END)
    with closing_iterator(chunks):
        if first is not _END:
            yield first
            yield from chunks


async def arenewing_stream(
    call: Outgoing,
    request: HTTPRequest,
    opened: Callable[[HTTPRequest], AsyncIterator[AIMessageChunk]],
) -> AsyncIterator[AIMessageChunk]:
    """The async `renewing_stream`."""
    chunks = opened(request)
    try:
        first = await anext(chunks, _END)
    except AuthenticationError:
        await aclose_iterator(chunks)
        fresh = await areauthorized(call, request)
        if fresh is None:
            raise
        chunks = opened(fresh)
        first = await anext(chunks, _END)
    async with aclosing_iterator(chunks):
        if first is not _END:
            yield first
            async for chunk in chunks:
                yield chunk


_END: Any = object()  # a stream that ended before its first chunk


# ---- what a call runs under: its rate budget, its run, its price (retries: retrying.py) --

# The http layer, bound by the first call that needs it (a reply served from the cache
# needs none): a per-call `from ..http import ...` costs more than most of what the call
# then does with it.
_http: ModuleType | None = None


def _http_layer() -> ModuleType:
    global _http
    if _http is None:
        from .. import http

        _http = http
    return _http


def budget_for(model: Transport, adapter: Adapter, settings: CallSettings) -> Budget | None:
    """The rate budget the call waits in: a foreign limiter's, the one shared by every
    model with the same provider, URL, key and model, or None (`rate_limit=False`)."""
    if model.foreign_limiter is not None:
        return model.foreign_limiter.as_budget()
    if model.rate_limit is False:  # no limiter: no calls, no cost
        return None
    budget: Budget = _http_layer().get_budget(adapter.budget_key(settings.model), model.rate_limit)
    if model.retry_policy is None and model.max_retry_after < budget.max_pause:
        budget.max_pause = model.max_retry_after  # a pause never outlasts a caller's cap
    return budget


def watched(config: RunnableConfig, retry: Any, budget: Any) -> tuple[Any, Any]:
    """The call's retry policy and budget, reporting to its run when one watches
    (`observed.py`); as they are otherwise (one dict lookup)."""
    run = config.get("_chat_run")
    if run is None:
        return retry, budget
    return _observer()(run, retry, budget)


@functools.cache
def _observer() -> Callable[[Any, Any, Any], tuple[Any, Any]]:
    """`observed.observe`, imported once (a per-call import costs as much as what
    `observe` then does for a traced call)."""
    from .observed import observe

    return observe


def _bounds(call: Outgoing, retry: RetryPolicy) -> CallOptions:
    """What bounds every send of a call: the model's timeout and size cap, the call's
    deadline, its retries and its rate budget (as its run watches them); and whose words
    its errors speak and whether a stream's opening chunks wait for its content (a
    drop-in's: its partner's words, each chunk as it comes, as the partner SDK yields
    it, and the headers that SDK sets per attempt)."""
    model, config = call.model, call.config
    budget = budget_for(model, call.adapter, call.settings)
    watched_retry, watched_budget = watched(config, retry, budget)
    bounds: CallOptions = {
        "timeout": model.timeout,
        "deadline": config.get("deadline"),
        "retry": watched_retry,
        "budget": watched_budget,
        "max_response_bytes": model.max_response_bytes,
        "partner_words": model.partner_words,
        "kept_responses": model.partner_calls.kept_responses,
        "hold_opening": not model.partner_words,
    }
    if call.retry_headers is not None:  # a drop-in's: its SDK's retry count
        bounds["retry_headers"] = call.retry_headers
    return bounds


def priced_as(adapter: Adapter) -> str:
    """The provider name a reply is priced under when its URL does not say: the
    adapter's `price_provider` (an OpenAI-compatible preset's own name, so a local
    server is never priced as OpenAI), else its wire."""
    return adapter.price_provider or adapter.provider


# ---- one reply -----------------------------------------------------------------------


def post(call: Outgoing) -> AIMessage:
    """The reply to the call's request over HTTP, with the model's retries and budget,
    priced."""
    check_budget()
    model, adapter, request = call.model, call.adapter, call.request
    retry = retry_policy_for(model)
    interrupter = current_interrupter()
    if interrupter is not None:  # a drop-in's sync batch: Ctrl-C ends a backoff too
        retry = interrupter.retry_policy(retry)
    bounds = _bounds(call, retry)
    send = _http_layer().send
    try:
        message: AIMessage = send(adapter, request, client=model.http_client, **bounds)
    except AuthenticationError:
        fresh = reauthorized(call, request)
        if fresh is None:
            raise
        message = send(adapter, fresh, client=model.http_client, **bounds)  # once
    charge(message, priced_as(adapter), call.settings.model, request.url)
    return message


async def apost(call: Outgoing) -> AIMessage:
    """The async `post` (the request authorised now: see `aauthorized`)."""
    check_budget()
    model, adapter, request = call.model, call.adapter, call.request
    bounds = _bounds(call, retry_policy_for(model, asynchronous=True))
    authorized = await aauthorized(adapter, request, call.config.get("deadline"), model)
    asend = _http_layer().asend
    try:
        message: AIMessage = await asend(
            adapter, authorized, client=model.http_async_client, **bounds
        )
    except AuthenticationError:
        fresh = await areauthorized(call, authorized)
        if fresh is None:
            raise
        message = await asend(adapter, fresh, client=model.http_async_client, **bounds)  # once
    charge(message, priced_as(adapter), call.settings.model, request.url)
    return message


def cached_post(call: Outgoing, cache: BaseCache) -> AIMessage:
    """`post`'s reply through `cache`: a stored reply, or the one an identical call in
    flight gets, costs no HTTP call (and is counted as a hit)."""
    from .caching import inflight

    message, fresh = inflight.cached_call(_entry(call, cache), partial(post, call))
    if not fresh:
        record_hit(message, call.settings.model)
    return message


async def acached_post(call: Outgoing, cache: BaseCache) -> AIMessage:
    """The async `cached_post`."""
    from .caching import inflight

    message, fresh = await inflight.acached_call(_entry(call, cache), partial(apost, call))
    if not fresh:
        record_hit(message, call.settings.model)
    return message


def _entry(call: Outgoing, cache: BaseCache) -> Entry:
    """The call's reply's place in `cache`, bounded by its deadline."""
    from .caching.entries import cache_key
    from .caching.inflight import Entry

    key = cache_key(call.adapter.provider, call.request)
    return Entry(cache, key, call.config.get("deadline"))


# ---- a streamed reply ------------------------------------------------------------------


def open_stream(call: Outgoing) -> Iterator[AIMessageChunk]:
    """The reply to the call's request as chunks over HTTP, with the model's retries,
    budget and bounds, priced when it ends."""
    http = _http_layer()
    model, adapter, request, config = call.model, call.adapter, call.request, call.config
    client, retry = model.http_client, retry_policy_for(model, stream=True)
    # A sync event stream watching, or a drop-in's sync batch: let it cut us short.
    interrupter = current_interrupter()
    if config.get("callbacks"):
        from ..core.interrupt import interrupter_of

        interrupter = interrupter_of(config) or interrupter
    if interrupter is not None:
        shared = client if client is not None else http.get_sync_client()
        client = http.interruptible_client(shared, interrupter)
        retry = interrupter.retry_policy(retry)
    bounds = _bounds(call, retry)

    def opened(sent: HTTPRequest) -> Iterator[AIMessageChunk]:
        chunks: Iterator[AIMessageChunk] = http.stream(
            adapter, sent, client=client, idle_timeout=model.stream_idle_timeout, **bounds
        )
        return chunks

    renews = isinstance(adapter, FetchesCredential)
    chunks = renewing_stream(call, request, opened) if renews else opened(request)
    return priced_stream(chunks, priced_as(adapter), call.settings.model, request.url)


def aopen_stream(call: Outgoing) -> AsyncIterator[AIMessageChunk]:
    """The async `open_stream` (the request authorised when the stream starts)."""
    http = _http_layer()
    model, adapter = call.model, call.adapter
    bounds = _bounds(call, retry_policy_for(model, stream=True, asynchronous=True))

    def opened(sent: HTTPRequest) -> AsyncIterator[AIMessageChunk]:
        chunks: AsyncIterator[AIMessageChunk] = http.astream(
            adapter,
            sent,
            client=model.http_async_client,
            idle_timeout=model.stream_idle_timeout,
            **bounds,
        )
        return chunks

    deadline = call.config.get("deadline")
    if isinstance(adapter, FetchesCredential):
        chunks = aauthorized_stream(
            adapter,
            call.request,
            lambda sent: arenewing_stream(call, sent, opened),
            deadline,
            model,
        )
    else:
        chunks = aauthorized_stream(adapter, call.request, opened, deadline, model)
    return apriced_stream(chunks, priced_as(adapter), call.settings.model, call.request.url)


def cached_stream(call: Outgoing, cache: BaseCache) -> Iterator[AIMessageChunk]:
    """`open_stream`'s chunks through `cache`, stored with their usage: a stored reply
    is replayed as chunks (and counted as a hit)."""
    from .caching import inflight

    start, hit = partial(open_stream, call), partial(_hit, call)
    return inflight.cached_stream(_entry(call, cache), start, hit)


def acached_stream(call: Outgoing, cache: BaseCache) -> AsyncIterator[AIMessageChunk]:
    """The async `cached_stream`."""
    from .caching import inflight

    start, hit = partial(aopen_stream, call), partial(_hit, call)
    return inflight.acached_stream(_entry(call, cache), start, hit)


def _hit(call: Outgoing, message: AIMessage) -> None:
    record_hit(message, call.settings.model)
