"""What every Batch API shares, with no I/O: limits, the calls a job makes described as
data, custom ids, and the per-row outcome.

A provider's batch module (`providers/<wire>/batch.py`) writes its steps as generators that
yield `Call`s and receive `Reply`s; `transport.py` runs them, sync or async, over the
shared pooled client. So the wire logic is tested without a socket and the I/O is
written once for both kinds of caller (the shape of h11 under httpx).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from collections.abc import Generator
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol
from typing import TypeVar

from ..adapters.base import HTTPRequest
from ..errors import APIError
from ..messages import AIMessage
from .errors import BatchFormatError

__all__ = [
    "CUSTOM_ID_PATTERN",
    "BatchAPI",
    "Call",
    "Limits",
    "Outcome",
    "RemoteState",
    "Reply",
    "Steps",
    "custom_id",
    "compact_json",
    "index_of",
    "json_array_body",
    "named_object",
    "result_row",
]

T = TypeVar("T")

#: Anthropic's rule for custom ids (OpenAI accepts any string): chatplex's ids fit both.
CUSTOM_ID_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")

#: About how many bytes of request items `json_array_body` yields at a time.
_CHUNK = 1 << 16

#: A row's outcome: the reply, or the typed error it ended with.
Outcome = AIMessage | APIError


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one provider job may hold: requests, and bytes of the request file/body."""

    max_requests: int
    max_bytes: int

    def __post_init__(self) -> None:
        if self.max_requests < 1 or self.max_bytes < 1:
            raise ValueError(f"batch limits must be >= 1, got {self}")


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP exchange a step needs. `path` is appended to the provider's base URL.

    `body`: a factory of the body's chunks (called once per attempt, so a retry resends
    from the start without the body held in memory); `upload`: a multipart file upload
    (form field values, and the local file sent as `file`); `download_to`: stream the
    reply body into this local file instead of `Reply.body`. `idempotent`: whether any
    retryable failure may be retried -- creating a job is not (a retry after a lost reply
    could start and bill a second job), so it is retried only on 429 (never processed).
    """

    method: str
    path: str
    json: Mapping[str, Any] | None = None
    body: Callable[[], Iterator[bytes]] | None = None
    upload: tuple[Mapping[str, str], str] | None = None
    download_to: str | None = None
    idempotent: bool = True


@dataclass(frozen=True, slots=True)
class Reply:
    """A successful reply (errors are raised by the transport as typed errors)."""

    status: int
    headers: Mapping[str, str]
    body: bytes = b""


#: A provider step: yields calls, receives their replies, returns its value.
Steps = Generator[Call, Reply, T]


@dataclass(slots=True)
class RemoteState:
    """A provider job as its status endpoint reports it, in chatplex's terms."""

    status: str  # the provider's own word ("in_progress", "ended", "completed"...)
    ended: bool
    #: pending / succeeded / errored / expired / canceled (OpenAI reports expired rows
    #: among the failed until its error file is read; `results()` counts them exactly).
    counts: dict[str, int]
    #: Provider-specific references to keep in the handle (output and error file ids).
    refs: dict[str, Any] = field(default_factory=dict)


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


class BatchAPI(Protocol):
    """One provider's Batch API, pure: request lines, job steps, result parsing."""

    name: str
    limits: Limits

    def request_line(self, cid: str, request: HTTPRequest) -> bytes:
        """One request as a line of the job's request file (no trailing newline)."""
        ...

    def framing(self) -> tuple[int, int]:
        """Bytes the job body adds around its lines: (once, per line)."""
        ...

    def create(self, requests_path: str, count: int, label: str) -> Steps[dict[str, Any]]:
        """Upload and start one job; returns what to keep of it (its `id` first)."""
        ...

    def poll(self, job: Mapping[str, Any]) -> Steps[RemoteState]: ...

    def cancel(self, job: Mapping[str, Any]) -> Steps[RemoteState]: ...

    def download(self, job: Mapping[str, Any], dest: str) -> Steps[list[str]]:
        """Fetch an ended job's result files into local files named from `dest`."""
        ...

    def parse_row(self, line: bytes) -> tuple[str, Outcome]:
        """(custom_id, outcome) of one result line; raises `BatchFormatError`."""
        ...


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
