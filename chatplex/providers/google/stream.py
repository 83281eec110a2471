"""Gemini stream side: the events of `streamGenerateContent?alt=sse` → `AIMessageChunk`s.

Each event is a whole `GenerateContentResponse` holding the next parts of each
candidate; there is no `[DONE]`: the candidate's `finishReason` ends it. Usage is
cumulative on every event, so chunks carry its increase (their sum is the last value,
what the non-stream reply reports); the safety ratings and the finish reason go on the
closing chunk only, so the merged stream equals the non-stream reply built from the same
parts (`response.py`). A blocked prompt (an event without candidates, with
`promptFeedback.blockReason`) ends the stream with one empty chunk carrying the feedback.
"""

from __future__ import annotations

from typing import Any

from ...adapters.candidates import CumulativeUsage
from ...adapters.candidates import OtherCandidates
from ...adapters.jsontext import loads_text
from ...adapters.reading import reply_field
from ...adapters.reading import reply_list
from ...adapters.sse_event import SSEEvent
from ...errors import APIError
from ...errors import StreamError
from ...messages import AIMessageChunk
from .response import OTHER_CANDIDATES
from .response import PartReader
from .response import candidate_metadata
from .response import head_metadata
from .response import payload_error
from .response import usage_metadata

__all__ = ["GeminiStreamParser"]

_MAX_TEXT = 500


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
        decoding: ValueError | None = None
        try:
            obj = loads_text(data)
        except ValueError as exc:
            obj, decoding = None, exc
        if isinstance(obj, list) and len(obj) == 1:
            obj = obj[0]  # some proxies stream JSON arrays of one response
        if not isinstance(obj, dict):
            # Chained to the decoder's error: a drop-in raises google-genai's error for it.
            raise StreamError(
                f"stream event is not a JSON object: {data[:_MAX_TEXT]}",
                provider="google_genai",
                request_id=self._req_id,
            ) from decoding
        if obj.get("error"):
            raise payload_error(obj, StreamError, self._req_id)
        if not obj.get("candidates") and (obj.get("promptFeedback") or {}).get("blockReason"):
            self._finished = True  # a blocked prompt: no candidate will come
        return self._chunk(obj)

    def finish(self) -> None:
        """Raise `StreamError` if the body ended before candidate 0 had a finishReason."""
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
