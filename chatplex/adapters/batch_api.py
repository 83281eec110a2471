"""The contract between `chatplex.batches` and a wire's Batch API steps
(`providers/<wire>/batch.py`), as the adapter's `batch_api_for` returns them: `BatchAPI`
(request lines, job steps, result parsing), the job's `Limits`, and the calls its steps
yield and the replies they receive, described as data (`Call`, `Reply`, `Steps`,
`RemoteState`, a row's `Outcome`). No I/O: `batches/transport.py` runs the steps.

Below both the adapter interface (`base.py`, whose `batch_api_for` names these types)
and `chatplex.batches` (which drives them), so neither imports the other's layer the
wrong way."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Generator
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol
from typing import TypeVar

from ..errors import APIError
from ..messages import AIMessage
from .request_types import HTTPRequest

__all__ = [
    "BatchAPI",
    "Call",
    "Limits",
    "Outcome",
    "RemoteState",
    "Reply",
    "Steps",
]

T = TypeVar("T")


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
