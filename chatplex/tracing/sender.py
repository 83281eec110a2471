"""chatplex's own sender for LangSmith's ingest API: no `langsmith` package needed.

`LangSmithSender.send(runs)` posts a batch of ended runs to `{endpoint}/runs/multipart`,
the wire the `langsmith` client writes (`Client.multipart_ingest`): one form part
`post.<id>` per run (its fields as JSON, without the big ones), and one part per big field
(`post.<id>.inputs`, `.outputs`, `.events`, `.extra`, `.error`, `.serialized`), each
`application/json` with its length; headers `x-api-key`, and `X-Tenant-Id` when a
workspace is set. Serialization (`writer.dumps`: orjson when installed, else json)
happens here, on the batcher's thread, never on the caller's event loop. A run given as
a tuple is JSON already written, part by part (`records.WireRun`: a recorded run).

`prepare(runs)` writes runs' parts as they end, `post_prepared(pieces, count)` posts
what was written in one body (the batcher's `prepare` mode); `send(runs)` does both.
It is called from one thread only (the `RunBatcher`'s), and owns its `httpx.Client`,
made on that thread at the first batch: not the calls' pooled client, not the event loop.
Every request has a bounded timeout; 429 and 5xx answers and connection errors are
retried at most `max_attempts` times, waiting what `Retry-After` says (capped) or a short
backoff. The API key is sent as a header and never appears in a repr, log or error.

`SenderSettings.from_env()` reads the variables the `langsmith` client reads;
`unsupported_settings()` names the ones this sender does not implement (the tracer then
uses the `langsmith` client when it is installed).
"""

from __future__ import annotations

import functools
import logging
import os
import random
import time
import uuid
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import httpx

from ..adapters.header_values import check_headers_sent
from ..http import retry_after_from
from ..secret.urls import redact_url
from ..secret.urls import redact_urls_in
from .switches import truthy
from .switches import variable
from .writer import dumps

__all__ = ["LangSmithSender", "SenderSettings", "unsupported_settings"]

logger = logging.getLogger("chatplex.tracing")

DEFAULT_ENDPOINT = "https://api.smith.langchain.com"
#: The fields sent as parts of their own (as the langsmith client splits a run).
BIG_FIELDS = ("inputs", "outputs", "events", "extra", "error", "serialized")
_BIG = frozenset(BIG_FIELDS)
#: The run types whose `serialized` the langsmith client sends (their manifests).
SERIALIZED_RUN_TYPES = frozenset({"llm", "prompt"})
#: Variables of the langsmith client this sender does not implement.
UNSUPPORTED = ("LANGSMITH_RUNS_ENDPOINTS", "LANGSMITH_OTEL_ENABLED", "LANGSMITH_OTEL_ONLY")
#: Sampling decisions remembered (a trace's runs are sent within moments of each other).
MAX_SAMPLED_TRACES = 10_000
RETRIED_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def _first(environ: Mapping[str, str] | None, *names: str) -> str | None:
    for name in names:
        value = (variable(environ, name) or "").strip()
        if value:
            return value
    return None


@dataclass(frozen=True)
class SenderSettings:
    """Where and how runs go. `api_key` is left out of the repr, and the endpoint's
    user info and credential query values are masked in it (`redact_url`)."""

    endpoint: str = field(default=DEFAULT_ENDPOINT, repr=False)
    api_key: str | None = field(default=None, repr=False)
    project: str = "default"
    workspace_id: str | None = None
    hide_inputs: bool = False
    hide_outputs: bool = False
    sampling_rate: float | None = None

    def __post_init__(self) -> None:
        if not self.endpoint.startswith(("http://", "https://")):
            shown = redact_url(self.endpoint)
            raise ValueError(f"LangSmith endpoint must be an http(s) URL, got {shown!r}")
        rate = self.sampling_rate
        if rate is not None and not 0.0 <= rate <= 1.0:
            raise ValueError(f"LANGSMITH_TRACING_SAMPLING_RATE must be in [0, 1], got {rate}")

    @property
    def shown_endpoint(self) -> str:
        """The endpoint as reprs, logs and errors show it."""
        return redact_url(self.endpoint)

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in ("project", "workspace_id", "hide_inputs", "hide_outputs", "sampling_rate")
        )
        return f"SenderSettings(endpoint={self.shown_endpoint!r}, {fields})"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SenderSettings:
        """The settings as the `langsmith` client reads them (LANGSMITH_ first, then
        LANGCHAIN_)."""
        rate_text = _first(
            environ, "LANGSMITH_TRACING_SAMPLING_RATE", "LANGCHAIN_TRACING_SAMPLING_RATE"
        )
        try:
            rate = None if rate_text is None else float(rate_text)
        except ValueError:
            raise ValueError(
                f"LANGSMITH_TRACING_SAMPLING_RATE must be a number, got {rate_text!r}"
            ) from None
        return cls(
            endpoint=(
                _first(environ, "LANGSMITH_ENDPOINT", "LANGCHAIN_ENDPOINT") or DEFAULT_ENDPOINT
            ).rstrip("/"),
            api_key=_first(environ, "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"),
            project=_first(environ, "LANGSMITH_PROJECT", "LANGCHAIN_PROJECT") or "default",
            workspace_id=_first(environ, "LANGSMITH_WORKSPACE_ID", "LANGCHAIN_WORKSPACE_ID"),
            hide_inputs=truthy(_first(environ, "LANGSMITH_HIDE_INPUTS", "LANGCHAIN_HIDE_INPUTS")),
            hide_outputs=truthy(
                _first(environ, "LANGSMITH_HIDE_OUTPUTS", "LANGCHAIN_HIDE_OUTPUTS")
            ),
            sampling_rate=rate,
        )


