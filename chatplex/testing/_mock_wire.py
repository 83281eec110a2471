"""What the mock server needs to speak one wire API (private): a `MockWire` value.

The server's core (routing, faults, rate limits, scripted mode, stats) is the same for
every wire; what differs is how a request is read and how a reply, an error and a
stream are written. A wire module (`_mock_replies.py` for Chat Completions and Messages,
one `_mock_wire_<name>.py` per other wire) builds one `MockWire` from pure functions,
and the core picks the wire whose `match` accepts the request's path.

Planning is shared: `request_view` turns the wire's request into a Chat Completions
body (messages, tools, tool_choice, response_format, stream, model), `plan_reply`
decides the `Reply` from that view, and the wire renders the `Reply` in its own shape.
So an echo, a forced tool call, a schema-shaped answer and a scripted rule behave the
same on every wire.

>>> wire = MockWire(
...     name="demo",
...     match=lambda path: path == "/demo",
...     request_view=lambda path, body: body,
...     render_json=lambda reply, rid: b"{}",
...     render_events=lambda reply, rid, view: [],
...     error_body=lambda status, type_, message, code, request_id: b"{}",
...     stream_error=lambda type_, message, code: b"",
... )
>>> wire.match("/demo"), wire.stream_content_type
(True, 'text/event-stream; charset=utf-8')
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._mock_faults import MockUsageError
from ._mock_replies import Event
from ._mock_replies import Reply

__all__ = [
    "SSE",
    "MockWire",
    "chat_like_view",
    "no_auth_check",
    "no_rate_limit_headers",
    "no_rate_limited_headers",
    "no_reply_headers",
]

#: The content type of a server-sent-events stream.
SSE = "text/event-stream; charset=utf-8"


def no_auth_check(headers: Mapping[str, str]) -> str | None:
    """The default `check_auth`: the mock accepts any request, keyed or not."""
    return None


def no_rate_limit_headers(tokens: float, capacity: float, rate: float) -> list[tuple[str, str]]:
    """The default `rate_limit_headers`: the wire's provider announces no limits."""
    return []


def no_reply_headers(reply: Reply) -> list[tuple[str, str]]:
    """The default `reply_headers`: a non-stream reply has no headers of its own."""
    return []


def no_rate_limited_headers(wait: float) -> list[tuple[str, str]]:
    """The default `rate_limited_headers`: a 429 carries `retry-after` only."""
    return []


