"""No API key anywhere a failure leaves a trace: logs at DEBUG, errors' str/repr, every
object reachable from an error (its __dict__, its response and request, the whole
__cause__/__context__ chain) and tracebacks rendered with their frames' locals.

Every failure kind, both providers, sync and async, invoke and stream, against the
embedded mock server (and a closed port), with every logger at DEBUG. The key is a
distinctive sentinel; so is a header the user marked secret (`secret_headers=`).

The vectors, each checked below: (1) reprs, str and vars of models and adapters; (2)
errors' str and repr; (3) every object an error reaches (its response and request
copies, its chain); (4) the frames' locals of an error's traceback; (5) the locals of
every chatplex frame a key passes through, construction and call, found by tracing
every provider, drop-in and adapter (`FrameWatch`); (6) the frames of a call in flight
or cancelled; (7) every log record at DEBUG; (8) callbacks' arguments and stream events
(chatplex's and LangChain's); (9) serialization (`dumpd`; pickle holds the key, as
LangChain's does, and chatplex never pickles); (10) saved files (`chatplex run`'s output,
resumed, and its caches); (11) what a server echoes back; (12) where
a key is sent (the environment's key only where the environment points).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import io
import logging
import pickle
import traceback
from collections.abc import Callable
from collections.abc import Iterator
from types import FrameType
from typing import Any
from typing import TypeVar

import httpx
import pytest
import typing_extensions
from pydantic._internal import _repr
from pydantic._internal import _typing_extra

import chatplex
import chatplex.langchain
from chatplex import ChatModel
from chatplex import init_chat_model
from chatplex.dropins import DROP_IN_MODULES
from chatplex.errors import ChatplexError
from chatplex.http import retry_policy
from chatplex.providers.compatible.dropin import owner_of
from chatplex.providers.compatible.spec import DROPINS
from chatplex.secret import Secret
from chatplex.testing import MockServer
from chatplex.testing.mock_server import MockRequest
from tests._dropins import engine
from tests._secrets_looks import Looks
from tests._tls import one_default_tls_context  # noqa: F401  (autouse: the SDK clients a repr builds)

KEY = "sk-SENTINEL-7f3a9c51-do-not-leak"
TOKEN = "tok-SENTINEL-e41b2d07-gateway"  # the value of a header the user marks secret
TOKEN_HEADER = "x-gateway-pass"  # named like nothing chatplex would guess
#: Pieces that would betray a partly shown key too (a truncated repr, a masked middle).
NEEDLES = (KEY, TOKEN, "7f3a9c51", "e41b2d07")

#: The "timeout" kind's timeout: the server stalls whatever it is (so it fires on every
#: machine, loaded or not: connecting to 127.0.0.1 and writing a request take no server
#: time), and both attempts wait it out.
STALL_TIMEOUT = 0.1
KINDS = {
    "refused": None,  # a closed port
    "timeout": "stall=60",  # far beyond the read timeout of this kind's model
    "401": "status=401",
    "429": "status=429",
    "500": "status=500",
    "malformed": "malformed_json",
    "midstream": "midstream_close;after=1",
}
LOGGERS = ("httpx", "httpcore", "aiohttp", "chatplex", "asyncio")


class Recorder:
    """A fault plan that also records what the server received."""

    def __init__(self) -> None:
        self.headers: list[dict[str, str]] = []
        self.faults: dict[str, str] = {}

    def __call__(self, request: MockRequest) -> str | None:
        self.headers.append(dict(request.headers))
        return self.faults.get(request.key or "")


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[MockServer, Recorder]]:
    recorder = Recorder()
    with MockServer(fault_plan=recorder) as srv:
        yield srv, recorder
    chatplex.close()


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """Every logger at DEBUG, captured by caplog and by a handler of our own that writes
    each record's message and its whole __dict__ (args included)."""
    stream = io.StringIO()

    class Everything(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            stream.write(f"{record.getMessage()}\n{record.__dict__!r}\n")

    handler = Everything(logging.DEBUG)
    root = logging.getLogger()
    saved = root.level, {name: logging.getLogger(name).level for name in LOGGERS}
    # (caplog first: it puts back the level it found, which must be the run's, not DEBUG)
    caplog.set_level(logging.DEBUG)
    root.setLevel(logging.DEBUG)
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for name, level in saved[1].items():
            logging.getLogger(name).setLevel(level)
        stream.write(caplog.text)


def make_model(base: str, provider: str, timeout: float | None = None) -> ChatModel:
    name = "openai:gpt-4o-mini" if provider == "openai" else "anthropic:claude-sonnet-4-5"
    return init_chat_model(
        name,
        base_url=base,
        api_key=KEY,
        default_headers={TOKEN_HEADER: TOKEN},
        secret_headers=(TOKEN_HEADER,),
        timeout=timeout,
        retry_policy=retry_policy(1, initial_delay=0.001, max_delay=0.002),  # retries log too
    )


async def fail(model: ChatModel, sync: bool, mode: str, headers: dict[str, str]) -> BaseException:
    """Run one call that must fail; return its error."""
    try:
        if mode == "invoke":
            if sync:
                model.invoke("hi", extra_headers=headers)
            else:
                await model.ainvoke("hi", extra_headers=headers)
        elif sync:
            list(model.stream("hi", extra_headers=headers))
        else:
            [c async for c in model.astream("hi", extra_headers=headers)]
    except ChatplexError as err:
        return err
    raise AssertionError("the call did not fail")


# -- what an error exposes -------------------------------------------------------------


def chain(err: BaseException) -> list[BaseException]:
    """The error and every exception in its __cause__/__context__ chain, suppressed
    contexts included."""
    seen: list[BaseException] = []
    todo = [err]
    while todo:
        exc = todo.pop()
        if any(exc is s for s in seen):
            continue
        seen.append(exc)
        todo += [e for e in (exc.__cause__, exc.__context__) if e is not None]
    return seen


def reachable(root: object, depth: int = 6) -> Iterator[object]:
    """Objects reachable from an error through what a user or an error tracker would
    read: attributes (__dict__ and slots) of chatplex's and httpx's objects, exception
    args and chains, httpx requests and responses, and containers."""
    seen: set[int] = set()
    todo: list[tuple[object, int]] = [(root, 0)]
    while todo:
        obj, level = todo.pop()
        if id(obj) in seen or level > depth:
            continue
        seen.add(id(obj))
        yield obj
        children: list[object] = []
        if isinstance(obj, BaseException):
            children += [obj.args, obj.__cause__, obj.__context__]
        if isinstance(obj, httpx.Request):
            children += [obj.headers, obj.url, obj.content, obj.extensions]
        elif isinstance(obj, httpx.Response):
            children += [obj.headers, obj.request, obj.extensions]
            with contextlib.suppress(httpx.ResponseNotRead):
                children.append(obj.content)
        if isinstance(obj, dict):
            children += list(obj.keys()) + list(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            children += list(obj)
        module = type(obj).__module__
        if module.startswith(("chatplex", "httpx")) or isinstance(obj, BaseException):
            children += list(getattr(obj, "__dict__", {}).values())
            for cls in type(obj).__mro__:
                for slot in getattr(cls, "__slots__", ()):
                    if hasattr(obj, slot):
                        children.append(getattr(obj, slot))
        todo += [(child, level + 1) for child in children if child is not None]


def shown(err: BaseException, *, frame_locals: bool = True) -> str:
    """Everything `err` shows or reaches; with `frame_locals`, the locals of every frame
    of its traceback and its chain's too (as Sentry records them)."""
    parts: list[str] = []
    for obj in reachable(err):
        for show in (str, repr):
            try:
                parts.append(show(obj))
            except Exception as exc:  # noqa: BLE001 - a repr that raises is a bug too
                parts.append(f"<{show.__name__} raised {exc!r}>")
    for exc in chain(err):
        te = traceback.TracebackException(
            type(exc), exc, exc.__traceback__, capture_locals=frame_locals, compact=False
        )
        parts.append("".join(te.format()))
    parts.append("".join(traceback.format_exception(err)))
    return "\n".join(parts)


def assert_no_secret(where: str, text: str) -> None:
    for needle in NEEDLES:
        at = text.find(needle)
        assert at < 0, f"{needle!r} in {where}: ...{text[max(0, at - 300) : at + 100]}..."


@pytest.mark.parametrize("mode", ["invoke", "stream"])
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("kind", list(KINDS))
async def test_no_failure_leaves_the_key_anywhere(
    server: tuple[MockServer, Recorder],
    closed_port: int,
    all_logs: io.StringIO,
    kind: str,
    provider: str,
    sync: bool,
    mode: str,
) -> None:
    srv, recorder = server
    if kind == "refused":
        base = f"http://127.0.0.1:{closed_port}" + ("/v1" if provider == "openai" else "")
    else:
        base = srv.openai_base_url if provider == "openai" else srv.anthropic_base_url
    request_key = f"{kind}-{provider}-{sync}-{mode}"
    spec = KINDS[kind]
    if spec is not None:
        recorder.faults[request_key] = spec
    model = make_model(base, provider, timeout=STALL_TIMEOUT if kind == "timeout" else None)

    err = await fail(model, sync, mode, {"x-request-key": request_key})

    if kind not in ("refused", "timeout"):
        # The credentials did go out (so there was something to leak)...
        sent = [h for h in recorder.headers if h.get("x-request-key") == request_key]
        assert sent and sent[0][TOKEN_HEADER] == TOKEN
        assert KEY in (sent[0].get("x-api-key", "") + sent[0].get("authorization", ""))
        # ...and the error's copy of the request shows them masked.
        response = getattr(err, "response", None)
        if response is not None:
            headers = response.request.headers
            assert headers[TOKEN_HEADER] == "***"
            assert headers.get("x-api-key", headers.get("authorization")) == "***"
    assert_no_secret("the error and what it reaches", shown(err))
    assert_no_secret("the logs", all_logs.getvalue())


# -- the pieces, one by one --------------------------------------------------------------


def test_every_credential_header_is_masked_in_an_errors_request_copy() -> None:
    from chatplex.http._redaction import SECRET_HEADERS_KEY
    from chatplex.http._redaction import safe_response

    request = httpx.Request(
        "POST",
        f"https://gw.test/v1/chat?api-version=1&api-key={KEY}",
        headers={
            "Authorization": f"Bearer {KEY}",
            "x-api-key": KEY,
            "api-key": KEY,
            "Proxy-Authorization": f"Basic {KEY}",
            "x-portkey-api-key": KEY,
            TOKEN_HEADER: TOKEN,
            "accept": "application/json",
        },
        content=b"{}",
        extensions={SECRET_HEADERS_KEY: frozenset({TOKEN_HEADER})},
    )
    response = httpx.Response(401, json={"error": "no"}, request=request)
    copy = safe_response(response)
    assert copy.status_code == 401 and copy.json() == {"error": "no"}
    assert copy.request.headers["accept"] == "application/json"
    assert str(copy.request.url) == "https://gw.test/v1/chat?api-version=1&api-key=***"
    for name in ("authorization", "x-api-key", "api-key", "proxy-authorization", TOKEN_HEADER):
        assert copy.request.headers[name] == "***"
    assert_no_secret(
        "the copy", shown(httpx.HTTPStatusError("x", request=copy.request, response=copy))
    )


async def test_a_key_repeated_in_default_headers_is_masked_in_the_errors_request(
    server: tuple[MockServer, Recorder],
) -> None:
    # A user passes the key again under a name chatplex would not guess (a gateway's
    # session header): the copy an error keeps shows it nowhere.
    srv, recorder = server
    recorder.faults["repeated"] = "status=401"
    model = init_chat_model(
        "openai:gpt-4o-mini",
        api_key=KEY,
        base_url=srv.openai_base_url,
        max_retries=0,
        default_headers={"x-session": KEY, "x-trace": f"run {KEY} 1", "x-request-key": "repeated"},
    )
    with pytest.raises(ChatplexError) as caught:
        await model.ainvoke("hi")
    headers = caught.value.response.request.headers
    # (a header carrying the key is a credential header: masked whole)
    assert headers["x-session"] == "***" and headers["x-trace"] == "***"
    assert_no_secret("the error", shown(caught.value))


def test_a_gzip_error_body_survives_the_copy() -> None:
    import gzip

    from chatplex.http._redaction import safe_response

    body = gzip.compress(b'{"error": "busy"}')
    request = httpx.Request("POST", "https://x.test/", headers={"x-api-key": KEY})
    response = httpx.Response(
        503, headers={"content-encoding": "gzip"}, content=body, request=request
    )
    copy = safe_response(response)
    assert copy.json() == {"error": "busy"} and copy.headers["content-encoding"] == "gzip"


def test_a_utf8_header_value_survives_the_copy() -> None:
    """A server's header value in UTF-8 (httpx decodes it so): the error's copy keeps it,
    where building the copy raised a bare UnicodeEncodeError (httpx encodes str values
    as ASCII unless told otherwise)."""
    from chatplex.http._headers import headers_from_raw
    from chatplex.http._redaction import safe_response

    request = httpx.Request("POST", "https://x.test/", headers={"x-api-key": KEY})
    raw = [(b"x-region", "Zürich".encode()), (b"x-api-key", KEY.encode())]
    response = httpx.Response(401, headers=headers_from_raw(raw), content=b"{}", request=request)
    copy = safe_response(response)
    assert copy.headers["x-region"] == "Zürich" and copy.headers["x-api-key"] == "***"
    assert copy.request.headers["x-api-key"] == "***"


async def test_an_aiohttp_error_is_not_even_a_suppressed_context() -> None:
    """aiohttp's exceptions carry the request headers in `request_info`; the transport's
    httpx error must not keep one as its __context__ (`from None` only hides it)."""
    import asyncio

    from chatplex.http._transport import AioHTTPTransport

    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"NOT HTTP AT ALL\r\n\r\n")
        await writer.drain()
        writer.close()

    srv = await asyncio.start_server(garbage, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    try:
        async with httpx.AsyncClient(transport=AioHTTPTransport()) as client:
            with pytest.raises(httpx.RemoteProtocolError) as info:
                await client.post(
                    f"http://127.0.0.1:{port}/", content=b"{}", headers={"x-api-key": KEY}
                )
    finally:
        srv.close()
        await srv.wait_closed()
    # (The httpx error itself carries its request, as httpcore's do: chatplex's errors
    # scrub that, see the end-to-end test above.)
    assert info.value.__context__ is None and info.value.__cause__ is None
    assert "Bad status line" in str(info.value)  # the reason is kept


def test_the_httpx_request_log_line_masks_a_key_in_the_url(
    all_logs: io.StringIO,
) -> None:
    # Azure-style gateways take the key as a query parameter: httpx logs the full URL.
    import chatplex.http._request  # noqa: F401 - installs the log filter

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={})

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        client.post(f"https://gw.test/v1/chat?api-version=2&api-key={KEY}&sig={TOKEN}")
        # A client given a URL with user info (LangSmith's sender, to a proxy's endpoint)
        client.post(f"https://gw:{KEY}@gw.test/runs/multipart")
    logs = all_logs.getvalue()
    assert "api-version=2&api-key=***&sig=***" in logs
    assert "POST https://***@gw.test/runs/multipart" in logs
    assert_no_secret("the logs", logs)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_key_in_the_base_url_query_is_masked_in_errors_and_logs(
    server: tuple[MockServer, Recorder], all_logs: io.StringIO, sync: bool
) -> None:
    srv, recorder = server
    recorder.faults["query-key"] = "status=500"
    model = init_chat_model(
        "openai:gpt-4o-mini",
        base_url=f"{srv.openai_base_url}?api-version=2&api-key={KEY}",
        max_retries=0,
    )
    err = await fail(model, sync, "invoke", {"x-request-key": "query-key"})
    assert err.response.request.url.params["api-key"] == "***"  # type: ignore[attr-defined]
    assert_no_secret("the logs", all_logs.getvalue())
    assert_no_secret("repr(model)", repr(model) + repr(model.adapter))
    # The error and everything it shows, its frames' locals included: the http layer's
    # frames hold the httpx.Request, whose URL shows the key masked (`MaskedURL`).
    assert_no_secret("the error", shown(err))


def test_adapters_hold_credentials_only_in_secret() -> None:
    from chatplex.providers.anthropic.adapter import AnthropicAdapter
    from chatplex.providers.openai.adapter import OpenAIAdapter

    for cls in (OpenAIAdapter, AnthropicAdapter):
        adapter = cls(
            api_key=KEY,
            base_url="https://gw.test",
            default_headers={"api-key": KEY, TOKEN_HEADER: TOKEN},
            secret_headers=[TOKEN_HEADER],
        )
        assert_no_secret(cls.__name__, repr(adapter) + repr(vars(adapter)) + str(adapter))


@pytest.mark.parametrize(
    ("provider", "bad"),
    [
        ("openai", {"organization": "org-1", "secret_headers": [7]}),
        ("anthropic", {"default_max_tokens": 0}),
    ],
)
def test_a_half_built_adapters_repr_does_not_raise(provider: str, bad: dict[str, object]) -> None:
    from chatplex.adapters import adapter_class

    cls = adapter_class(provider)
    adapter = cls.__new__(cls)  # what a traceback with locals shows if __init__ failed
    assert cls.__name__ in repr(adapter)
    with pytest.raises((ValueError, TypeError)) as info:
        # Fails part-way through. (A key passed as a plain str is a local of __init__ and
        # so in any traceback rendered with locals: pass a `Secret` to avoid even that.)
        cls(api_key=Secret(KEY), base_url="https://gw.test", **bad)
    text = "".join(
        traceback.TracebackException.from_exception(info.value, capture_locals=True).format()
    )
    assert "repr() failed" not in text and f"self = {cls.__name__}(" in text
    assert_no_secret("the construction error", text)


def test_reprs_of_half_built_models_and_errors_do_not_raise() -> None:
    from chatplex.errors import APIError
    from chatplex.errors import StreamError

    for obj in (ChatModel.__new__(ChatModel), APIError.__new__(APIError)):
        repr(obj), str(obj)
    assert "StreamError(" in repr(StreamError.__new__(StreamError))


def test_a_models_extra_headers_are_masked_in_its_vars() -> None:
    model = init_chat_model(
        "openai:gpt-4o-mini",
        base_url="https://gw.test/v1",
        api_key=KEY,
        extra_headers={"Authorization": f"Bearer {KEY}", "x-trace": "1"},
    )
    bound = model.bind(extra_headers={"x-api-key": KEY})
    for obj in (model, bound):
        text = repr(obj) + repr(vars(obj)) + repr(vars(obj.adapter))
        assert_no_secret("the model", text)
        assert "'x-trace': '1'" in text


# -- credentials in the base URL, echoed back, and LangChain's side ----------------------
#
# Every place a credential can sit (user info, a query parameter named key/code/sig, a
# header, the API key), both providers, sync and async, invoke and stream, against a
# server that echoes everything it received (request line and headers) back in its
# error text, and a closed port. The credential must reach the server, and nowhere else.

ECHO_KEY = "ek-SENTINEL-5be0c2d4-echoed"
ECHO_NEEDLES = (ECHO_KEY, "5be0c2d4")
ECHO_HEADER = "x-gateway-pass"

#: name -> (how the base URL carries the credential, the model's other settings)
URL_FORMS: dict[str, tuple[str, dict[str, Any]]] = {
    "userinfo": ("http://gw-user:{key}@127.0.0.1:{port}{path}", {}),
    "query-key": ("http://127.0.0.1:{port}{path}?api-version=2&key={key}", {}),
    "query-code": ("http://127.0.0.1:{port}{path}?code={key}", {}),
    "query-sig": ("http://127.0.0.1:{port}{path}?sv=2024&sig={key}&se=2030", {}),
    "header": ("http://127.0.0.1:{port}{path}", {"default_headers": {"api-key": ECHO_KEY}}),
    "secret-header": (
        "http://127.0.0.1:{port}{path}",
        {"default_headers": {ECHO_HEADER: ECHO_KEY}, "secret_headers": (ECHO_HEADER,)},
    ),
    "api-key": ("http://127.0.0.1:{port}{path}", {"api_key": ECHO_KEY}),
}


class EchoServer:
    """A local HTTP server that answers every request with the request line and every
    header it got quoted back in its error text (as a careless gateway does), in the way
    `x-mode` asks: "401" / "500" (an error body), "malformed" (a 200 whose JSON breaks
    off), "sse" (a 200 stream whose first event is an error). With `x-echo: no` it says
    the same without quoting anything. It records what it got, by `x-request-key`."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler
        from http.server import ThreadingHTTPServer

        self.seen: dict[str, str] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # The head and the body are two writes: with Nagle's algorithm the body waited
            # for the client's delayed ACK of the head, ~40 ms a request.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers.get("content-length") or 0))
                echo = f"{self.command} {self.path} " + " | ".join(
                    f"{k}: {v}" for k, v in self.headers.items()
                )
                outer.seen[self.headers.get("x-request-key", "")] = echo
                if self.headers.get("x-echo") == "no":
                    echo = "(not quoted)"
                anthropic = self.path.startswith("/v1/messages")
                mode = self.headers.get("x-mode", "401")
                if mode == "sse":
                    import json as _json

                    if anthropic:
                        error = {"type": "error", "error": {"type": "api_error", "message": echo}}
                        body = f"event: error\ndata: {_json.dumps(error)}\n\n"
                    else:
                        error = {"error": {"message": echo, "type": "server_error", "code": echo}}
                        body = f"data: {_json.dumps(error)}\n\n"
                    self._answer(200, "text/event-stream", body.encode())
                elif mode == "malformed":
                    self._answer(200, "application/json", b'{"id": "' + echo.encode())
                else:
                    import json as _json

                    kind = "authentication_error" if mode == "401" else "api_error"
                    error = {"message": f"Invalid credentials: {echo}", "type": kind, "code": echo}
                    self._answer(
                        int(mode), "application/json", _json.dumps({"error": error}).encode()
                    )

            def _answer(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                if self.headers.get("x-echo") != "no":  # response headers quoting it too
                    self.send_header("x-debug-auth", self.headers.get("authorization") or "")
                    # (named like nothing: httpcore's DEBUG trace shows every header)
                    self.send_header("x-request-echo", self.headers.get("authorization") or "")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def echo() -> Iterator[EchoServer]:
    server = EchoServer()
    yield server
    server.close()
    chatplex.close()


@pytest.fixture
def no_env_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


Test = TypeVar("Test", bound=Callable[..., Any])


def on_every_form(test: Test) -> Test:
    """`test` run for each credential form of URL_FORMS, on both providers, sync and
    async."""
    test = pytest.mark.parametrize("form", list(URL_FORMS))(test)
    test = pytest.mark.parametrize("provider", ["openai", "anthropic"])(test)
    return pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])(test)


def form_model(form: str, provider: str, port: int) -> ChatModel:
    template, settings = URL_FORMS[form]
    path = "/v1" if provider == "openai" else ""
    name = "openai:gpt-4o-mini" if provider == "openai" else "anthropic:claude-sonnet-4-5"
    model: ChatModel = init_chat_model(
        name,
        base_url=template.format(key=ECHO_KEY, port=port, path=path),
        retry_policy=retry_policy(1, initial_delay=0.001, max_delay=0.002),
        **settings,
    )
    return model


def arrived(echoed: str) -> bool:
    """Whether the echo of a request shows the credential was sent (Basic auth decoded)."""
    import base64
    import re

    if ECHO_KEY in echoed:
        return True
    basic = re.search(r"Basic ([A-Za-z0-9+/=]+)", echoed)
    return basic is not None and ECHO_KEY in base64.b64decode(basic.group(1)).decode()


def assert_no_echo_key(where: str, text: str) -> None:
    for needle in ECHO_NEEDLES:
        at = text.find(needle)
        assert at < 0, f"{needle!r} in {where}: ...{text[max(0, at - 300) : at + 100]}..."


ECHO_CASES = [
    ("invoke", "401"),
    ("invoke", "500"),
    ("invoke", "malformed"),
    ("stream", "401"),
    ("stream", "sse"),
    ("invoke", "refused"),
    ("stream", "refused"),
]


@pytest.mark.parametrize(("mode", "fault"), ECHO_CASES, ids=[f"{m}-{f}" for m, f in ECHO_CASES])
@on_every_form
async def test_a_credential_anywhere_in_the_base_url_is_sent_and_never_shown(
    echo: EchoServer,
    closed_port: int,
    all_logs: io.StringIO,
    no_env_keys: None,
    form: str,
    provider: str,
    sync: bool,
    mode: str,
    fault: str,
) -> None:
    """The server does not quote the request: whatever shows the credential is
    chatplex's (or httpx's) doing. Every frame's locals are checked."""
    refused = fault == "refused"
    model = form_model(form, provider, closed_port if refused else echo.port)
    # The model and its adapter, as reprs and vars show them.
    assert_no_echo_key("the model", repr(model) + repr(vars(model)) + repr(vars(model.adapter)))
    request_key = f"plain-{form}-{provider}-{sync}-{mode}-{fault}"
    headers = {"x-request-key": request_key, "x-mode": fault, "x-echo": "no"}
    err = await fail(model, sync, mode, headers)

    if not refused:  # the credential did reach the server
        assert arrived(echo.seen[request_key]), echo.seen[request_key]
    # Nowhere in the error: str/repr, what it reaches, the whole chain, and every frame's
    # locals (traceback.TracebackException(capture_locals=True), as Sentry records them).
    assert_no_echo_key("the error, what it reaches, its frames' locals", shown(err))
    assert_no_echo_key("the logs", all_logs.getvalue())


