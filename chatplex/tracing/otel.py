"""chatplex runs as OpenTelemetry spans and metrics, per the GenAI semantic conventions.

`OTelTracer` is a callback handler; `instrument()` registers one as a process-wide tracer
(`chatplex.core.tracers`), so every call is traced without passing it. What it emits:

- a chat-model call: a CLIENT span `chat {model}` with `gen_ai.operation.name="chat"`,
  `gen_ai.provider.name`, `gen_ai.request.model`, `gen_ai.request.temperature` /
  `max_tokens` / `top_p` / `stop_sequences`, `server.address` / `server.port`, and from
  the reply `gen_ai.response.model`, `gen_ai.response.id`,
  `gen_ai.response.finish_reasons`, `gen_ai.usage.input_tokens` / `output_tokens`; a
  failure sets `error.type` and the span's status. The metrics
  `gen_ai.client.operation.duration` (s) and `gen_ai.client.token.usage` ({token}, per
  `gen_ai.token.type`) are recorded with the same attributes;
- retries and rate-limit waits of that call: span events `gen_ai.client.retry`
  (attempt, delay, error type) and `gen_ai.client.rate_limit_wait` (seconds waited);
- a chain, prompt, parser or lambda: an INTERNAL span named after the runnable, parent
  of the spans of its steps (`chatplex.run_type` tells which kind);
- a tool (LangChain's tools report themselves inside chatplex chains): an INTERNAL span
  `execute_tool {name}` with `gen_ai.operation.name="execute_tool"`, `gen_ai.tool.name`.

A root run's span is a child of the span current where the call was made, so chatplex
calls nest under the application's own spans. Message content (`gen_ai.input.messages`,
`gen_ai.output.messages`, `gen_ai.system_instructions`; shapes in `otel_content.py`) is
recorded only when `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`, the
convention's switch.
"""

from __future__ import annotations

import functools
import json
import os
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from .. import version
from ..core.tracers import Tracer
from ..specs import spec
from .otel_content import input_content
from .otel_content import output_message
from .otel_content import own_stop_word

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import Span
    from opentelemetry.trace import TracerProvider

__all__ = ["CAPTURE_CONTENT", "OTelTracer", "instrument", "uninstrument"]

#: The convention's opt-in for message content on spans.
CAPTURE_CONTENT = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"

#: Spans kept open at most: a stream its consumer stopped reading reports no end; its
#: span is dropped (never exported), oldest first, once this many are open.
MAX_OPEN_SPANS = 10_000

#: Bucket boundaries the conventions advise for the two histograms.
_TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304]
_DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48]

#: A call's settings that are span attributes when set.
_REQUEST_PARAMS = (
    ("temperature", "gen_ai.request.temperature"),
    ("max_tokens", "gen_ai.request.max_tokens"),
    ("top_p", "gen_ai.request.top_p"),
)


class _Open:
    """A span in flight, and what its metrics need at the end."""

    __slots__ = ("metric_attributes", "span", "started")

    def __init__(self, span: Span, metric_attributes: Mapping[str, Any] | None) -> None:
        self.span = span
        self.started = time.perf_counter()
        self.metric_attributes = metric_attributes


