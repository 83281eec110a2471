"""What every Batch API's steps share, with no I/O: custom ids, a JSON-array request body
streamed from the request file, compact JSON lines, and a reply's job object or result
row read or refused.

A provider's batch module (`providers/<wire>/batch.py`) writes its steps as generators that
yield `Call`s and receive `Reply`s (`adapters/batch_api.py`, the contract its adapter's
`batch_api_for` returns); `transport.py` runs them, sync or async, over the shared pooled
client. So the wire logic is tested without a socket and the I/O is written once for
both kinds of caller (the shape of h11 under httpx).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..adapters.batch_api import Reply
from .errors import BatchFormatError

__all__ = [
    "CUSTOM_ID_PATTERN",
    "compact_json",
    "custom_id",
    "index_of",
    "json_array_body",
    "named_object",
    "result_row",
]

#: Anthropic's rule for custom ids (OpenAI accepts any string): chatplex's ids fit both.
CUSTOM_ID_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")

#: About how many bytes of request items `json_array_body` yields at a time.
_CHUNK = 1 << 16


def custom_id(prefix: str, index: int) -> str:
    """The id of input row `index` in a batch whose ids start with `prefix`: unique by
    construction (one per index), valid for both providers, mapped back by `index_of`.

    >>> custom_id("cp3f9a", 41)
    'cp3f9a-41'
    """
    return f"{prefix}-{index}"


def index_of(prefix: str, cid: Any, count: int) -> int | None:
    """The input index `cid` stands for, or None when this batch never sent that id."""
    if not isinstance(cid, str):
        return None
    head, sep, tail = cid.rpartition("-")
    if not sep or head != prefix or not tail.isdigit():
        return None
    index = int(tail)
    return index if index < count else None


def json_array_body(requests_path: str, head: bytes, tail: bytes) -> Iterator[bytes]:
    """A request body whose JSON array is a request file of one item a line (blank lines
    skipped): `head`, the items joined by commas, `tail`, yielded in pieces of about
    64 KiB, so a large batch is never held whole."""
    yield head
    first, pending, size = True, [], 0
    with open(requests_path, "rb") as handle:
        for line in handle:
            item = line.rstrip(b"\n")
            if not item:
                continue
            pending.append(item if first else b"," + item)
            first = False
            size += len(item)
            if size >= _CHUNK:
                yield b"".join(pending)
                pending, size = [], 0
    pending.append(tail)
    yield b"".join(pending)


def compact_json(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON: a request line, a result row handed to a parser."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def named_object(reply: Reply, key: str, problem: str) -> dict[str, Any]:
    """The JSON object of a Batch API reply, which names the job by `key` (a batch's
    `id`, an operation's `name`); else a `BatchFormatError` saying `problem`."""
    try:
        data = json.loads(reply.body)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get(key), str):
        raise BatchFormatError(problem)
    return data


def result_row(line: bytes, source: str) -> Any:
    """One line of a results file, parsed; a `BatchFormatError` quoting it (and naming
    `source`, "OpenAI") when it is not JSON."""
    try:
        return json.loads(line)
    except ValueError as exc:
        raise BatchFormatError(f"{source} result line is not JSON: {line[:200]!r}") from exc
