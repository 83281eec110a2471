"""`ChatMock`: OpenAI and Anthropic mocked with respx, replies scripted, requests recorded.

Used through the pytest fixtures `chat_mock`, `mock_openai` and `mock_anthropic`, or as a
context manager anywhere else. Every POST to a path ending in `/chat/completions` goes to
`.openai` and every POST to `/v1/messages` to `.anthropic`, whatever the host (so
OpenAI-compatible servers and proxies are mocked too), except loopback hosts, which pass
through to the embedded `MockServer` or a local server. Anything else is respx's
"not mocked" error. A loopback request that passes through while replies are queued for
its provider (`OPENAI_BASE_URL` left pointing at a local server, say) is most likely a
test that meant to be mocked: it warns once (`LoopbackPassThroughWarning`), naming the URL.

>>> with ChatMock() as mock:                                           # doctest: +SKIP
...     mock.openai.reply_text("Hi there!").reply_rate_limited(retry_after=2)
...     model = init_chat_model("openai:gpt-4o-mini", api_key="sk-test")
...     model.invoke("hello").text
...     mock.openai.last_messages
'Hi there!'
[{'role': 'user', 'content': 'hello'}]

Replies are queued in order; once one is left it answers every later request (so a
single `reply_text(...)` serves a whole batch). A request with an empty queue fails
with an error that says how to queue a reply. Streaming requests get real SSE: a text
reply streams word by word, `reply_stream([...])` streams exactly the given pieces.
"""

from __future__ import annotations

import json
import threading
import warnings
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

import httpx

try:
    import respx
except ImportError as exc:  # pragma: no cover - the extra is installed in the tests
    raise ImportError("ChatMock needs respx: pip install 'chatplex[testing]'") from exc

from ._guard import is_loopback
from ._guard import shown_url
from ._mock_replies import ANTHROPIC
from ._mock_replies import OPENAI
from ._scripted import Scripted
from ._scripted import render

if TYPE_CHECKING:
    from typing import Self

__all__ = ["ChatMock", "LoopbackPassThroughWarning", "NoReplyQueuedError", "ProviderMock"]

# Body fields that are the conversation or the protocol, not settings.
_NOT_SETTINGS = frozenset({"messages", "system", "tools", "stream", "stream_options"})


class NoReplyQueuedError(AssertionError):
    """A mocked provider got a request before any reply was queued for it."""


class LoopbackPassThroughWarning(UserWarning):
    """A request to a loopback host went past the mock while replies were queued for its
    provider: it reached a local server, not the scripted replies."""


