"""What a v3 stream knows so far: protocol events in, the projections fed, the message
assembled at `message-finish` (langchain-core's `ChatModelStream` state, without it).

The projections (`.text`, `.reasoning`, `.tool_calls`) are the sync or async stream's
own kind; this state only pushes deltas into them, completes or fails them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from typing import Generic
from typing import Protocol
from typing import TypeVar

from ..messages import AIMessage
from .events_v3_bridge import finalized_call

__all__ = ["Fed", "MessageState"]

Block = dict[str, Any]

#: Blocks a finish carries whole, kept as they come.
_WHOLE = frozenset(
    {"server_tool_call", "server_tool_result", "image", "audio", "video", "file", "non_standard"}
)


class Fed(Protocol):
    """The producer side of a projection."""

    def push(self, delta: Any) -> None: ...
    def complete(self, value: Any) -> None: ...
    def fail(self, error: BaseException) -> None: ...


TextT = TypeVar("TextT", bound=Fed)
PlainT = TypeVar("PlainT", bound=Fed)


class MessageState(Generic[TextT, PlainT]):
    """One streamed message's state: the raw events (a replay buffer, also fed to a
    projection), each block's text, the calls being streamed, the finished blocks by
    index, usage and metadata. `text()` and `plain()` make the stream's projections."""

    def __init__(self, text: Callable[[], TextT], plain: Callable[[], PlainT]) -> None:
        self._text_proj, self._reasoning_proj = text(), text()
        self._calls_proj, self._events_proj = plain(), plain()
        self._message_id: str | None = None
        self._events: list[Block] = []
        self._text: dict[int, str] = {}
        self._reasoning: dict[int, str] = {}
        self._calls: dict[int, Block] = {}  # streamed calls by index, until finished
        self._server_calls: dict[int, Block] = {}
        self._tool_calls: list[Block] = []
        self._invalid_calls: list[Block] = []
        self._blocks: dict[int, Block] = {}
        self._start_metadata: Block = {}
        self._finish: Block = {}
        self._done = False
        self._error: BaseException | None = None
        self._output_message: AIMessage | None = None

    @property
    def text(self) -> TextT:
        """The text: `str` deltas; its whole by `str()` (sync) or `await` (async)."""
        return self._text_proj

    @property
    def reasoning(self) -> TextT:
        """The reasoning text, as `.text`."""
        return self._reasoning_proj

    @property
    def tool_calls(self) -> PlainT:
        """Tool call chunk deltas; the finished calls by `.get()` (sync) or `await`."""
        return self._calls_proj

    @property
    def message_id(self) -> str | None:
        """The message's id (its `message-start`'s)."""
        return self._message_id

    def set_message_id(self, message_id: str) -> None:
        """Name the message (before its `message-start` names it)."""
        self._message_id = message_id

    @property
    def namespace(self) -> list[str]:
        """Where in a graph the message was made: nowhere, for a chat model's own call."""
        return []

    @property
    def node(self) -> str | None:
        """The graph node that made it: none, for a chat model's own call."""
        return None

    @property
    def done(self) -> bool:
        """Whether the stream ended (finished or failed)."""
        return self._done

    @property
    def has_events(self) -> bool:
        """Whether any protocol event arrived."""
        return bool(self._events)

    @property
    def output_message(self) -> AIMessage | None:
        """The assembled message once finished, else None (never waits)."""
        return self._output_message

    def dispatch(self, event: Block) -> None:
        """Take one protocol event."""
        self._events.append(event)
        self._events_proj.push(event)
        kind = event.get("event")
        if kind == "message-start":
            self._start_metadata = event.get("metadata") or {}
            self._message_id = event.get("id") or self._message_id
        elif kind == "content-block-start":
            self._started(event["index"], event["content"])
        elif kind == "content-block-delta":
            self._delta(event["index"], event["delta"])
        elif kind == "content-block-finish":
            self._finished(event["index"], event["content"])
        elif kind == "message-finish":
            self._finished_message(event)
        elif kind == "error":
            self.fail(RuntimeError(event.get("message", "Unknown error")))

    def fail(self, error: BaseException) -> None:
        """End the stream with `error`: every projection raises it."""
        self._done, self._error = True, error
        for fed in (self._text_proj, self._reasoning_proj, self._calls_proj, self._events_proj):
            fed.fail(error)

    def _started(self, index: int, block: Block) -> None:
        kind = block.get("type")
        if kind == "tool_call_chunk":
            self._calls[index] = {k: v for k, v in block.items() if v is not None}
            if block.get("args"):
                self._call_piece(index, block["args"])
        elif kind == "server_tool_call_chunk":
            self._server_calls[index] = {k: v for k, v in block.items() if v is not None}

    def _call_piece(self, index: int, args: str) -> None:
        call = self._calls[index]
        piece = {
            "type": "tool_call_chunk",
            "id": call.get("id"),
            "name": call.get("name"),
            "args": args,
        }
        if call.get("index") is not None:
            piece["index"] = call["index"]
        self._calls_proj.push(piece)

    def _delta(self, index: int, delta: Block) -> None:
        kind = delta.get("type")
        if kind == "text-delta" and delta.get("text"):
            self._text[index] = self._text.get(index, "") + delta["text"]
            self._text_proj.push(delta["text"])
        elif kind == "reasoning-delta" and delta.get("reasoning"):
            self._reasoning[index] = self._reasoning.get(index, "") + delta["reasoning"]
            self._reasoning_proj.push(delta["reasoning"])
        elif kind == "tool-call-delta" and delta.get("args"):
            for calls in (self._calls, self._server_calls):
                if index in calls:
                    calls[index]["args"] = calls[index].get("args", "") + delta["args"]
                    if calls is self._calls:
                        self._call_piece(index, delta["args"])
                    break

    def _whole_text(self, store: dict[int, str], fed: Fed, index: int, whole: str) -> str:
        """A text block's text at its finish: what its deltas built, the finish's own
        where it differs (its missing tail pushed as one more delta)."""
        so_far = store.get(index, "")
        if whole and whole != so_far:
            if whole.startswith(so_far):
                fed.push(whole[len(so_far) :])
            store[index] = whole
        return store.get(index, "")

    def _finished(self, index: int, block: Block) -> None:
        kind = block.get("type")
        final: Block | None = None
        if kind == "text":
            text = self._whole_text(self._text, self._text_proj, index, block.get("text", ""))
            final = {**block, "type": "text", "text": text}
        elif kind == "reasoning":
            said = self._whole_text(
                self._reasoning, self._reasoning_proj, index, block.get("reasoning", "")
            )
            final = {**block, "type": "reasoning"}
            if said:
                final["reasoning"] = said
        elif kind == "tool_call":
            final = {
                **{k: v for k, v in block.items() if k != "index"},
                "type": "tool_call",
                "id": block.get("id", ""),
                "name": block.get("name", ""),
                "args": block.get("args", {}),
            }
            self._tool_calls.append(final)
            self._calls.pop(index, None)
        elif kind == "invalid_tool_call":
            final = {k: v for k, v in block.items() if k != "index"}
            self._invalid_calls.append(final)
            self._calls.pop(index, None)
            self._server_calls.pop(index, None)
        elif kind in _WHOLE:
            if kind == "server_tool_call":
                self._server_calls.pop(index, None)
            final = block
        if final is not None:
            if kind not in ("tool_call", "invalid_tool_call"):
                final.setdefault("index", index)
            self._blocks[index] = final

    def _sweep(self, calls: dict[int, Block], kind: str) -> None:
        """Calls still open at the message's end, finished from what was streamed."""
        for index in sorted(calls):
            call = calls[index]
            extras = {
                k: v
                for k, v in call.items()
                if k not in ("type", "id", "name", "args") and v is not None
            }
            final = finalized_call(call.get("args"), call.get("id"), call.get("name"), extras, kind)
            if final["type"] == "invalid_tool_call":
                self._invalid_calls.append(final)
            elif kind == "tool_call":
                self._tool_calls.append(final)
            self._blocks[index] = final
        calls.clear()

    def _finished_message(self, event: Block) -> None:
        self._done = True
        self._finish = event
        self._sweep(self._calls, "tool_call")
        self._sweep(self._server_calls, "server_tool_call")
        self._text_proj.complete("".join(self._text[i] for i in sorted(self._text)))
        self._reasoning_proj.complete("".join(self._reasoning[i] for i in sorted(self._reasoning)))
        self._calls_proj.complete(self._tool_calls)
        self._output_message = self._assembled()
        self._events_proj.complete(self._events)

    def _assembled(self) -> AIMessage:
        """The message: its content the finished blocks in order (v1 blocks, always a
        list once any block arrived), its calls, usage and metadata."""
        blocks = [dict(self._blocks[i]) for i in sorted(self._blocks)]
        content: Any = blocks if blocks else "".join(self._text.values())
        metadata: Block = {}
        if "provider" in self._start_metadata:
            metadata["model_provider"] = self._start_metadata["provider"]
        if "model" in self._start_metadata:
            metadata["model_name"] = self._start_metadata["model"]
        metadata.update(self._finish.get("metadata") or {})
        metadata["output_version"] = "v1"
        calls = [
            {
                "id": c.get("id", ""),
                "name": c.get("name", ""),
                "args": c.get("args", {}),
                "type": "tool_call",
            }
            for c in self._tool_calls
        ]
        invalid = [
            {
                "type": "invalid_tool_call",
                "id": c.get("id") or None,
                "name": c.get("name") or None,
                "args": c.get("args") or None,
                "error": c.get("error"),
            }
            for c in self._invalid_calls
        ]
        return AIMessage(
            content=content,
            id=self._message_id,
            tool_calls=calls,  # type: ignore[arg-type]
            invalid_tool_calls=invalid,  # type: ignore[arg-type]
            usage_metadata=self._finish.get("usage"),
            response_metadata=metadata,
            additional_kwargs=dict(self._finish.get("additional_kwargs") or {}),
        )
