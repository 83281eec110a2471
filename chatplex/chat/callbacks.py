"""Callback handlers for chat-model calls, LangChain-compatible.

Handlers are any objects with some of `on_chat_model_start`, `on_llm_new_token`,
`on_llm_end`, `on_llm_error` (and, for the other steps of a chain, `on_chain_start`,
`on_chain_end`, `on_chain_error`, `on_custom_event`), sync or async methods, passed in
`config["callbacks"]`. They are called with LangChain's positional argument and the
keyword arguments their signature accepts (`run_id`, `parent_run_id`, `tags`,
`metadata`, `name`, `chunk`, ...), so handlers written for LangChain work unchanged.
`parent_run_id` is the enclosing run (the chain, or the lambda the model was called in).

What `on_llm_end` receives is what LangChain gives (`llm_results.py`): an `LLMResult` whose
`llm_output` has the provider's raw usage under
`token_usage` (keys `prompt_tokens`... for OpenAI, `input_tokens`... for Anthropic) and
`model_name`, and generations carrying `generation_info` (`finish_reason`, `logprobs`).
Handlers that are LangChain's own (`BaseCallbackHandler` subclasses, such as
`UsageMetadataCallbackHandler`) check `isinstance` against LangChain's classes, so they
get LangChain objects: messages, `ChatGeneration(Chunk)`, `LLMResult`. That conversion
runs only for them, and only imports what their presence already imported.

A stream's end reports the merged `AIMessageChunk` (`end()` with a chunk), as LangChain's
`on_chat_model_end` event and `on_llm_end` do.

`get_usage_metadata_callback()` sums token usage per model name over every chat-model
call made inside its `with` block, without passing it in any config.

With no handlers configured nothing here runs: `start_chat_model_run` returns None.
A handler that raises is logged and skipped, unless it sets `raise_error = True`.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from .. import version
from ..core.chunks import aclosing_iterator
from ..core.chunks import closing_iterator
from ..core.handlers import AsyncCallbackHandler
from ..core.handlers import BaseCallbackHandler
from ..core.handlers import does_something
from ..core.run_config import RunnableConfig
from ..core.runs import RunListener
from ..core.runs import RunNode
from ..core.runs import split_callbacks
from ..messages import AIMessage
from ..messages import AIMessageChunk
from ..messages import BaseMessage
from ..messages import UsageMetadata
from ..messages import add_usage
from ..messages import merge_chunks
from ..specs import spec
from .llm_results import ChatGenerationChunk
from .llm_results import LLMResult
from .llm_results import result_of as _result

__all__ = [
    "ChatModelRun",
    "UsageMetadataCallbackHandler",
    "get_usage_metadata_callback",
    "ls_provider",
    "start_chat_model_run",
]


def ls_provider(provider: str) -> str:
    """`ls_provider` as the provider's LangChain class reports it (its spec's
    `ls_provider`; AzureChatOpenAI says "azure"), else the provider name itself.

    >>> ls_provider("azure_openai"), ls_provider("openai"), ls_provider("my-own")
    ('azure', 'openai', 'my-own')
    """
    declared = spec(provider)
    return (declared.ls_provider if declared else None) or provider


def ls_params(params: dict[str, Any]) -> dict[str, Any]:
    """The `ls_*` metadata LangChain's chat models add to their runs (`_get_ls_params`,
    with the `ls_integration` and `lc_versions` every chat model's run carries: here
    chatplex's), from a call's invocation params.

    >>> ls_params({"provider": "openai", "model": "gpt-4o", "temperature": 0, "stop": "x"})
    ... # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
    {'ls_provider': 'openai', 'ls_model_name': 'gpt-4o', 'ls_model_type': 'chat',
     'ls_temperature': 0, 'ls_stop': ['x'], 'ls_integration': 'langchain_chat_model', ...}
    """
    provider = params.get("provider")
    out = {
        "ls_provider": ls_provider(provider) if isinstance(provider, str) else None,
        "ls_model_name": params.get("model"),
        "ls_model_type": "chat",
        "ls_temperature": params.get("temperature"),
    }
    if params.get("max_tokens"):
        out["ls_max_tokens"] = params["max_tokens"]
    stop = params.get("stop")
    if stop:
        out["ls_stop"] = [stop] if isinstance(stop, str) else list(stop)
    out.update(ls_integration="langchain_chat_model", lc_versions={"chatplex": version.__version__})
    return out


class ChatModelRun(RunNode):
    """The callback side of one chat-model call: start → tokens → end | error.

    Handlers get `on_chat_model_start` / `on_llm_new_token` / `on_llm_end` /
    `on_llm_error`; listeners (event streams) get every step, tokens included.
    """

    error_callback = "on_llm_error"
    records_retries = False  #: told its retries alone, no wait (`observed.observe`)

    __slots__ = ("inline", "input", "kinds", "mixed", "run_name", "token_handlers")

    def __init__(
        self,
        handlers: list[Any],
        config: RunnableConfig,
        name: str,
        listeners: list[RunListener] | None = None,
    ) -> None:
        super().__init__(config, name, "chat_model", handlers, listeners or [])
        self.input: dict[str, Any] = {}
        #: What LangChain's chat models give `on_chat_model_start` as `name`: the config's
        #: run_name, None without one (the run itself is still named after the model).
        self.run_name: str | None = config.get("run_name")
        #: Per handler, in order: PLAIN, RULED (a `BaseCallbackHandler` of chatplex's:
        #: LangChain's manager rules) or LANGCHAIN (LangChain's own: those rules, and
        #: LangChain's objects).
        base = _langchain_handler_class()
        self.kinds = [_kind(h, base) for h in handlers]
        #: Whether any is not plain: only then are handlers fired one group at a time.
        self.mixed = any(self.kinds)
        #: Whether every handler records in place (`run_inline`: process-wide tracers,
        #: whose methods are plain functions): the async path then calls them as the
        #: sync one does, without a coroutine per step.
        self.inline = bool(handlers)
        for handler in handlers:
            if not getattr(handler, "run_inline", False):
                self.inline = False
                break
        #: Positions of the handlers still told about tokens (None: before the first).
        self.token_handlers: list[int] | None = None

    def _notify_start(self, messages: list[BaseMessage], params: dict[str, Any]) -> None:
        self.started = True
        # As LangChain's chat models: the LangSmith keys over the config's metadata.
        self.metadata = {**self.metadata, **ls_params(params)}
        self.input = {"messages": [messages]}
        if self.listeners:
            data = {"input": self.input}
            for listener in self.listeners:
                listener.on_start(self, data)

    def start(
        self, messages: list[BaseMessage], serialized: dict[str, Any], params: dict[str, Any]
    ) -> None:
        self._notify_start(messages, params)
        self._start_handlers(messages, serialized, params)

    def _start_handlers(
        self, messages: list[BaseMessage], serialized: dict[str, Any], params: dict[str, Any]
    ) -> None:
        if self.handlers:
            self._fire_each(
                "on_chat_model_start",
                (serialized, [messages]),
                lambda: (serialized, [_lc_messages(messages)]),
                **self._start_kwargs(params),
            )

    def _start_kwargs(self, params: dict[str, Any]) -> dict[str, Any]:
        """The keywords LangChain's chat models pass `on_chat_model_start`."""
        stop = params.get("stop")
        return {
            "invocation_params": params,
            "options": {"stop": list(stop) if isinstance(stop, tuple) else stop},
            "name": self.run_name,
            "batch_size": 1,
        }

    async def astart(
        self, messages: list[BaseMessage], serialized: dict[str, Any], params: dict[str, Any]
    ) -> None:
        self._notify_start(messages, params)
        if self.inline:  # what `afire` does for them, without a coroutine per step
            self._start_handlers(messages, serialized, params)
        elif self.handlers:
            await self._afire_each(
                "on_chat_model_start",
                (serialized, [messages]),
                lambda: (serialized, [_lc_messages(messages)]),
                **self._start_kwargs(params),
            )

    # Tokens go to the handlers with an `on_llm_new_token`; one that only wants the first
    # (`first_token_only`: a tracer recording the time to the first token) is told once,
    # so the rest of a stream costs it nothing per chunk.

    def _token_picks(self) -> list[int]:
        """The positions of the handlers still told about tokens."""
        if self.token_handlers is None:
            self.token_handlers = [
                i for i, h in enumerate(self.handlers) if does_something(h, "on_llm_new_token")
            ]
        return self.token_handlers

    def _token_heard(self, chunk: AIMessageChunk) -> list[int] | None:
        """Tell the listeners of `chunk`; the positions of the handlers to tell next
        (none: None or empty)."""
        for listener in self.listeners:
            listener.on_stream(self, chunk)
        return self._token_picks() if self.handlers else None

    def token(self, chunk: AIMessageChunk) -> None:
        picks = self._token_heard(chunk)
        if picks:
            with _Narrowed(self, picks):
                plain, langchain, extra = _token_event(chunk)
                self._fire_each("on_llm_new_token", plain, langchain, **extra)

    async def atoken(self, chunk: AIMessageChunk) -> None:
        picks = self._token_heard(chunk)
        if picks:
            with _Narrowed(self, picks):
                plain, langchain, extra = _token_event(chunk)
                await self._afire_each("on_llm_new_token", plain, langchain, **extra)

    def _notify_end(self, message: AIMessage) -> None:
        if self.listeners:
            data = {"output": message, "input": self.input}
            for listener in self.listeners:
                listener.on_end(self, data)

    def _end_heard(self) -> bool:
        """Whether a handler does something with `on_llm_end` (its `LLMResult` is built
        for those only)."""
        return any(does_something(h, "on_llm_end") for h in self.handlers)

    def end(self, message: AIMessage) -> None:
        """The reply: an `AIMessage`, or for a stream the merged `AIMessageChunk`."""
        self._notify_end(message)
        if self.handlers and self._end_heard():
            result = _result(message)
            self._fire_each("on_llm_end", (result,), lambda: (_lc_result(result),))

    async def aend(self, message: AIMessage) -> None:
        self._notify_end(message)
        if self.handlers and self._end_heard():
            result = _result(message)
            if self.inline:
                self._fire_each("on_llm_end", (result,), lambda: (_lc_result(result),))
            else:
                await self._afire_each("on_llm_end", (result,), lambda: (_lc_result(result),))

    # Chatplex's objects for most handlers, LangChain's for LangChain's own: with both
    # kinds present, handlers are fired one at a time (`self.handlers` narrowed to each
    # in turn, so order is kept); LangChain's objects are built once, when first needed.
    # LangChain's own handlers and chatplex's `BaseCallbackHandler`s also get its
    # manager's rules: `ignore_llm` / `ignore_chat_model` are honoured, and one without
    # `on_chat_model_start` gets `on_llm_start` with the messages as text.

    def _groups(
        self,
        method: str,
        plain: tuple[Any, ...],
        langchain: Callable[[], tuple[Any, ...]],
        extra: dict[str, Any],
    ) -> list[tuple[list[Any], str, tuple[Any, ...], dict[str, Any]]]:
        lc_chunk = extra.pop("lc_chunk", None)
        if not any(self.kinds):
            return [(self.handlers, method, plain, extra)]
        ignore = "ignore_chat_model" if method == "on_chat_model_start" else "ignore_llm"
        groups = []
        converted: tuple[tuple[Any, ...], dict[str, Any]] | None = None
        for handler, kind in zip(self.handlers, self.kinds, strict=True):
            if kind == PLAIN:
                groups.append(([handler], method, plain, extra))
                continue
            if getattr(handler, ignore, False):
                continue
            args, kw = plain, extra
            if kind == LANGCHAIN:
                if converted is None:
                    kw = dict(extra)
                    if lc_chunk is not None:
                        kw["chunk"] = lc_chunk()
                    converted = (langchain(), kw)
                args, kw = converted
            if method == "on_chat_model_start" and not _has_chat_model_start(handler):
                if not getattr(handler, "ignore_llm", False) and does_something(
                    handler, "on_llm_start"
                ):  # LangChain's fallback asks (its text made for a handler that reads it)
                    groups.append(([handler], "on_llm_start", _as_prompts(args, kind), kw))
            else:
                groups.append(([handler], method, args, kw))
        return groups

    def _fire_each(
        self,
        method: str,
        plain: tuple[Any, ...],
        langchain: Callable[[], tuple[Any, ...]],
        **extra: Any,
    ) -> None:
        if not self.mixed:  # the usual case (tracers, plain handlers): one pass
            extra.pop("lc_chunk", None)
            self.fire(method, *plain, **extra)
            return
        handlers = self.handlers
        try:
            for group, name, args, kw in self._groups(method, plain, langchain, extra):
                self.handlers = group
                self.fire(name, *args, **kw)
        finally:
            self.handlers = handlers

    async def _afire_each(
        self,
        method: str,
        plain: tuple[Any, ...],
        langchain: Callable[[], tuple[Any, ...]],
        **extra: Any,
    ) -> None:
        if not self.mixed:
            extra.pop("lc_chunk", None)
            await self.afire(method, *plain, **extra)
            return
        handlers = self.handlers
        try:
            for group, name, args, kw in self._groups(method, plain, langchain, extra):
                self.handlers = group
                await self.afire(name, *args, **kw)
        finally:
            self.handlers = handlers

    # An event stream wants tokens as they arrive even from `invoke`, as in LangChain:
    # the model then streams and these turn the chunks into the reply.

    def collect(self, chunks: Iterator[AIMessageChunk]) -> AIMessage:
        """Report each chunk as a token; the merged reply."""
        seen: list[AIMessageChunk] = []
        with closing_iterator(chunks):
            for chunk in chunks:
                seen.append(chunk)
                self.token(chunk)
        return merge_chunks(seen).to_message()

    async def acollect(self, chunks: AsyncIterator[AIMessageChunk]) -> AIMessage:
        seen: list[AIMessageChunk] = []
        async with aclosing_iterator(chunks):
            async for chunk in chunks:
                seen.append(chunk)
                await self.atoken(chunk)
        return merge_chunks(seen).to_message()


