"""A chat-model call recorded for a tracer that builds its run later, off the event loop.

The general callback path (`callbacks.ChatModelRun`) calls every handler with LangChain's
protocol: keyword arguments filtered per handler signature, an `LLMResult` built from the
reply, and the handler builds its run dict there and then. For a bulk run traced to
LangSmith that is most of tracing's cost, and all of it on the caller's event loop.

When the only handler of a call is a tracer that says `records_chat_runs = True` (no user
handler, no event stream, no `get_usage_metadata_callback` block), the call gets a
`RecordedChatRun` instead: start and end only note what happened (ids, parent, times,
the messages as they were, the reply or the error, tags, metadata, invocation params,
the first token's time, retries) and the ended record is handed to the tracer's
`record_chat_run(record)`, which queues it; the run dict, the `LLMResult`-shaped outputs
and the JSON are built from the record on the tracer's own thread.

The record is a `ChatModelRun` (the chat model and the http layer's retry reporting use
it as one) whose handler methods are never called, except `on_retry` through `fire`,
which it records too.
"""

from __future__ import annotations

import time
from typing import Any

from ..core.run_config import RunnableConfig
from ..core.runs import FOLLOWED_PARENT_IDS
from ..core.runs import new_run_id
from ..core.runs import run_tags
from ..messages import AIMessage
from ..messages import AIMessageChunk
from ..messages import BaseMessage
from .callbacks import _CONTEXT_HANDLERS
from .callbacks import ChatModelRun
from .callbacks import start_chat_model_run

__all__ = [
    "NO_LISTENERS",
    "SHARED_KINDS",
    "RecordedChatRun",
    "recorder_of",
    "shared_tags",
    "start_run",
]


def recorder_of(callbacks: Any) -> Any:
    """The tracer that records this call's run itself, or None: `callbacks` must be
    exactly one handler with `records_chat_runs` (chatplex's LangSmith tracer, alone)."""
    if type(callbacks) is list and len(callbacks) == 1:
        only = callbacks[0]
        if getattr(only, "records_chat_runs", False):
            return only
    return None


def start_run(config: RunnableConfig, name: str) -> ChatModelRun | None:
    """The run of a chat-model call: a `RecordedChatRun` when its only listener is a
    tracer that records its own runs, else `callbacks.start_chat_model_run`'s."""
    tracer = recorder_of(config.get("callbacks"))
    if tracer is not None and not _CONTEXT_HANDLERS.get():
        return RecordedChatRun(tracer, config, name)
    return start_chat_model_run(config, name)


#: A record's `listeners` (none) and `kinds` (its one handler, plain), one list each for
#: every record, never changed in place: the records of a traced chain wait in the
#: tracer's queue (64 runs at a time) and every list they keep counts towards Python's
#: next young-generation collection (700), which also moves the queued records to the
#: older generations, whose full collections cost ~10 us a chain more.
NO_LISTENERS: list[Any] = []
SHARED_KINDS: list[int] = [0]  # PLAIN
#: Records' tags, one list per set of tags (`shared_tags`), never changed in place.
_TAGS: dict[tuple[str, ...], list[str]] = {(): []}


def shared_tags(tags: list[str]) -> list[str]:
    """The one list of these tags shared by every record that has them (`["seq:step:2"]`:
    a list less per queued record); `tags` itself past 1,000 sets (tags made on the fly)."""
    key = tuple(tags)
    known = _TAGS.get(key)
    if known is None:
        if len(_TAGS) >= 1_000:
            return tags
        known = _TAGS[key] = tags
    return known


