"""What `ChatModel`'s I/O hooks (`_send`, `_asend`, `_send_stream`, `_asend_stream`) and
`build_request` do: HTTP through the adapter, by `chat/sending.py` (the request for a
call, its retries, budget, reply cache and price). The model is read through the
`Transport` protocol (`chat/call.py`); a model answering without HTTP (`FakeChatModel`)
overrides the hooks.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING

from ..core.run_config import RunnableConfig
from ..messages import AIMessage
from ..messages import AIMessageChunk
from ..messages import BaseMessage
from ..sdk_errors import sdk_compatible
from .call_hooks import call_cache

if TYPE_CHECKING:
    from ..adapters.base import Adapter
    from ..adapters.request_types import CallSettings
    from ..adapters.request_types import HTTPRequest
    from .caching.base import BaseCache
    from .call import Transport
    from .sending import Outgoing

__all__ = ["asend", "asend_stream", "build_request", "deadline_error", "send", "send_stream"]


def send(
    self: Transport, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
) -> AIMessage:
    call, cache = _outgoing(self, messages, settings, config, stream=False, sync=True)
    return sending.post(call) if cache is None else sending.cached_post(call, cache)


async def asend(
    self: Transport, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
) -> AIMessage:
    call, cache = _outgoing(self, messages, settings, config, stream=False, sync=False)
    if cache is None:
        return await sending.apost(call)
    return await sending.acached_post(call, cache)


def send_stream(
    self: Transport, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
) -> Iterator[AIMessageChunk]:
    call, cache = _outgoing(self, messages, settings, config, stream=True, sync=True)
    # Cached with its usage; `stream_usage=False` strips it from hits too.
    chunks = sending.open_stream(call) if cache is None else sending.cached_stream(call, cache)
    return chunks if _keeps_usage(call.model) else _streams().without_usage(chunks)


def asend_stream(
    self: Transport, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
) -> AsyncIterator[AIMessageChunk]:
    partners = self.partner_calls.async_stream
    if partners is not None:  # (its partner's, around this one: `PartnerCalls.async_stream`)
        chunks: AsyncIterator[AIMessageChunk] = partners(
            self, messages, settings, config, _asend_stream
        )
        return chunks
    return _asend_stream(self, messages, settings, config)


def _asend_stream(
    self: Transport, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
) -> AsyncIterator[AIMessageChunk]:
    call, cache = _outgoing(self, messages, settings, config, stream=True, sync=False)
    chunks = sending.aopen_stream(call) if cache is None else sending.acached_stream(call, cache)
    return chunks if _keeps_usage(call.model) else _streams().awithout_usage(chunks)


def _outgoing(
    self: Transport,
    messages: list[BaseMessage],
    settings: CallSettings,
    config: RunnableConfig,
    *,
    stream: bool,
    sync: bool,
) -> tuple[Outgoing, BaseCache | None]:
    """What the four sends share: the call's request, on the adapter its partner reads
    this reply with (`_call_adapter`), and the reply cache it goes through."""
    if sending is None:  # the first call
        _load_sending()
    chosen = _call_adapter(self, messages, settings, stream=stream, sync=sync)
    if chosen is not self.adapter:
        self = copy.copy(self)
        self.adapter = chosen
    call = sending.outgoing(self, messages, settings, config, stream=stream, sync=sync)
    return call, call_cache(self.cache, config)


def _call_adapter(
    self: Transport,
    messages: list[BaseMessage],
    settings: CallSettings,
    *,
    stream: bool,
    sync: bool,
) -> Adapter | None:
    """The adapter its partner reads this reply with and fails with: the conversation's
    (`PartnerCalls.call_adapter`), or its sync or async stream's
    (`PartnerCalls.stream_adapter`); else its own."""
    adapter, partner = self.adapter, self.partner_calls
    if adapter is None:
        return None
    if stream and partner.stream_adapter is not None:
        return partner.stream_adapter(adapter, not sync, settings)
    if not stream and partner.call_adapter is not None:
        return partner.call_adapter(adapter, messages, settings)
    return adapter


def _keeps_usage(model: Transport) -> bool:
    """Whether a stream's chunks keep their usage: asked for (`stream_usage`), or sent
    unasked by a server whose wire keeps it (`Adapter.keeps_sent_usage`)."""
    return model.stream_usage or (model.adapter is not None and model.adapter.keeps_sent_usage)


def _streams() -> ModuleType:
    """chat/streams.py, loaded by the first stream whose usage is stripped."""
    from . import streams

    return streams


def build_request(
    self: Transport, messages: list[BaseMessage], settings: CallSettings, *, stream: bool = False
) -> HTTPRequest:
    """`ChatModel.build_request`: the request a call of `messages` would send, not sent."""
    if sending is None:  # the first call
        _load_sending()
    return sending.http_request(self, messages, settings, stream=stream)[1]


if TYPE_CHECKING:
    from . import sending
else:
    # chat/sending.py, bound by the first call (`import chatplex` does not load it); a
    # global, not a per-call import: every call goes through it.
    sending = None


def _load_sending() -> None:
    global sending
    from . import sending as loaded

    sending = loaded


def deadline_error(self: Transport, err: BaseException) -> BaseException:
    """`err`, a deadline passed on a call of this model's, as the http layer shows one met
    on the wire: also the wire's SDK's class where that SDK is imported (in the partner's
    words on a drop-in's), whichever timer fired first."""
    families = () if self.adapter is None else self.adapter.error_families
    return sdk_compatible(err, families, words=self.partner_words)