class OTelTracer(Tracer):
    """Spans and metrics for the runs it hears about (see the module docstring).

    `tracer_provider` / `meter_provider`: default the global ones. `capture_content`:
    default the `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` variable."""

    covered_by = None  # LangChain emits no OpenTelemetry: trace inside it too

    def __init__(
        self,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
        capture_content: bool | None = None,
    ) -> None:
        try:
            from opentelemetry import metrics
            from opentelemetry import trace
        except ImportError as exc:  # the extra names itself, as the others do
            raise ImportError(
                "chatplex.otel needs opentelemetry-api: pip install 'chatplex[otel]'"
            ) from exc

        self._trace = trace
        self._tracer = trace.get_tracer("chatplex", version.__version__, tracer_provider)
        meter = metrics.get_meter("chatplex", version.__version__, meter_provider)
        self._tokens = meter.create_histogram(
            "gen_ai.client.token.usage",
            unit="{token}",
            description="Number of input and output tokens used",
            explicit_bucket_boundaries_advisory=_TOKEN_BUCKETS,
        )
        self._duration = meter.create_histogram(
            "gen_ai.client.operation.duration",
            unit="s",
            description="GenAI operation duration",
            explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
        )
        if capture_content is None:
            capture_content = os.environ.get(CAPTURE_CONTENT, "").strip().lower() == "true"
        self.capture_content = capture_content
        self._open: dict[UUID, _Open] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"OTelTracer(capture_content={self.capture_content!r})"

    # ---- spans ---------------------------------------------------------------------------

    def _begin(
        self,
        run_id: UUID,
        parent_run_id: UUID | None,
        name: str,
        client: bool,
        attributes: Mapping[str, Any],
        metric_attributes: Mapping[str, Any] | None = None,
    ) -> None:
        trace = self._trace
        parent = self._open.get(parent_run_id) if parent_run_id is not None else None
        context = trace.set_span_in_context(parent.span) if parent is not None else None
        kind = trace.SpanKind.CLIENT if client else trace.SpanKind.INTERNAL
        span = self._tracer.start_span(name, context=context, kind=kind, attributes=attributes)
        with self._lock:
            self._open[run_id] = _Open(span, metric_attributes)
            if len(self._open) > MAX_OPEN_SPANS:  # never ended (an abandoned stream)
                self._open.pop(next(iter(self._open)))

    def _finish(self, run_id: UUID, error: BaseException | None = None) -> _Open | None:
        with self._lock:
            run = self._open.pop(run_id, None)
        if run is None:
            return None
        if error is not None:
            error_type = _error_type(error)
            run.span.set_attribute("error.type", error_type)
            run.span.record_exception(error)
            run.span.set_status(self._trace.Status(self._trace.StatusCode.ERROR, str(error)[:200]))
            if run.metric_attributes is not None:  # (shared by a model's calls: copied)
                run.metric_attributes = {**run.metric_attributes, "error.type": error_type}
        return run

    def _record_duration(self, run: _Open) -> None:
        if run.metric_attributes is not None:
            self._duration.record(time.perf_counter() - run.started, run.metric_attributes)

    # ---- chains ----------------------------------------------------------------------------

    def on_chain_start(self, serialized: dict[str, Any] | None, inputs: Any, **told: Any) -> None:
        name = told.get("name") or (serialized or {}).get("name") or "Runnable"
        attributes = {"chatplex.run_type": told.get("run_type") or "chain"}
        self._begin(told["run_id"], told.get("parent_run_id"), name, False, attributes)

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **_: Any) -> None:
        run = self._finish(run_id)
        if run is not None:
            run.span.end()

    def on_chain_error(self, error: BaseException, *, run_id: UUID, **_: Any) -> None:
        run = self._finish(run_id, error)
        if run is not None:
            run.span.end()

    # ---- chat models -------------------------------------------------------------------

    def on_chat_model_start(
        self, serialized: dict[str, Any] | None, messages: list[list[Any]], **told: Any
    ) -> None:
        params = told.get("invocation_params") or {}
        model = params.get("model") or ""
        provider = str(params.get("provider") or "")
        base_url = ((serialized or {}).get("kwargs") or {}).get("base_url")
        if not isinstance(base_url, str):
            base_url = None
        # A model's calls share these: worked out once per settings, not per call.
        constants = _chat_constants if isinstance(model, str) else _chat_constants.__wrapped__
        name, common = constants(provider, model, base_url)
        own: dict[str, Any] = {}  # this call's own
        for key, attribute in _REQUEST_PARAMS:
            if params.get(key) is not None:
                own[attribute] = params[key]
        stop = params.get("stop")
        if stop:
            own["gen_ai.request.stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
        if self.capture_content and messages:
            system, history = input_content(messages[0], provider)
            if system:
                own["gen_ai.system_instructions"] = json.dumps(system, default=str)
            own["gen_ai.input.messages"] = json.dumps(history, default=str)
        attributes = {**common, **own} if own else common
        run_id, parent_run_id = told["run_id"], told.get("parent_run_id")
        self._begin(run_id, parent_run_id, name, True, attributes, common)

    def on_llm_end(self, response: Any, *, run_id: UUID, **_: Any) -> None:
        run = self._finish(run_id)
        if run is None:
            return
        span = run.span
        generations = [g for row in getattr(response, "generations", None) or () for g in row]
        message = getattr(generations[0], "message", None) if generations else None
        meta = getattr(message, "response_metadata", None) or {}
        # The reply's attributes go to the span at once: one SDK call, not one each.
        ended: dict[str, Any] = {}
        model = meta.get("model_name") or meta.get("model")
        if model:
            ended["gen_ai.response.model"] = model
            if run.metric_attributes is not None:  # (shared by a model's calls: copied)
                run.metric_attributes = {**run.metric_attributes, "gen_ai.response.model": model}
        response_id = meta.get("id") or _reply_id(message)
        if response_id:
            ended["gen_ai.response.id"] = str(response_id)
        reasons = [str(r) for r in map(_finish_reason, generations) if r is not None]
        if reasons:
            ended["gen_ai.response.finish_reasons"] = reasons
        usage = getattr(message, "usage_metadata", None) or {}
        self._record_duration(run)
        metric_attributes = run.metric_attributes
        for key, kind in (("input_tokens", "input"), ("output_tokens", "output")):
            if usage.get(key) is None:
                continue
            ended[f"gen_ai.usage.{key}"] = usage[key]
            if metric_attributes is not None:
                self._tokens.record(usage[key], {**metric_attributes, "gen_ai.token.type": kind})
        if self.capture_content and message is not None:
            ended["gen_ai.output.messages"] = json.dumps([output_message(message)], default=str)
        if ended:
            span.set_attributes(ended)
        span.end()

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **_: Any) -> None:
        run = self._finish(run_id, error)
        if run is not None:
            self._record_duration(run)
            run.span.end()

    # ---- what happened inside a call (http retries, rate-limit waits) --------------------

    def on_retry(self, retry_state: Any, *, run_id: UUID, **_: Any) -> None:
        run = self._open.get(run_id)
        if run is None:
            return
        outcome = getattr(retry_state, "outcome", None)
        error = outcome.exception() if outcome is not None and outcome.failed else None
        action = getattr(retry_state, "next_action", None)
        attributes: dict[str, Any] = {"gen_ai.client.attempt": retry_state.attempt_number}
        if action is not None:
            attributes["gen_ai.client.retry_delay"] = float(action.sleep)
        if error is not None:
            attributes["error.type"] = _error_type(error)
        run.span.add_event("gen_ai.client.retry", attributes)

    def on_rate_limit_wait(self, seconds: float, *, run_id: UUID, **_: Any) -> None:
        run = self._open.get(run_id)
        if run is not None:
            run.span.add_event("gen_ai.client.rate_limit_wait", {"gen_ai.client.wait": seconds})

    # ---- tools -------------------------------------------------------------------------

    def on_tool_start(self, serialized: dict[str, Any] | None, input_str: str, **told: Any) -> None:
        tool = told.get("name") or (serialized or {}).get("name") or "tool"
        attributes = {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": tool}
        run_id, parent_run_id = told["run_id"], told.get("parent_run_id")
        self._begin(run_id, parent_run_id, f"execute_tool {tool}", False, attributes)

    def on_tool_end(self, output: Any, *, run_id: UUID, **_: Any) -> None:
        self.on_chain_end(output, run_id=run_id)

    def on_tool_error(self, error: BaseException, *, run_id: UUID, **_: Any) -> None:
        self.on_chain_error(error, run_id=run_id)


def _error_type(error: BaseException) -> str:
    """`error.type`: the class name (chatplex's own, not an SDK class it was widened to)."""
    cls = type(error)
    for base in cls.__mro__:
        if base.__module__.startswith("chatplex"):
            return base.__name__
    return cls.__qualname__


_INSTRUMENTED: list[OTelTracer] = []


def instrument(
    tracer_provider: TracerProvider | None = None,
    meter_provider: MeterProvider | None = None,
    capture_content: bool | None = None,
) -> OTelTracer:
    """Trace every chatplex call with OpenTelemetry (see the module docstring); calling it
    again replaces the previous instrumentation. Returns the tracer."""
    from ..core.tracers import add_tracer

    uninstrument()
    tracer = OTelTracer(tracer_provider, meter_provider, capture_content)
    _INSTRUMENTED.append(tracer)
    add_tracer(tracer)
    return tracer


def uninstrument() -> None:
    """Stop tracing chatplex calls with OpenTelemetry."""
    from ..core.tracers import remove_tracer

    while _INSTRUMENTED:
        remove_tracer(_INSTRUMENTED.pop())


@functools.lru_cache(maxsize=256)
def _chat_constants(
    provider: str, model: Any, base_url: str | None
) -> tuple[str, Mapping[str, Any]]:
    """A chat span's name and the attributes it shares with the call's metrics, the same
    for every call of a model with these settings (shared by them: read-only)."""
    common: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": _otel_name(provider),
        "gen_ai.request.model": model,
    }
    if base_url is not None:
        parts = urlsplit(base_url)
        if parts.hostname:
            common["server.address"] = parts.hostname
            common["server.port"] = parts.port or (443 if parts.scheme == "https" else 80)
    return f"chat {model}".strip(), common