ECHOED = [case for case in ECHO_CASES if case[1] != "refused"]


@pytest.mark.parametrize(("mode", "fault"), ECHOED, ids=[f"{m}-{f}" for m, f in ECHOED])
@on_every_form
async def test_a_credential_the_server_echoes_is_masked_in_the_error_and_logs(
    echo: EchoServer,
    all_logs: io.StringIO,
    no_env_keys: None,
    form: str,
    provider: str,
    sync: bool,
    mode: str,
    fault: str,
) -> None:
    """The server quotes the whole request back in its error text: the error (message,
    body, type, code, its response copy, its chain) and the logs show it masked, and
    after an error status no frame's locals hold the reply's bytes. (A 200 whose body
    or stream event carries it -- "malformed", "sse" -- is read by frames that hold the
    bytes as the server sent them when the error leaves: their locals are not checked.)"""
    model = form_model(form, provider, echo.port)
    request_key = f"echo-{form}-{provider}-{sync}-{mode}-{fault}"
    err = await fail(model, sync, mode, {"x-request-key": request_key, "x-mode": fault})

    assert arrived(echo.seen[request_key]), echo.seen[request_key]
    error_status = fault in ("401", "500")
    assert_no_echo_key("the error and what it reaches", shown(err, frame_locals=error_status))
    assert_no_echo_key("the logs", all_logs.getvalue())
    if fault != "malformed":  # the server's words are kept, the credential masked in them
        assert "Invalid credentials" in str(err) or "POST /v1" in str(err), str(err)
        assert "***" in str(err), str(err)


