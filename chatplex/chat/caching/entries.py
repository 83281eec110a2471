"""What a cache entry is: its key (`cache_key`, the SHA-256 of the request's canonical
JSON, never its API key) and its stored value (`dump_reply` / `load_reply`: the reply as
JSON, less the per-call metadata). The format is described in `cache.py`'s docstring."""

from __future__ import annotations

import hashlib
import json
import marshal
import threading
from typing import TYPE_CHECKING
from typing import Any

from ...messages import AIMessage
from ...specs import spec

if TYPE_CHECKING:
    from ...adapters.request_types import HTTPRequest

__all__ = ["FORMAT_VERSION", "cache_key", "dump_reply", "load_reply"]

#: Version of the key document and of the stored value; a change makes old entries miss.
FORMAT_VERSION = 1
_STREAM_FIELDS = ("stream", "stream_options")
#: Metadata about one call, not the reply: not stored (a hit sets its own).
_PER_CALL = frozenset({"attempts", "cost", "cached"})
_ZERO_COST = {"total": 0.0, "input": 0.0, "output": 0.0, "currency": "USD"}
# Built once: every call with a cache encodes its key document, every hit decodes a reply
# (`json.dumps` / `loads` would build an encoder or look one up per call). Request bodies
# are trees (no cycles), so the encoder skips its cycle check.
_canonical = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, check_circular=False
).encode
_decode = json.JSONDecoder().decode


def cache_key(provider: str, request: HTTPRequest) -> str:
    """The cache key of a request (see the module docstring): 64 hex digits.

    >>> from chatplex.adapters.request_types import HTTPRequest
    >>> r = HTTPRequest("POST", "https://x/v1/chat/completions", {"authorization": "k"},
    ...                 {"model": "m", "messages": [], "stream": True})
    >>> cache_key("openai", r) == cache_key("openai", HTTPRequest(
    ...     "POST", r.url, {"authorization": "other"}, {"messages": [], "model": "m"}))
    True
    """
    body = request.json
    if any(name in body for name in _STREAM_FIELDS):
        body = {k: v for k, v in body.items() if k not in _STREAM_FIELDS}
    document: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "provider": provider,
        "url": request.url,
        "body": body,
    }
    # Request headers that change the reply (and hold no secret), as the wire declares them
    declared = spec(provider)
    headers = request.headers
    names = declared.cache_key_headers if declared is not None else ()
    picked = {name: headers[name] for name in names if name in headers}
    if picked:
        document["headers"] = picked
    return hashlib.sha256(_canonical(document).encode()).hexdigest()


def dump_reply(message: AIMessage) -> str:
    """The stored form of a reply: `{"v": 1, "message": {...}}` as JSON text."""
    meta = {k: v for k, v in message.response_metadata.items() if k not in _PER_CALL}
    fields = {
        "content": message.content,
        "id": message.id,
        "name": message.name,
        "additional_kwargs": message.additional_kwargs,
        "response_metadata": meta,
        "tool_calls": message.tool_calls,
        "invalid_tool_calls": message.invalid_tool_calls,
        "usage_metadata": message.usage_metadata,
    }
    document = {"v": FORMAT_VERSION, "message": fields}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def load_reply(value: str) -> AIMessage | None:
    """A stored reply as a new `AIMessage` marked as a cache hit (None: not readable)."""
    try:
        data = _parsed(value)
        if data.get("v") != FORMAT_VERSION:
            return None
        fields = data["message"]
        meta = fields["response_metadata"]
        meta["cached"] = True
        meta["attempts"] = 0
        meta["cost"] = dict(_ZERO_COST)
        return AIMessage(**fields)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


#: Stored values decoded lately, as marshal bytes: `marshal.loads` rebuilds the same fresh
#: (unshared) dicts and lists about twice as fast as JSON decoding, and a hit is mostly
#: that. Bounded in bytes; in this process only (marshal's format is the interpreter's).
_MEMO_BYTES = 4 << 20
_MEMO_VALUE_MAX = 64 << 10  # larger replies are decoded each time
_memo: dict[str, bytes] = {}
_memo_size = 0
_memo_lock = threading.Lock()


def _parsed(value: str) -> Any:
    """`value` decoded (a new object tree each time)."""
    blob = _memo.get(value)
    if blob is not None:
        return marshal.loads(blob)
    data = _decode(value)
    if len(value) <= _MEMO_VALUE_MAX:
        _remember(value, marshal.dumps(data))
    return data


def _remember(value: str, blob: bytes) -> None:
    global _memo_size
    with _memo_lock:
        if value in _memo:
            return
        _memo[value] = blob
        _memo_size += len(value) + len(blob)
        while _memo_size > _MEMO_BYTES:  # oldest first (dicts keep insertion order)
            old = next(iter(_memo))
            _memo_size -= len(old) + len(_memo.pop(old))
