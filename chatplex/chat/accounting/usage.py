"""Usage and cost summed over many calls: `track_usage()` and `UsageCallbackHandler`.

A tracker sums replies per model: requests, tokens and cost. Replies a chat model gets
over HTTP while a `track_usage()` block is active carry their price in
`response_metadata["cost"]` (see `chat/accounting/cost.py`; None when the price is unknown);
`reply_cost(reply)` prices any reply afterwards. Outside a tracker nothing is priced:
the price table costs ~0.15 s and ~15 MB to load, and every reply a little CPU, which
nobody asked for then.

>>> with track_usage(max_cost=5.0) as usage:  # doctest: +SKIP
...     model.batch(inputs)
>>> usage.cost, usage.requests, usage.by_model["gpt-4o-mini"].output_tokens  # doctest: +SKIP

`track_usage()` follows the context (a `ContextVar`): calls made inside the `with` block
are counted, sync or async, in threads started by `batch` and on the private loop of sync
`batch` (both copy the caller's context), and in tasks created inside the block. Trackers
nest; each counts what happened inside it. `UsageCallbackHandler` counts what its
`config={"callbacks": [handler]}` sees instead, wherever it runs.

`max_cost` (USD): once the tracked cost reaches it, new calls inside the block fail with
`BudgetExceededError` before sending anything; calls already in flight finish and are
counted. Cache hits cost nothing and are always allowed. Replies whose price is unknown
are counted in `unpriced` and add nothing to `cost`, so they cannot stop a budget.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Mapping
from contextvars import ContextVar
from contextvars import Token
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from types import TracebackType
from typing import TYPE_CHECKING
from typing import Any

from ...core.chunks import aclose_iterator
from ...core.chunks import close_iterator
from ...errors import BudgetExceededError
from ...messages import AIMessageChunk
from ...messages import UsageMetadata
from ...messages import add_usage
from .cost import Cost
from .cost import cost_of
from .cost import reply_cost

if TYPE_CHECKING:
    from ...messages import AIMessage

__all__ = [
    "ModelUsage",
    "UsageCallbackHandler",
    "UsageTracker",
    "apriced_stream",
    "charge",
    "check_budget",
    "priced_stream",
    "record_hit",
    "track_usage",
    "tracking",
]

#: The trackers active in this context, innermost last.
_active: ContextVar[tuple[UsageTracker, ...]] = ContextVar("chatplex_usage", default=())


@dataclass
class ModelUsage:
    """What one model (or all of them: `UsageTracker.total`) used.

    `requests`: replies that took an HTTP call; `cached`: replies served by the cache (or
    shared with an identical call in flight) -- their tokens are not billed, so not
    counted; `cost`: the sum of the known costs (USD); `unpriced`: HTTP replies whose
    price is unknown (their tokens are counted, their cost is not)."""

    requests: int = 0
    cached: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    cache_read_tokens: int = 0
    cache_creation_tokens: int = 0
    cost: float = 0.0
    unpriced: int = 0

    def _add(self, other: ModelUsage) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


@dataclass
class UsageTracker:
    """Sums of usage and cost, per model name (as the provider reports it).

    A context manager (sync and async) that counts the calls made inside it; see
    `track_usage`. Safe to share across threads and event loops."""

    max_cost: float | None = None
    by_model: dict[str, ModelUsage] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.max_cost is not None and not (
            isinstance(self.max_cost, (int, float))
            and not isinstance(self.max_cost, bool)
            and self.max_cost >= 0
        ):
            raise ValueError(f"max_cost must be a number of USD >= 0, got {self.max_cost!r}")
        self._lock = threading.Lock()
        self._tokens: list[Token[tuple[UsageTracker, ...]]] = []

    # ---- reading ------------------------------------------------------------------------

    @property
    def total(self) -> ModelUsage:
        """Every model together."""
        out = ModelUsage()
        with self._lock:
            for one in self.by_model.values():
                out._add(one)
        return out

    @property
    def cost(self) -> float:
        """Known cost so far, USD."""
        with self._lock:
            return sum(one.cost for one in self.by_model.values())

    @property
    def requests(self) -> int:
        """Replies that took an HTTP call."""
        return self.total.requests

    def unpriced_models(self) -> list[str]:
        """The models some of whose HTTP replies had no known price, by name."""
        with self._lock:
            return sorted(name for name, one in self.by_model.items() if one.unpriced)

    def as_dict(self) -> dict[str, Any]:
        """Plain data: {"total": {...}, "by_model": {name: {...}}} (JSON-ready)."""
        total = asdict(self.total)
        with self._lock:
            models = {name: asdict(one) for name, one in self.by_model.items()}
        return {"total": total, "by_model": models, "max_cost": self.max_cost}

    def __repr__(self) -> str:
        t = self.total
        return (
            f"UsageTracker(requests={t.requests}, cached={t.cached}, "
            f"input_tokens={t.input_tokens}, output_tokens={t.output_tokens}, "
            f"cost={t.cost:.6f}, unpriced={t.unpriced}, models={sorted(self.by_model)})"
        )

    # ---- counting -----------------------------------------------------------------------

    def add(self, message: AIMessage | AIMessageChunk, model: str | None = None) -> None:
        """Count one reply from what it carries: `usage_metadata`,
        `response_metadata["cost"]`, `["cached"]` and `["model_name"]` (else `model`)."""
        meta = message.response_metadata
        name = str(meta.get("model_name") or model or "unknown")
        usage = message.usage_metadata
        if "cost" in meta:
            cost = meta["cost"]
        elif meta.get("cached"):
            cost = None
        else:  # a reply seen by a callback handler, priced by what it says of itself
            cost = reply_cost(message, model=model)
        with self._lock:
            one = self.by_model.get(name)
            if one is None:
                one = self.by_model[name] = ModelUsage()
            if meta.get("cached"):
                one.cached += 1
                return
            one.requests += 1
            if usage:
                one.input_tokens += usage.get("input_tokens", 0)
                one.output_tokens += usage.get("output_tokens", 0)
                one.total_tokens += usage.get("total_tokens", 0)
                details = usage.get("input_token_details")
                if details:
                    one.cache_read_tokens += details.get("cache_read") or 0
                    one.cache_creation_tokens += details.get("cache_creation") or 0
            if isinstance(cost, Mapping) and isinstance(cost.get("total"), (int, float)):
                one.cost += cost["total"]
            elif isinstance(cost, (int, float)) and not isinstance(cost, bool):
                one.cost += cost
            else:
                one.unpriced += 1

    def check(self) -> None:
        """Raise `BudgetExceededError` if `max_cost` is reached."""
        if self.max_cost is not None:
            spent = self.cost
            if spent >= self.max_cost:
                raise BudgetExceededError(
                    f"cost budget reached: spent ${spent:.6f} of max_cost ${self.max_cost:.6f}",
                    spent=spent,
                    max_cost=self.max_cost,
                )

    # ---- context ------------------------------------------------------------------------

    def __enter__(self) -> UsageTracker:
        self._tokens.append(_active.set((*_active.get(), self)))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _active.reset(self._tokens.pop())

    async def __aenter__(self) -> UsageTracker:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)


def track_usage(max_cost: float | None = None) -> UsageTracker:
    """A tracker counting every chat-model call made in its `with` block (sync or async).

    Args:
        max_cost: a budget in USD: once spent, a new call fails with
            `BudgetExceededError` before it is sent.

    Returns:
        The `UsageTracker`, to use as a context manager (`with` or `async with`).

    Examples:
        >>> from chatplex import init_chat_model
        >>> from chatplex.testing import MockServer
        >>> with MockServer() as server, track_usage(max_cost=1.0) as usage:
        ...     model = init_chat_model(
        ...         "openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="sk-test"
        ...     )
        ...     reply = model.invoke("hi")
        >>> usage.total.requests, usage.cost > 0
        (1, True)
    """
    return UsageTracker(max_cost=max_cost)


class UsageCallbackHandler:
    """A callback handler summing the replies of the runs it is given to:
    `model.invoke(x, config={"callbacks": [handler]})`; read `handler.tracker`.

    With `max_cost`, a call started once the budget is reached fails with
    `BudgetExceededError` (set `raise_error`: the handler's error is the call's)."""

    raise_error = True  # a budget stop must stop the call, not be logged and skipped

    def __init__(self, max_cost: float | None = None) -> None:
        self.tracker = UsageTracker(max_cost=max_cost)

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.tracker.check()

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        for generations in getattr(response, "generations", ()):
            for generation in generations:
                message = getattr(generation, "message", None)
                if message is not None:
                    self.tracker.add(message)

    def __repr__(self) -> str:
        return f"UsageCallbackHandler({self.tracker!r})"


# ---- the hooks ChatModel calls ---------------------------------------------------------


def tracking() -> bool:
    """Whether a `track_usage()` block is active in this context (one ContextVar read)."""
    return bool(_active.get())


def check_budget() -> None:
    """Before an HTTP call: stop it if a tracker's `max_cost` is reached (cheap: one
    ContextVar read when nothing is tracked)."""
    for tracker in _active.get():
        tracker.check()


def charge(message: AIMessage | AIMessageChunk, provider: str, model: str, url: str | None) -> None:
    """A reply that came over HTTP, inside `track_usage()` blocks: priced
    (`response_metadata["cost"]`) and counted in each. Outside one: nothing to do."""
    trackers = _active.get()
    if not trackers:
        return
    meta = message.response_metadata
    meta["cost"] = cost_of(
        message.usage_metadata, meta.get("model_name") or model, provider=provider, url=url
    )
    for tracker in trackers:
        tracker.add(message, model)


def record_hit(message: AIMessage | AIMessageChunk, model: str) -> None:
    """Count a reply that cost no HTTP call (cache hit, or shared with an identical call)."""
    for tracker in _active.get():
        tracker.add(message, model)


class _StreamBill:
    """The running usage and cost of one streamed reply (see `priced_stream`)."""

    __slots__ = ("cost", "model", "name", "provider", "url", "usage")

    def __init__(self, provider: str, model: str, url: str | None) -> None:
        self.provider, self.model, self.url = provider, model, url
        self.usage: UsageMetadata | None = None
        self.cost: Cost | None = None
        self.name: str | None = None

    def see(self, chunk: AIMessageChunk) -> None:
        """A chunk that reports usage gets the price of the usage so far, so the merged
        stream's `response_metadata["cost"]` (later values win) is the whole reply's."""
        meta = chunk.response_metadata
        self.name = meta.get("model_name") or self.name
        self.usage = add_usage(self.usage, chunk.usage_metadata)
        self.cost = meta["cost"] = cost_of(
            self.usage, self.name or self.model, provider=self.provider, url=self.url
        )

    def close(self, received: bool) -> None:
        trackers = _active.get()
        if trackers and received:
            meta = {"cost": self.cost, "model_name": self.name}
            summary = AIMessageChunk(content="", usage_metadata=self.usage, response_metadata=meta)
            for tracker in trackers:
                tracker.add(summary, self.model)


def priced_stream(
    chunks: Iterator[AIMessageChunk], provider: str, model: str, url: str | None
) -> Iterator[AIMessageChunk]:
    """`chunks` of an HTTP stream, priced as they report usage and counted in the active
    trackers when the stream ends (however it ends); the budget is checked first. Only
    worth wrapping a stream in while `tracking()`."""
    check_budget()
    bill = _StreamBill(provider, model, url)
    received = False
    try:
        for chunk in chunks:
            received = True
            if chunk.usage_metadata:
                bill.see(chunk)
            yield chunk
    finally:
        close_iterator(chunks)
        bill.close(received)


async def apriced_stream(
    chunks: AsyncIterator[AIMessageChunk], provider: str, model: str, url: str | None
) -> AsyncIterator[AIMessageChunk]:
    """The async `priced_stream`."""
    check_budget()
    bill = _StreamBill(provider, model, url)
    received = False
    try:
        async for chunk in chunks:
            received = True
            if chunk.usage_metadata:
                bill.see(chunk)
            yield chunk
    finally:
        await aclose_iterator(chunks)
        bill.close(received)
