"""A local mock server speaking the LLM providers' wire APIs (Chat Completions, Messages, ...).

Stdlib only (asyncio streams and a minimal hand-written HTTP/1.1), bound to 127.0.0.1
only. It answers deterministically from the request, streams SSE exactly in each
provider's shape, and injects faults on demand, so demos, end-to-end tests, the
reliability suite and the benchmark all run over real HTTP with no API key.

Routes (each wire is a ``MockWire`` value listed in ``_mock_routes.WIRES``; the first whose
path matches answers, the query string ignored):

- ``POST /v1/messages``: Anthropic Messages.
- Azure OpenAI: ``POST /openai/deployments/{deployment}/chat/completions?api-version=...``
  (the model is the deployment when the body names none) and ``.../responses``, under any
  prefix, and Azure's ``/openai/v1/`` API mounted at ``azure_endpoint`` (``url + "/azure"``),
  with the Responses API at ``/azure/openai/responses?api-version=...`` as well.
  A request needs ``api-key`` or ``Authorization: Bearer`` (else Azure's 401 body).
  Replies carry ``prompt_filter_results`` and per-choice ``content_filter_results``.
- ``POST`` to any path ending in ``/chat/completions``: OpenAI Chat Completions and its
  compatible providers (``/v1/...``, Groq's ``/openai/v1/...``, OpenRouter's
  ``/api/v1/...``, Perplexity's ``/chat/completions``).
- ``POST`` to any path ending in ``/responses`` (``/v1/responses``): the OpenAI Responses
  API, a ``response`` object or its typed SSE events (``response.created`` ...
  ``response.completed``).
- The Batch APIs (``/v1/files``, ``/v1/batches`` with ``/v1/chat/completions`` or
  ``/v1/responses`` rows; ``/v1/messages/batches``) and ``GET /health``.

Every response carries the wire's request-id header (``x-request-id``; Anthropic's
``request-id``) and echoes the request's ``x-request-key``. Planning is shared: each wire
reads its request as a Chat Completions view, so the replies, tool calls, schemas,
scripts and faults below behave the same on every wire.

Replies: ``"Echo: <last user message text>"`` unless overridden (precedence: header
``x-mock-reply`` > server ``reply(body)`` > server ``reply_text``). A tool call is
returned instead when the request has tools, the last message is a user turn (not a
tool result), and the user text contains the word "tool" or ``x-mock-tool-call: <name>``
is sent (the named tool if the request has it, else the first), or ``tool_choice``
forces a call (a named tool, OpenAI ``"required"``, Anthropic ``{"type": "any"}``).
Arguments hold one example value per *required* property ("x", 1, 1.5, true, enums'
first value, ...).

Structured output: a request with OpenAI's ``response_format`` of type ``json_schema``
(or Anthropic's ``output_config.format`` of type ``json_schema``, as the SDK sends it; the
structured-outputs beta's top-level ``output_format`` too) is answered with a JSON object
that fits the schema, built like tool arguments, unless a reply text is set.
OpenAI's ``n`` gives that many (identical) choices in a non-stream reply.

Scripted mode (``MockServer(script=MockScript(...))``, CLI ``--script rules.json``): rules
on the request -- tools offered, ``tool_choice``, the last user text, a response schema --
choose the reply, so code that depends on what the model answers (agent loops, structured
output, forced tool calls) runs offline. See `chatplex.testing.script`.

Per-request control headers::

    x-mock-reply: <text>          reply text (UTF-8 allowed)
    x-mock-chunks: N              exactly N content deltas (text words repeated to fill)
    x-mock-tool-call: <name>      force a tool call (see above)
    x-mock-latency: SECONDS       delay before the response head
    x-mock-chunk-delay: SECONDS   delay between stream events
    x-mock-fault: SPEC            inject a fault (a server `fault_plan` is consulted
                                  only when this header is absent)

Fault spec grammar: ``name[=value](;key=value)*``, for example ``status=429;retry_after=1``.

==========================  =============================================================
``status=CODE``             error in the provider's shape (400..599); ``type=``,
                            ``code=``, ``message=`` override the body fields
``reset``                   connection reset (RST) after the request, before any response
``stall=SECONDS``           wait, then answer normally (outlasts client read timeouts)
``html_error[=CODE]``       an nginx-style text/html page (default 502)
``error_payload_200``       status 200 whose JSON body is a provider error payload
``midstream_close``         stream ``after`` deltas, then close without the terminal event
                            or chunked terminator (non-stream: half the promised body)
``truncated_sse``           stream ``after`` deltas, end the body cleanly, no [DONE] /
                            message_stop (non-stream: JSON cut in half, honest length)
``stream_error_event``      stream ``after`` deltas, then ``event: error`` (Anthropic
                            overloaded_error; OpenAI-compatible Groq style; the
                            Responses API's ``error`` then ``response.failed``) and end
``malformed_json``          non-stream: 200 with broken JSON; stream: the next event's
                            JSON cut in half, then end
``content_filter``          a content-filter refusal: non-stream, a 400 with code
                            ``content_filter`` (on Azure its body, with
                            ``innererror.content_filter_result``); stream, the reply ends
                            with ``finish_reason: "content_filter"`` (Responses:
                            ``response.incomplete``, reason ``content_filter``)
==========================  =============================================================

Parameters valid on every fault: ``retry_after=SECONDS`` (``retry-after``, may be
fractional), ``retry_after_date=SECONDS`` (``retry-after`` as an HTTP-date that far
ahead), ``retry_after_ms=MS`` (``retry-after-ms``), ``should_retry=true|false``
(``x-should-retry``); ``after=K`` (default 1) counts *content deltas* (text or
tool-argument fragments) — every event before the (K+1)-th delta is sent, and K beyond
the last delta keeps everything but the terminal event. Bad specs get a 400 that says why.

Sporadic faults and bursts: ``fault_plan=FaultMix({"status=429;retry_after=0.05": 0.1,
"status=503": 0.1}, seed=0, first_attempts_only=True)`` faults a seeded tenth of first
attempts with each (decided by hashing the messages, so every client sending the same
prompts meets the same faults); ``FaultMix({"status=529": 0.5}, start=3, duration=5)``
is an overload burst 3 s after the first request, lasting 5 s.

Example::

    with MockServer(latency=0.01) as srv:
        r = httpx.post(srv.openai_base_url + "/chat/completions",
                       json={"model": "m", "messages": [{"role": "user", "content": "hi"}]})
        r.json()["choices"][0]["message"]["content"]   # 'Echo: hi'

CLI (for benchmarks that measure the client in another process)::

    python -m chatplex.testing.mock_server --port 8765 --latency 0.02 --chunks 200
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ._mock_core import MockCore
from ._mock_faults import FaultMix
from ._mock_types import LOOPBACK
from ._mock_types import MockRequest
from ._mock_types import MockSettings
from ._mock_types import MockStats
from .script import MockScript

__all__ = ["FaultMix", "MockRequest", "MockServer", "MockSettings", "MockStats", "main"]

logger = logging.getLogger("chatplex.testing.mock_server")


class MockServer:
    """The mock server, running on its own event loop in a background thread.

    Settings (``reply_text``, ``reply``, ``chunks``, ``latency``, ``chunk_delay``,
    ``fault_plan``, ``rate_limit_rps``, ``rate_limit_burst``, ``script``,
    ``usage_details``, ``stop_at_limit``, ``raw_reply``) live in ``self.settings``
    and are read per request, so a test may change them while the server runs.
    ``fault_plan`` and ``reply`` run on the server thread: keep them quick.

    With ``rate_limit_rps`` set, each API path has a token bucket (capacity
    ``rate_limit_burst``, default ``max(1, rps)``); requests over it get a 429 in the
    provider's shape with fractional ``retry-after`` and ``retry-after-ms``. That limit
    is not announced unless ``rate_limit_announce=True``: then every response of that
    path (429s too) carries the provider's rate-limit headers -- OpenAI's
    ``x-ratelimit-limit-requests`` (``rps * 60``, per minute),
    ``x-ratelimit-remaining-requests`` (whole requests left in the bucket) and
    ``x-ratelimit-reset-requests`` (``NNNms`` until it is full), or Anthropic's
    ``anthropic-ratelimit-requests-limit`` / ``-remaining`` / ``-reset`` (an RFC 3339
    time) -- as a real provider does. With ``rate_limit_window`` (seconds) the limit is a
    strict sliding window instead, ``rps * window`` requests in any ``window`` s, whose
    429s carry ``retry-after: 1`` and nothing else (never announced).

    ``stats`` (a `MockStats` snapshot) counts ``requests``, ``connections``,
    ``by_path``, ``by_status``, ``faults`` (by name; ``faults_total``),
    ``too_many_requests`` (every 429), ``rate_limit_accepted`` / ``rate_limit_rejected``
    and ``attempts`` per ``x-request-key``. Counters are updated before the response
    is written, so a client that has its response can already see it counted.

    Args:
        host: the loopback address (the only one it binds).
        port: the port; 0 picks a free one (read `url` or `openai_base_url`).
        reply_text: the reply's text (default: "Echo: <last user text>").
        reply: request body -> reply text, instead of `reply_text`.
        chunks: exactly this many content deltas in a stream.
        latency: seconds before each response head.
        chunk_delay: seconds between stream events.
        fault_plan: request -> a fault spec (or None), for requests without an
            `x-mock-fault` header (`FaultMix` makes seeded sporadic faults).
        rate_limit_rps: requests per second per path, over which it answers 429.
        rate_limit_burst: the token bucket's capacity (default `max(1, rps)`).
        script: rules choosing replies from the request (`MockScript`).
        rate_limit_announce: send the provider's rate-limit headers.
        rate_limit_window: a strict sliding window of this many seconds instead.
        usage_details: the usage details every reply reports, ``{"cached": N}`` input
            tokens read from the prompt cache and ``{"reasoning": N}`` output tokens
            (each wire's own fields: OpenAI's token details, Anthropic's
            ``cache_read_input_tokens``, Gemini's ``cachedContentTokenCount`` /
            ``thoughtsTokenCount``, Converse's ``cacheReadInputTokens``).
        stop_at_limit: every reply stops as cut at the output-token limit (each wire's
            length finish reason: "length", "max_tokens", "MAX_TOKENS").

    Raises:
        ValueError: a host other than the loopback address.

    Examples:
        >>> from chatplex import init_chat_model
        >>> with MockServer(reply_text="hello world") as srv:
        ...     srv.openai_base_url.startswith("http://127.0.0.1:")
        ...     model = init_chat_model(
        ...         "openai:gpt-4o-mini", base_url=srv.openai_base_url, api_key="sk-test"
        ...     )
        ...     model.invoke("hi").text
        ...     srv.stats.requests
        True
        'hello world'
        1
    """

    def __init__(
        self,
        host: str = LOOPBACK,
        port: int = 0,
        *,
        reply_text: str | None = None,
        reply: Callable[[dict[str, Any]], str] | None = None,
        chunks: int | None = None,
        latency: float = 0.0,
        chunk_delay: float = 0.0,
        fault_plan: Callable[[MockRequest], str | None] | None = None,
        rate_limit_rps: float | None = None,
        rate_limit_burst: float | None = None,
        script: MockScript | None = None,
        rate_limit_announce: bool = False,
        rate_limit_window: float | None = None,
        usage_details: Mapping[str, int] | None = None,
        stop_at_limit: bool = False,
    ) -> None:
        if host != LOOPBACK:
            raise ValueError(f"MockServer only binds {LOOPBACK}, not {host!r}")
        self.settings = MockSettings(
            reply_text=reply_text,
            reply=reply,
            chunks=chunks,
            latency=latency,
            chunk_delay=chunk_delay,
            fault_plan=fault_plan,
            rate_limit_rps=rate_limit_rps,
            rate_limit_burst=rate_limit_burst,
            script=script,
            rate_limit_announce=rate_limit_announce,
            rate_limit_window=rate_limit_window,
            usage_details=usage_details,
            stop_at_limit=stop_at_limit,
        )
        self._core = MockCore(self.settings)
        self._requested_port = port
        self._port: int | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._startup_error: BaseException | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> MockServer:
        """Start serving in a background thread; return once the port is listening."""
        with self._lock:
            if self._thread is not None:
                raise RuntimeError("this MockServer was already started")
            ready = threading.Event()
            self._thread = threading.Thread(
                target=self._run, args=(ready,), name="chatplex-mock-server", daemon=True
            )
            self._thread.start()
        ready.wait()
        if self._startup_error is not None:
            self._thread.join()
            raise self._startup_error
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Close the listener and every connection, then join the thread. Idempotent."""
        thread, loop, event = self._thread, self._loop, self._stop_event
        if thread is None or not thread.is_alive():
            return
        if loop is not None and event is not None:
            with contextlib.suppress(RuntimeError):  # the loop may have just finished
                loop.call_soon_threadsafe(event.set)
        thread.join(timeout)

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self, ready: threading.Event) -> None:
        try:
            asyncio.run(self._main(ready))
        except BaseException as exc:  # reported to start() if it happened during startup
            if ready.is_set():
                logger.exception("mock server thread crashed")
            else:
                self._startup_error = exc
        finally:
            ready.set()

    async def _main(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        self._port = await self._core.listen(LOOPBACK, self._requested_port)
        ready.set()
        try:
            await self._stop_event.wait()
        finally:
            await self._core.close()

    # ------------------------------------------------------------------ addresses & stats

    @property
    def host(self) -> str:
        """Always ``127.0.0.1``."""
        return LOOPBACK

    @property
    def port(self) -> int:
        """The bound port (known once started)."""
        if self._port is None:
            raise RuntimeError("MockServer is not started")
        return self._port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def openai_base_url(self) -> str:
        """Base URL for OpenAI clients: ``url + "/v1"``."""
        return self.url + "/v1"

    @property
    def anthropic_base_url(self) -> str:
        """Base URL for Anthropic clients (they append ``/v1/messages``)."""
        return self.url

    @property
    def azure_endpoint(self) -> str:
        """Endpoint for Azure OpenAI clients (``AzureOpenAI(azure_endpoint=...)``,
        ``AzureChatOpenAI``): deployment paths, and Azure's ``/openai/v1/`` API under it."""
        return self.url + "/azure"

    @property
    def stats(self) -> MockStats:
        """A consistent snapshot of the counters; safe to read from any thread."""
        return self._core.stats.snapshot()

    def reset_stats(self) -> None:
        """Zero every counter, including the per-``x-request-key`` attempt counts."""
        self._core.stats.reset()

    def __repr__(self) -> str:
        where = self.url if self._port is not None else "not started"
        return f"MockServer({where})"


# ---------------------------------------------------------------------- CLI


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m chatplex.testing.mock_server",
        description="Serve the OpenAI and Anthropic wire APIs on 127.0.0.1 until SIGINT/SIGTERM.",
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each head")
    parser.add_argument("--chunk-delay", type=float, default=0.0, help="seconds between events")
    parser.add_argument("--chunks", type=int, default=None, help="exact content deltas/stream")
    parser.add_argument("--reply-text", default=None, help="fixed reply instead of the echo")
    parser.add_argument("--rate-limit-rps", type=float, default=None)
    parser.add_argument("--rate-limit-burst", type=float, default=None)
    parser.add_argument("--script", default=None, help="scripted mode: a JSON rules file")
    parser.add_argument(
        "--rate-limit-announce",
        action="store_true",
        help="send the provider's rate-limit headers (limit, remaining, reset)",
    )
    return parser


async def _serve_until_signalled(port: int, settings: MockSettings) -> None:
    core = MockCore(settings)
    bound = await core.listen(LOOPBACK, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # e.g. on Windows
            loop.add_signal_handler(signum, stop.set)
    print(f"listening on http://{LOOPBACK}:{bound}", flush=True)
    try:
        await stop.wait()
    finally:
        await core.close()
        stats = core.stats.snapshot()
        summary = f"served {stats.requests} requests on {stats.connections} connections"
        print(summary, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    args = _parser().parse_args(argv)
    try:
        settings = MockSettings(
            reply_text=args.reply_text,
            chunks=args.chunks,
            latency=args.latency,
            chunk_delay=args.chunk_delay,
            rate_limit_rps=args.rate_limit_rps,
            rate_limit_burst=args.rate_limit_burst,
            script=MockScript.load(args.script) if args.script else None,
            rate_limit_announce=args.rate_limit_announce,
        )
        asyncio.run(_serve_until_signalled(args.port, settings))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the port is taken
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