def unsupported_settings(environ: Mapping[str, str] | None = None) -> list[str]:
    """The variables set in the environment that this sender does not implement."""
    return [name for name in UNSUPPORTED if (variable(environ, name) or "").strip()]


class LangSmithSender:
    """Posts batches of runs to LangSmith (see the module docstring).

    `settings`: default `SenderSettings.from_env()`. `transport`: for tests (an
    `httpx.MockTransport`). `sleep`: what waits between retries, `draw`: what draws
    the sampling decisions (both injected by tests)."""

    def __init__(
        self,
        settings: SenderSettings | None = None,
        *,
        timeout: float = 10.0,
        max_attempts: int = 4,
        max_retry_wait: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        draw: Callable[[], float] = random.random,
    ) -> None:
        if timeout <= 0 or max_attempts < 1 or max_retry_wait < 0:
            raise ValueError("timeout > 0, max_attempts >= 1 and max_retry_wait >= 0 are needed")
        self.settings = settings if settings is not None else SenderSettings.from_env()
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.max_retry_wait = max_retry_wait
        self._transport = transport
        self._sleep = sleep
        self._http: httpx.Client | None = None
        self._pid = os.getpid()
        #: The boundary of the bodies `prepare` writes (parts written apart, posted as one).
        self._boundary = uuid.uuid4().hex
        #: Per trace id, whether it is kept (`sampled`); only the sender's thread uses it.
        self._sampling: dict[uuid.UUID, bool] = {}
        self._draw = draw

    def __repr__(self) -> str:
        s = self.settings
        return f"LangSmithSender(endpoint={s.shown_endpoint!r}, project={s.project!r})"

    @property
    def project(self) -> str:
        return self.settings.project

    def sampled(self, trace_id: uuid.UUID) -> bool:
        """Whether the trace is kept (LANGSMITH_TRACING_SAMPLING_RATE): decided at random
        when a run of it is first seen, as the langsmith client decides per trace, and
        remembered for its other runs, so a trace is kept or dropped whole (the last
        `MAX_SAMPLED_TRACES` decisions are kept: a trace's runs end close together)."""
        rate = self.settings.sampling_rate
        if rate is None or rate >= 1.0:
            return True
        decisions = self._sampling
        kept = decisions.get(trace_id)
        if kept is None:
            kept = decisions[trace_id] = self._draw() < rate
            if len(decisions) > MAX_SAMPLED_TRACES:
                del decisions[next(iter(decisions))]
        return kept

    def send(self, runs: list[dict[str, Any]]) -> None:
        """Post `runs` (run dicts, not serialized yet) in one request; raises when the
        endpoint refused them after the retries (the batcher logs it with the count)."""
        runs = [r for r in runs if self.sampled(_trace_id(r))]
        if not runs:
            return
        boundary = uuid.uuid4().hex
        body = self.encode(runs, boundary)
        self._post(body, f"multipart/form-data; boundary={boundary}", len(runs))

    def prepare(self, runs: list[Any]) -> bytes:
        """The kept runs (`sampled`) as their multipart parts, without the body's closing
        line: written as soon as the runs end, posted later with others
        (`post_prepared`), so the runs' objects do not live on until the post. A run is
        a run dict or a tuple already written as JSON (`records.WireRun`)."""
        rate = self.settings.sampling_rate
        if rate is not None and rate < 1.0:
            runs = [r for r in runs if self.sampled(_trace_id(r))]
        return self._parts(runs, self._boundary) if runs else b""

    def post_prepared(self, pieces: list[bytes], count: int) -> None:
        """Post what `prepare` wrote for `count` runs, in one request (none if every run
        was sampled out); raises as `send` does."""
        if not any(pieces):
            return
        boundary = self._boundary
        # Sent piece by piece (not joined: a copy of the whole body, megabytes of fresh
        # memory); a list, so a retry sends it again.
        body = [*pieces, f"--{boundary}--\r\n".encode()]
        self._post(body, f"multipart/form-data; boundary={boundary}", count)

    def encode(self, runs: list[dict[str, Any]], boundary: str) -> bytes:
        """The multipart body: the parts the langsmith client writes for `create`."""
        return self._parts(runs, boundary) + f"--{boundary}--\r\n".encode()

    def _parts(self, runs: list[Any], boundary: str) -> bytes:
        s = self.settings
        hide_inputs, hide_outputs = s.hide_inputs, s.hide_outputs
        chunks: list[bytes] = []
        add = chunks.append
        runtime = _runtime_json()
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="post.'.encode()
        written = None  # the templates of a written run's parts, made at the first one
        for run in runs:
            if type(run) is tuple:  # written already: its parts in one template
                _, run_id, main, inputs, outputs, events, extra, error, serialized = run
                if written is None:
                    written = _written_templates(head)
                if hide_inputs:
                    inputs = b"{}"
                if hide_outputs:
                    outputs = b"{}"
                extra = _with_runtime(extra, runtime)
                values: tuple[Any, ...] = (
                    run_id, len(main), main, run_id, len(inputs), inputs,
                    run_id, len(outputs), outputs, run_id, len(events), events,
                    run_id, len(extra), extra,
                )  # fmt: skip
                if error is not None:
                    values += (run_id, len(error), error)
                if serialized is not None:
                    values += (run_id, len(serialized), serialized)
                add(written[error is not None, serialized is not None] % values)
                continue
            # Each part: `--boundary`, its name, type and length, the JSON (one format).
            opening = head + dumps(run["id"])[1:-1]  # the id's JSON string, unquoted
            main = {k: v for k, v in run.items() if k not in _BIG and v is not None}
            main.setdefault("session_name", s.project)  # a root without a project
            payload = dumps(main)
            add(_PART % (opening, b"", len(payload), payload))
            for key, suffix in _BIG_PARTS:
                value = run.get(key)
                if value is None:
                    continue
                if key == "serialized":
                    value = kept_serialized(run.get("run_type"), value)
                    if value is None:
                        continue
                if (key == "inputs" and hide_inputs) or (key == "outputs" and hide_outputs):
                    value = {}
                elif key == "extra":  # where the run came from, as the langsmith client adds
                    if type(value) is bytes:  # written already, without a runtime
                        payload = _with_runtime(value, runtime)
                    elif type(value) is dict and "runtime" not in value:
                        payload = _with_runtime(dumps(value), runtime)
                    else:
                        merged = {**_runtime(), **(value.get("runtime") or {})}
                        payload = dumps({**value, "runtime": merged})
                    add(_PART % (opening, suffix, len(payload), payload))
                    continue
                payload = dumps(value)
                add(_PART % (opening, suffix, len(payload), payload))
        return b"".join(chunks)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def _client(self) -> httpx.Client:
        if self._http is None or self._pid != os.getpid():  # a forked child: its own
            headers = {"Accept": "application/json", "User-Agent": "chatplex-tracing"}
            if self.settings.api_key:
                headers["x-api-key"] = self.settings.api_key
            if self.settings.workspace_id:
                headers["X-Tenant-Id"] = self.settings.workspace_id
            check_headers_sent(headers)  # a key with its file's newline: refused, unsent
            self._http = httpx.Client(
                headers=headers,
                timeout=self.timeout,
                transport=self._transport,
                verify=self._tls(),
            )
            self._pid = os.getpid()
        return self._http

    def _tls(self) -> Any:
        """No TLS context for a plain-http endpoint (loading the CA bundle costs ~20 ms of
        CPU); for https, what the calls' clients verify with (`configure_pool(verify=...)`
        applies here too)."""
        if not self.settings.endpoint.startswith("https://"):
            return False
        from ..http import pool_settings

        return pool_settings().verify

    def _post(self, body: bytes | list[bytes], content_type: str, count: int) -> None:
        url = f"{self.settings.endpoint}/runs/multipart"
        shown = f"{self.settings.shown_endpoint}/runs/multipart"  # (what the errors quote)
        headers = {"Content-Type": content_type}
        if type(body) is list:  # its length given: httpx sends it as it is, not chunked
            headers["Content-Length"] = str(sum(map(len, body)))
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self._client().post(url, content=body, headers=headers)
            except httpx.TransportError as exc:  # its text may name the URL, never the headers
                problem = redact_urls_in(f"{type(exc).__name__}: {exc}")
                wait = self._backoff(attempt)
            else:
                if response.status_code < 300:
                    return
                problem = f"HTTP {response.status_code}"
                if response.status_code not in RETRIED_STATUSES:
                    raise RuntimeError(f"LangSmith refused {count} runs at {shown}: {problem}")
                asked = retry_after_from(response.headers)  # seconds or an HTTP date
                # A wait of 0 (or a date past) is no hint: the backoff, as a model's retries.
                wait = asked if asked is not None and asked > 0 else self._backoff(attempt)
            if attempt == self.max_attempts:
                break
            logger.debug("LangSmith: %s, retrying in %.2f s", problem, wait)
            self._sleep(min(wait, self.max_retry_wait))
        raise RuntimeError(
            f"LangSmith did not take {count} runs at {shown} after "
            f"{self.max_attempts} attempts: {problem}"
        )

    @staticmethod
    def _backoff(attempt: int) -> float:
        return 0.5 * 2.0 ** (attempt - 1)