def test_frame_locals_of_a_call_in_flight_hold_no_clear_url(
    echo: EchoServer, no_env_keys: None
) -> None:
    """Not only the frames an error went through: while a request is in the transport,
    every frame of the stack (chatplex's and httpx's) shows the query credential masked."""
    import sys

    captured: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["code"] == ECHO_KEY  # the real one goes out
        frame: FrameType | None = sys._getframe()
        while frame is not None:
            captured.append(
                "".join(
                    traceback.StackSummary.extract(
                        [(frame, frame.f_lineno)], capture_locals=True
                    ).format()
                )
            )
            frame = frame.f_back
        return httpx.Response(200, json={"choices": [{"message": {"content": "ok"}}]})

    model = init_chat_model(
        "openai:gpt-4o-mini",
        base_url=f"https://fn.example/api?code={ECHO_KEY}",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    assert model.invoke("hi").text == "ok"
    stack = "\n".join(captured)
    assert "_send_single_request" in stack and "drive" in stack  # httpx's and chatplex's
    assert "code=***" in stack
    assert_no_echo_key("the stack's locals", stack)


@pytest.mark.parametrize("form", list(URL_FORMS))
def test_echoed_credentials_never_reach_a_chatplex_run_output(
    echo: EchoServer,
    no_env_keys: None,
    tmp_path: pytest.TempPathFactory,
    all_logs: io.StringIO,
    form: str,
) -> None:
    from chatplex import bulk

    out = tmp_path / "out.jsonl"  # type: ignore[operator]
    model = form_model(form, "openai", echo.port).bind(
        extra_headers={"x-mode": "401", "x-request-key": f"bulk-{form}"}
    )
    notices = io.StringIO()
    summary = bulk.run(
        model,
        ["one", "two"],
        output=out,
        concurrency=2,
        progress_file=notices,
        handle_sigint=False,
    )
    assert summary.failed == 2
    assert arrived(echo.seen[f"bulk-{form}"])
    saved = out.read_text(encoding="utf-8")
    assert '"AuthenticationError"' in saved and "***" in saved
    assert_no_echo_key("the output rows", saved)
    assert_no_echo_key("the progress and summary", notices.getvalue())
    assert_no_echo_key("the logs", all_logs.getvalue())


def test_chatplex_run_with_a_query_credential_in_base_url(
    echo: EchoServer,
    no_env_keys: None,
    tmp_path: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The `chatplex run` command: --base-url with `?code=`; the rows, stdout and stderr."""
    from chatplex.bulk.cli import main

    for name in [k for k in __import__("os").environ if k.startswith("CHATPLEX_")]:
        monkeypatch.delenv(name)
    rows = tmp_path / "rows.jsonl"  # type: ignore[operator]
    rows.write_text('{"id": "a", "text": "hi"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"  # type: ignore[operator]
    code = main(
        [
            str(rows),
            "-o",
            str(out),
            "-m",
            "openai:gpt-4o-mini",
            "--prompt",
            "{text}",
            "--base-url",
            f"http://127.0.0.1:{echo.port}/v1?code={ECHO_KEY}",
        ]
    )
    captured = capsys.readouterr()
    saved = out.read_text(encoding="utf-8")
    assert '"error"' in saved and "code=***" in saved, saved
    assert_no_echo_key("the output", saved + captured.out + captured.err + str(code))


def saved_bytes(folder: Any) -> bytes:
    """Every file under `folder`, read whole (binary: a SQLite page, a journal line)."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_chatplexs_own_saved_files_hold_no_key_though_a_model_pickles_with_it(
    server: tuple[MockServer, Recorder], tmp_path: Any, provider: str
) -> None:
    """A model pickles with its key (as LangChain's does); what chatplex itself saves --
    `bulk.run`'s output journal, resumed, and a SQLite cache of the replies -- never
    holds it. The scan is shown able to fail: a pickled model written there is found."""
    from chatplex import SQLiteCache
    from chatplex import bulk

    srv, _ = server
    base = srv.openai_base_url if provider == "openai" else srv.anthropic_base_url
    model = make_model(base, provider).bind(cache=SQLiteCache(tmp_path / "cache.db"))
    out = tmp_path / "out.jsonl"
    for rows in (["one", "two"], ["one", "two", "three"]):  # the second run resumes
        summary = bulk.run(model, rows, output=out, progress_file=io.StringIO())
        assert summary.failed == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    assert (tmp_path / "cache.db").stat().st_size > 0
    for needle in NEEDLES:
        assert needle.encode() not in saved_bytes(tmp_path), f"{needle!r} in a saved file"
    (tmp_path / "model.pickle").write_bytes(pickle.dumps(model))
    assert KEY.encode() in saved_bytes(tmp_path)


# -- one policy for the environment's key, every provider ---------------------------------

PROVIDERS = {
    # provider: (key variable, base URL variable, official base URL, adapter class path)
    "openai": ("OPENAI_API_KEY", "OPENAI_BASE_URL", "https://api.openai.com/v1"),
    "anthropic": ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "https://api.anthropic.com"),
}


