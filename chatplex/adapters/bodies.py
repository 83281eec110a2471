"""A reply body as every wire's error path reads it, written once: its JSON, or None
when it holds none (an HTML error page, a cut-off body, bytes that are not UTF-8), and
its first characters for an error message; a reply's JSON object, or the retryable
error a body without one is; the typed error of an error reply (`reply_status_error`);
the refusal of an object that is not the wire's reply (`require_reply_key`), and of a
stream whose events came but none was the wire's (`StrayEvents`).

>>> loads(b'{"error": "busy"}'), loads(b"<html>502</html>")
({'error': 'busy'}, None)
>>> snippet(b"  <html>Bad gateway</html>\\n")
'<html>Bad gateway</html>'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import APIError
from ..errors import APIStatusError
from ..errors import status_error
from .reading import MalformedReply

__all__ = [
    "SNIPPET_CHARS",
    "StrayEvents",
    "error_member",
    "is_chat_completions_chunk",
    "loads",
    "reply_object",
    "reply_status_error",
    "require_reply_key",
    "sent_whole",
    "snippet",
    "unparsed_text",
]

#: How much of a body an error message quotes.
SNIPPET_CHARS = 500


def loads(body: bytes | str) -> Any:
    """The JSON value of `body`, or None when it is not JSON."""
    try:
        return json.loads(body)
    except ValueError:  # also UnicodeDecodeError
        return None


def snippet(body: bytes) -> str:
    """The first `SNIPPET_CHARS` characters of `body`, stripped (bytes that are not
    UTF-8 replaced), to quote in an error message."""
    return body.decode("utf-8", "replace").strip()[:SNIPPET_CHARS]


def unparsed_text(response: Any) -> str | None:
    """The text of an HTTP response (its `content`) whose body is no JSON, as it came (a
    proxy's page, an empty body: what an SDK keeps of it); None for a JSON body, or a
    response that holds no bytes."""
    raw = getattr(response, "content", None)
    if not isinstance(raw, bytes):
        return None
    try:
        json.loads(raw)
    except ValueError:  # also UnicodeDecodeError
        return raw.decode("utf-8", "replace")
    return None


def error_member(data: Any) -> str | dict[str, Any] | None:
    """What a reply's JSON holds under `error`: a message (a str), an error object (a
    dict), else None (also for JSON that is not an object).

    >>> error_member({"error": "busy"}), error_member({"error": {"code": 7}})
    ('busy', {'code': 7})
    >>> error_member({"error": None}), error_member([{"error": "busy"}])
    (None, None)
    """
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, (str, dict)) else None


def reply_object(body: bytes, provider: str) -> dict[str, Any]:
    """The JSON object a non-stream reply's body holds, else an `APIError` quoting the
    body: retryable when the body is not JSON (a cut-off or proxy-mangled body: worth
    another attempt), not when it is other JSON (the server's whole answer, again)."""
    decoding: ValueError | None = None
    try:
        data = json.loads(body)
    except ValueError as exc:  # also UnicodeDecodeError
        data, decoding = None, exc
    if not isinstance(data, dict):
        # Chained to the decoder's error: a drop-in raises that one, as its partner does.
        raise APIError(
            f"response body is not a JSON object: {snippet(body)}",
            provider=provider,
            retryable=data is None,
        ) from decoding
    return data


def require_reply_key(
    data: Mapping[str, Any], key: str | tuple[str, ...], wire: str, body: bytes
) -> None:
    """Refuse a reply object without `key` (or without any of several), the field the
    wire reads its content from (another wire's reply, `{}`, a gateway's own object):
    `MalformedReply` quoting the body, never an empty message with made-up usage. An
    empty reply the wire sent (the key there, holding nothing) is not refused.

    >>> require_reply_key({"choices": []}, "choices", "Chat Completions", b"")
    >>> require_reply_key({"id": "r"}, "choices", "Chat", b"{}")
    Traceback (most recent call last):
    ...
    chatplex.adapters.reading.MalformedReply: the reply has no 'choices': not a Chat reply: {}
    """
    keys = (key,) if isinstance(key, str) else key
    if all(data.get(k) is None for k in keys):
        named = " or ".join(repr(k) for k in keys)
        raise MalformedReply(f"the reply has no {named}: not a {wire} reply: {snippet(body)}")


def sent_whole(value: Any) -> MalformedReply | None:
    """What a stream event's refusal is chained to when it holds JSON of the wrong shape
    (`value`: `[]`, a string): a `MalformedReply`, as the server sent it whole and would
    send it again (never retried); None where no JSON was read (`value` None: garbled
    bytes, worth another attempt).

    >>> sent_whole([]), sent_whole(None)
    (MalformedReply('the event is JSON of the wrong shape (a list)'), None)
    """
    if value is None:
        return None
    return MalformedReply(f"the event is JSON of the wrong shape (a {type(value).__name__})")


def is_chat_completions_chunk(obj: Mapping[str, Any]) -> bool:
    """Whether a stream event is a Chat Completions chunk (OpenAI's, and the wires that
    stream its form): it has its choices, or its usage alone (an Anthropic
    `message_delta` has usage too, beside a `delta` of its own)."""
    return "choices" in obj or ("usage" in obj and "delta" not in obj)


class StrayEvents:
    """Whether any event of a stream was the wire's, and the first one that was not. A
    stream that ends with none of the wire's (another wire's, an unrelated object per
    event) is what the server sent whole, not one cut off: another attempt, billed,
    would get it again. Its parser tells each event (`seen`) until one is the wire's,
    then, where it finds no end, `refuse`s the stream before reporting a cut-off.

    >>> events = StrayEvents()
    >>> events.seen(False, "[]")
    >>> events.refuse("Chat Completions")
    Traceback (most recent call last):
    ...
    chatplex.adapters.reading.MalformedReply: the stream holds no Chat Completions event: []
    >>> events.seen(True, "")
    >>> events.refuse("Chat Completions")  # one was the wire's: a cut-off, if anything
    """

    __slots__ = ("first", "known")

    def __init__(self) -> None:
        self.known = False
        self.first: str | bytes | None = None

    def seen(self, known: bool, data: str | bytes) -> None:
        """One event (`data`, quoted if no event is the wire's), `known`: the wire's."""
        if known:
            self.known, self.first = True, None
        elif self.first is None:
            self.first = data

    def refuse(self, wire: str) -> None:
        """`MalformedReply` quoting the first event, when events came and none was the
        wire's (`wire`: its name, for the message)."""
        first = self.first
        if first is not None and not self.known:
            shown = snippet(first if isinstance(first, bytes) else first.encode())
            raise MalformedReply(f"the stream holds no {wire} event: {shown}")


def reply_status_error(
    provider: str,
    status: int,
    body: bytes,
    headers: Mapping[str, str],
    *,
    data: Any,
    message: str | None,
    error_type: str | None = None,
    code: str | int | None = None,
    request_id: str | None = None,
    withheld: str = "",
) -> APIStatusError:
    """`status_error` for an error reply whose JSON (`loads(body)`) is `data`: `message`
    (what the body says) else the body's start else "HTTP <status>", and the body as its
    JSON, or its start when it holds none. A 401's message ends with `withheld`, the
    adapter's note on a key it did not send."""
    message = message or snippet(body) or f"HTTP {status}"
    return status_error(
        provider=provider,
        status=status,
        message=message + withheld if status == 401 else message,
        headers=headers,
        error_type=error_type,
        code=code,
        request_id=request_id,
        body=data if data is not None else snippet(body),
    )
