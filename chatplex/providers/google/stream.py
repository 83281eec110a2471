"""Gemini stream side: the events of `streamGenerateContent?alt=sse` → `AIMessageChunk`s.

Each event is a whole `GenerateContentResponse` holding the next parts of each
candidate; there is no `[DONE]`: the candidate's `finishReason` ends it. Usage is
cumulative on every event, so chunks carry its increase (their sum is the last value,
what the non-stream reply reports); the safety ratings and the finish reason go on the
closing chunk only, so the merged stream equals the non-stream reply built from the same
parts (`response.py`). A blocked prompt (an event without candidates, with
`promptFeedback.blockReason`) ends the stream with one empty chunk carrying the feedback.

The Gemini API's framing (`GeminiFraming`) is server-sent events, and a JSON body outside
them, as google-genai reads one: the error payload a front end sends with a success
status, written on lines, whatever its content type says.
"""

from __future__ import annotations

import re
from typing import Any

from ...adapters.bodies import StrayEvents
from ...adapters.bodies import sent_whole
from ...adapters.candidates import CumulativeUsage
from ...adapters.candidates import OtherCandidates
from ...adapters.jsontext import loads_text
from ...adapters.reading import reply_field
from ...adapters.reading import reply_list
from ...adapters.sse import SSEDecoder
from ...adapters.sse_event import SSEEvent
from ...adapters.sse_event import message_event
from ...errors import APIError
from ...errors import StreamError
from ...messages import AIMessageChunk
from .response import OTHER_CANDIDATES
from .response import REPLY_KEYS
from .response import PartReader
from .response import candidate_metadata
from .response import head_metadata
from .response import payload_error
from .response import usage_metadata

__all__ = ["GeminiFraming", "GeminiStreamParser"]

_MAX_TEXT = 500
#: A JSON string on one line (a raw line end cannot be in one): its braces are text.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


class GeminiFraming(SSEDecoder):
    """Server-sent events, and a JSON object outside them, read as google-genai reads a
    streamed body (`_iter_response_stream`): from a line outside an event that starts
    with `{`, the lines (but `data:` lines and blank ones) gathered until their braces
    close (a brace in a string is text), or the body ends, and handed on joined as one
    event. Gemini's error payload sent with a success status, as `text/event-stream` or
    as no type (a JSON type is read whole before any framing), pretty-printed over lines
    as Google writes it, so reaches `GeminiStreamParser`, which raises it as the error it
    is; events decode as ever.

    >>> framing = GeminiFraming()
    >>> framing.feed(b'{\\n  "error": {"code": 503, "message": "{busy}"}\\n')
    []
    >>> framing.feed(b"}\\n")[0].data
    '{  "error": {"code": 503, "message": "{busy}"}}'
    >>> framing.feed(b'data: {"candidates": []}\\n\\n')[0].data
    '{"candidates": []}'
    """

    __slots__ = ("_depth", "_outside", "_outside_size")

    def __init__(self, *, max_event_bytes: int | None = None) -> None:
        super().__init__(max_event_bytes=max_event_bytes)
        self._outside: list[str] | None = None  # the JSON lines gathered, while open
        self._outside_size = 0
        self._depth = 0  # its braces opened and not closed

    def _line(self, raw: bytes, events: list[SSEEvent]) -> None:
        if self._outside is None:
            if not self._started:  # (the BOM the decoder drops from the first line)
                self._started = True
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if self._data is not None or not raw.lstrip().startswith(b"{"):
                super()._line(raw, events)
                return
            self._outside = []
        elif not raw or raw.startswith(b"data:"):
            super()._line(raw, events)  # as google-genai reads them: not the object's
            return
        self._outside_size += len(raw) + 1
        if self._outside_size > self._max:
            raise self._too_large("(a JSON body outside events)")
        text = raw.decode("utf-8", "replace")
        self._outside.append(text)
        bare = _JSON_STRING.sub("", text) if '"' in text else text
        self._depth += bare.count("{") - bare.count("}")
        if self._depth <= 0:
            self._dispatch_outside(events)

    def flush(self) -> list[SSEEvent]:
        events = super().flush()
        if self._outside is not None:  # its braces never closed: handed on as it came
            self._dispatch_outside(events)
        return events

    def _dispatch_outside(self, events: list[SSEEvent]) -> None:
        # (joined as google-genai joins them: JSON's strings hold no line end)
        events.append(message_event("".join(self._outside or ()), self._last_id, self._retry))
        self._outside, self._outside_size, self._depth = None, 0, 0


