"""One call of a `ChatModel`, as `ChatModel._prepare` describes it (`Call`), and what the
code that runs and sends it reads of a model (`Sender`, `Described`), written as
protocols: `chat/run_hooks.py`, `send_hooks.py`, `sending.py` and `credentials.py` take
these, and never import `ChatModel` (which imports them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal
from typing import Protocol

if TYPE_CHECKING:
    import httpx

    from ..adapters.base import Adapter
    from ..adapters.partner_calls import PartnerCalls
    from ..adapters.request_types import CallSettings
    from ..core.retry import RetryPolicy
    from ..core.run_config import RunnableConfig
    from ..http import RateLimit
    from ..messages import AIMessage
    from ..messages import AIMessageChunk
    from ..messages import BaseMessage
    from .caching.base import BaseCache
    from .callbacks import ChatModelRun
    from .limiter import ForeignLimiterBudget
    from .sdk_agents import PartnerHeaders

__all__ = ["Call", "Described", "OnWire", "Sender", "Transport"]


class OnWire(Protocol):
    """A model as every collaborator of `ChatModel` names it: its wire (the adapter),
    provider and model name. The protocols of what each one reads more extend it."""

    adapter: Adapter | None
    provider: str
    model: str


class Transport(Protocol):
    """The wire a call goes over and the bounds of each of its sends, as the model it is
    sent with holds them (`chat/sending.py`, `credentials.py`)."""

    adapter: Adapter | None
    timeout: float | None
    max_retries: int
    max_retry_after: float
    retry_policy: RetryPolicy | None
    rate_limit: RateLimit | Literal[False] | None
    foreign_limiter: ForeignLimiterBudget | None
    max_response_bytes: int | None
    stream_idle_timeout: float | None
    http_client: httpx.Client | None
    http_async_client: httpx.AsyncClient | None
    extra_headers: dict[str, str]
    extra_query: Mapping[str, Any]
    sdk_headers: PartnerHeaders | None
    call_timeout: float | None
    partner_words: bool
    partner_calls: PartnerCalls
    cache: BaseCache | bool | None
    stream_usage: bool


class Sender(Transport, Protocol):
    """The model a call is sent with (a bound copy when the call overrides settings):
    its I/O hooks, which a model answering without HTTP overrides, and how its reply
    comes (`chat/run_hooks.py`)."""

    streaming: bool
    usage_closes_stream: bool

    def _send(
        self, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
    ) -> AIMessage: ...

    async def _asend(
        self, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
    ) -> AIMessage: ...

    def _send_stream(
        self, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
    ) -> Iterator[AIMessageChunk]: ...

    def _asend_stream(
        self, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
    ) -> AsyncIterator[AIMessageChunk]: ...


@dataclasses.dataclass(slots=True)
class Call:
    """One call: the model it is sent with (`sender`: its wire, its bounds, its I/O
    hooks), the messages, the settings sent (`CallSettings`), the config as the call was
    given it, and the callback run told of it (None: nobody listens). Read, never
    changed; not frozen, which would cost every call a few times its building."""

    sender: Sender
    messages: list[BaseMessage]
    settings: CallSettings
    config: RunnableConfig
    run: ChatModelRun | None


class Described(Protocol):
    """The model called, as `chat/run_hooks.py` reads it: the `Call` it prepares, and
    what its callback run is told of it."""

    def _prepare(
        self,
        input: Any,
        config: RunnableConfig,
        overrides: Mapping[str, Any],
        asynchronous: bool = False,
    ) -> Call: ...

    def _serialized(self) -> dict[str, Any]: ...

    def _invocation_params(self, settings: CallSettings) -> dict[str, Any]: ...