def _otel_name(provider: str) -> str:
    """The conventions' well-known `gen_ai.provider.name` the provider's spec declares,
    else chatplex's provider name."""
    declared = spec(provider)
    return (declared and declared.otel_name) or provider


def _finish_reason(generation: Any) -> Any:
    """A generation's finish reason: its generation_info's, else (an Anthropic stream,
    whose merged chunk has no generation_info; a reply whose generation_info is the
    reply's own fields) its message's: the provider's word chatplex keeps
    (`raw_finish_reason`), else the one under a partner class's own key (a drop-in's
    reply carries only those: `ProviderSpec.stop_word_key`)."""
    reason = (getattr(generation, "generation_info", None) or {}).get("finish_reason")
    if reason is None:
        meta = getattr(getattr(generation, "message", None), "response_metadata", None) or {}
        reason = meta.get("raw_finish_reason") or own_stop_word(meta)
    return reason


def _reply_id(message: Any) -> str | None:
    """The provider's id of a reply whose metadata does not repeat it (a merged stream's
    message keeps it as its own `id`, as LangChain's do), not an id LangChain's run
    or chatplex gave a message that had none (`run-...`, `lc_run-...`)."""
    found = getattr(message, "id", None)
    if isinstance(found, str) and found and not found.startswith(("run-", "lc_", "lc-")):
        return found
    return None