def sent_key(provider: str, **settings: object) -> str | None:
    """The key a fresh adapter of `provider` would send (None: no key header)."""
    from chatplex.adapters import adapter_class
    from chatplex.adapters.request_types import CallSettings
    from chatplex.messages import HumanMessage

    adapter = adapter_class(provider)(**settings)
    headers = adapter.build_request(
        [HumanMessage("hi")], CallSettings(model="m"), stream=False
    ).headers
    value = headers.get("x-api-key") or headers.get("Authorization") or headers.get("authorization")
    return value.removeprefix("Bearer ") if value else None


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_the_environment_key_goes_where_the_environment_points_for_every_provider(
    provider: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    key_var, url_var, official = PROVIDERS[provider]
    monkeypatch.setenv(key_var, "sk-from-the-environment")
    monkeypatch.delenv(url_var, raising=False)
    env_key = "sk-from-the-environment"
    # The provider's own API: the default, or named in code.
    assert sent_key(provider) == env_key
    assert sent_key(provider, base_url=official) == env_key
    # A base URL written in code for another host (a gateway, loopback): no env key.
    assert sent_key(provider, base_url="https://gateway.example/v1") is None
    assert sent_key(provider, base_url="http://127.0.0.1:8080") is None
    # ... unless given explicitly, which always goes.
    assert sent_key(provider, base_url="https://gateway.example", api_key="sk-mine") == "sk-mine"
    # A base URL from the environment too: the environment meant them together.
    monkeypatch.setenv(url_var, "https://gateway.example/v1")
    assert sent_key(provider) == env_key


@pytest.mark.parametrize("provider", list(PROVIDERS))
async def test_a_401_says_why_no_key_was_sent(
    provider: str, echo: EchoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    key_var, url_var, _ = PROVIDERS[provider]
    monkeypatch.setenv(key_var, KEY)
    monkeypatch.delenv(url_var, raising=False)
    path = "/v1" if provider == "openai" else ""
    model = init_chat_model(
        f"{provider}:m", base_url=f"http://127.0.0.1:{echo.port}{path}", max_retries=0
    )
    err = await fail(model, False, "invoke", {"x-request-key": f"why-{provider}"})
    assert KEY not in echo.seen[f"why-{provider}"]  # it was not sent...
    assert f"{key_var} goes only to" in str(err) and "api_key=" in str(err)  # ...and why
    assert_no_secret("the error", shown(err))


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_langchains_environment_base_url_variables_count_as_the_environment(
    provider: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests._dropins import engine

    ChatOpenAI = engine("ChatOpenAI")
    from tests._dropins import chat_model

    key_var, url_var, _ = PROVIDERS[provider]
    monkeypatch.setenv(key_var, "sk-from-the-environment")
    monkeypatch.delenv(url_var, raising=False)
    if provider == "openai":
        monkeypatch.setenv("OPENAI_API_BASE", "https://gateway.example/v1")
        model: ChatModel = ChatOpenAI(model="m")
    else:
        monkeypatch.setenv("ANTHROPIC_API_URL", "https://gateway.example")
        model = chat_model("ChatAnthropic", model="m")
    assert model.adapter is not None
    assert model.adapter.base_url.startswith("https://gateway.example")  # type: ignore[attr-defined]
    assert model.adapter._key_digest != ""  # type: ignore[attr-defined] # a key goes


# -- ChatChatplex: serialization, callbacks, tracers ------------------------------------


def chatchatplex(form: str, provider: str, port: int) -> object:
    from chatplex.langchain import ChatChatplex

    template, settings = URL_FORMS[form]
    path = "/v1" if provider == "openai" else ""
    name = "openai:gpt-4o-mini" if provider == "openai" else "anthropic:claude-sonnet-4-5"
    return ChatChatplex(
        model=name,
        base_url=template.format(key=ECHO_KEY, port=port, path=path),
        max_retries=0,
        **settings,
    )


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("form", list(URL_FORMS))
def test_chatchatplex_serializes_with_credentials_masked(form: str, provider: str) -> None:
    pytest.importorskip("langchain_core")
    from langchain_core.load import dumpd
    from langchain_core.load import dumps

    llm = chatchatplex(form, provider, 9)
    shown_forms = {
        "repr": repr(llm),
        "str": str(llm),
        "dumps": dumps(llm),
        "dumpd": repr(dumpd(llm)),
        "model_dump": repr(llm.model_dump()),  # type: ignore[attr-defined]
        "model_dump_json": llm.model_dump_json(),  # type: ignore[attr-defined]
        "vars": repr(vars(llm)),
    }
    for where, text in shown_forms.items():
        assert_no_echo_key(where, text)
    if form.startswith("query"):
        assert "=***" in shown_forms["model_dump_json"]
    if "header" in form or form == "api-key":
        assert "***" in shown_forms["model_dump_json"]


def test_chatchatplex_declares_its_secret_to_langchains_serializer() -> None:
    pytest.importorskip("langchain_core")
    from langchain_core.load import dumpd
    from pydantic import SecretStr

    from chatplex.langchain import ChatChatplex

    class Serializable(ChatChatplex):
        @classmethod
        def is_lc_serializable(cls) -> bool:
            return True

    llm = Serializable(
        model="openai:gpt-4o-mini",
        api_key=SecretStr(ECHO_KEY),
        base_url=f"https://gw.example/v1?code={ECHO_KEY}",
    )
    data = dumpd(llm)
    assert data["kwargs"]["api_key"] == {"lc": 1, "type": "secret", "id": ["OPENAI_API_KEY"]}
    assert data["kwargs"]["base_url"] == "https://gw.example/v1?code=***"
    assert_no_echo_key("dumpd", repr(data))


@on_every_form
async def test_chatchatplex_callbacks_and_traces_never_see_a_credential(
    form: str,
    provider: str,
    sync: bool,
    server: tuple[MockServer, Recorder],
    echo: EchoServer,
    no_env_keys: None,
    all_logs: io.StringIO,
) -> None:
    """What LangSmith would upload: a tracer's runs (serialized, invocation params,
    inputs, outputs, errors), and every callback's arguments; a success (the mock server)
    and a failure that echoes the credential (the echo server), invoke and stream."""
    pytest.importorskip("langchain_core")
    from tests.test_secrets_surfaces import Collect
    from tests.test_secrets_surfaces import Heard

    srv, _ = server
    port = int(srv.openai_base_url.rsplit(":", 1)[1].split("/")[0])

    class Everything(Heard):
        def on_llm_end(self, *args: object, **kw: object) -> None:
            self.calls.append(repr((args, kw)))

    tracer, handler = Collect(), Everything()
    config = {"callbacks": [tracer, handler]}
    good = chatchatplex(form, provider, port)
    bad = chatchatplex(form, provider, echo.port)
    errors: list[tuple[BaseException, bool]] = []
    # The echo server quotes the request back, or (x-echo: no) does not: then every
    # frame's locals are checked too.
    for llm, quoted in ((good, True), (bad, True), (bad, False)):
        extra = {} if quoted else {"extra_headers": {"x-echo": "no"}}
        for stream in (False, True):
            try:
                if sync:
                    if stream:
                        list(llm.stream("hi", config=config, **extra))  # type: ignore[attr-defined]
                    else:
                        llm.invoke("hi", config=config, **extra)  # type: ignore[attr-defined]
                elif stream:
                    [c async for c in llm.astream("hi", config=config, **extra)]  # type: ignore[attr-defined]
                else:
                    await llm.ainvoke("hi", config=config, **extra)  # type: ignore[attr-defined]
            except ChatplexError as err:
                errors.append((err, quoted))
    assert len(errors) == 4 and len(tracer.runs) == 6  # the echo server's calls failed
    for run in tracer.runs:
        assert_no_echo_key("a traced run", run.model_dump_json() + repr(run))
    assert any("***" in (run.error or "") for run in tracer.runs)  # the echo, masked
    assert_no_echo_key("the callbacks", "\n".join(handler.calls))
    for failure, quoted in errors:
        assert_no_echo_key("a LangChain call's error", shown(failure, frame_locals=not quoted))
    assert_no_echo_key("the logs", all_logs.getvalue())


def test_a_construction_error_shows_no_credential_in_chatplexs_frames() -> None:
    """A bad base URL fails at construction; the adapter's frames hold it masked (the
    caller's own frames hold what the caller passed: chatplex cannot change those)."""
    from chatplex.providers.anthropic.adapter import AnthropicAdapter
    from chatplex.providers.openai.adapter import OpenAIAdapter

    for cls in (OpenAIAdapter, AnthropicAdapter):
        with pytest.raises(ValueError) as info:
            cls(api_key=ECHO_KEY, base_url=f"ftp://gw.example/v1?code={ECHO_KEY}")
        frames = traceback.TracebackException.from_exception(info.value, capture_locals=True)
        ours = [f for f in frames.stack if "/chatplex/" in f.filename]
        assert ours and all(f.locals is not None for f in ours)
        assert_no_echo_key(cls.__name__, "".join(frames.format()))


CONSTRUCTIONS = {
    "init-openai": ("openai:gpt-4o-mini", {"api_key": ECHO_KEY}),
    "init-anthropic": ("anthropic:claude-haiku-4-5", {"api_key": ECHO_KEY}),
    "init-groq": ("groq:llama-3.1-8b-instant", {"api_key": ECHO_KEY}),
    "init-google": ("google_genai:gemini-2.5-flash", {"api_key": ECHO_KEY}),
    "init-bedrock": (
        "bedrock_converse:anthropic.claude-3-haiku-20240307-v1:0",
        {
            "region_name": "us-east-1",
            "aws_access_key_id": "AKIAX",
            "aws_secret_access_key": ECHO_KEY,
        },
    ),
}


@pytest.mark.parametrize("case", list(CONSTRUCTIONS))
def test_a_construction_error_through_init_chat_model_shows_no_key_in_any_frame(
    case: str,
) -> None:
    # A bad setting after the key: init_chat_model, the provider factory and the model's
    # constructor are all on the traceback; none of their frames holds the key in clear.
    model, settings = CONSTRUCTIONS[case]
    with pytest.raises(ValueError) as info:
        init_chat_model(model, temperature=9, **settings)
    frames = traceback.TracebackException.from_exception(info.value, capture_locals=True)
    ours = [f for f in frames.stack if "/chatplex/" in f.filename]  # not the caller's own
    assert len(ours) >= 3 and all(f.locals is not None for f in ours)
    assert_no_echo_key(case, "".join(f"{f.name} {f.locals}" for f in ours))


@pytest.mark.parametrize(
    ("cls", "model", "key_name"),
    [
        ("ChatOpenAI", "gpt-4o-mini", "api_key"),
        ("ChatOpenAI", "gpt-4o-mini", "openai_api_key"),
        ("ChatAnthropic", "claude-haiku-4-5", "api_key"),
        ("ChatAnthropic", "claude-haiku-4-5", "anthropic_api_key"),
    ],
)
def test_a_dropin_construction_error_shows_no_key_in_its_frame(
    cls: str, model: str, key_name: str
) -> None:
    # The engine raises from its own frames; the LangChain chat model
    # (chatplex.langchain's name here) raises pydantic's ValidationError, whose traceback
    # holds no chatplex frame: its text and any chatplex frame must hold no key.
    from chatplex.secret import is_secret_name
    from chatplex.secret.arguments import hold_keys

    dropin = getattr(chatplex.langchain, cls)

    def build(**keywords: Any) -> Any:  # its record's build, keys held
        hold_keys(keywords, is_secret_name)  # (as the fields hand them: `PartnerClass.build`)
        return dropin._record.build(keywords)

    with pytest.raises(ValueError) as info:
        build(model=model, temperature=9, **{key_name: ECHO_KEY})
    frames = traceback.TracebackException.from_exception(info.value, capture_locals=True)
    ours = [f for f in frames.stack if "/chatplex/" in f.filename]
    assert ours and all(f.locals is not None for f in ours)
    assert_no_echo_key(cls, "".join(f"{f.name} {f.locals}" for f in ours))
    with pytest.raises(ValueError) as native:
        getattr(chatplex.langchain, cls)(model=model, temperature=9, **{key_name: ECHO_KEY})
    frames = traceback.TracebackException.from_exception(native.value, capture_locals=True)
    shown = "".join(f"{f.name} {f.locals}" for f in frames.stack if "/chatplex/" in f.filename)
    assert_no_echo_key(cls, str(native.value) + repr(native.value) + shown)


def test_chatanthropic_key_from_the_environment_shows_in_no_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # LangChain's ANTHROPIC_API_URL reads the key from the environment in the constructor.
    monkeypatch.setenv("ANTHROPIC_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ANTHROPIC_API_KEY", ECHO_KEY)
    with pytest.raises(ValueError) as info:
        chatplex.langchain.ChatAnthropic(model="claude-haiku-4-5", temperature=9)
    frames = traceback.TracebackException.from_exception(info.value, capture_locals=True)
    ours = [f for f in frames.stack if "/chatplex/" in f.filename]
    assert ours and all(f.locals is not None for f in ours)
    assert_no_echo_key("ChatAnthropic", "".join(f"{f.name} {f.locals}" for f in ours))


def test_a_masked_url_sends_the_real_query_and_shows_it_masked() -> None:
    from chatplex.http._redaction import MaskedURL
    from chatplex.http._redaction import clear_url
    from chatplex.http._redaction import secret_url

    clear = f"https://fn.test/api/chat?api-version=2&code={KEY}"
    url = secret_url(Secret(clear))
    assert isinstance(url, MaskedURL)
    assert str(url) == "https://fn.test/api/chat?api-version=2&code=***"
    assert repr(url) == "URL('https://fn.test/api/chat?api-version=2&code=***')"
    # What transports read to send it is the real thing.
    assert url.raw_path == f"/api/chat?api-version=2&code={KEY}".encode()
    assert url.params["code"] == KEY and clear_url(url) == clear
    # It equals the clear URL, as a string or an httpx.URL (mocks that match on it).
    assert url == clear and url == httpx.URL(clear) and hash(url) == hash(MaskedURL(clear))
    assert url != "https://fn.test/api/chat?api-version=2&code=other"
    request = httpx.Request("POST", "https://fn.test/")
    request.url = url
    assert_no_secret("the request", repr(request) + str(request.url))


def test_a_respx_route_with_the_query_credential_still_matches() -> None:
    respx = pytest.importorskip("respx")
    base = f"https://fn.test/api?code={KEY}"
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post(f"https://fn.test/api/chat/completions?code={KEY}").respond(
            200, json={"choices": [{"message": {"content": "ok"}}]}
        )
        model = init_chat_model("openai:gpt-4o-mini", base_url=base)
        assert model.invoke("hi").text == "ok"
    assert route.calls.last.request.url.params["code"] == KEY


@pytest.mark.parametrize("form", ["query-code", "header", "api-key", "userinfo"])
async def test_a_call_cancelled_in_flight_leaves_no_credential_in_its_frames(
    server: tuple[MockServer, Recorder], no_env_keys: None, form: str
) -> None:
    """A task cancelled (as `asyncio.timeout()` does) while its request is inside
    aiohttp, whose frames hold the URL and the headers: the CancelledError that reaches
    the caller (a TimeoutError's cause, with asyncio.timeout) carries none of them."""
    import asyncio

    srv, recorder = server
    request_key = f"cancel-{form}"
    recorder.faults[request_key] = "stall=30"
    port = int(srv.openai_base_url.rsplit(":", 1)[1].split("/")[0])
    model = form_model(form, "openai", port)
    task = asyncio.ensure_future(model.ainvoke("hi", extra_headers={"x-request-key": request_key}))
    for _ in range(2000):  # until the server has the request (bounded: 20 s)
        if any(h.get("x-request-key") == request_key for h in recorder.headers):
            break
        await asyncio.sleep(0.01)
    task.cancel()  # what asyncio.timeout() does at its deadline
    with pytest.raises(asyncio.CancelledError) as info:
        await task
    caught = info.value
    assert any(h.get("x-request-key") == request_key for h in recorder.headers)  # in flight
    assert_no_echo_key("the cancelled call's frames", shown(caught))


def test_a_chatchatplex_that_cannot_be_built_does_not_quote_its_arguments() -> None:
    pytest.importorskip("langchain_core")
    from pydantic import ValidationError

    from chatplex.langchain import ChatChatplex

    with pytest.raises(ValidationError) as info:
        ChatChatplex(
            model="openai:gpt-4o-mini",
            temperature=5,
            api_key=ECHO_KEY,
            base_url=f"https://gw.example/v1?code={ECHO_KEY}",
            default_headers={"x-api-key": ECHO_KEY},
        )
    # What the error shows. (Its `errors()` keep the arguments as given, as the frames
    # of the call that passed them do: construction cannot take them back.)
    assert "temperature" in str(info.value)
    assert_no_echo_key("the validation error", str(info.value) + repr(info.value))


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_a_profiles_base_url_gets_the_environment_key_only_when_it_names_it(
    provider: str, tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Configuration counts as code: a profile's base_url for another host gets the
    environment key only through `api_key = "env:VAR"`."""
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    key_var, url_var, _ = PROVIDERS[provider]
    monkeypatch.setenv(key_var, "sk-from-the-environment")
    monkeypatch.delenv(url_var, raising=False)
    config = tmp_path / "chatplex.toml"  # type: ignore[operator]
    config.write_text(
        f'[profiles.plain]\nmodel = "{provider}:m"\nbase_url = "https://gateway.example"\n'
        f'[profiles.named]\nmodel = "{provider}:m"\nbase_url = "https://gateway.example"\n'
        f'api_key = "env:{key_var}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CHATPLEX_CONFIG", str(config))
    plain = init_chat_model(profile="plain")
    named = init_chat_model(profile="named")
    assert plain.adapter._key_digest == ""  # type: ignore[attr-defined] # no key goes
    assert named.adapter._key_digest != ""  # type: ignore[attr-defined] # the named one does


# --- what a server echoes back, on every wire ------------------------------------------

#: A gateway's key in `default_headers`, under a name chatplex masks by its form.
GATEWAY = ("x-portkey-api-key", TOKEN)
ECHO = f"Incorrect API key provided: {KEY}; gateway key {TOKEN}"
AWS_ECHO_KEYS = {"aws_access_key_id": "AKIAECHO", "aws_secret_access_key": "s"}


def _sse(*events: tuple[str | None, object]) -> bytes:
    import json

    return b"".join(
        (f"event: {name}\n".encode() if name else b"") + b"data: %s\n\n" % json.dumps(data).encode()
        for name, data in events
    )


def _bedrock_exception(message: str) -> bytes:
    import json

    from chatplex.testing._mock_aws import encode_message

    headers = {":message-type": "exception", ":exception-type": "throttlingException"}
    return encode_message(
        {**headers, ":content-type": "application/json"}, json.dumps({"message": message}).encode()
    )


#: wire → (model, its credentials, error status body, a 200 stream whose event echoes
#: the credentials, that stream's content type)
ECHO_WIRES: dict[str, tuple[str, dict[str, Any], object, bytes, str]] = {
    "openai": (
        "openai:gpt-4o-mini",
        {"api_key": KEY},
        {"error": {"message": ECHO, "type": "invalid_request_error", "code": "invalid_api_key"}},
        _sse((None, {"error": {"message": ECHO, "type": "server_error"}})),
        "text/event-stream",
    ),
    "anthropic": (
        "anthropic:claude-sonnet-4-5",
        {"api_key": KEY},
        {"type": "error", "error": {"type": "authentication_error", "message": ECHO}},
        _sse(("error", {"type": "error", "error": {"type": "overloaded_error", "message": ECHO}})),
        "text/event-stream",
    ),
    "gemini": (
        "google_genai:gemini-2.5-flash",
        {"api_key": KEY},
        {"error": {"code": 401, "message": ECHO, "status": "UNAUTHENTICATED"}},
        _sse((None, {"error": {"code": 500, "message": ECHO, "status": "INTERNAL"}})),
        "text/event-stream",
    ),
    "ollama": (
        "ollama:llama3.2",
        {},  # behind a proxy that wants a bearer token: the default header carries it
        {"error": ECHO},
        b'{"error": "%s"}\n' % ECHO.encode(),
        "application/x-ndjson",
    ),
    "bedrock": (
        "bedrock_converse:anthropic.claude-3-haiku-20240307-v1:0",
        {"region_name": "us-east-1", "aws_session_token": KEY, **AWS_ECHO_KEYS},
        {"message": ECHO},
        _bedrock_exception(ECHO),
        "application/vnd.amazon.eventstream",
    ),
}


async def echoed(model: ChatModel, sync: bool, mode: str) -> BaseException:
    """The call's error (holding no key in this frame's locals)."""
    try:
        if mode == "error-status":
            await (asyncio.to_thread(model.invoke, "hi") if sync else model.ainvoke("hi"))
        elif sync:
            await asyncio.to_thread(lambda: list(model.stream("hi")))
        else:
            [chunk async for chunk in model.astream("hi")]
    except Exception as exc:  # noqa: BLE001 - returned for the test to judge
        return exc
    raise AssertionError("the server's error was accepted")


@pytest.fixture(scope="module")
def hostile() -> Iterator[Any]:
    from tests.reliability._hostile import HostileServer

    with HostileServer() as server:
        yield server


@pytest.mark.parametrize("mode", ["error-status", "stream-event"])
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("wire", list(ECHO_WIRES))
async def test_a_key_the_server_echoes_is_scrubbed_on_every_wire(
    hostile: Any, all_logs: io.StringIO, no_env_keys: None, wire: str, sync: bool, mode: str
) -> None:
    """The key, and a gateway key given in `default_headers`, quoted back in an error
    status's body or in an error event of a stream: masked in everything the error shows
    and reaches, and in its copy of the request's headers."""
    import json

    from tests.reliability._hostile import Script

    name, credentials, error_body, stream, content_type = ECHO_WIRES[wire]
    script_name = f"echo-{wire}-{sync}-{mode}"
    if mode == "error-status":
        status = "403 Forbidden" if wire == "bedrock" else "401 Unauthorized"
        hostile.scripts[script_name] = Script(json.dumps(error_body).encode(), status=status)
    else:
        hostile.scripts[script_name] = Script(stream, content_type)
    headers = dict([GATEWAY])
    if wire == "ollama":
        headers["authorization"] = f"Bearer {KEY}"
    url = f"http://127.0.0.1:{hostile.port}/script/{script_name}"
    where = {"endpoint_url": url} if wire == "bedrock" else {"base_url": url}
    if wire == "openai":
        where["base_url"] += "/v1"
    model = init_chat_model(name, max_retries=0, default_headers=headers, **credentials, **where)
    del credentials, headers  # this frame is in the error's traceback: it holds no key
    err = await echoed(model, sync, mode)
    assert isinstance(err, ChatplexError), repr(err)
    assert "Incorrect API key provided: ***" in str(err) + repr(getattr(err, "body", None)), err
    assert_no_secret("the error", shown(err, frame_locals=mode == "error-status"))
    assert_no_secret("the logs", all_logs.getvalue())
    if err.response is not None:
        assert err.response.request.headers[GATEWAY[0]] == "***"


def test_a_non_ascii_default_header_on_bedrock_leaves_no_token_in_any_frame() -> None:
    """It raised a bare AttributeError inside botocore's signer, whose frame's locals held
    the session token; now a ValueError when the model is built, naming the header."""
    err = bedrock_with_header({"x-note": "Zürich"})
    assert isinstance(err, ValueError) and "'x-note'" in str(err)
    assert_no_secret("the error and its frames", shown(err))


def bedrock_with_header(headers: dict[str, str]) -> BaseException:
    try:
        init_chat_model(
            "bedrock_converse:anthropic.claude-3-haiku-20240307-v1:0",
            region_name="us-east-1",
            aws_access_key_id="AKIAEXAMPLE",
            aws_secret_access_key=Secret(KEY),
            aws_session_token=Secret(TOKEN),
            default_headers=headers,
        )
    except Exception as exc:  # noqa: BLE001 - returned for the test to judge
        return exc
    raise AssertionError("the header was taken")


@pytest.mark.parametrize("per_call", [False, True], ids=["model", "per-call"])
def test_refused_extra_headers_are_named_not_quoted(per_call: bool) -> None:
    """extra_headers holding a key beside a value of the wrong type: the error quoted
    the whole dict, key included."""
    headers = {"authorization": f"Bearer {KEY}", "x-count": 3}
    try:
        if per_call:
            model = init_chat_model("openai:gpt-4o-mini", api_key="k", base_url="http://x.test/v1")
            model.invoke("hi", extra_headers=headers)
        else:
            init_chat_model("openai:gpt-4o-mini", api_key="k", extra_headers=headers)
    except TypeError as exc:
        err: BaseException = exc
    else:
        raise AssertionError("the headers were taken")
    assert "extra_headers" in str(err)
    assert_no_secret("the error", str(err) + repr(err))


# --- every frame a key passes through, found by tracing, not by listing ----------------
#
# The frames checked are not named here: every provider the spec registry declares goes
# through `init_chat_model`, every drop-in class `chatplex` exports through its own
# constructor (each of its base-URL parameters), every built-in adapter through its
# constructor, and each then makes a call that fails (sync and async). `sys.settrace`
# watches every chatplex frame those run: a frame moved or added is watched by
# construction. A frame's locals are read at each moment a traceback could show them
# (when it calls a function, which may raise, and when an exception passes through
# it), as `traceback` renders them (`repr`); a value found clean is shown again once
# its state changed or the frame that found it returned (`tests/_secrets_looks.py`).
# Only the vaults below may hold a key then.

FRAME_KEY = "sk-FRAME-5d2e8b46-traced"
FRAME_USER = "gw-user"
#: What would betray the key: itself, its middle, and Basic auth's form of the user info.
FRAME_NEEDLES = (
    FRAME_KEY,
    "5d2e8b46",
    __import__("base64").b64encode(f"{FRAME_USER}:{FRAME_KEY}".encode()).decode(),
)
#: The functions whose one job is to handle a credential in clear: take it into a
#: `Secret` or a held URL apart (`secret/`, `as_secret`, `take_url`, init_chat_model's
#: `_hold_credentials`, the profile reader's `_held_toml` holding what the TOML file
#: gave), digest it (`key_digest`: whose rate-limit budget), put it on
#: the wire (the http layer's request headers as httpx is handed them) and know it to
#: mask it (`http/_redaction.py`). Their own frames hold it by their nature, and only
#: theirs (module: names; None: all of it).
VAULTS: dict[str, frozenset[str] | None] = {
    "chatplex/secret/__init__.py": None,
    "chatplex/secret/urls.py": None,
    "chatplex/secret/arguments.py": None,
    # `endpoint_url` also joins a held URL with its endpoint's path, once the shown
    # form passed its checks (so it cannot raise then).
    "chatplex/adapters/base_url.py": frozenset({"endpoint_url"}),
    "chatplex/adapters/keys.py": frozenset({"as_secret", "key_digest"}),
    "chatplex/adapters/connection.py": frozenset({"take_url"}),
    "chatplex/providers/bedrock/adapter.py": frozenset({"_secret"}),  # its as_secret
    "chatplex/chat/configuration/factory.py": frozenset({"_hold_credentials"}),
    "chatplex/chat/configuration/profiles.py": frozenset({"_held_toml"}),
    "chatplex/http/_request.py": frozenset(
        {"build_request", "_with_defaults", "_built_again", "_remember_headers"}
    ),
    "chatplex/http/_redaction.py": None,
    # The frames that hand a request to the socket or to aiohttp: its bytes, aiohttp's
    # URL (yarl's, which cannot mask) and response (whose repr is its URL). Reached only
    # over a real connection (the Batch API's test), not a mock transport.
    "chatplex/http/_clamp.py": frozenset({"write"}),
    "chatplex/http/_transport.py": frozenset(
        {"_url", "handle_async_request", "response_extensions"}
    ),
    "chatplex/http/_headers.py": frozenset({"response_headers"}),
    # Bedrock's SigV4 signer signs the headers as sent, and its filter on botocore's log
    # of them knows a key to mask it.
    "chatplex/providers/bedrock/auth.py": frozenset({"sign", "filter", "_masked_value"}),
}
#: The key's two places in a base URL: its user info (then no `api_key=`: both would be
#: the Authorization header), or a query credential beside `api_key=` (a path
#: Azure takes as a base URL too).
FRAME_FORMS = {
    "userinfo": (f"http://{FRAME_USER}:{FRAME_KEY}@gateway.invalid/openai/v1", False),
    "query+api_key": (f"http://gateway.invalid/openai/v1?code={FRAME_KEY}", True),
}
#: Model names a provider's constructor accepts (any other name will do elsewhere).
FRAME_MODELS = {"bedrock": "anthropic.claude-3-haiku-20240307-v1:0"}
#: What a drop-in needs beyond its key to be built (langchain-openai's AzureChatOpenAI
#: refuses to be built without an API version).
FRAME_SETTINGS: dict[str, dict[str, Any]] = {"AzureChatOpenAI": {"api_version": "2024-10-21"}}


#: The packages whose frames are watched: chatplex's, and langchain-core's, which a
#: drop-in class's construction and calls pass through.
WATCHED = ("/chatplex/", "/langchain_core/")


def _package_path(code: Any) -> str | None:
    filename = code.co_filename.replace("\\", "/")
    at = max(filename.rfind(package) for package in WATCHED)
    return filename[at + 1 :] if at >= 0 else None


def _vault(code: Any) -> bool:
    path = _package_path(code)
    if path is None or path not in VAULTS:
        return False
    names = VAULTS[path]
    return names is None or code.co_name in names


#: The needles searched (the key's middle is in the key: it stands for both).
_NEEDLES = FRAME_NEEDLES[1:]
assert all(any(n in needle for n in _NEEDLES) for needle in FRAME_NEEDLES)


@contextlib.contextmanager
def _answers_kept(
    module: Any, name: str, keeps: Callable[[Any], bool] = lambda _: True
) -> Iterator[None]:
    """`module.name`, a function of one argument whose answer for it does not change,
    answered once per argument that `keeps` accepts while the watch runs (the argument
    held, so its id stays its): every caller gets the same answer it got before."""
    asks = getattr(module, name, None)
    if asks is None:  # (another pydantic: nothing to keep)
        yield
        return
    known: dict[int, tuple[Any, Any]] = {}

    def kept(argument: Any) -> Any:
        held = known.get(id(argument))
        if held is None:
            answer = asks(argument)
            if not keeps(argument):
                return answer
            held = known[id(argument)] = (argument, answer)
        return held[1]

    setattr(module, name, kept)
    try:
        yield
    finally:
        setattr(module, name, asks)


def _factory_checks_kept() -> contextlib.AbstractContextManager[None]:
    """pydantic (2.14) takes a default factory's signature at every `FieldInfo.get_default()`,
    which LangChain's repr asks of each field (`try_neq_default`): most of the time of an
    AIMessage's repr, made at each look of every frame holding one. A function's signature
    does not change, so each factory's answer is kept while the watch runs."""
    from pydantic._internal import _fields

    return _answers_kept(_fields, "takes_validated_data_argument")


class FrameWatch:
    """`sys.settrace` over chatplex's frames (see above): `leaks` names each frame and
    local that held a needle in clear, `seen` the package's modules whose frames ran."""

    def __init__(self) -> None:
        self.leaks: dict[tuple[str, str, str], str] = {}
        self.seen: set[str] = set()
        # A code object's (path, whether a vault's): the trace asks on every call, and
        # a code object's file and name never change (the code is kept: its id stays its).
        self._codes: dict[int, tuple[Any, str | None, bool]] = {}
        self._looks = Looks(_NEEDLES)

    def _code(self, code: Any) -> tuple[Any, str | None, bool]:
        known = self._codes.get(id(code))
        if known is None:
            known = self._codes[id(code)] = (code, _package_path(code), _vault(code))
        return known

    def _scan(self, frame: FrameType, moment: str) -> None:
        for name in self._looks.showing(frame):
            where = (_package_path(frame.f_code) or "?", frame.f_code.co_name, name)
            self.leaks.setdefault(where, moment)

    def _local(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "exception":
            self._scan(frame, f"an exception ({arg[0].__name__}) passing")
        elif event == "return":  # (or it yields: what it found clean may change meanwhile)
            self._looks.forget(frame)
        return self._local

    def _call(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event != "call":
            return None
        _, path, vault = self._code(frame.f_code)
        caller = frame.f_back
        if caller is not None and not vault:
            _, watched, caller_vault = self._code(caller.f_code)
            if watched is not None and not caller_vault:
                self._scan(caller, f"calling {frame.f_code.co_name}")
        if path is None or vault:
            return None
        self.seen.add(path)
        frame.f_trace_lines = False  # (its exceptions are what its own trace looks at)
        return self._local

    def __enter__(self) -> FrameWatch:
        import sys

        self._kept = contextlib.ExitStack()
        self._kept.enter_context(_factory_checks_kept())
        self._kept.enter_context(_type_displays_kept())
        self._saved = sys.gettrace()
        sys.settrace(self._call)
        return self

    def __exit__(self, *exc: object) -> None:
        import sys

        sys.settrace(self._saved)
        self._kept.__exit__(None, None, None)
        self._looks = Looks(_NEEDLES)  # (it holds what it found clean)

    def assert_clean(self, what: str) -> None:
        shown_leaks = "\n".join(
            f"  {w[0]}:{w[1]} local {w[2]!r} while {m}" for w, m in sorted(self.leaks.items())
        )
        assert not self.leaks, f"{what}: frames holding the key in clear:\n{shown_leaks}"


class Heard:
    """A callback handler that records every callback it is given, with its arguments."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object, object]] = []

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("on_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self.calls.append((name, args, kwargs))


#: The requests `_refusing` answered (the calls go nowhere else).
REFUSED: list[httpx.Request] = []


def _refusing(request: httpx.Request) -> httpx.Response:
    REFUSED.append(request)
    body = {"error": {"message": "invalid key", "type": "authentication_error"}}
    return httpx.Response(401, json={**body, "message": "invalid key"})


def _clients() -> dict[str, Any]:
    return {
        "http_client": httpx.Client(transport=httpx.MockTransport(_refusing)),
        "http_async_client": httpx.AsyncClient(transport=httpx.MockTransport(_refusing)),
        "max_retries": 0,
    }


def _keys(provider: str, form: str) -> dict[str, Any]:
    """Bedrock signs with AWS keys (the secret one is the key here); the others take
    `api_key` where the form has one."""
    if "bedrock" in provider.lower():
        return {
            "region_name": "us-east-1",
            "aws_access_key_id": "AKIAFRAME",
            "aws_secret_access_key": FRAME_KEY,
        }
    if provider in ("ibm", "ChatWatsonx"):
        # watsonx.ai bills a project; its API key goes only to IBM Cloud IAM (not a mock
        # transport here), so the watched credential is the bearer token it would give.
        return {"project_id": "p-frame", **({"token": FRAME_KEY} if FRAME_FORMS[form][1] else {})}
    if "anthropicvertex" in provider.lower().replace("_", ""):
        # Claude on Vertex AI: a project, and an OAuth token (the credential watched).
        token = FRAME_KEY if FRAME_FORMS[form][1] else "ya29-other"
        return {"project": "p-frame", "access_token": token}
    if FRAME_FORMS[form][1]:
        return {"api_key": FRAME_KEY}
    # Vertex AI needs a credential: express mode's key (not the one watched) will do.
    return {"api_key": "vertex-express"} if "vertex" in provider.lower() else {}


def _every_provider() -> list[str]:
    from chatplex.specs import specs

    return sorted(specs())


def _engine(name: str) -> Any:
    """What builds the drop-in `name`'s chatplex model, with its partner's constructor
    (`tests/_dropins.py`)."""
    return engine(name)


#: Per preset's class, the fields it holds and never reads (`DropIn.unused`).
_UNREAD = {owner_of(row): row.unused for row in DROPINS.values()}


def _every_dropin() -> list[tuple[str, str]]:
    """(class, base-URL parameter) for every drop-in's engine (`chatplex.dropins`)."""
    import inspect

    found = []
    for name in sorted(DROP_IN_MODULES):
        cls = _engine(name)
        for param, spec in inspect.signature(cls).parameters.items():
            typed = "str" in str(spec.annotation)  # not `validate_base_url: bool`
            url_name = param.endswith(("base_url", "_api_base", "_api_url", "endpoint", "_url"))
            # app_url: a referer, not where it sends; iam_url: where ChatWatsonx trades its
            # key for a token, never the model's requests (its exchange has tests of its own);
            # a field its class holds unread (a preset's langchain-openai `openai_api_base`).
            unread = param in _UNREAD.get(name, ())
            if typed and url_name and param not in ("app_url", "iam_url") and not unread:
                found.append((name, param))
    return found


def _every_adapter() -> list[str]:
    from chatplex.adapters import BUILTIN_ADAPTERS

    return sorted(BUILTIN_ADAPTERS)


async def _fails_both_ways(model: ChatModel) -> list[BaseException]:
    errors: list[BaseException] = []
    for sync in (True, False):
        try:
            if sync:
                model.invoke("hi")
            else:
                await model.ainvoke("hi")
        except ChatplexError as err:
            errors.append(err)
        else:
            raise AssertionError("a call answered 401 did not fail")
    return errors


async def _traced_build_and_call(build: Any, what: str, form: str) -> FrameWatch:
    """Build a model (and call it twice, sync and async, against a 401) under a
    `FrameWatch`; what the model and the errors show is checked too."""
    watch = FrameWatch()
    with watch:
        try:
            model = build(FRAME_FORMS[form][0])
        except ValueError as exc:  # Bedrock: AWS requests are signed, no URL credential
            assert "must not carry credentials" in str(exc), exc
            # (Its frames are the watch's: the traceback also holds this test's own.)
            assert_frame_free(f"{what}'s refusal", shown(exc, frame_locals=False))
            model = build("http://gateway.invalid/openai/v1")
        answered = len(REFUSED)
        errors = await _fails_both_ways(model)
        assert len(REFUSED) == answered + 2  # both calls reached the mock transport
    # What watchers of the call see: every callback's arguments, every event.
    heard = Heard()
    seen: list[object] = []
    with contextlib.suppress(ChatplexError):
        async for event in model.astream_events("hi", {"callbacks": [heard]}, version="v2"):
            seen.append(event)
    assert heard.calls and seen, (heard.calls, seen)
    assert_frame_free(f"{what}: its callbacks and events", repr(heard.calls) + repr(seen))
    adapter = model.adapter
    assert_frame_free(f"{what}: the model", repr(model) + str(model) + repr(vars(model)))
    assert_frame_free(f"{what}: its adapter", repr(adapter) + repr(vars(adapter)))
    for err in errors:
        assert_frame_free(f"{what}: the error and its frames", shown(err))
    watch.assert_clean(what)
    return watch


def _fixed_type(annotation: Any) -> bool:
    """Whether pydantic's display of `annotation` is fixed: a class (its qualified name),
    or a typing form (`Optional[str]`, `dict[str, Any]`, `Literal["a"]`) over fixed ones
    and literal values. Not an object pydantic displays by its repr (a `Representation`,
    an instance: either may change)."""
    if isinstance(annotation, _repr.Representation):
        return False
    if isinstance(annotation, type) or annotation is None or annotation is ...:
        return True
    if type(annotation) in (str, int, bool, bytes):  # (a Literal's values)
        return True
    if isinstance(annotation, list):  # (Callable's parameters)
        return all(_fixed_type(arg) for arg in annotation)
    if not isinstance(annotation, (_typing_extra.typing_base, _typing_extra.WithArgsTypes)):
        return False
    args = typing_extensions.get_args(annotation)
    return typing_extensions.get_origin(annotation) is not None and all(
        _fixed_type(arg) for arg in args
    )


def _type_displays_kept() -> contextlib.AbstractContextManager[None]:
    """pydantic's repr of a `FieldInfo` displays its annotation (`display_as_type`, a
    walk of the typing form): half the time of the repr of a class's `model_fields`,
    which langchain-core's `to_json` and `_get_secret_keys` hold, looked at each of
    their calls. A class's or a typing form's display does not change, so each one's
    (`_fixed_type`) is kept while the watch runs: every repr's text is the same."""
    return _answers_kept(_repr, "display_as_type", _fixed_type)


def assert_frame_free(where: str, text: str) -> None:
    for needle in FRAME_NEEDLES:
        at = text.find(needle)
        assert at < 0, f"{needle!r} in {where}: ...{text[max(0, at - 200) : at + 60]}..."


@pytest.mark.parametrize("form", list(FRAME_FORMS))
@pytest.mark.parametrize("provider", _every_provider())
async def test_no_frame_of_init_chat_model_holds_a_key_in_clear(
    provider: str, form: str, all_logs: io.StringIO, no_env_keys: None
) -> None:
    model_name = f"{provider}:{FRAME_MODELS.get(provider.split('_')[0], 'm-1')}"

    def build(url: str) -> ChatModel:
        settings = {**_keys(provider, form), **_clients()}
        built: ChatModel = init_chat_model(model_name, base_url=url, **settings)
        return built

    watch = await _traced_build_and_call(build, f"init_chat_model({provider!r})", form)
    # The steps a key passes through were watched: the factory, the registry, the
    # provider's own folder, the call over HTTP.
    assert {
        "chatplex/chat/configuration/factory.py",
        "chatplex/chat/configuration/registry.py",
    } <= watch.seen
    assert any(p.startswith("chatplex/providers/") for p in watch.seen), watch.seen
    assert any(p.startswith("chatplex/http/") for p in watch.seen), watch.seen
    assert_frame_free("the logs", all_logs.getvalue())


@pytest.mark.parametrize("form", list(FRAME_FORMS))
@pytest.mark.parametrize(("cls", "param"), _every_dropin())
async def test_no_frame_of_a_dropin_holds_a_key_in_clear(
    cls: str, param: str, form: str, all_logs: io.StringIO, no_env_keys: None
) -> None:
    dropin = _engine(cls)
    provider = "bedrock" if "Bedrock" in cls else cls
    model_name = FRAME_MODELS.get(provider, "m-1")

    def build(url: str) -> ChatModel:
        model: ChatModel = dropin(
            model=model_name,
            **{param: url},
            **_keys(provider, form),
            **FRAME_SETTINGS.get(cls, {}),
            **_clients(),
        )
        return model

    watch = await _traced_build_and_call(build, f"{cls}({param}=...)", form)
    assert "chatplex/chat/dropin.py" in watch.seen
    assert any(p.startswith("chatplex/http/") for p in watch.seen), watch.seen
    assert_frame_free("the logs", all_logs.getvalue())


@pytest.mark.parametrize("form", list(FRAME_FORMS))
@pytest.mark.parametrize("provider", _every_adapter())
async def test_no_frame_of_an_adapter_holds_a_key_in_clear(
    provider: str, form: str, no_env_keys: None
) -> None:
    from chatplex.adapters import adapter_class

    cls = adapter_class(provider)

    def build(url: str) -> ChatModel:
        settings = _keys(provider, form)
        if provider.startswith("bedrock"):
            settings["endpoint_url"] = url
        else:
            settings["base_url"] = url
        clients = _clients()
        clients.pop("max_retries")
        return ChatModel(
            cls(**settings), FRAME_MODELS.get(provider, "m-1"), max_retries=0, **clients
        )

    await _traced_build_and_call(build, f"{cls.__name__}(...)", form)


@pytest.mark.parametrize("how", ["init_chat_model", "ChatOpenAI"])
def test_a_parameter_named_like_a_key_that_is_none_is_sent_as_given(how: str) -> None:
    # Holding every argument named like a credential made OpenAI's `prompt_cache_key`
    # a Secret, which the body cannot carry (TypeError: not JSON serializable).
    sent: list[object] = []

    def handler(request: httpx.Request) -> httpx.Response:
        import json

        sent.append(json.loads(request.content).get("prompt_cache_key"))
        return httpx.Response(200, json={"choices": [{"message": {"content": "ok"}}]})

    client = httpx.Client(transport=httpx.MockTransport(handler))
    settings: dict[str, Any] = {
        "api_key": KEY,
        "prompt_cache_key": "tenant-7",
        "http_client": client,
    }
    if how == "init_chat_model":
        model = init_chat_model("openai:gpt-4o-mini", **settings)
    else:  # (no field of langchain-openai's class: moved into model_kwargs, as there)
        with pytest.warns(UserWarning, match="prompt_cache_key was transferred"):
            model = chatplex.langchain.ChatOpenAI(model="gpt-4o-mini", **settings)
    assert model.invoke("hi").text == "ok" and sent == ["tenant-7"]


#: API parameters named like a credential that are none, each given to the drop-in's
#: constructor: (class, its keywords, the reply its server sends). Each held as a
#: Secret made the body unsendable ("Secret is not JSON serializable").
_TOKENS_THAT_ARE_NO_KEYS = {
    "fireworks prompt_cache_isolation_key": (
        "ChatFireworks",
        {"model": "accounts/fireworks/models/m", "prompt_cache_isolation_key": "tenant-7"},
        {"choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}]},
    ),
    "gemini continuation_token": (
        "ChatGoogleGenerativeAI",
        {"model": "gemini-2.5-flash", "continuation_token": "Y29udGludWU="},
        {"candidates": [{"content": {"parts": [{"text": "ok"}], "role": "model"}}]},
    ),
    "anthropic fallback_credit_token": (
        "ChatAnthropic",
        {"model": "claude-sonnet-4-5", "betas": ["b-1"], "fallback_credit_token": "fct-1"},
        {"content": [{"type": "text", "text": "ok"}], "role": "assistant", "type": "message"},
    ),
}


@pytest.mark.parametrize("case", sorted(_TOKENS_THAT_ARE_NO_KEYS))
def test_an_api_parameter_named_like_a_token_is_sent_as_given(case: str) -> None:
    import json
    import warnings

    respx = pytest.importorskip("respx")
    name, keywords, reply = _TOKENS_THAT_ARE_NO_KEYS[case]
    parameter = next(k for k in keywords if k not in ("model", "betas"))
    sent: list[object] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        sent.append(body.get(parameter, body.get("continuationToken")))
        return httpx.Response(200, json={"id": "r-1", "model": keywords["model"], **reply})

    with respx.mock(assert_all_called=True) as mock, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (moved into model_kwargs, as there)
        mock.post(url__regex=".*").mock(side_effect=handler)
        model = getattr(chatplex.langchain, name)(api_key=KEY, max_retries=0, **keywords)
        assert model.invoke("hi").text == "ok"
    assert sent == [keywords[parameter]]


def _base_variables() -> list[str]:
    """The environment variables a base URL is read from, as the wires declare them:
    each adapter module's `ProviderHome` (`_HOME`), Cohere's, Ollama's, Azure's and the
    OpenAI-compatible presets' profiles."""

    from chatplex.adapters import BUILTIN_ADAPTERS
    from chatplex.adapters import adapter_class
    from chatplex.providers.compatible.spec import PROFILES

    found: set[str] = {"OLLAMA_HOST", "AZURE_OPENAI_ENDPOINT", "GOOGLE_VERTEX_BASE_URL"}
    for provider in BUILTIN_ADAPTERS:
        module = importlib.import_module(adapter_class(provider).__module__)
        home = getattr(module, "_HOME", None)
        if home is not None:
            found.add(home.base_variable)
        found.update(v for v in [getattr(module, "BASE_VARIABLE", None)] if v)
    for profile in PROFILES.values():
        found.update(profile.base_variables)
    return sorted(found)


@pytest.mark.parametrize("provider", _every_provider())
async def test_no_frame_holds_a_key_from_a_base_url_in_the_environment(
    provider: str, monkeypatch: pytest.MonkeyPatch, no_env_keys: None
) -> None:
    """The base URL given by the environment (every wire's variable at once), its user
    info the key: read, held and taken apart with no frame holding it in clear."""
    for variable in _base_variables():
        monkeypatch.setenv(variable, FRAME_FORMS["userinfo"][0])
    model_name = f"{provider}:{FRAME_MODELS.get(provider.split('_')[0], 'm-1')}"

    def build(url: str) -> ChatModel:
        del url  # the environment's
        settings = {**_keys(provider, "userinfo"), **_clients()}
        try:
            built: ChatModel = init_chat_model(model_name, **settings)
        except ValueError as exc:  # a wire whose base URL no variable sets: its own host
            if "API key missing" not in str(exc):
                raise
            built = init_chat_model(model_name, **settings, api_key="plain-key")
        return built

    watch = await _traced_build_and_call(
        build, f"init_chat_model({provider!r}) from env", "userinfo"
    )
    assert any(p.startswith("chatplex/providers/") for p in watch.seen), watch.seen
    hosts = {request.url.host for request in REFUSED[-2:]}
    # The environment's URL was used, but by the wires no variable points elsewhere
    # (Bedrock's endpoint is the region's; local servers and the Hugging Face router
    # have their own defaults).
    unpointed = {"bedrock", "bedrock_converse", "huggingface", "lmstudio", "ollama_openai", "vllm"}
    unpointed.add("anthropic_bedrock")  # (its endpoint variable holds no user info: refused)
    assert hosts == {"gateway.invalid"} or provider in unpointed, hosts


@pytest.mark.parametrize("form", list(FRAME_FORMS))
async def test_no_frame_holds_a_key_from_a_configuration_profile(
    form: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, no_env_keys: None
) -> None:
    """A chatplex.toml profile's key and base URL: read as Secrets, and so they stay
    through the registry (the profile's settings were revealed to build the model)."""
    url, with_key = FRAME_FORMS[form]
    config = tmp_path / "chatplex.toml"
    monkeypatch.setenv("FRAME_GATEWAY_KEY", FRAME_KEY)
    key_line = 'api_key = "env:FRAME_GATEWAY_KEY"\n' if with_key else ""
    config.write_text(
        f'[profiles.gw]\nmodel = "openai:gpt-4o-mini"\nbase_url = "{url}"\n{key_line}',
        encoding="utf-8",
    )
    monkeypatch.setenv("CHATPLEX_CONFIG", str(config))

    def build(given: str) -> ChatModel:
        del given  # the profile's
        built: ChatModel = init_chat_model(profile="gw", **_clients())
        return built

    watch = await _traced_build_and_call(build, f"profile {form}", form)
    assert "chatplex/chat/configuration/profiles.py" in watch.seen


def test_frame_watch_finds_a_key_in_a_watched_frame_at_each_moment() -> None:
    """The watch itself: a chatplex frame's local holding the key is found when the frame
    calls a function and when an exception passes through it, a container that takes the
    key in place after an earlier look too, a str beside characters its repr escapes and
    bytes too (searched without a repr), the key or an object showing it deep in plain
    containers, and no false find (nor an endless look) in a container within itself; an
    object and a container found clean at one look and taking the key in place before the
    next are found then; a frame outside the packages is not watched."""
    source = (
        "def calls(key, callee):\n"
        "    held = {'k': 'nothing yet'}\n"
        "    callee()\n"
        "    held['k'] = key\n"
        "    callee()\n"
        "def passes(key, callee):\n"
        "    held = []\n"
        "    try:\n"
        "        callee(held, key)\n"
        "    except ValueError:\n"
        "        pass\n"
        "def bound(callee):\n"
        "    callee()\n"
        "def kinds(key, callee):\n"
        "    escaped, raw = '\\n\\x00' + key + '\\t', key.encode()\n"
        "    count, ratio, nothing, flag = 5, 2e8, None, True\n"
        "    callee()\n"
        "def nested(key, holder, callee):\n"
        "    deep, keyed, inside = [{'x': (1, frozenset({key}))}], {key: 1}, {'h': [holder]}\n"
        "    loop = [{'no': 'key'}]\n"
        "    loop.append(loop)\n"
        "    callee()\n"
        "def grows(holder, inner, callee):\n"
        "    held = {'h': [inner]}\n"
        "    callee(holder, inner)\n"
        "    callee(holder, inner)\n"
    )
    planted: dict[str, Any] = {}
    exec(compile(source, "/site/chatplex/planted.py", "exec"), planted)  # noqa: S102
    outside: dict[str, Any] = {}
    exec(compile(source, "/site/elsewhere/planted.py", "exec"), outside)  # noqa: S102

    def raising(held: list[str], key: str) -> None:
        held.append(key)  # (the caller's local takes the key as the exception leaves)
        raise ValueError

    class Holder:
        def __repr__(self) -> str:
            return f"Holder({FRAME_KEY!r})"

        def method(self) -> None:
            pass

    class Taking:
        def __init__(self) -> None:
            self.key = "none yet"

        def __repr__(self) -> str:
            return f"Taking({self.key!r})"

    def taking(holder: Taking, inner: list[str]) -> None:
        # (after the first look, found clean: the object's attribute and a list within
        # a container take the key in place)
        holder.key = FRAME_KEY
        inner.append(FRAME_KEY)

    with FrameWatch() as watch:
        planted["bound"](Holder().method)  # (its repr is its object's)
        planted["calls"](FRAME_KEY, lambda: None)
        planted["passes"](f"Basic {FRAME_NEEDLES[2]}", raising)
        planted["kinds"](FRAME_NEEDLES[1], lambda: None)
        planted["nested"](FRAME_KEY, Holder(), lambda: None)
        planted["grows"](Taking(), [], taking)
        outside["calls"](FRAME_KEY, lambda: None)
    assert set(watch.leaks) == {
        ("chatplex/planted.py", "calls", "key"),
        ("chatplex/planted.py", "calls", "held"),
        ("chatplex/planted.py", "passes", "key"),
        ("chatplex/planted.py", "passes", "held"),
        ("chatplex/planted.py", "bound", "callee"),
        ("chatplex/planted.py", "kinds", "key"),
        ("chatplex/planted.py", "kinds", "escaped"),
        ("chatplex/planted.py", "kinds", "raw"),
        *(
            ("chatplex/planted.py", "nested", n)
            for n in ("key", "holder", "deep", "keyed", "inside")
        ),
        *(("chatplex/planted.py", "grows", n) for n in ("holder", "inner", "held")),
    }
    assert watch.leaks["chatplex/planted.py", "passes", "held"].startswith("an exception")
    assert watch.seen == {"chatplex/planted.py"}
    with pytest.raises(AssertionError, match="frames holding the key"):
        watch.assert_clean("planted")
