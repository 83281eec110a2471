"""Callback handlers for chat-model calls, LangChain-compatible.

Handlers are any objects with some of `on_chat_model_start`, `on_llm_new_token`,
`on_llm_end`, `on_llm_error` (and, for the other steps of a chain, `on_chain_start`,
`on_chain_end`, `on_chain_error`, `on_custom_event`), sync or async methods, passed in
`config["callbacks"]`. They are called with LangChain's positional argument and the
keyword arguments their signature accepts (`run_id`, `parent_run_id`, `tags`,
`metadata`, `name`, `chunk`, ...), so handlers written for LangChain work unchanged.
`parent_run_id` is the enclosing run (the chain, or the lambda the model was called in).

With no handlers configured nothing here runs: `start_chat_model_run` returns None.
A handler that raises is logged and skipped, unless it sets `raise_error = True`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..core.run_config import RunnableConfig
from ..core.runs import RunListener, RunNode, split_callbacks
from ..messages import AIMessage, AIMessageChunk, BaseMessage, merge_chunks

__all__ = ["ChatGeneration", "ChatModelRun", "LLMResult", "start_chat_model_run"]


@dataclass(slots=True)
class ChatGeneration:
    """One generated message (LangChain's `ChatGeneration` shape)."""

    message: AIMessage
    text: str = ""
    generation_info: dict[str, Any] | None = None


@dataclass(slots=True)
class LLMResult:
    """What `on_llm_end` receives: `result.generations[0][0].message` is the reply."""

    generations: list[list[ChatGeneration]]
    llm_output: dict[str, Any] | None = None
    run: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


class ChatModelRun(RunNode):
    """The callback side of one chat-model call: start → tokens → end | error.

    Handlers get `on_chat_model_start` / `on_llm_new_token` / `on_llm_end` /
    `on_llm_error`; listeners (event streams) get every step, tokens included.
    """

    error_callback = "on_llm_error"

    __slots__ = ("input",)

    def __init__(
        self,
        handlers: list[Any],
        config: RunnableConfig,
        name: str,
        listeners: list[RunListener] | None = None,
    ) -> None:
        super().__init__(config, name, "chat_model", handlers, listeners or [])
        self.input: dict[str, Any] = {}

    def _notify_start(self, messages: list[BaseMessage]) -> None:
        self.started = True
        self.input = {"messages": [messages]}
        data = {"input": self.input}
        for listener in self.listeners:
            listener.on_start(self, data)

    def start(
        self, messages: list[BaseMessage], serialized: dict[str, Any], params: dict[str, Any]
    ) -> None:
        self._notify_start(messages)
        if self.handlers:
            self.fire("on_chat_model_start", serialized, [messages], invocation_params=params)

    async def astart(
        self, messages: list[BaseMessage], serialized: dict[str, Any], params: dict[str, Any]
    ) -> None:
        self._notify_start(messages)
        if self.handlers:
            await self.afire(
                "on_chat_model_start", serialized, [messages], invocation_params=params
            )

    def token(self, chunk: AIMessageChunk) -> None:
        for listener in self.listeners:
            listener.on_stream(self, chunk)
        if self.handlers:
            self.fire("on_llm_new_token", chunk.text, chunk=_Generation(chunk))

    async def atoken(self, chunk: AIMessageChunk) -> None:
        for listener in self.listeners:
            listener.on_stream(self, chunk)
        if self.handlers:
            await self.afire("on_llm_new_token", chunk.text, chunk=_Generation(chunk))

    def _notify_end(self, message: AIMessage) -> None:
        data = {"output": message, "input": self.input}
        for listener in self.listeners:
            listener.on_end(self, data)

    def end(self, message: AIMessage) -> None:
        self._notify_end(message)
        if self.handlers:
            self.fire("on_llm_end", _result(message))

    async def aend(self, message: AIMessage) -> None:
        self._notify_end(message)
        if self.handlers:
            await self.afire("on_llm_end", _result(message))

    # An event stream wants tokens as they arrive even from `invoke`, as in LangChain:
    # the model then streams and these turn the chunks into the reply.

    def collect(self, chunks: Iterator[AIMessageChunk]) -> AIMessage:
        """Report each chunk as a token; the merged reply."""
        seen: list[AIMessageChunk] = []
        try:
            for chunk in chunks:
                seen.append(chunk)
                self.token(chunk)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        return merge_chunks(seen).to_message()

    async def acollect(self, chunks: AsyncIterator[AIMessageChunk]) -> AIMessage:
        seen: list[AIMessageChunk] = []
        try:
            async for chunk in chunks:
                seen.append(chunk)
                await self.atoken(chunk)
        finally:
            aclose = getattr(chunks, "aclose", None)
            if aclose is not None:
                await aclose()
        return merge_chunks(seen).to_message()


@dataclass(slots=True)
class _Generation:
    """`chunk=` for on_llm_new_token: LangChain passes a ChatGenerationChunk."""

    message: AIMessageChunk

    @property
    def text(self) -> str:
        return self.message.text


def _result(message: AIMessage) -> LLMResult:
    return LLMResult(
        generations=[[ChatGeneration(message=message, text=message.text)]],
        llm_output={
            "token_usage": message.usage_metadata,
            "model_name": message.response_metadata.get("model_name"),
        },
    )


def start_chat_model_run(config: RunnableConfig, name: str) -> ChatModelRun | None:
    """A run for this call if any handler or event stream is listening, else None
    (zero cost)."""
    callbacks = config.get("callbacks")
    if not callbacks:
        return None
    handlers, listeners = split_callbacks(callbacks)
    if not handlers and not listeners:
        return None
    return ChatModelRun(handlers, config, name, listeners)