#: A run's part after its opening (`--boundary` and the run's `post.<id>`): the field's
#: suffix, the part's type and length, the JSON.
_PART = b'%s%s"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s\r\n'
_BIG_PARTS = tuple((key, f".{key}".encode()) for key in BIG_FIELDS)


@functools.lru_cache(maxsize=8)
def _written_templates(head: bytes) -> dict[tuple[bool, bool], bytes]:
    """A written run's (`records.WireRun`) parts as one bytes template each, keyed by
    whether it has an `error` part and a `serialized` part, `head` (`--boundary` and
    `post.`) filled in: a run is then one formatting of its id, lengths and JSON, not one
    per part and their join (~5 us less a traced chain of four runs). Made once per
    boundary (a sender keeps one)."""
    tail = _PART.split(b"%s", 2)[2]  # after the part's suffix: its type, length, JSON
    opening = head.replace(b"%", b"%%") + b"%s"  # (a boundary given to `encode` may hold %)
    parts = {suffix: opening + suffix + tail for suffix in _WRITTEN}
    return {
        (with_error, with_serialized): b"".join(
            part
            for suffix, part in parts.items()
            if (with_error or suffix != b".error") and (with_serialized or suffix != b".serialized")
        )
        for with_error in (False, True)
        for with_serialized in (False, True)
    }


