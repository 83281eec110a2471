"""The `invoke-with-response-stream` body of an InvokeModel prompt family: the
event-stream framing with a marker after each message (`PromptStreamDecoder`), and each
`chunk` event as an `AIMessageChunk` read by the family's row (`PromptStreamParser`),
then the closing usage chunk langchain-aws yields after the stop reason. What the chunks
hold: `invoke_families.py`'s docstring."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from typing import Any

from ...adapters.bodies import StrayEvents
from ...adapters.reading import reply_field
from ...errors import StreamError
from ...messages import AIMessageChunk
from .eventstream import EventStreamDecoder
from .eventstream import EventStreamMessage
from .invoke_response import INVOKE_PROVIDER
from .invoke_response import INVOKE_STREAM
from .invoke_response import decode_chunk
from .invoke_response import metrics_usage_metadata
from .invoke_response import stop_metadata
from .response import stream_cut
from .stream import BedrockStreamParser

if TYPE_CHECKING:
    from .invoke_families import PromptFamily

__all__ = ["CHUNK_END", "PromptStreamDecoder", "PromptStreamParser"]


class _ChunkEnd:
    """The marker `PromptStreamDecoder` puts after each event-stream message."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "CHUNK_END"


#: After each message: lets the parser give a second chunk for one event (the closing
#: chunk langchain-aws yields after the event with the stop reason).
CHUNK_END = _ChunkEnd()


class PromptStreamDecoder(EventStreamDecoder):
    """The event-stream framing, each message followed by `CHUNK_END`."""

    __slots__ = ()

    def feed(self, chunk: bytes) -> list[Any]:
        out: list[Any] = []
        for message in super().feed(chunk):
            out += (message, CHUNK_END)
        return out


class PromptStreamParser:
    """Turns one `invoke-with-response-stream` body of a prompt family into
    `AIMessageChunk`s (see the module docstring)."""

    __slots__ = (
        "_closing",
        "_converse",
        "_ended",
        "_family",
        "_model_id",
        "_named",
        "_request_id",
        "_stray",
    )

    def __init__(
        self, family: PromptFamily, request_id: str | None = None, model_id: str | None = None
    ) -> None:
        self._family = family
        self._request_id = request_id
        self._model_id = model_id
        # Exception messages are the same on every Bedrock stream: raised as Converse's.
        self._converse = BedrockStreamParser(request_id, model_id)
        self._named = False  # whether a chunk named model_name yet (the first one does)
        self._ended = False  # a stop reason came: the reply is whole
        self._closing: AIMessageChunk | None = None
        self._stray = StrayEvents()

    def feed(self, event: Any) -> AIMessageChunk | None:
        """The chunk one message contributes, or None; raises `StreamError` for an
        exception message or a payload that is not a base64 JSON event."""
        if event is CHUNK_END:
            closing, self._closing = self._closing, None
            return closing
        if not isinstance(event, EventStreamMessage) or event.message_type != "event":
            try:
                return self._converse.feed(event)  # raises: the stream's error
            except StreamError as err:
                err.provider = INVOKE_PROVIDER
                raise
        if event.event_type != "chunk" or self._ended:
            return None  # events newer than chatplex; nothing after the stop reason
        data = decode_chunk(event.payload, self._request_id)
        if not self._stray.known:  # (another model family's events are not this one's)
            self._stray.seen(self._family.chunk_known(data), json.dumps(data))
        return self._chunk(data)

    def finish(self) -> None:
        """Raise `StreamError` if the body ended before an event with a stop reason;
        `MalformedReply` if none of its events was the model family's."""
        self._stray.refuse(f"{self._family.name} InvokeModel")
        if not self._ended:
            stop = "the model's stop reason"
            raise stream_cut(INVOKE_STREAM, stop, INVOKE_PROVIDER, self._request_id)

    def _chunk(self, data: dict[str, Any]) -> AIMessageChunk:
        family = self._family
        text = family.chunk_text(data) or ""
        meta = {k: v for k, v in data.items() if k not in family.hidden}
        reason = family.chunk_stop(data)
        if meta:  # langchain-aws's generation_info: the first one names the model
            self._name(meta)
        if isinstance(reason, str):
            self._ended = True
            self._closing = self._closing_chunk(data.get("amazon-bedrock-invocationMetrics"))
        meta.update(stop_metadata(reason, family.finish_reasons))
        meta["model_provider"] = INVOKE_PROVIDER
        return AIMessageChunk(content=text, response_metadata=meta)

    def _name(self, meta: dict[str, Any]) -> None:
        if not self._named:
            meta["model_name"] = self._model_id
            self._named = True

    def _closing_chunk(self, metrics: Any) -> AIMessageChunk:
        """The chunk after the last event: the invocation's usage when Bedrock gave it."""
        meta: dict[str, Any] = {}
        if self._request_id:
            meta["request_id"] = self._request_id
        meta["model_provider"] = INVOKE_PROVIDER
        if reply_field(metrics, dict, "amazon-bedrock-invocationMetrics") is None:
            return AIMessageChunk(content="", response_metadata=meta)
        self._name(meta)
        usage = metrics_usage_metadata(metrics)
        return AIMessageChunk(content="", response_metadata=meta, usage_metadata=usage)
