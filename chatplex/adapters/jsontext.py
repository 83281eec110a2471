"""`loads_text`: `json.loads` of a str, minus the wrapper work a streamed event pays per token;
`event_object`: the JSON object of one streamed event, else the stream's error.

Why. `json.loads(s)` goes through `JSONDecoder.decode`, which runs a whitespace regex
before and after the value and `raw_decode` around the C scanner: for a ~200-byte stream
event that is a third of the 1.9 µs the whole parse costs, once per token. Events as
servers send them start with the value and end with it, so the scanner alone reads them;
anything else (leading or trailing whitespace, a BOM, an error) goes to `json.loads`,
which gives the same value or raises the same error it always did.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import StreamError
from .bodies import sent_whole

__all__ = ["QUOTED_CHARS", "event_object", "loads_text"]

#: How much of a bad event a `StreamError` quotes.
QUOTED_CHARS = 500

# The C scanner of the default decoder's settings (`json.loads` without arguments): it
# clears its string memo after every call, so one instance serves every caller.
_scan_once: Any = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def loads_text(text: str) -> Any:
    """`json.loads(text)`: the same value, or the same `json.JSONDecodeError`."""
    try:
        value, end = _scan_once(text, 0)
    except Exception:  # StopIteration (no value at 0) or a malformed value
        return json.loads(text)  # raises its own error, or reads what the scanner could not
    if end != len(text):
        return json.loads(text)  # trailing whitespace (accepted) or extra data (an error)
    return value


def event_object(
    data: str, provider: str, request_id: str | None = None, *, what: str = "stream event"
) -> dict[str, Any]:
    """The JSON object one streamed event holds (`loads_text`), else a `StreamError`
    naming it (`what`: "stream line" for NDJSON) and quoting its start: malformed JSON
    (retried, as a garbled stream is), or JSON that is not an object (chained to a
    `MalformedReply`: not retried).

    >>> event_object('{"a": 1}', "openai")
    {'a': 1}
    >>> event_object("[1]", "openai")
    Traceback (most recent call last):
    ...
    chatplex.errors.StreamError: openai: stream event is not a JSON object: [1]
    """
    cause: Exception | None = None
    try:
        value = loads_text(data)
    except ValueError as exc:
        problem = f"malformed JSON ({exc})"
        cause = exc
    else:
        if isinstance(value, dict):
            return value
        problem = "not a JSON object"
        cause = sent_whole(value)
    # Chained to the decoder's error: a drop-in raises that one, as its partner does.
    raise StreamError(
        f"{what} is {problem}: {data[:QUOTED_CHARS]}", provider=provider, request_id=request_id
    ) from cause