class _Narrowed:
    """A `ChatModelRun`'s handlers (and their kinds) narrowed to `picks` for
    one token, restored after; once a token went through, the first-token-only handlers
    are told no more. (A class, not a generator: it runs for every token.)"""

    __slots__ = ("handlers", "kinds", "picks", "run")

    def __init__(self, run: ChatModelRun, picks: list[int]) -> None:
        self.run, self.picks = run, picks
        self.handlers, self.kinds = run.handlers, run.kinds

    def __enter__(self) -> None:
        run, picks = self.run, self.picks
        if len(picks) != len(self.handlers):
            run.handlers = [self.handlers[i] for i in picks]
            run.kinds = [self.kinds[i] for i in picks]

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        run = self.run
        run.handlers, run.kinds = self.handlers, self.kinds
        if exc_type is None:
            run.token_handlers = [
                i for i in self.picks if not getattr(self.handlers[i], "first_token_only", False)
            ]


# -- LangChain's own objects, for LangChain's own handlers -------------------------------------


def _langchain_handler_class() -> type | None:
    """LangChain's `BaseCallbackHandler`, if langchain_core is imported already: a
    LangChain handler exists only then. Never imported here (`import chatplex` stays
    free of LangChain)."""
    base = sys.modules.get("langchain_core.callbacks.base")
    return None if base is None else getattr(base, "BaseCallbackHandler", None)


