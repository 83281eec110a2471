"""Scripted replies rendered in each provider's exact wire shape (private, pure).

The bytes come from the same renderers as the embedded mock server (`_mock_replies`,
`_mock_faults`), which follow the recordings of the shared wire corpus: a reply looks
the same whether a test gets it from respx or over real HTTP.

>>> reply = Scripted(text="Hello there")
>>> status, headers, body = render(reply, "openai", {"model": "gpt-4o-mini"}, "r1")
>>> status, dict(headers)["content-type"], b'"content":"Hello there"' in body
(200, 'application/json', True)
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._mock_faults import error_fields
from ._mock_replies import ANTHROPIC
from ._mock_replies import OPENAI
from ._mock_replies import Reply
from ._mock_replies import request_tokens
from ._mock_replies import split_text
from ._mock_replies import tool_call
from ._mock_wire_anthropic import anthropic_error
from ._mock_wire_anthropic import anthropic_events
from ._mock_wire_anthropic import anthropic_json
from ._mock_wire_openai import openai_error
from ._mock_wire_openai import openai_events
from ._mock_wire_openai import openai_json

__all__ = ["JSON", "SSE", "Rendered", "Scripted", "render"]

JSON = "application/json"
SSE = "text/event-stream; charset=utf-8"

Rendered = tuple[int, list[tuple[str, str]], bytes]
"""(status, headers, body) of one response."""


@dataclass(frozen=True)
class Scripted:
    """One queued reply: a message (text, streamed pieces or a tool call) or an error.

    `pieces` are the streamed content deltas (default: `text` word by word); token
    counts default to word counts of the request and the reply.
    """

    text: str = ""
    pieces: tuple[str, ...] | None = None
    tool: tuple[str, Mapping[str, Any]] | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    model: str | None = None
    status: int = 200
    error_type: str | None = None
    message: str | None = None
    code: str | None = None
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def is_error(self) -> bool:
        return self.status >= 400


def render(reply: Scripted, provider: str, body: Mapping[str, Any], rid: str) -> Rendered:
    """The response `provider` would send for `reply` to a request with `body`.

    A request with `"stream": true` gets Server-Sent Events (OpenAI's
    `stream_options.include_usage` honoured); any other gets one JSON body.
    """
    id_header = ("x-request-id" if provider == OPENAI else "request-id", "req_" + rid)
    if reply.is_error:
        return _render_error(reply, provider, rid, id_header)
    wire = _wire_reply(reply, provider, body)
    headers = [id_header, *reply.headers]
    created = int(time.time())
    if body.get("stream") is True:
        if provider == OPENAI:
            options = body.get("stream_options")
            usage = isinstance(options, Mapping) and options.get("include_usage") is True
            events = openai_events(wire, rid, created, usage)
        else:
            events = anthropic_events(wire, rid)
        return 200, [("content-type", SSE), *headers], b"".join(e for e, _ in events)
    content = openai_json(wire, rid, created) if provider == OPENAI else anthropic_json(wire, rid)
    return 200, [("content-type", JSON), *headers], content


def _render_error(reply: Scripted, provider: str, rid: str, id_header: tuple[str, str]) -> Rendered:
    type_, message, code = error_fields(provider, reply.status, None)
    type_ = reply.error_type or type_
    message = reply.message or message
    code = reply.code or code
    if provider == ANTHROPIC:
        content = anthropic_error(type_, message, "req_" + rid)
    else:
        content = openai_error(message, type_, code)
    return reply.status, [("content-type", JSON), id_header, *reply.headers], content


def _wire_reply(reply: Scripted, provider: str, body: Mapping[str, Any]) -> Reply:
    model = reply.model or body.get("model")
    model = model if isinstance(model, str) else "mock-model"
    input_tokens = request_tokens(body) if reply.input_tokens is None else reply.input_tokens
    if reply.tool is not None:
        name, args = reply.tool
        tool = tool_call(provider, name, dict(args), None)
        output = max(1, len(tool.arguments.split()))
        output_tokens = output if reply.output_tokens is None else reply.output_tokens
        return Reply(model, "", (), tool, input_tokens, output_tokens)
    pieces = reply.pieces if reply.pieces is not None else split_text(reply.text, None)
    text = "".join(pieces)
    output_tokens = len(text.split()) if reply.output_tokens is None else reply.output_tokens
    return Reply(model, text, pieces, None, input_tokens, output_tokens)