class GeminiStreamParser:
    """Turns the events of one Gemini stream into `AIMessageChunk`s (candidate 0; the
    others, `candidateCount > 1`, handed over whole on the closing chunk)."""

    __slots__ = (
        "_finished",
        "_first",
        "_head",
        "_id",
        "_other_parts",
        "_others",
        "_partner",
        "_provider",
        "_readers",
        "_req_id",
        "_stray",
        "_usage",
    )

    def __init__(
        self,
        request_id: str | None = None,
        provider: str = "google_genai",
        *,
        partner: bool = False,
        others: str | None = None,
    ) -> None:
        self._req_id = request_id
        self._provider = provider
        self._partner = partner  # read as under langchain-google-genai's name
        self._other_parts = others  # (`PartReader.others`)
        self._first = True
        self._finished = False
        self._id: str | None = None
        self._head: dict[str, Any] = {}
        self._readers: dict[int, PartReader] = {}
        self._others = OtherCandidates()
        self._usage = CumulativeUsage()
        self._stray = StrayEvents()

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        """The chunk one event contributes, or None; raises `StreamError` for an error
        payload."""
        try:
            return self._feed(event)
        except APIError as exc:
            exc.provider = self._provider
            raise

    def _feed(self, event: SSEEvent) -> AIMessageChunk | None:
        data = event.data
        if not data or self._finished:
            return None
        cause: Exception | None = None
        try:
            obj = loads_text(data)
        except ValueError as exc:
            obj, cause = None, exc
        if isinstance(obj, list) and len(obj) == 1:
            obj = obj[0]  # some proxies stream JSON arrays of one response
        if not isinstance(obj, dict):
            cause = cause or sent_whole(obj)
            # Chained to the decoder's error: a drop-in raises google-genai's error for it.
            raise StreamError(
                f"stream event is not a JSON object: {data[:_MAX_TEXT]}",
                provider="google_genai",
                request_id=self._req_id,
            ) from cause
        if obj.get("error"):
            raise payload_error(obj, StreamError, self._req_id)
        if not self._stray.known:
            self._stray.seen(any(key in obj for key in REPLY_KEYS), data)
        if not obj.get("candidates") and (obj.get("promptFeedback") or {}).get("blockReason"):
            self._finished = True  # a blocked prompt: no candidate will come
        return self._chunk(obj)

    def finish(self) -> None:
        """Raise `StreamError` if the body ended before candidate 0 had a finishReason;
        `MalformedReply` if none of its events was a Gemini response."""
        self._stray.refuse("Gemini generateContent")
        if not self._finished:
            raise StreamError(
                "stream ended before completion (no finishReason)",
                provider=self._provider,
                request_id=self._req_id,
            )

    def _chunk(self, obj: dict[str, Any]) -> AIMessageChunk | None:
        meta: dict[str, Any] = {}
        if self._first:
            self._first = False
            self._id = obj.get("responseId")
            self._head = head_metadata(obj, self._req_id, partner=self._partner)
            self._head["provider"] = self._head["model_provider"] = self._provider
            meta.update(self._head)
        content: Any = ""
        calls: list[Any] = []
        additional: dict[str, Any] = {}
        closing = False
        for candidate in reply_list(obj.get("candidates"), "candidates"):
            reply_field(candidate, dict, "candidate")
            index = candidate.get("index") or 0
            reader = self._readers.get(index)
            if reader is None:
                reader = PartReader(
                    index, streaming=True, partner=self._partner, others=self._other_parts
                )
                self._readers[index] = reader
                reader.response_id = self._id
            reader.reads_model(obj.get("modelVersion"))
            parts = (candidate.get("content") or {}).get("parts")
            piece, piece_calls, piece_additional = reader.read(parts)
            if index != 0:
                self._others.add(
                    index,
                    AIMessageChunk(
                        content=piece,
                        additional_kwargs=piece_additional,
                        response_metadata=candidate_metadata(candidate, partner=self._partner),
                        tool_call_chunks=piece_calls,
                    ),
                )
                continue
            content, calls, additional = piece, piece_calls, piece_additional
            if candidate.get("finishReason") is not None:
                closing = True
                meta.update(candidate_metadata(candidate, partner=self._partner))
            else:  # citations and grounding may come early; finish data comes last
                meta.update(candidate_metadata(candidate, partner=self._partner))
        usage = None
        if reply_field(obj.get("usageMetadata"), dict, "usageMetadata") is not None:
            usage = self._usage.increase(usage_metadata(obj["usageMetadata"]))
        if closing:
            self._finished = True
            if self._others:
                meta[OTHER_CANDIDATES] = self._others.take(self._head, self._id)
        if not (content or calls or usage or meta or additional):
            return None
        return AIMessageChunk(
            content=content,
            id=self._id,
            additional_kwargs=additional,
            response_metadata=meta,
            tool_call_chunks=calls,
            usage_metadata=usage,
        )