PLAIN, RULED, LANGCHAIN = 0, 1, 2


def _kind(handler: Any, langchain_base: type | None) -> int:
    if langchain_base is not None and isinstance(handler, langchain_base):
        return LANGCHAIN
    return RULED if isinstance(handler, BaseCallbackHandler) else PLAIN


def _has_chat_model_start(handler: Any) -> bool:
    """Whether the handler's class gives `on_chat_model_start` (the bases' raises)."""
    method = getattr(type(handler), "on_chat_model_start", None)
    return method is not None and method not in _raising_starts()


def _raising_starts() -> list[Any]:
    bases: list[Any] = [BaseCallbackHandler, AsyncCallbackHandler]
    langchain = sys.modules.get("langchain_core.callbacks.base")
    if langchain is not None:
        bases += [langchain.BaseCallbackHandler, langchain.AsyncCallbackHandler]
    return [base.on_chat_model_start for base in bases]


def _as_prompts(args: tuple[Any, ...], kind: int) -> tuple[Any, ...]:
    """(serialized, [messages]) → (serialized, [text]): LangChain's fallback for handlers
    that only know `on_llm_start`."""
    from ..messages import get_buffer_string

    buffer_string: Callable[[Any], str] = get_buffer_string
    if kind == LANGCHAIN:
        from langchain_core.messages import get_buffer_string as buffer_string

    serialized, batches = args
    return serialized, [buffer_string(m) for m in batches]


