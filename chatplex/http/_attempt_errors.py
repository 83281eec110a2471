"""What a failed attempt becomes: the typed error the attempt engine (`_engine.Call`)
raises or retries, decided without any I/O.

An httpx error is mapped to chatplex's (`APIConnectionError`, `APITimeoutError`...,
chained to it); a wait cut off at the call's bound is the deadline's or the limit's
error (`timed_out`); a stream's failure carries what it received (`cut_short`: the
chunks, and the pieces its parser still holds); an event no parser could read is the
stream's malformed-event error. `shown` gives the error the SDK's class and, for a
drop-in's call, the SDK's words. The engine binds these as its methods; they read the
call through `Attempt`, the part of it they need.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterator
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Protocol

import httpx

from ..errors import APITimeoutError
from ..errors import ChatplexError
from ..errors import DeadlineExceededError
from ..errors import StreamError
from ..errors import StreamIdleTimeoutError
from ..messages import AIMessageChunk
from ..messages import merge_cut_short
from ..sdk_errors import sdk_compatible
from ..sdk_errors import without_response
from ._errors import destination
from ._errors import request_failure
from ._errors import status_failure
from ._errors import stream_failure
from ._redaction import safe_request
from ._redaction import scrub
from ._reply import MALFORMED
from ._reply import malformed_event
from ._reply import with_partial

if TYPE_CHECKING:
    from ..adapters.base import Adapter

__all__ = ["Attempt", "cut_short", "shown", "then_raise", "timed_out", "typed", "unreadable"]

#: A timeout firing this close to `until()` is the bound's doing (timers wake a hair early).
SLACK = 0.005


class Attempt(Protocol):
    """The part of a call (`_engine.Call`) its failures are made from (read only)."""

    adapter: Adapter
    req: httpx.Request
    response: httpx.Response
    received: list[AIMessageChunk]
    _parser: object
    stream: bool
    started: bool
    limit: float
    deadline: float | None
    idle_timeout: float | None
    partner_words: bool
    kept_responses: Collection[str]
    clock: Callable[[], float]

    @property
    def phase(self) -> enum.Enum: ...  # read only: the call's is its own enum, `_engine.Phase`
    def until(self) -> float: ...


def timed_out(call: Attempt) -> Exception:
    """The error for a wait that reached `until()`: the deadline's, or the limit's."""
    host = call.req.url.host
    deadline = call.deadline
    if deadline is not None and call.clock() >= deadline - SLACK:
        where = "mid-stream" if call.phase.name == "EVENTS" else f"waiting for {host}"
        return DeadlineExceededError(f"the call's deadline passed {where}")
    provider = call.adapter.provider
    if call.stream:
        return StreamIdleTimeoutError(
            f"{host} sent no content for {call.limit:g} s", provider=provider
        )
    return APITimeoutError(
        f"read timeout: {host} sent no complete reply within {call.limit:g} s",
        provider=provider,
    )


def shown(call: Attempt, err: BaseException) -> BaseException:
    """`err` as raised to the caller: also an instance of the provider SDK's class
    when the script imported that SDK (`except openai.RateLimitError` keeps working),
    in the SDK's words only for a drop-in's call (`partner_words`)."""
    families, words = call.adapter.error_families, call.partner_words
    err = sdk_compatible(err, families, lambda: safe_request(call.req), words=words)
    if words:  # what its partner's error holds (langchain-core reads `response`)
        without_response(err, call.kept_responses, families)
    return err


def unreadable(call: Attempt, exc: Exception) -> Exception:
    """What the decoder or the adapter's parser raised on an event it could not read
    (bad JSON, a field of the wrong type) as the stream's malformed-event error,
    chained to it; anything else as it is."""
    if not isinstance(exc, MALFORMED) or isinstance(exc, ChatplexError):
        return exc
    err = malformed_event(exc, call.adapter, call.response, cut_short(call), call.started)
    err.__cause__ = exc
    return err


def cut_short(call: Attempt) -> list[AIMessageChunk]:
    """This attempt's chunks, and the pieces its parser still holds to hand on later
    (`HoldsPieces`): what a stream cut short received, for its error's `partial`."""
    from ..adapters.base import HoldsPieces  # read on a failure only

    parser = call._parser
    held = parser.held() if isinstance(parser, HoldsPieces) else None
    return [*call.received, *held] if held else call.received


def typed(call: Attempt, exc: Exception) -> Exception:
    """`exc` as the caller should see it: httpx errors mapped (chained to them),
    stream failures with their partial reply."""
    if isinstance(exc, httpx.TimeoutException) and call.clock() >= call.until() - SLACK:
        bound = timed_out(call)  # a wait cut short at the call's bound, not httpx's own
        scrub(exc)  # it holds the request, headers and all
        bound.__cause__ = exc
        exc = bound
    adapter = call.adapter
    phase = call.phase.name
    if not call.stream or phase == "SENDING":
        if isinstance(exc, httpx.RequestError):
            err = request_failure(
                exc,
                adapter.provider,
                destination(call.req.url),
                deadline=call.deadline,
                idle_timeout=call.idle_timeout,
            )
            err.__cause__ = exc
            return err
        return exc
    response, received = call.response, cut_short(call)
    if isinstance(exc, httpx.RequestError):
        if phase == "ERROR_BODY":
            exc = status_failure(adapter, response, b"")  # the status alone still says
        else:  # the body broke off
            mapped = stream_failure(exc, adapter, response, received, deadline=call.deadline)
            mapped.__cause__ = exc
            exc = mapped
    if isinstance(exc, StreamError):
        with_partial(exc, adapter, response, received, call.started)
    elif isinstance(exc, DeadlineExceededError):
        if exc.partial is None and received:  # what came before it, held-back included
            exc.partial = merge_cut_short(received)
    elif isinstance(exc, ValueError):  # a parser that let a JSON error escape
        malformed = malformed_event(exc, adapter, response, received, call.started)
        malformed.__cause__ = exc
        return malformed
    return exc


def then_raise(chunks: Sequence[AIMessageChunk], exc: Exception) -> Iterator[AIMessageChunk]:
    """`chunks`, then `exc`: a read that failed half-way still emits what came before."""
    yield from chunks
    raise exc
