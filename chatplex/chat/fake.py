"""`FakeChatModel`: a scripted, offline chat model for tests and demos.

It goes through the same ChatModel machinery as a real provider (input coercion, settings
validation, callbacks, batching, streaming), only the reply comes from a script.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from ..core.run_config import RunnableConfig
from ..core.run_config import passed_deadline
from ..errors import DeadlineExceededError
from ..messages import AIMessage
from ..messages import AIMessageChunk
from ..messages import BaseMessage
from ..messages import UsageMetadata
from ..messages import merge_cut_short
from .model import ChatModel

if TYPE_CHECKING:
    from ..adapters.request_types import CallSettings

__all__ = ["FakeChatModel"]

_WORDS = re.compile(r"\s*\S+\s*|\s+")

ErrorRule = Mapping[str, BaseException] | Callable[[list[BaseMessage]], BaseException | None]


class FakeChatModel(ChatModel):
    """Replies with `responses` in turn (cycling), streaming each one word by word.

    `calls` holds the message lists it received, in order (for assertions).

    Args:
        responses: the replies, texts or `AIMessage`s, given in turn and then again.
        chunk_delay: seconds between streamed words.
        latency: seconds before replying.
        errors: `{text: exception}` raises that exception when the last message's text
            equals `text`; or a function `messages -> exception | None`.
        model: the model name its replies carry.
        callbacks, tags, metadata: the config every call runs with (LangChain's
            model-level run settings).
        **settings: `ChatModel`'s settings (`cache`, `name`...).

    Raises:
        ValueError: no responses, or a negative delay.

    Examples:
        >>> model = FakeChatModel(responses=["Hello there"])
        >>> model.invoke("hi").text
        'Hello there'
        >>> pieces = [c.text for c in model.stream("hi")]
        >>> pieces
        ['Hello ', 'there']
    """

    provider = "fake"

    def __init__(
        self,
        responses: Sequence[str | AIMessage] = ("Hello from FakeChatModel.",),
        *,
        chunk_delay: float = 0.0,
        latency: float = 0.0,
        errors: ErrorRule | None = None,
        model: str = "fake-chat",
        callbacks: Any = None,
        tags: Sequence[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        **settings: Any,
    ) -> None:
        if not responses:
            raise ValueError("FakeChatModel needs at least one response")
        if chunk_delay < 0 or latency < 0:
            raise ValueError("chunk_delay and latency must be >= 0")
        super().__init__(None, model, **settings)
        if callbacks or tags or metadata:  # LangChain's fake models' run settings
            from .dropin import run_config

            self.run_defaults = run_config(callbacks, tags, metadata)
        self.chunk_delay = chunk_delay
        self.latency = latency
        self.errors = errors
        # One script object, shared by copies from bind()/bind_tools(): a bound copy
        # continues the same sequence of replies and records into the same `calls`.
        self._script = _Script(list(responses))

    @property
    def responses(self) -> list[str | AIMessage]:
        return self._script.responses

    @property
    def calls(self) -> list[list[BaseMessage]]:
        """The message lists received so far, in order."""
        return self._script.calls

    def _next_reply(self, messages: list[BaseMessage]) -> AIMessage:
        reply = self._script.next(messages)
        self._maybe_raise(messages)
        if isinstance(reply, AIMessage):
            return reply
        prompt_words = sum(len(m.text.split()) for m in messages)
        out_words = len(reply.split())
        usage: UsageMetadata = {
            "input_tokens": prompt_words,
            "output_tokens": out_words,
            "total_tokens": prompt_words + out_words,
        }
        return AIMessage(
            content=reply,
            usage_metadata=usage,
            response_metadata={
                "provider": "fake",
                "model_name": self.model,
                "finish_reason": "stop",
                "raw_finish_reason": "stop",
            },
        )

    def _maybe_raise(self, messages: list[BaseMessage]) -> None:
        if self.errors is None:
            return
        rule = self.errors
        exc = rule(messages) if callable(rule) else rule.get(messages[-1].text)
        if exc is not None:
            raise exc

    @staticmethod
    def _pieces(reply: AIMessage) -> list[AIMessageChunk]:
        words = _WORDS.findall(reply.text) or [""]
        chunks = [AIMessageChunk(content=w) for w in words[:-1]]
        # The last piece is built with its fragments, usage and metadata, so that its own
        # `tool_calls` are derived from its fragments as on any chunk (assigned after
        # construction, the fragments would leave `tool_calls` empty).
        chunks.append(
            AIMessageChunk(
                content=words[-1],
                # Marked last, as LangChain's fake chat models mark theirs: no empty
                # closing chunk follows (`ChatModel.stream`).
                chunk_position="last",
                usage_metadata=reply.usage_metadata,
                response_metadata=dict(reply.response_metadata),
                tool_call_chunks=[
                    {"name": tc["name"], "args": _json(tc["args"]), "id": tc["id"], "index": i}
                    for i, tc in enumerate(reply.tool_calls)
                ],
            )
        )
        return chunks

    # -- waiting that honours the call's deadline --

    @staticmethod
    def _sleep(seconds: float, config: RunnableConfig) -> None:
        if seconds <= 0:
            return
        sleep: Callable[[float], None] = time.sleep
        if config.get("callbacks"):
            from ..core.interrupt import interrupter_of

            interrupter = interrupter_of(config)
            if interrupter is not None:  # a sync event stream watches: it may stop us
                sleep = interrupter.sleep
        deadline = config.get("deadline")
        if deadline is not None and time.monotonic() + seconds > deadline:
            sleep(max(0.0, deadline - time.monotonic()))
            raise passed_deadline()
        sleep(seconds)

    @staticmethod
    async def _asleep(seconds: float, config: RunnableConfig) -> None:
        if seconds <= 0:
            return
        deadline = config.get("deadline")
        if deadline is not None and time.monotonic() + seconds > deadline:
            await asyncio.sleep(max(0.0, deadline - time.monotonic()))
            raise passed_deadline()
        await asyncio.sleep(seconds)

    # -- the ChatModel I/O hooks --

    def _send(
        self, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
    ) -> AIMessage:
        self._sleep(self.latency, config)
        return self._next_reply(messages)

    async def _asend(
        self, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
    ) -> AIMessage:
        await self._asleep(self.latency, config)
        return self._next_reply(messages)

    def _send_stream(
        self, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
    ) -> Iterator[AIMessageChunk]:
        self._sleep(self.latency, config)
        pieces = self._pieces(self._next_reply(messages))
        for i, chunk in enumerate(pieces):
            if i:
                try:
                    self._sleep(self.chunk_delay, config)
                except DeadlineExceededError as err:
                    err.partial = merge_cut_short(pieces[:i])  # as a provider's stream does
                    raise
            yield chunk

    async def _asend_stream(
        self, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
    ) -> AsyncIterator[AIMessageChunk]:
        await self._asleep(self.latency, config)
        pieces = self._pieces(self._next_reply(messages))
        for i, chunk in enumerate(pieces):
            if i:
                try:
                    await self._asleep(self.chunk_delay, config)
                except DeadlineExceededError as err:
                    err.partial = merge_cut_short(pieces[:i])
                    raise
            yield chunk


class _Script:
    """Replies in turn (cycling) and the record of calls; thread-safe."""

    def __init__(self, responses: list[str | AIMessage]) -> None:
        self.responses = responses
        self.calls: list[list[BaseMessage]] = []
        self._lock = threading.Lock()
        self._turn = 0

    def next(self, messages: list[BaseMessage]) -> str | AIMessage:
        with self._lock:
            self.calls.append(messages)
            reply = self.responses[self._turn % len(self.responses)]
            self._turn += 1
        return reply


def _json(args: Mapping[str, Any]) -> str:
    import json

    return json.dumps(args)