def kept_serialized(run_type: str | None, serialized: Any) -> Any:
    """What the langsmith client keeps of a run's `serialized` (`Client._run_transform`):
    an llm's or a prompt's, without its `graph`; of any other run, nothing (None)."""
    if run_type not in SERIALIZED_RUN_TYPES:
        return None
    if isinstance(serialized, dict) and "graph" in serialized:
        return {k: v for k, v in serialized.items() if k != "graph"}
    return serialized


#: A written run's parts in their order (the run's own first).
_WRITTEN = (b"", b".inputs", b".outputs", b".events", b".extra", b".error", b".serialized")


def _with_runtime(extra_json: bytes, runtime_json: bytes) -> bytes:
    """`dumps({**extra, "runtime": runtime})` from `dumps(extra)` (a dict without a
    `runtime` key) and `dumps(runtime)`, without copying `extra` into a new dict."""
    if extra_json == b"{}":
        return b'{"runtime":' + runtime_json + b"}"
    return extra_json[:-1] + b',"runtime":' + runtime_json + b"}"


_RUNTIME_JSON: list[bytes] = []


def _runtime_json() -> bytes:
    if not _RUNTIME_JSON:
        _RUNTIME_JSON.append(dumps(_runtime()))
    return _RUNTIME_JSON[0]


_RUNTIME: dict[str, str] = {}


def _runtime() -> dict[str, str]:
    """`extra.runtime` of every run (computed once): chatplex, Python, the platform."""
    if not _RUNTIME:
        import platform

        from .. import version

        _RUNTIME.update(
            sdk="chatplex",
            sdk_version=version.__version__,
            library="chatplex",
            platform=platform.platform(),
            runtime="python",
            py_implementation=platform.python_implementation(),
            runtime_version=platform.python_version(),
        )
    return _RUNTIME


def _trace_id(run: Any) -> uuid.UUID:
    """A run's trace id: a run dict's (its own id for a root that names none), or a
    written run's (`records.WireRun`, first)."""
    if type(run) is tuple:
        return _as_uuid(run[0])
    return _as_uuid(run.get("trace_id") or run["id"])


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