def chat_like_view(
    body: dict[str, Any],
    what: str,
    message: Callable[[Any, int], dict[str, Any]],
    *,
    stream: bool,
) -> dict[str, Any]:
    """The common part of the view of a body shaped like Chat Completions' but for its
    messages (a wire's own `/chat` path and message shape): `model` and `messages`
    checked (MockUsageError naming `what`, e.g. "a /v2/chat body"), each message read by
    `message(m, i)`, `stream` as the wire decided, `tools` (OpenAI's function shape
    already) passed on."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise MockUsageError(f"{what} needs messages (a list)")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise MockUsageError(f"{what} needs model (a str)")
    view: dict[str, Any] = {
        "model": model,
        "messages": [message(m, i) for i, m in enumerate(messages)],
        "stream": stream,
    }
    tools = body.get("tools")
    if isinstance(tools, list) and tools:
        view["tools"] = tools
    return view


@dataclass(frozen=True)
class MockWire:
    """One wire API as the mock server speaks it. Every function is pure (no I/O).

    - `name`: the wire's name in stats and errors ("openai", "anthropic", "responses",
      "azure", ...: its module's `<wire>`).
    - `match(path)`: whether this wire answers `path` (the path without its query).
    - `request_view(path, body)`: the request as a Chat Completions body for planning:
      `model`, `messages` ([{"role", "content", "tool_calls"?, "tool_call_id"?}]),
      `tools` (OpenAI function tools), `tool_choice`, `response_format`
      (`{"type": "json_schema", "json_schema": {"schema": ...}}`), `stream` (a bool: from
      the body or the path, as the wire decides), `n`. Raises `MockUsageError` (a 400)
      for a body the wire cannot read.
    - `render_json(reply, rid)`: the non-stream response body.
    - `render_json_asked(reply, rid, view)`: the non-stream body of a wire whose
      response echoes the request (the Responses API's `text.format`); default None
      (`render_json`).
    - `render_events(reply, rid, view)`: the stream, as frames (SSE events, NDJSON lines,
      AWS event-stream messages), each with whether it carries a content delta (faults
      count deltas: `after=K`).
    - `render_array(reply, rid, view, query)`: the stream of a request whose query string
      asks for no event framing, as the pieces of one JSON document sent as they come
      (Google's REST streams without `alt=sse`: one JSON array of the responses), None
      when the query asks for events (then `render_events`); default None (always
      events). Faults keep to `render_events`.
    - `error_body(status, type_, message, code, request_id)`: an error body in the
      wire's shape (`type_` / `code` are Chat Completions' names, as `error_fields` gives).
    - `stream_error(type_, message, code)`: the frame a stream ends with on a mid-stream
      error (`x-mock-fault: stream_error_event`).
    - `request_id_header`: the response header carrying the request id.
    - `stream_content_type`: the stream's content type.
    - `check_auth(headers)`: why the request is refused (answered 401 in the wire's
      shape), or None: a wire whose clients must send a credential header (Azure's
      `api-key`, a signed `authorization`) checks that one is present.
    - `dialect`: how planning, `MockScript` rules and error types read the request view:
      "openai" (the Chat Completions view above, the default) or "anthropic" (the
      Messages wire plans its own body natively). Error types and codes passed to
      `error_body` are that dialect's (`error_fields(dialect, ...)`).
    - `rate_limit_headers(tokens, capacity, rate)`: the provider's rate-limit headers for
      the limiter's bucket (requests left now, `capacity`, refill `rate` per second),
      sent on every reply when the server announces limits; default none.
    - `rate_limited_headers(wait)`: the rate-limit headers a 429 of the limiter carries
      when the full set is not announced (besides `retry-after`); default none.
    - `reply_headers(reply)`: headers of a non-stream reply's own (token counts sent
      as headers); default none.
    - `stream_failed(reply, rid, type_, message, code)`: a frame sent after
      `stream_error`'s on a mid-stream error, for wires whose failure event carries the
      response (the Responses API's `response.failed`); default None (nothing more).
    - `general`: whether `match` also accepts paths of more specific wires (any path
      ending in `/chat/completions`): such a wire is tried after every other one.
    - `side_reply(path, body)`: the JSON body answering a request of the wire's that is
      no chat (a token count), None for a chat; it meets the same auth check,
      faults and rate limits as a chat. Default none (every request is a chat).
    """

    name: str
    match: Callable[[str], bool]
    request_view: Callable[[str, dict[str, Any]], dict[str, Any]]
    render_json: Callable[[Reply, str], bytes]
    render_events: Callable[[Reply, str, dict[str, Any]], list[Event]]
    error_body: Callable[[int, str, str, str | None, str], bytes]
    stream_error: Callable[[str, str, str | None], bytes]
    request_id_header: str = "x-request-id"
    stream_content_type: str = SSE
    check_auth: Callable[[Mapping[str, str]], str | None] = no_auth_check
    dialect: str = "openai"
    rate_limit_headers: Callable[[float, float, float], list[tuple[str, str]]] = (
        no_rate_limit_headers
    )
    rate_limited_headers: Callable[[float], list[tuple[str, str]]] = no_rate_limited_headers
    stream_failed: Callable[[Reply, str, str, str, str | None], bytes] | None = None
    general: bool = False
    reply_headers: Callable[[Reply], list[tuple[str, str]]] = no_reply_headers
    side_reply: Callable[[str, dict[str, Any]], bytes | None] | None = None
    render_json_asked: Callable[[Reply, str, dict[str, Any]], bytes] | None = None
    render_array: Callable[[Reply, str, dict[str, Any], str], list[Event] | None] | None = None
