"""A non-streaming call, sync and async side by side: attempts of one send until a reply.

Each attempt acquires a permit from the rate-limit budget (when there is one; waiting
counts against the deadline), sends the same request bytes, releases the permit with what
happened (usage, status, `retry_after`), and on a failure asks the retry policy whether,
and after how long, to try again. Failures are typed errors whose `retryable` and
`retry_after` drive that decision, chained (`__cause__`) to the httpx exception.
`err.attempts` and the reply's `response_metadata["attempts"]` count the HTTP attempts.

Those decisions are the attempt engine's (`_engine.Call`, shared with `stream`); the I/O
is its drivers' (`_drivers.drive` / `adrive`): this module only wires them up.

>>> from chatplex.http import retry_policy
>>> message = send(adapter, request, retry=retry_policy(max_retries=2))  # doctest: +SKIP
>>> message = await asend(adapter, request, deadline=time.monotonic() + 30)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import TypedDict

from ._drivers import adrive
from ._drivers import drive
from ._engine import Call

if TYPE_CHECKING:
    import httpx
    from typing_extensions import Unpack

    from ..adapters.base import Adapter
    from ..adapters.request_types import HTTPRequest
    from ..core.retry import RetryPolicy
    from ..messages import AIMessage
    from ._ratelimit import Budget

__all__ = ["CallOptions", "asend", "send"]


class CallOptions(TypedDict, total=False):
    """What bounds a call (each None, or left out: no bound), and whose words its
    failure speaks: the keywords of `send`, `asend`, `stream` and `astream`; see `send`."""

    timeout: httpx.Timeout | float | None
    deadline: float | None
    retry: RetryPolicy | None
    budget: Budget | None
    max_response_bytes: int | None
    #: A failure takes the words of the wire's SDK (a drop-in's call; default False:
    #: chatplex's words, whatever SDK was imported).
    partner_words: bool
    #: Where `partner_words`: the failures in transit whose error keeps its `response`
    #: (`sdk_error_families.failure_kind`), as the partner's holds one; default: none.
    kept_responses: Collection[str]
    #: A stream's metadata-only chunks wait for its first content, so that a failure
    #: before any is retried unseen (default True); False: each goes out as it comes, as
    #: a partner SDK yields it (a drop-in's call).
    hold_opening: bool
    #: Headers that change on each retry, as a drop-in's partner SDK sends them (its
    #: retry count, a time counted from the server's clock): called before each retry
    #: with the retries taken before it (1 on the first) and the `Date` of the call's
    #: last response that had one (None: none yet), its pairs are set on the request;
    #: the first attempt sends the request as built. Default None: every attempt sends
    #: the same headers.
    retry_headers: Callable[[int, str | None], Iterable[tuple[str, str]]] | None


def send(
    adapter: Adapter,
    request: HTTPRequest,
    *,
    client: httpx.Client | None = None,
    **options: Unpack[CallOptions],
) -> AIMessage:
    """Send `request` (retrying per `retry`) and parse the reply with `adapter`.

    `client`: your own `httpx.Client` (used as given, never closed), else the shared one.
    `timeout`: per-request httpx timeouts (None: the client's). `deadline`: a
    `time.monotonic()` value bounding the whole call, retries and limiter waits included;
    past it the call fails with `DeadlineExceededError`. `retry`: a `RetryPolicy`
    (`chatplex.http.retry_policy(...)`); None makes exactly one attempt.
    `budget`: a rate-limit `Budget` to acquire before every attempt; None skips limiting.
    `partner_words`: a failure that is also the wire's SDK's class (that SDK imported)
    takes the SDK's words too (a LangChain drop-in's call); False: chatplex's words.

    Raises the adapter's `map_error` result for an error status, `APITimeoutError` /
    `APIConnectionError` when no answer came, `APIError` for an unparseable success body
    -- the last attempt's error, with `attempts` set.
    """
    call = Call(adapter, request, stream=False, **options)
    for _ in drive(call, client):
        pass  # a non-stream call yields nothing
    return call.message


async def asend(
    adapter: Adapter,
    request: HTTPRequest,
    *,
    client: httpx.AsyncClient | None = None,
    **options: Unpack[CallOptions],
) -> AIMessage:
    """The async `send`: same arguments, same errors, on the running loop's shared
    `httpx.AsyncClient` unless you pass one. Cancelling it closes the response at once."""
    call = Call(adapter, request, stream=False, **options)
    async for _ in adrive(call, client):
        pass  # a non-stream call yields nothing
    return call.message