class RecordedChatRun(ChatModelRun):
    """One chat-model call, recorded for `tracer` (see the module docstring).

    Read by the tracer's thread after `record_chat_run`: `run_id`, `parent_run_id`,
    `parent_record` (what the tracer's `parent_record(parent_node)` gave), `name`, `tags`,
    `metadata` (the config's), `serialized`, `params`, `messages`, `start_time` /
    `end_time` (`time.time()`), `reply` or `failure`, `token_time`, `retries` (`(time,
    RetryCallState)` pairs)."""

    __slots__ = (
        "end_time",
        "failure",
        "messages",
        "params",
        "parent_record",
        "reply",
        "retries",
        "serialized",
        "start_time",
        "token_time",
        "tracer",
    )

    def __init__(self, tracer: Any, config: RunnableConfig, name: str) -> None:
        # RunNode's fields, set here without its general work (no listeners, one handler).
        parent = config.get("_parent_run")
        self.run_id = new_run_id()
        self._id = None
        self.parent = parent
        self.name = config.get("run_name") or name
        self.run_type = "chat_model"
        self.tags = shared_tags(run_tags(config) if config.get("tags") else [])
        metadata = config.get("metadata")
        self.metadata = dict(metadata) if metadata else {}
        # Lists no one changes in place, shared by every record (`alone_handlers`: its
        # tracer's): a record lives queued until the tracer's thread writes it, and each
        # container it holds counts towards the next garbage collection (see `SHARED_KINDS`).
        self.handlers = getattr(tracer, "alone_handlers", None) or [tracer]
        self.listeners = NO_LISTENERS
        self.started = False
        # ChatModelRun's: one plain handler, told in place.
        self.input = {}
        self.kinds = SHARED_KINDS
        self.mixed = False
        self.inline = True
        self.token_handlers = None
        self.tracer = tracer
        self.parent_record = None if parent is None else tracer.parent_record(parent)
        self.messages: list[BaseMessage] = []
        self.serialized: dict[str, Any] = {}
        self.params: dict[str, Any] = {}
        self.start_time = 0.0
        self.end_time = 0.0
        self.reply: AIMessage | None = None
        self.failure: BaseException | None = None
        self.token_time: float | None = None
        self.retries: list[tuple[float, Any]] | None = None

    parent_ids = FOLLOWED_PARENT_IDS  # RunNode's slot, made when read

    #: What the http layer tells a record is its retries alone (`fire`), never a wait:
    #: `observed.observe` wraps its call's retry policy without asking its handler.
    records_retries = True

    # ---- start, tokens, end: noted, nothing built --------------------------------------

    def start(
        self, messages: list[BaseMessage], serialized: dict[str, Any], params: dict[str, Any]
    ) -> None:
        self.started = True
        self.start_time = time.time()
        # The history as it is now (a chat loop appends to its list); the model built
        # `serialized` and `params` for this call alone.
        self.messages = list(messages)
        self.serialized = serialized
        self.params = params

    async def astart(
        self, messages: list[BaseMessage], serialized: dict[str, Any], params: dict[str, Any]
    ) -> None:
        self.start(messages, serialized, params)

    def token(self, chunk: AIMessageChunk) -> None:
        if self.token_time is None:  # the first token only, as LangChain's tracer records
            self.token_time = time.time()

    async def atoken(self, chunk: AIMessageChunk) -> None:
        self.token(chunk)

    def end(self, message: AIMessage) -> None:
        """The reply (for a stream the merged `AIMessageChunk`): the record is complete."""
        self.reply = message
        self._complete()

    async def aend(self, message: AIMessage) -> None:
        self.end(message)

    def error(self, exc: BaseException) -> None:
        self.failure = exc
        self._complete()

    async def aerror(self, exc: BaseException) -> None:
        self.error(exc)

    def _complete(self) -> None:
        self.end_time = time.time()
        self.tracer.record_chat_run(self)

    def fire(self, method: str, *args: Any, **extra: Any) -> None:
        """What the http layer tells the run (`observed.tell`): a retry is noted with its
        time; the tracer hears nothing else from inside a call."""
        if method == "on_retry" and args:
            if self.retries is None:
                self.retries = []
            self.retries.append((time.time(), args[0]))

    async def afire(self, method: str, *args: Any, **extra: Any) -> None:
        self.fire(method, *args, **extra)
