"""Converse stream events built in tests, and a stream of them read to its merged chunk
(shared by test_response.py and test_stream.py)."""

from __future__ import annotations

import json
from typing import Any

from chatplex.messages import AIMessageChunk
from chatplex.messages import merge_chunks
from chatplex.providers.bedrock.eventstream import EventStreamMessage
from chatplex.providers.bedrock.stream import BedrockStreamParser


def event(kind: str, payload: dict[str, Any]) -> EventStreamMessage:
    headers = {":event-type": kind, ":message-type": "event", ":content-type": "application/json"}
    return EventStreamMessage(headers, json.dumps(payload).encode())


def run(events: list[EventStreamMessage], request_id: str | None = "rid-1") -> AIMessageChunk:
    headers = {"x-amzn-requestid": request_id} if request_id else None
    parser = BedrockStreamParser(request_id, None, headers)
    chunks = [c for c in (parser.feed(e) for e in events) if c is not None]
    parser.finish()
    return merge_chunks(chunks)
