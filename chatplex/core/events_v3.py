"""`stream_events(version="v3")` / `await astream_events(version="v3")`: a chat model's
call as one message's typed stream, langchain-core 1.7's v3 protocol (beta there).

>>> from chatplex import FakeChatModel
>>> stream = FakeChatModel(responses=["Hi there"]).stream_events("hello", version="v3")
>>> [piece for piece in stream.text]
['Hi ', 'there']
>>> stream.output.content
[{'type': 'text', 'text': 'Hi there', 'index': 0}]

The returned object (`events_v3_stream`) is a `ChatModelStream` (sync) or, awaited, an
`AsyncChatModelStream`: `.text`, `.reasoning`, `.tool_calls`, `.output`, its raw
protocol events by iteration (`events_v3_bridge` makes them from the model's chunks).
The call runs as the model's `stream` / `astream` runs it (its callbacks, retries and
deadline), started on the first read. The assembled message's content is always a list
of v1 content blocks.

Only chat models (and their bindings: `bind_tools`, `with_config`) take version "v3";
any other runnable raises `NotImplementedError`, sync at once, async on `await`, as
LangChain's runnables do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from collections.abc import Iterator
from typing import Any

from .events_v3_bridge import EventBridge
from .events_v3_stream import AsyncChatModelStream
from .events_v3_stream import ChatModelStream

__all__ = ["async_unsupported", "astream_v3", "stream_v3", "unsupported"]

_EMPTY = "No generation chunks were returned"


def unsupported(runnable: Any, method: str) -> NotImplementedError:
    """The error of version "v3" on a runnable that is no chat model."""
    return NotImplementedError(
        f"{method}(version='v3') is only supported on chat models (and their bindings), "
        f"which stream one message; got: {type(runnable).__name__}"
    )


async def async_unsupported(runnable: Any) -> Any:
    """`astream_events(version="v3")` of a runnable that is no chat model: raises on
    `await`, where a chat model's stream would be given."""
    raise unsupported(runnable, "astream_events")


def stream_v3(model: Any, input: Any, config: Any, kwargs: dict[str, Any]) -> ChatModelStream:
    """`model.stream(input, config, **kwargs)` as a sync v3 stream, pulled as read."""
    bridge = EventBridge()
    chunks: list[Iterator[Any]] = []  # the call's chunk iterator, once started

    def start() -> None:
        if not chunks:
            chunks.append(iter(model.stream(input, config, **kwargs)))

    def pump() -> bool:
        """Read one more chunk's events; False once the stream ended."""
        start()
        if stream.done:
            return False
        try:
            while True:
                events = bridge.feed(next(chunks[0]))
                if events:
                    break
        except StopIteration:
            _ended(stream, bridge)
            return False
        except Exception as exc:  # noqa: BLE001 - the stream raises it to its readers
            stream.fail(exc)
            return False
        for event in events:
            stream.dispatch(event)
        return True

    stream = ChatModelStream(start, pump)
    return stream


def _ended(stream: ChatModelStream | AsyncChatModelStream, bridge: EventBridge) -> None:
    """The stream's end: each block's and the message's finish, or, when no chunk came
    at all, the error LangChain raises for an empty stream."""
    events = bridge.finish()
    if not events:
        stream.fail(ValueError(_EMPTY))
    for event in events:
        stream.dispatch(event)


def astream_v3(
    model: Any, input: Any, config: Any, kwargs: dict[str, Any]
) -> Awaitable[AsyncChatModelStream]:
    """`model.astream(input, config, **kwargs)` as an async v3 stream (awaited: the stream
    object; its producer task starts on the first read)."""

    async def opened() -> AsyncChatModelStream:
        bridge = EventBridge()
        lock = asyncio.Lock()

        async def produce() -> None:
            try:
                async for chunk in model.astream(input, config, **kwargs):
                    for event in bridge.feed(chunk):
                        stream.dispatch(event)
            except asyncio.CancelledError as exc:
                stream.fail(exc)
                raise
            except Exception as exc:  # noqa: BLE001 - the stream raises it to its readers
                stream.fail(exc)
            else:
                _ended(stream, bridge)

        async def start() -> None:
            async with lock:
                if stream._producer_task is None:
                    stream._producer_task = asyncio.get_running_loop().create_task(produce())

        stream = AsyncChatModelStream(start)
        return stream

    return opened()