# LangChain's objects are built only for LangChain's own handlers: `to_langchain` (and
# its module) loads then, not with `import chatplex`.


def _lc_messages(messages: list[BaseMessage]) -> list[Any]:
    from ..messages import to_langchain

    return [to_langchain(m) for m in messages]


def _token_event(
    chunk: AIMessageChunk,
) -> tuple[tuple[Any, ...], Callable[[], tuple[Any, ...]], dict[str, Any]]:
    """What `on_llm_new_token` is given for `chunk` (see `_fire_each`): the plain
    arguments, LangChain's, and the keywords."""
    # LangChain's handlers get its ChatGenerationChunk, the others chatplex's.
    text = chunk.text  # (built from the content at each read)
    # The token as a keyword, as LangChain's callback manager tells it (`token=`).
    extra = {
        "token": text,
        "chunk": ChatGenerationChunk(chunk, text),
        "lc_chunk": lambda: _lc_generation(chunk),
    }
    return (), tuple, extra


def _lc_generation(chunk: AIMessageChunk) -> Any:
    from langchain_core.outputs import ChatGenerationChunk as LCChatGenerationChunk

    from ..messages import to_langchain

    return LCChatGenerationChunk(message=to_langchain(chunk))


def _lc_result(result: LLMResult) -> Any:
    from langchain_core import outputs

    from ..messages import to_langchain

    rows = [
        [
            (
                outputs.ChatGenerationChunk
                if isinstance(g.message, AIMessageChunk)
                else outputs.ChatGeneration
            )(message=to_langchain(g.message), generation_info=g.generation_info)
            for g in row
        ]
        for row in result.generations
    ]
    return outputs.LLMResult(generations=rows, llm_output=result.llm_output)  # type: ignore[arg-type]


