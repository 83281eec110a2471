"""Callback handlers for chat-model calls, LangChain-compatible.

Handlers are any objects with some of `on_chat_model_start`, `on_llm_new_token`,
`on_llm_end`, `on_llm_error` (sync or async methods), passed in `config["callbacks"]`.
They are called with LangChain's positional argument and the keyword arguments their
signature accepts (`run_id`, `parent_run_id`, `tags`, `metadata`, `name`, `chunk`, ...),
so handlers written for LangChain work unchanged.

With no handlers configured nothing here runs: `start_chat_model_run` returns None.
A handler that raises is logged and skipped, unless it sets `raise_error = True`.
"""

from __future__ import annotations

import inspect
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..messages import AIMessage, AIMessageChunk, BaseMessage
from .config import RunnableConfig

__all__ = ["ChatGeneration", "ChatModelRun", "LLMResult", "start_chat_model_run"]

logger = logging.getLogger("chatplex.callbacks")


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


_ACCEPTED: dict[tuple[type, str], frozenset[str] | None] = {}


def _accepted(cls: type, method_name: str) -> frozenset[str] | None:
    """Keyword names a handler method takes; None means it takes **kwargs (all).
    Cached per class: signatures are read once, not on every token."""
    key = (cls, method_name)
    if key in _ACCEPTED:
        return _ACCEPTED[key]
    accepted: frozenset[str] | None
    try:
        params = inspect.signature(getattr(cls, method_name)).parameters.values()
    except (TypeError, ValueError):
        params = None
    if params is None or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        accepted = None
    else:
        kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        accepted = frozenset(p.name for p in params if p.kind in kinds)
    _ACCEPTED[key] = accepted
    return accepted


def _handlers(config: RunnableConfig) -> list[Any]:
    callbacks = config.get("callbacks")
    if not callbacks:
        return []
    handlers = callbacks if isinstance(callbacks, (list, tuple)) else [callbacks]
    # LangChain's CallbackManager keeps its handlers in `.handlers`.
    out: list[Any] = []
    for h in handlers:
        inner = getattr(h, "handlers", None)
        out.extend(inner if isinstance(inner, list) else [h])
    return out


class ChatModelRun:
    """The callback side of one chat-model call: start → tokens → end | error."""

    __slots__ = ("handlers", "metadata", "name", "parent_run_id", "run_id", "tags")

    def __init__(self, handlers: list[Any], config: RunnableConfig, name: str) -> None:
        self.handlers = handlers
        self.run_id = uuid.uuid4()
        self.parent_run_id: uuid.UUID | None = None
        self.tags = list(config.get("tags", ()))
        self.metadata = dict(config.get("metadata", {}))
        self.name = config.get("run_name") or name

    def _kwargs(self, extra: dict[str, Any]) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "parent_run_id": self.parent_run_id,
            "tags": self.tags,
            "metadata": self.metadata,
            "name": self.name,
            **extra,
        }

    def _calls(
        self, method: str, args: tuple[Any, ...], extra: dict[str, Any]
    ) -> list[tuple[Any, Callable[..., Any], dict[str, Any]]]:
        calls = []
        kwargs = self._kwargs(extra)
        for handler in self.handlers:
            fn = getattr(handler, method, None)
            if fn is None or not callable(fn):
                continue
            accepted = _accepted(type(handler), method) if hasattr(type(handler), method) else None
            kw = kwargs if accepted is None else {k: v for k, v in kwargs.items() if k in accepted}
            calls.append((handler, fn, kw))
        return calls

    def _fire(self, method: str, *args: Any, **extra: Any) -> None:
        for handler, fn, kw in self._calls(method, args, extra):
            try:
                result = fn(*args, **kw)
                if inspect.isawaitable(result):
                    from ._portal import run_sync

                    run_sync(_awaited(result))
            except Exception as exc:
                self._handler_failed(handler, method, exc)

    async def _afire(self, method: str, *args: Any, **extra: Any) -> None:
        for handler, fn, kw in self._calls(method, args, extra):
            try:
                result = fn(*args, **kw)
                if inspect.isawaitable(result):
                    await result
            except Exception as exc:
                self._handler_failed(handler, method, exc)

    @staticmethod
    def _handler_failed(handler: Any, method: str, exc: Exception) -> None:
        if getattr(handler, "raise_error", False):
            raise exc
        logger.warning("callback %s.%s failed: %r", type(handler).__name__, method, exc)

    # ---- events ----------------------------------------------------------------------

    def _start_args(
        self, messages: list[BaseMessage], serialized: dict[str, Any], params: dict[str, Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        return (serialized, [messages]), {"invocation_params": params}

    def start(
        self, messages: list[BaseMessage], serialized: dict[str, Any], params: dict[str, Any]
    ) -> None:
        args, extra = self._start_args(messages, serialized, params)
        self._fire("on_chat_model_start", *args, **extra)

    async def astart(
        self, messages: list[BaseMessage], serialized: dict[str, Any], params: dict[str, Any]
    ) -> None:
        args, extra = self._start_args(messages, serialized, params)
        await self._afire("on_chat_model_start", *args, **extra)

    def token(self, chunk: AIMessageChunk) -> None:
        self._fire("on_llm_new_token", chunk.text, chunk=_Generation(chunk))

    async def atoken(self, chunk: AIMessageChunk) -> None:
        await self._afire("on_llm_new_token", chunk.text, chunk=_Generation(chunk))

    def end(self, message: AIMessage) -> None:
        self._fire("on_llm_end", _result(message))

    async def aend(self, message: AIMessage) -> None:
        await self._afire("on_llm_end", _result(message))

    def error(self, exc: BaseException) -> None:
        self._fire("on_llm_error", exc)

    async def aerror(self, exc: BaseException) -> None:
        await self._afire("on_llm_error", exc)


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


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def start_chat_model_run(config: RunnableConfig, name: str) -> ChatModelRun | None:
    """A run for this call if any handler is configured, else None (zero cost)."""
    handlers = _handlers(config)
    if not handlers:
        return None
    return ChatModelRun(handlers, config, name)
