"""langchain-openai's bound on the wait for each chunk of an async stream
(`stream_chunk_timeout`), as its BaseChatOpenAI classes hold and apply it: read from the
constructor or its variable (`stream_chunk_timeout`), shown as the partner's field
(`CHUNK_BOUND_READ`), and applied to an async stream where it is shorter than the read
timeout the stream waits by already (`bounded_for_async`), raising what it raises
(`chunk_timeouts`). Its sync streams are not bounded by it, so neither are the drop-ins'."""

from __future__ import annotations

import copy
import logging
import math
import os
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from typing import Any

from ...errors import StreamIdleTimeoutError
from ...sdk_error_families import ErrorFamily
from ...sdk_errors import sdk_compatible

if TYPE_CHECKING:
    from ...chat.model import ChatModel
    from ...messages import AIMessageChunk

__all__ = [
    "CHUNK_BOUND_READ",
    "STREAM_CHUNK_DEFAULT",
    "STREAM_CHUNK_VARIABLE",
    "bounded_for_async",
    "chunk_timeouts",
    "stream_chunk_timeout",
]

#: Its variable and its default.
STREAM_CHUNK_VARIABLE, STREAM_CHUNK_DEFAULT = "LANGCHAIN_OPENAI_STREAM_CHUNK_TIMEOUT_S", 120.0

#: How the `stream_chunk_timeout` field reads (`PartnerFields` keywords): as its model's
#: adapter holds it (its variable, or 120: `BaseChatOpenAIData`), a float, never
#: written (pydantic's `exclude` there).
CHUNK_BOUND_READ: dict[str, Any] = {
    "filled": {"stream_chunk_timeout": "adapter.base_chat_openai.stream_chunk_timeout"},
    "excluded": frozenset({"stream_chunk_timeout"}),
    "floats": frozenset({"stream_chunk_timeout"}),
}

_LOGGER = logging.getLogger(__name__)


def stream_chunk_timeout(given: Any, *, was_given: bool) -> float | None:
    """langchain-openai's `stream_chunk_timeout`: as given (None or 0: off), else from
    its variable, else 120 s; a negative or unreadable value falls back to the variable
    or the default, with a warning, as there (None: no bound of its own).

    >>> stream_chunk_timeout(None, was_given=True), stream_chunk_timeout(0, was_given=True)
    (None, None)
    >>> stream_chunk_timeout(5, was_given=True)
    5.0
    """
    if was_given:
        if given is None:
            return None
        if given >= 0:
            return float(given) or None
        _LOGGER.warning("Invalid stream_chunk_timeout=%r (negative); using the default", given)
    raw = os.environ.get(STREAM_CHUNK_VARIABLE)
    if raw is None:
        return STREAM_CHUNK_DEFAULT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not value >= 0:  # (negative, or no number)
        _LOGGER.warning(
            "Invalid value for %s=%r; using %s", STREAM_CHUNK_VARIABLE, raw, STREAM_CHUNK_DEFAULT
        )
        return STREAM_CHUNK_DEFAULT
    return value or None


def bounded_for_async(
    model: ChatModel, bound: float | None, pool_read: float | None
) -> ChatModel | None:
    """A copy of `model` whose streams wait for content at most `bound`, where that is
    shorter than the read timeout they wait by (the model's `timeout`, else its async
    client's, else the shared pool's, `pool_read`); None where `bound` changes nothing
    (off, longer, or the model's own `stream_idle_timeout` given, which wins).

    >>> from chatplex.chat.model import ChatModel
    >>> model = ChatModel(None, "m", timeout=30)
    >>> bounded_for_async(model, 120.0, 600.0) is None  # (its timeout is shorter)
    True
    >>> bounded_for_async(model, 5.0, 600.0).stream_idle_timeout, model.stream_idle_timeout
    (5.0, None)
    """
    if bound is None or model.stream_idle_timeout is not None:
        return None
    read = model.timeout
    if read is None:
        client = model.http_async_client
        read = pool_read if client is None else client.timeout.read
    if read is not None and read <= bound:
        return None
    bounded = copy.copy(model)
    bounded.stream_idle_timeout = bound
    return bounded


#: langchain-openai's class for its chunk bound (a builtin `TimeoutError`, which the
#: SDK's timeouts are not); the builtin where langchain-openai is not imported.
_CHUNK_TIMEOUT_CLASSES = (
    ErrorFamily(
        "langchain_openai.chat_models._client_utils",
        lambda err, module: getattr(module, "StreamChunkTimeoutError", None),
    ),
    ErrorFamily("builtins", lambda err, module: TimeoutError),
)


async def chunk_timeouts(
    stream: AsyncIterator[AIMessageChunk], bounded: ChatModel
) -> AsyncIterator[AIMessageChunk]:
    """`stream`, whose idle timeout (`bounded_for_async`'s bound) is raised as
    langchain-openai's chunk bound raises: its `StreamChunkTimeoutError`, with its
    `timeout_s`, `model_name` and `chunks_received`, and not the SDK's timeout class."""
    received = 0
    try:
        async for chunk in stream:
            received += 1
            yield chunk
    except StreamIdleTimeoutError as err:
        _LOGGER.warning("langchain_openai.stream_chunk_timeout fired")
        raised = sdk_compatible(err, _CHUNK_TIMEOUT_CLASSES)
        bound, name = bounded.stream_idle_timeout, bounded.model
        raised.__dict__.update(timeout_s=bound, model_name=name, chunks_received=received)
        raise raised from err.__cause__