# -- usage per model, for everything inside a `with` block ------------------------------------


class UsageMetadataCallbackHandler:
    """Sums `usage_metadata` per model name over the chat-model calls it hears about
    (LangChain's handler of the same name, for chatplex's results and LangChain's).

    Examples:
        >>> from chatplex import init_chat_model
        >>> from chatplex.testing import MockServer
        >>> handler = UsageMetadataCallbackHandler()
        >>> with MockServer() as server:
        ...     model = init_chat_model(
        ...         "openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="sk-test"
        ...     )
        ...     reply = model.invoke("hi", config={"callbacks": [handler]})
        >>> usage = handler.usage_metadata["gpt-4o-mini"]
        >>> usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
        True
    """

    # What LangChain's callback manager reads off a handler (its BaseCallbackHandler's
    # flags), so a LangChain model (the drop-ins with langchain-core installed) can call
    # this one: it hears the model's end only (and its tokens, ignored).
    raise_error = False
    run_inline = False
    ignore_chat_model = ignore_chain = ignore_agent = ignore_retriever = True
    ignore_retry = ignore_custom_event = True
    ignore_llm = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.usage_metadata: dict[str, UsageMetadata] = {}

    def __repr__(self) -> str:
        return str(self.usage_metadata)

    def on_llm_start(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to count at a start."""

    def on_llm_new_token(self, *args: Any, **kwargs: Any) -> None:
        """Usage comes with the end, not the tokens."""

    def on_llm_error(self, *args: Any, **kwargs: Any) -> None:
        """A failed call has no usage to count."""

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        try:
            message = response.generations[0][0].message
        except (AttributeError, IndexError):
            return
        usage = getattr(message, "usage_metadata", None)
        model_name = (getattr(message, "response_metadata", None) or {}).get("model_name")
        if usage and model_name:
            with self._lock:
                total = add_usage(self.usage_metadata.get(model_name), usage)
                if total is not None:
                    self.usage_metadata[model_name] = total


#: Handlers every chat-model call in this context reports to (get_usage_metadata_callback).
_CONTEXT_HANDLERS: ContextVar[tuple[Any, ...]] = ContextVar("chatplex_usage_handlers", default=())


@contextmanager
def get_usage_metadata_callback(
    name: str = "usage_metadata_callback",
) -> Iterator[UsageMetadataCallbackHandler]:
    """Count token usage per model name for every chat-model call in the `with` block
    (this thread or task and what it starts: threads via the config, tasks and the
    portal via contextvars), whether or not the calls pass callbacks. `name`: what
    LangChain names its context variable by; blocks nest whatever their names.

    Yields:
        The `UsageMetadataCallbackHandler`, whose `usage_metadata` maps each model
        name to its summed `usage_metadata`.

    Examples:
        >>> from chatplex import init_chat_model
        >>> from chatplex.testing import MockServer
        >>> with MockServer() as server, get_usage_metadata_callback() as cb:
        ...     for name in ("gpt-4o-mini", "gpt-4o"):
        ...         model = init_chat_model(
        ...             f"openai:{name}", base_url=server.openai_base_url, api_key="sk-test"
        ...         )
        ...         reply = model.invoke("Hello")
        >>> sorted(cb.usage_metadata)
        ['gpt-4o', 'gpt-4o-mini']
    """
    handler = UsageMetadataCallbackHandler()
    token = _CONTEXT_HANDLERS.set((*_CONTEXT_HANDLERS.get(), handler))
    try:
        yield handler
    finally:
        _CONTEXT_HANDLERS.reset(token)


def start_chat_model_run(config: RunnableConfig, name: str) -> ChatModelRun | None:
    """A run for this call if any handler or event stream is listening, else None
    (zero cost)."""
    callbacks = config.get("callbacks")
    in_context = _CONTEXT_HANDLERS.get()
    if not callbacks and not in_context:
        return None
    handlers, listeners = split_callbacks(callbacks) if callbacks else ([], [])
    handlers += [h for h in in_context if h not in handlers]
    if not handlers and not listeners:
        return None
    return ChatModelRun(handlers, config, name, listeners)