class ProviderMock:
    """The scripted side of one provider: queue replies, then inspect what was sent.

    Every `reply_*` method returns the mock, so calls chain.
    """

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self._lock = threading.Lock()
        self._queue: list[Scripted] = []
        self._requests: list[httpx.Request] = []
        self._bodies: list[dict[str, Any]] = []
        self._ids = 0

    def __repr__(self) -> str:
        return (
            f"ProviderMock({self.provider!r}, queued={len(self._queue)}, calls={self.call_count})"
        )

    # ---- scripting ----------------------------------------------------------------------

    def queue(self, reply: Scripted) -> Self:
        """Queue a prepared `Scripted` reply (what the `reply_*` helpers build)."""
        with self._lock:
            self._queue.append(reply)
        return self

    def reply_text(
        self,
        text: str,
        *,
        model: str | None = None,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
    ) -> Self:
        """Answer with `text` (streamed word by word when the request streams)."""
        return self.queue(
            Scripted(text=text, model=model, input_tokens=input_tokens, output_tokens=output_tokens)
        )

    def reply_stream(self, chunks: Sequence[str], *, model: str | None = None) -> Self:
        """Stream exactly these content deltas (a non-stream request gets them joined)."""
        return self.queue(Scripted(pieces=tuple(chunks), model=model))

    def reply_tool_call(
        self, name: str, args: Mapping[str, Any] | None = None, *, model: str | None = None
    ) -> Self:
        """Answer with one call of tool `name` with `args` (streamed as argument fragments)."""
        return self.queue(Scripted(tool=(name, dict(args or {})), model=model))

    def reply_usage(self, input_tokens: int, output_tokens: int, *, text: str = "ok") -> Self:
        """Answer with `text`, reporting exactly this token usage."""
        return self.reply_text(text, input_tokens=input_tokens, output_tokens=output_tokens)

    def reply_error(
        self,
        status: int,
        *,
        type: str | None = None,
        message: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Self:
        """Answer with an error in the provider's shape (type/message default per status).

        Args:
            status: the HTTP status, 400..599.
            type: the provider's error type (default: the provider's word for `status`).
            message: the error message.
            code: the provider's error code.
            headers: headers to send with the error.

        Returns:
            This mock, to queue more replies.

        Raises:
            ValueError: a status outside 400..599.

        Examples:
            >>> from chatplex import init_chat_model
            >>> from chatplex.errors import OverloadedError
            >>> from chatplex.testing import ChatMock
            >>> with ChatMock() as mock:
            ...     _ = mock.anthropic.reply_error(529)  # overloaded_error
            ...     model = init_chat_model(
            ...         "anthropic:claude-3-5-haiku-latest", api_key="sk-ant-test", max_retries=0
            ...     )
            ...     try:
            ...         model.invoke("hi")
            ...     except OverloadedError as err:
            ...         print(err.status, err.error_type, err.retryable)
            529 overloaded_error True
        """
        if not 400 <= status <= 599:
            raise ValueError(f"an error status is 400..599, got {status}")
        extra = tuple((headers or {}).items())
        return self.queue(
            Scripted(status=status, error_type=type, message=message, code=code, headers=extra)
        )

    def reply_rate_limited(self, retry_after: float = 1.0, *, message: str | None = None) -> Self:
        """Answer 429 with a `retry-after` header (seconds; fractions allowed)."""
        seconds = f"{retry_after:g}"
        return self.reply_error(429, message=message, headers={"retry-after": seconds})

    def reset(self) -> None:
        """Forget queued replies and recorded requests."""
        with self._lock:
            self._queue.clear()
            self._requests.clear()
            self._bodies.clear()

    # ---- what was sent ------------------------------------------------------------------

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The JSON bodies received, in order."""
        with self._lock:
            return list(self._bodies)

    @property
    def http_requests(self) -> list[httpx.Request]:
        """The raw `httpx.Request`s received (URL, headers), in order."""
        with self._lock:
            return list(self._requests)

    @property
    def call_count(self) -> int:
        return len(self._bodies)

    @property
    def last_request(self) -> dict[str, Any]:
        """The JSON body of the latest request."""
        with self._lock:
            if not self._bodies:
                raise AssertionError(f"{self.provider} mock received no request")
            return self._bodies[-1]

    @property
    def last_messages(self) -> list[dict[str, Any]]:
        """`messages` of the latest request, in the provider's wire shape."""
        return list(self.last_request.get("messages") or [])

    @property
    def last_system(self) -> Any:
        """The system prompt as sent: Anthropic's `system`, or OpenAI's system messages."""
        body = self.last_request
        if self.provider == ANTHROPIC:
            return body.get("system")
        found = [
            m.get("content")
            for m in body.get("messages") or []
            if m.get("role") in ("system", "developer")
        ]
        return found[0] if len(found) == 1 else found or None

    @property
    def last_tools(self) -> list[dict[str, Any]]:
        """`tools` of the latest request, in the provider's wire shape."""
        return list(self.last_request.get("tools") or [])

    @property
    def last_tool_names(self) -> list[str]:
        """The names of the tools offered in the latest request."""
        return [str((t.get("function") or t).get("name")) for t in self.last_tools]

    @property
    def last_settings(self) -> dict[str, Any]:
        """Every body field of the latest request that is a setting (model, temperature,
        max_tokens, top_p, stop/stop_sequences, tool_choice, provider extras...)."""
        return {k: v for k, v in self.last_request.items() if k not in _NOT_SETTINGS}

    @property
    def last_headers(self) -> httpx.Headers:
        """The headers of the latest request (the API key included: do not print them)."""
        with self._lock:
            if not self._requests:
                raise AssertionError(f"{self.provider} mock received no request")
            return self._requests[-1].headers

    # ---- answering (called by respx, on whatever thread sent the request) ----------------

    def _answer(self, request: httpx.Request) -> httpx.Response:
        try:
            body = json.loads(request.content or b"{}")
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        with self._lock:
            self._requests.append(request)
            self._bodies.append(body)
            if not self._queue:
                url = shown_url(request.url)
                raise NoReplyQueuedError(
                    f"the {self.provider} mock got {request.method} {url} but no reply is "
                    f"queued: call chat_mock.{self.provider}.reply_text('...') (or "
                    "reply_stream / reply_tool_call / reply_error) before the call"
                )
            reply = self._queue.pop(0) if len(self._queue) > 1 else self._queue[0]
            self._ids += 1
            rid = f"mock{self.provider[:2]}{self._ids:06d}"
        status, headers, content = render(reply, self.provider, body, rid)
        return httpx.Response(status, headers=headers, content=content)


class ChatMock:
    """OpenAI (`.openai`) and Anthropic (`.anthropic`) mocked with one respx router.

    A context manager: mocking is active inside `with`. `chat_mock["openai"]` also works,
    for tests parametrized over providers.
    """

    def __init__(self) -> None:
        self.openai = ProviderMock(OPENAI)
        self.anthropic = ProviderMock(ANTHROPIC)
        self.router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)
        self._warned = False  # the loopback pass-through warning, once
        self.router.route(name="chatplex").mock(side_effect=self._dispatch)

    def __getitem__(self, provider: str) -> ProviderMock:
        if provider == OPENAI:
            return self.openai
        if provider == ANTHROPIC:
            return self.anthropic
        raise KeyError(f"no mock for provider {provider!r}; use 'openai' or 'anthropic'")

    def __repr__(self) -> str:
        return f"ChatMock(openai={self.openai!r}, anthropic={self.anthropic!r})"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every JSON body received by either provider (each provider's list is in order)."""
        return [*self.openai.requests, *self.anthropic.requests]

    def _dispatch(self, request: httpx.Request) -> httpx.Response | httpx.Request | None:
        provider = self._provider_of(request)
        if is_loopback(request.url.host):
            if provider is not None and provider._queue and not self._warned:
                self._warned = True
                warnings.warn(
                    f"chat_mock let {shown_url(request.url)} through to the local server "
                    f"there although {provider.provider} replies are queued: loopback hosts "
                    "are never mocked (is OPENAI_BASE_URL / ANTHROPIC_BASE_URL set to a "
                    "local server?)",
                    LoopbackPassThroughWarning,
                    stacklevel=2,
                )
            return request  # respx passes it through: the embedded MockServer, a local model
        return provider._answer(request) if provider is not None else None  # None: not mocked

    def _provider_of(self, request: httpx.Request) -> ProviderMock | None:
        if request.method == "POST":
            path = request.url.path.rstrip("/")
            if path.endswith("/chat/completions"):
                return self.openai
            if path.endswith("/v1/messages"):
                return self.anthropic
        return None

    def start(self) -> ChatMock:
        self.router.start()
        return self

    def stop(self) -> None:
        self.router.stop(quiet=True)

    def __enter__(self) -> ChatMock:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
