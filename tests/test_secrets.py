"""No API key anywhere a failure leaves a trace: logs at DEBUG, errors' str/repr, every
object reachable from an error (its __dict__, its response and request, the whole
__cause__/__context__ chain) and tracebacks rendered with their frames' locals.

Every failure kind, both providers, sync and async, invoke and stream, against the
embedded mock server (and a closed port), with every logger at DEBUG. The key is a
distinctive sentinel; so is a header the user marked secret (`secret_headers=`).
"""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import traceback
from collections.abc import Iterator

import httpx
import pytest

import chatplex
from chatplex import ChatModel, init_chat_model
from chatplex.errors import ChatplexError
from chatplex.http import retry_policy
from chatplex.secret import Secret
from chatplex.testing import MockServer
from chatplex.testing.mock_server import MockRequest

KEY = "sk-SENTINEL-7f3a9c51-do-not-leak"
TOKEN = "tok-SENTINEL-e41b2d07-gateway"  # the value of a header the user marks secret
TOKEN_HEADER = "x-gateway-pass"  # named like nothing chatplex would guess
#: Pieces that would betray a partly shown key too (a truncated repr, a masked middle).
NEEDLES = (KEY, TOKEN, "7f3a9c51", "e41b2d07")

KINDS = {
    "refused": None,  # a closed port
    "timeout": "stall=60",  # far beyond the 0.5 s read timeout of this kind's model
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
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


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
    root.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
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


def shown(err: BaseException) -> str:
    parts: list[str] = []
    for obj in reachable(err):
        for show in (str, repr):
            try:
                parts.append(show(obj))
            except Exception as exc:  # noqa: BLE001 - a repr that raises is a bug too
                parts.append(f"<{show.__name__} raised {exc!r}>")
    for exc in chain(err):
        te = traceback.TracebackException(
            type(exc), exc, exc.__traceback__, capture_locals=True, compact=False
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
    model = make_model(base, provider, timeout=0.5 if kind == "timeout" else None)

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
    from chatplex.http._redaction import SECRET_HEADERS_KEY, safe_response

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
    logs = all_logs.getvalue()
    assert "api-version=2&api-key=***&sig=***" in logs
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
    # The error's own rendering (tracebacks with locals are the one exception: the http
    # layer's frames hold the live httpx.Request, whose repr shows its URL).
    assert_no_secret("the error", str(err) + repr(err) + repr(vars(err)))


def test_adapters_hold_credentials_only_in_secret() -> None:
    from chatplex.adapters.anthropic import AnthropicAdapter
    from chatplex.adapters.openai import OpenAIAdapter

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
    from chatplex.errors import APIError, StreamError

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
