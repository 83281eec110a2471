"""Claude on Vertex AI in the mock server (private): Anthropic's Messages at Vertex AI's
`POST /v1/projects/{p}/locations/{l}/publishers/anthropic/models/{model}:rawPredict`
(a stream: `:streamRawPredict`, Anthropic's SSE events).

The body is a Messages body without `model` (the path names it) and with
`anthropic_version`, as the anthropic SDK's `AnthropicVertex` client sends it; replies,
streams and errors are the Messages wire's (`_mock_wire_anthropic.py`).

>>> view = vertex_view(
...     "/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-x:rawPredict",
...     {"anthropic_version": "2026-10-21", "max_tokens": 8,
...      "messages": [{"role": "user", "content": "hi"}]})
>>> view["model"], view["stream"]
('claude-x', False)
"""

from __future__ import annotations

import re
from typing import Any

from ._mock_faults import MockUsageError
from ._mock_replies import ANTHROPIC
from ._mock_wire import MockWire
from ._mock_wire_anthropic import WIRE as MESSAGES

__all__ = ["WIRE", "vertex_view"]

_PATH = re.compile(
    r"^/v1/projects/[^/]+/locations/[^/]+/publishers/anthropic/models/"
    r"(?P<model>[^/:]+):(?P<method>rawPredict|streamRawPredict)$"
)


def vertex_view(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """The body as the Anthropic dialect plans it, its model and stream from the path."""
    where = _PATH.match(path)
    if where is None:
        raise MockUsageError(f"not a Vertex AI rawPredict path: {path}")
    if not isinstance(body.get("messages"), list):
        raise MockUsageError("the body must be a JSON object with a 'messages' list")
    if not isinstance(body.get("anthropic_version"), str):
        raise MockUsageError("a Vertex AI rawPredict body needs an 'anthropic_version' string")
    if "model" in body:
        raise MockUsageError("a Vertex AI rawPredict body names no model (the path does)")
    stream = where["method"] == "streamRawPredict"
    return {**body, "model": where["model"], "stream": stream}


WIRE = MockWire(
    name="anthropic_vertex",
    match=lambda path: _PATH.match(path) is not None,
    request_view=vertex_view,
    render_json=MESSAGES.render_json,
    render_events=MESSAGES.render_events,
    error_body=MESSAGES.error_body,
    stream_error=MESSAGES.stream_error,
    request_id_header=MESSAGES.request_id_header,
    dialect=ANTHROPIC,
)
