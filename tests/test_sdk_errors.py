"""chatplex's errors caught as the provider SDK's classes (`except openai.RateLimitError`),
through real calls (respx) of the LangChain drop-ins (their partner's words), sync, async
and streaming; pickling; `import chatplex` loading no SDK; and chatplex's own models
keeping chatplex's words on every wire whatever SDK was imported."""

from __future__ import annotations

import contextlib
import http.server
import json
import pickle
import subprocess
import sys
import threading
import types
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx
import openai
import pytest
import respx

from chatplex import errors
from chatplex.langchain import ChatAnthropic
from chatplex.langchain import ChatOpenAI
from chatplex.sdk_errors import LANGCHAIN_MODEL_ERRORS
from chatplex.sdk_errors import ErrorFamily
from chatplex.sdk_errors import chatplex_class
from chatplex.sdk_errors import langchain_class_for
from chatplex.sdk_errors import model_error_family
from chatplex.sdk_errors import partner_family
from chatplex.sdk_errors import sdk_class_for
from chatplex.sdk_errors import sdk_compatible
from chatplex.sdk_errors import stainless_family
from chatplex.sdk_errors import without_response

#: The families the OpenAI and Anthropic wires declare (their adapters' error_families).
OPENAI = (stainless_family("openai"),)
ANTHROPIC = (stainless_family("anthropic"),)

OPENAI_URL = "https://api.openai.com/v1/chat/completions"
ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"

# status -> (chatplex class, openai class, anthropic class)
STATUSES: dict[int, tuple[type, type, type]] = {
    400: (errors.BadRequestError, openai.BadRequestError, anthropic.BadRequestError),
    401: (errors.AuthenticationError, openai.AuthenticationError, anthropic.AuthenticationError),
    403: (
        errors.PermissionDeniedError,
        openai.PermissionDeniedError,
        anthropic.PermissionDeniedError,
    ),
    404: (errors.NotFoundError, openai.NotFoundError, anthropic.NotFoundError),
    409: (errors.APIStatusError, openai.ConflictError, anthropic.ConflictError),
    422: (
        errors.BadRequestError,
        openai.UnprocessableEntityError,
        anthropic.UnprocessableEntityError,
    ),
    429: (errors.RateLimitError, openai.RateLimitError, anthropic.RateLimitError),
    500: (errors.ServerError, openai.InternalServerError, anthropic.InternalServerError),
    503: (errors.ServerError, openai.InternalServerError, anthropic.ServiceUnavailableError),
    529: (errors.OverloadedError, openai.InternalServerError, anthropic.OverloadedError),
}


def _error_body(status: int, provider: str) -> dict[str, Any]:
    if provider == "openai":
        return {"error": {"message": f"m{status}", "type": "t", "param": "p", "code": "c"}}
    return {"type": "error", "error": {"type": f"t{status}", "message": f"m{status}"}}


def _model(provider: str) -> Any:
    if provider == "openai":
        return ChatOpenAI(model="gpt-4o-mini", api_key="sk-test", max_retries=0)
    return ChatAnthropic(model="claude-sonnet-4-5", api_key="sk-ant-test", max_retries=0)


def _url(provider: str) -> str:
    return OPENAI_URL if provider == "openai" else ANTHROPIC_URL


def _call(model: Any, mode: str) -> Any:
    if mode == "invoke":
        return model.invoke("hi")
    return list(model.stream("hi"))


async def _acall(model: Any, mode: str) -> Any:
    if mode == "invoke":
        return await model.ainvoke("hi")
    return [c async for c in model.astream("hi")]


@pytest.mark.parametrize("mode", ["invoke", "stream"])
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("status", sorted(STATUSES))
def test_each_status_is_caught_by_the_sdk_class_and_by_chatplex(
    status: int, provider: str, mode: str
) -> None:
    ours, openai_cls, anthropic_cls = STATUSES[status]
    sdk_cls = openai_cls if provider == "openai" else anthropic_cls
    body = _error_body(status, provider)
    with respx.mock:
        respx.post(_url(provider)).mock(
            return_value=httpx.Response(status, json=body, headers={"x-request-id": "req-9"})
        )
        with pytest.raises(sdk_cls) as caught:
            _call(_model(provider), mode)
    err = caught.value
    assert isinstance(err, ours)
    assert isinstance(
        err, (openai.APIStatusError if provider == "openai" else anthropic.APIStatusError)
    )
    # The other provider's SDK does not claim it.
    assert not isinstance(err, (anthropic.APIError if provider == "openai" else openai.APIError))
    assert err.status_code == status
    # The SDK's words (issue 47), the provider's kept as provider_message.
    assert err.message == str(err) and err.message.startswith(f"Error code: {status} - ")
    assert f"m{status}" in err.message and err.provider_message == f"m{status}"
    assert err.response.status_code == status
    assert err.request.url == _url(provider)
    assert "sk-" not in err.request.headers.get("authorization", "") + err.request.headers.get(
        "x-api-key", ""
    )
    if provider == "openai":
        assert (err.type, err.param, err.code) == ("t", "p", "c")
    else:
        assert err.type == f"t{status}"
        assert err.api_message == f"m{status}"
    assert str(err) == err.message  # the SDK's words, as its own errors print


@pytest.mark.parametrize("mode", ["invoke", "stream"])
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("status", sorted(STATUSES))
async def test_async_calls_raise_the_sdk_class_too(status: int, provider: str, mode: str) -> None:
    ours, openai_cls, anthropic_cls = STATUSES[status]
    sdk_cls = openai_cls if provider == "openai" else anthropic_cls
    with respx.mock:
        respx.post(_url(provider)).mock(
            return_value=httpx.Response(status, json=_error_body(status, provider))
        )
        with pytest.raises(sdk_cls) as caught:
            await _acall(_model(provider), mode)
    assert isinstance(caught.value, ours)
    assert caught.value.status_code == status


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_timeouts_and_connection_failures(provider: str) -> None:
    sdk = openai if provider == "openai" else anthropic
    with respx.mock:
        respx.post(_url(provider)).mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(sdk.APITimeoutError) as timed_out:
            _model(provider).invoke("hi")
        respx.post(_url(provider)).mock(side_effect=httpx.ConnectError("refused"))
        with pytest.raises(sdk.APIConnectionError) as refused:
            _model(provider).invoke("hi")
    assert isinstance(timed_out.value, errors.APITimeoutError)
    assert isinstance(timed_out.value, TimeoutError)
    assert isinstance(refused.value, errors.APIConnectionError)
    assert not isinstance(refused.value, sdk.APITimeoutError)
    # No response came: the request is a masked copy, never the one holding the key.
    request = refused.value.request
    assert request.url == _url(provider)
    key_header = request.headers.get("authorization") or request.headers.get("x-api-key")
    assert key_header is not None and "test" not in key_header


async def test_async_timeout_is_the_sdk_timeout() -> None:
    with respx.mock:
        respx.post(ANTHROPIC_URL).mock(side_effect=httpx.ConnectTimeout("slow"))
        with pytest.raises(anthropic.APITimeoutError):
            await _model("anthropic").ainvoke("hi")


def test_anthropic_overloaded_event_inside_a_stream() -> None:
    events = [
        {
            "type": "message_start",
            "message": {
                "id": "m",
                "type": "message",
                "role": "assistant",
                "model": "claude-sonnet-4-5",
                "content": [],
                "usage": {"input_tokens": 1, "output_tokens": 0},
            },
        },
        {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
    ]
    sse = "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events)
    with respx.mock:
        respx.post(ANTHROPIC_URL).mock(
            return_value=httpx.Response(
                200, content=sse.encode(), headers={"content-type": "text/event-stream"}
            )
        )
        with pytest.raises(anthropic.APIStatusError) as caught:
            list(_model("anthropic").stream("hi"))
    assert isinstance(caught.value, errors.StreamError)
    assert caught.value.error_type == "overloaded_error"
    # The anthropic SDK's stream raises a status error for the stream's 200, not its
    # 529 class, worded as the event's body.
    assert not isinstance(caught.value, anthropic.OverloadedError)
    assert str(caught.value) == str(events[-1])
    assert caught.value.provider_message == "Overloaded"  # type: ignore[attr-defined]


def test_a_stream_that_broke_off_is_a_connection_error() -> None:
    err = errors.StreamError("cut", provider="openai", retryable=True)
    assert isinstance(sdk_compatible(err, OPENAI), openai.APIConnectionError)
    event = errors.StreamError("bad", provider="openai", error_type="server_error")
    assert isinstance(sdk_compatible(event, OPENAI), openai.APIStatusError)
    malformed = errors.APIError("malformed", provider="anthropic", status=200)
    widened = sdk_compatible(malformed, ANTHROPIC)
    assert isinstance(widened, anthropic.APIError)
    assert not isinstance(widened, anthropic.APIStatusError)


def test_an_error_event_is_the_openai_sdks_plain_api_error() -> None:
    """The openai SDK's stream raises an error event as `APIError` (no status error),
    worded as the event's message alone; a family without `plain_events` (anthropic's,
    whose SDK raises a status error) keeps the status error and chatplex's words."""
    plain = (stainless_family("openai", inner_body=True, plain_events=True),)
    event = errors.StreamError("busy", provider="openai", error_type="server_error")
    err = sdk_compatible(event, plain)
    assert isinstance(err, openai.APIError) and not isinstance(err, openai.APIStatusError)
    assert str(err) == "busy" and err.args == ("busy",)
    assert err.message == "busy" and err.error_type == "server_error"
    cut = errors.StreamError("cut", provider="openai")
    cut.__cause__ = httpx.RemoteProtocolError("peer closed connection")
    assert isinstance(sdk_compatible(cut, plain), openai.APIConnectionError)
    other = errors.StreamError("busy", provider="anthropic", error_type="api_error")
    kept = sdk_compatible(other, ANTHROPIC)
    assert isinstance(kept, anthropic.APIStatusError) and str(kept) != "busy"


def test_retries_see_chatplex_errors_and_the_last_is_widened() -> None:
    model = ChatOpenAI(model="gpt-4o-mini", api_key="sk-test", max_retries=2)
    with respx.mock:
        route = respx.post(OPENAI_URL).mock(
            return_value=httpx.Response(400, json=_error_body(400, "openai"))
        )
        with pytest.raises(openai.BadRequestError):
            model.invoke("hi")
    assert route.call_count == 1  # not retryable, whatever class it is shown as


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_pickle_round_trip_keeps_both_classes_and_the_fields(provider: str) -> None:
    with respx.mock:
        respx.post(_url(provider)).mock(
            return_value=httpx.Response(429, json=_error_body(429, provider))
        )
        with pytest.raises(errors.RateLimitError) as caught:
            _model(provider).invoke("hi")
    copy = pickle.loads(pickle.dumps(caught.value))
    sdk = openai if provider == "openai" else anthropic
    assert isinstance(copy, sdk.RateLimitError)
    assert isinstance(copy, errors.RateLimitError)
    assert str(copy) == str(caught.value)
    assert (copy.status_code, copy.provider_message, copy.type, copy.retryable) == (
        429,
        "m429",
        caught.value.type,
        True,
    )
    assert copy.response is None and copy.request is None  # not carried across processes
    assert type(copy) is type(caught.value)  # the cached class, not a new one


def test_pickle_of_a_widened_timeout_and_deadline() -> None:
    timeout = sdk_compatible(errors.APITimeoutError("t", provider="openai"), OPENAI)
    deadline = sdk_compatible(errors.DeadlineExceededError("passed"), OPENAI)
    for err, ours in ((timeout, errors.APITimeoutError), (deadline, errors.DeadlineExceededError)):
        copy = pickle.loads(pickle.dumps(err))
        assert isinstance(copy, ours)
        assert isinstance(copy, openai.APITimeoutError)
        assert str(copy) == str(err)


def test_unpickled_where_the_sdk_is_missing_is_a_plain_chatplex_error() -> None:
    err = sdk_compatible(errors.status_error(provider="openai", status=404, message="gone"), OPENAI)
    data = pickle.dumps(err)
    code = (
        "import pickle, sys\n"
        "sys.modules['openai'] = None  # an environment without the SDK\n"
        "sys.modules['langchain_core.exceptions'] = None  # nor LangChain\n"
        f"e = pickle.loads({data!r})\n"
        "from chatplex.errors import NotFoundError\n"
        "assert type(e) is NotFoundError, type(e).__mro__\n"
        "print(e, '|', e.provider_message)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "Error code: 404 | gone" in out.stdout  # the same words on both sides


def test_no_sdk_class_for_errors_no_sdk_has() -> None:
    budget = errors.BudgetExceededError("spent", spent=2.0, max_cost=1.0)
    assert sdk_compatible(budget, OPENAI) is budget
    assert type(budget) is errors.BudgetExceededError
    assert sdk_class_for(ValueError("bug"), openai) is None
    # A wire that declares no family, without LangChain loaded: unchanged.
    err = errors.status_error(provider="groq-native", status=429, message="slow")
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "langchain_core.exceptions", None)  # type: ignore[arg-type]
        assert type(sdk_compatible(err, ())) is errors.RateLimitError


def test_status_without_own_sdk_class_falls_back() -> None:
    err = sdk_compatible(errors.status_error(provider="openai", status=402, message="pay"), OPENAI)
    assert type(err).__mro__[1:].count(openai.APIStatusError) == 1
    assert not isinstance(err, openai.InternalServerError)
    five = sdk_compatible(errors.status_error(provider="openai", status=502, message="x"), OPENAI)
    assert isinstance(five, openai.InternalServerError)


def test_import_chatplex_loads_no_sdk() -> None:
    code = (
        "import sys, chatplex\n"
        "from chatplex import ChatOpenAI, ChatAnthropic\n"
        "import chatplex.sdk_errors, chatplex.http\n"
        "print(sorted(m for m in ('openai', 'anthropic') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_without_the_sdk_imported_the_error_is_left_as_it_is(monkeypatch: Any) -> None:
    monkeypatch.delitem(sys.modules, "openai")
    monkeypatch.setitem(sys.modules, "langchain_core.exceptions", None)
    err = errors.status_error(provider="openai", status=429, message="slow")
    assert type(sdk_compatible(err, OPENAI)) is errors.RateLimitError


def test_chatplex_class_names_the_class_raised() -> None:
    err = sdk_compatible(errors.status_error(provider="openai", status=429, message="x"), OPENAI)
    assert type(err) is not errors.RateLimitError
    assert chatplex_class(err) is errors.RateLimitError
    assert type(err).__name__ == "RateLimitError" and type(err).__module__ == "chatplex.errors"
    plain = errors.APIConnectionError("refused")
    assert chatplex_class(plain) is errors.APIConnectionError


def test_unpickled_in_another_process_is_the_sdk_class_again() -> None:
    err = sdk_compatible(
        errors.status_error(provider="anthropic", status=529, message="busy"), ANTHROPIC
    )
    code = (
        "import pickle, sys\n"
        f"e = pickle.loads({pickle.dumps(err)!r})\n"
        "import anthropic\n"
        "from chatplex.errors import OverloadedError\n"
        "assert isinstance(e, anthropic.OverloadedError) and isinstance(e, OverloadedError)\n"
        "try:\n"
        "    raise e\n"
        "except anthropic.InternalServerError as caught:\n"
        "    print(caught.status_code, caught.retryable)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["529", "True"]


# ---- langchain_core's ModelError family, on the wires that declare it --------------------

lc_exceptions = pytest.importorskip("langchain_core.exceptions")

# status -> the ModelError class langchain-openai raises for it (None: re-raised unchanged)
MODEL_ERRORS: dict[int, Any] = {
    400: lc_exceptions.ModelInvalidRequestError,
    401: lc_exceptions.ModelAuthenticationError,
    403: lc_exceptions.ModelPermissionDeniedError,
    404: lc_exceptions.ModelNotFoundError,
    409: None,
    422: None,
    429: lc_exceptions.ModelRateLimitError,
    500: lc_exceptions.ModelAPIError,
    503: lc_exceptions.ModelAPIError,
}


@contextlib.contextmanager
def _status_server(status: int, body: dict[str, Any]) -> Iterator[str]:
    """A server on 127.0.0.1 answering every POST with `status` and `body` (the openai SDK
    sends through its own HTTP client, which respx does not see)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize("status", sorted(MODEL_ERRORS))
def test_model_error_family_matches_langchain_openai(status: int) -> None:
    langchain_openai = pytest.importorskip("langchain_openai")
    settings = {"model": "gpt-4o-mini", "api_key": "sk-test", "max_retries": 0}
    with _status_server(status, _error_body(status, "openai")) as url:
        with pytest.raises(openai.APIStatusError) as theirs:
            langchain_openai.ChatOpenAI(base_url=url, **settings).invoke("hi")
        with pytest.raises(errors.APIStatusError) as ours:
            ChatOpenAI(base_url=url, **settings).invoke("hi")
    expected = MODEL_ERRORS[status]
    if expected is None:
        assert not isinstance(theirs.value, lc_exceptions.ModelError)
        assert not isinstance(ours.value, lc_exceptions.ModelError)
    else:
        assert isinstance(theirs.value, expected)  # the table is langchain-openai's
        assert isinstance(ours.value, expected)
    sdk_class = next(c for c in type(theirs.value).__mro__ if c.__module__.startswith("openai"))
    assert isinstance(ours.value, sdk_class)  # and the SDK's class it wraps


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_model_errors_caught_on_both_wires_sync_and_async(provider: str) -> None:
    import asyncio

    with respx.mock:
        respx.post(_url(provider)).mock(
            return_value=httpx.Response(429, json=_error_body(429, provider))
        )
        with pytest.raises(lc_exceptions.ModelRateLimitError) as sync:
            _model(provider).invoke("hi")
        with pytest.raises(lc_exceptions.ModelRateLimitError) as asynchronous:
            asyncio.run(_model(provider).ainvoke("hi"))
    for caught in (sync.value, asynchronous.value):
        assert isinstance(caught, errors.RateLimitError)
        assert chatplex_class(caught) is errors.RateLimitError
        assert caught.is_retryable is True  # LangChain's own attribute, from its class


def _stream_failure(**fields: Any) -> errors.StreamError:
    return errors.StreamError("stream failed", provider="openai", **fields)


def test_a_stream_that_broke_off_is_langchain_openais_connection_error() -> None:
    """The openai SDK raises a stream whose connection failed as `APIConnectionError`,
    which langchain-openai re-raises as its `OpenAIConnectionError` (a
    ModelConnectionError); an error event and a malformed event are neither."""
    base = pytest.importorskip("langchain_openai.chat_models.base")
    broken = _stream_failure()
    broken.__cause__ = httpx.RemoteProtocolError("peer closed connection")
    families = (partner_family(base.__name__, "OpenAI", broken_stream=True), *OPENAI)
    widened = sdk_compatible(broken, (*families, LANGCHAIN_MODEL_ERRORS))
    assert isinstance(widened, base.OpenAIConnectionError)
    assert isinstance(widened, lc_exceptions.ModelConnectionError)
    for other in (_stream_failure(error_type="server_error"), _stream_failure()):
        assert langchain_class_for(other, lc_exceptions) is None
        assert not isinstance(sdk_compatible(other, families), base.OpenAIConnectionError)
    # A partner that lets its SDK's stream errors through (no `broken_stream`) adds none.
    plain = _stream_failure()
    plain.__cause__ = httpx.RemoteProtocolError("peer closed connection")
    quiet = partner_family(base.__name__, "OpenAI")
    assert not isinstance(sdk_compatible(plain, (quiet,)), base.OpenAIConnectionError)


def test_context_overflow_and_timeouts() -> None:
    overflow = errors.status_error(
        provider="openai",
        status=400,
        message="This model's maximum context length is 8192",
        body={"error": {"code": "context_length_exceeded", "message": "too long"}},
    )
    assert langchain_class_for(overflow, lc_exceptions) is lc_exceptions.ContextOverflowError
    widened = sdk_compatible(overflow, (*OPENAI, LANGCHAIN_MODEL_ERRORS))
    assert isinstance(widened, lc_exceptions.ContextOverflowError)
    assert isinstance(widened, openai.BadRequestError)
    timeout = errors.APITimeoutError("slow", provider="openai")
    assert isinstance(
        sdk_compatible(timeout, (LANGCHAIN_MODEL_ERRORS,)), lc_exceptions.ModelTimeoutError
    )
    # A wire that does not declare the family (its partner re-raises its SDK's errors)
    # gives no ModelError: LangChain's retry middleware then retries it, as the partner's.
    assert not isinstance(
        sdk_compatible(errors.APITimeoutError("slow"), ()), lc_exceptions.ModelError
    )
    refused = errors.APIConnectionError("refused", provider="anthropic")
    anthropic_wire = (*ANTHROPIC, LANGCHAIN_MODEL_ERRORS)
    assert isinstance(sdk_compatible(refused, anthropic_wire), lc_exceptions.ModelConnectionError)
    assert isinstance(refused, anthropic.APIConnectionError)
    # A spent budget is no model error.
    budget = errors.BudgetExceededError("spent", spent=2.0, max_cost=1.0)
    assert langchain_class_for(budget, lc_exceptions) is None
    assert LANGCHAIN_MODEL_ERRORS.module == "langchain_core.exceptions"


def _partner_module() -> Any:
    """A partner package shaped like langchain-anthropic: its own classes, each its SDK's
    class and langchain_core's ModelError class at once."""

    module = types.ModuleType("partner_under_test")
    pairs = {
        "InvalidRequestError": (anthropic.BadRequestError, lc_exceptions.ModelInvalidRequestError),
        "ContextOverflowError": (anthropic.BadRequestError, lc_exceptions.ContextOverflowError),
        "RateLimitError": (anthropic.RateLimitError, lc_exceptions.ModelRateLimitError),
        "APIError": (anthropic.InternalServerError, lc_exceptions.ModelAPIError),
        "OverloadedError": (anthropic.OverloadedError, lc_exceptions.ModelAPIError),
        "TimeoutError": (anthropic.APITimeoutError, lc_exceptions.ModelTimeoutError),
    }
    for word, bases in pairs.items():
        setattr(module, f"Partner{word}", type(f"Partner{word}", bases, {}))
    return module


def test_partner_family_leads_with_the_partners_own_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = _partner_module()
    monkeypatch.setitem(sys.modules, module.__name__, module)
    wire = (
        partner_family(module.__name__, "Partner", ("prompt is too long",)),
        *ANTHROPIC,
        model_error_family(("prompt is too long",)),
    )

    def raised(status: int, message: str = "no") -> Any:
        return sdk_compatible(
            errors.status_error(provider="anthropic", status=status, message=message), wire
        )

    bad = raised(400)
    # The partner's class first after chatplex's, as in the partner's own error's hierarchy
    # (the SDK's and LangChain's classes, which it subclasses, are no extra bases).
    outside = [c for c in type(bad).__mro__ if not c.__module__.startswith("chatplex")]
    assert outside[0] is module.PartnerInvalidRequestError
    assert isinstance(bad, anthropic.BadRequestError)
    assert bad.is_retryable is False
    assert bad.type is None  # the SDK family's fields are still filled
    assert isinstance(raised(400, "prompt is too long"), module.PartnerContextOverflowError)
    # context_length_exceeded is langchain-openai's word, not this partner's
    assert not isinstance(
        raised(400, "context_length_exceeded"), lc_exceptions.ContextOverflowError
    )
    assert isinstance(raised(429), module.PartnerRateLimitError)
    assert isinstance(raised(529), module.PartnerOverloadedError)
    assert isinstance(raised(500), module.PartnerAPIError)
    timeout = sdk_compatible(errors.APITimeoutError("slow", provider="anthropic"), wire)
    assert isinstance(timeout, module.PartnerTimeoutError)
    # A status the partner re-raises unchanged, or one it has no class for, is the SDK's.
    conflict = raised(409)
    assert isinstance(conflict, anthropic.ConflictError)
    assert not isinstance(conflict, lc_exceptions.ModelError)
    missing = raised(404)  # no PartnerModelNotFoundError: LangChain's family stands for it
    assert isinstance(missing, lc_exceptions.ModelNotFoundError)
    assert isinstance(missing, anthropic.NotFoundError)


def test_pickle_keeps_every_family() -> None:
    wire = (*OPENAI, LANGCHAIN_MODEL_ERRORS)
    err = sdk_compatible(errors.status_error(provider="openai", status=429, message="x"), wire)
    copy = pickle.loads(pickle.dumps(err))
    assert isinstance(copy, openai.RateLimitError)
    assert isinstance(copy, lc_exceptions.ModelRateLimitError)
    assert isinstance(copy, errors.RateLimitError)
    assert type(copy) is type(err)


# ---- the SDK's words (issue 47): message and str() as the Stainless SDKs word them


def _status_error(status: int | None, body: Any, message: str = "Invalid API Key") -> Any:
    return errors.status_error(provider="groq", status=status, message=message, body=body)


def test_stainless_text_words_a_status_error_as_the_sdk_does() -> None:
    from chatplex.sdk_errors import stainless_text

    body = {"error": {"message": "Invalid API Key", "code": "invalid_api_key"}}
    whole = _status_error(401, body)
    stainless_text(whole, "no_such_sdk")  # an SDK that shows the whole body
    assert whole.message == str(whole) == f"Error code: 401 - {body}"
    assert whole.provider_message == "Invalid API Key" and whole.status_code == 401
    text = _status_error(502, "  bad gateway \n")
    stainless_text(text, "no_such_sdk")
    assert str(text) == "bad gateway"
    empty = _status_error(500, None)
    stainless_text(empty, "no_such_sdk")
    assert str(empty) == "Error code: 500"
    inner = _status_error(400, {"message": "bad"})
    inner.whole_body = {"error": {"message": "bad"}}  # a wire keeping the error object
    stainless_text(inner, "no_such_sdk")
    assert str(inner) == "Error code: 400 - {'error': {'message': 'bad'}}"


def test_stainless_text_reads_the_openai_sdks_own_wording() -> None:
    """openai's recent releases show the body's `error.message` alone: the same words as
    the installed SDK's own error, checked against it."""
    from chatplex.sdk_errors import stainless_text

    body = {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}
    ours = _status_error(401, body)
    stainless_text(ours, "openai")
    response = httpx.Response(401, json=body, request=httpx.Request("POST", OPENAI_URL))
    client = openai.OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    theirs = client._make_status_error_from_response(response)  # type: ignore[arg-type]
    assert str(ours) == str(theirs) and ours.message == theirs.message


def test_an_error_with_no_status_keeps_chatplex_words() -> None:
    from chatplex.sdk_errors import stainless_text

    event = errors.StreamError("overloaded", provider="openai", error_type="server_error")
    stainless_text(event, "openai")
    assert str(event) == "openai server_error: overloaded" and event.message == "overloaded"


def test_a_timeout_is_the_sdks_timeout_class() -> None:
    """The partner's class (issue 47): openai.APITimeoutError, as langchain-openai's
    SDK raises, ahead of builtins.TimeoutError in its hierarchy (the class a script
    names), in the SDK's words; chatplex's ("read timed out ...", which bound) stay as
    `provider_message` and as its cause, chained to httpx's error."""
    slow = errors.APITimeoutError("read timed out", provider="openai")
    slow.__cause__ = httpx.ReadTimeout("timed out")
    timeout = sdk_compatible(slow, OPENAI)
    assert isinstance(timeout, openai.APITimeoutError) and isinstance(timeout, TimeoutError)
    mro = type(timeout).__mro__
    assert mro.index(openai.APITimeoutError) < mro.index(TimeoutError)
    assert str(timeout) == "Request timed out." == timeout.message
    assert timeout.provider_message == "read timed out"
    detail = timeout.__cause__
    assert type(detail) is errors.APITimeoutError and str(detail) == "openai: read timed out"
    assert isinstance(detail.__cause__, httpx.ReadTimeout)
    failed = sdk_compatible(errors.APIConnectionError("refused", provider="openai"), OPENAI)
    assert isinstance(failed, openai.APIConnectionError) and str(failed) == "Connection error."
    anthropic_family = (stainless_family("anthropic"),)
    ours = sdk_compatible(errors.APITimeoutError("t", provider="anthropic"), anthropic_family)
    assert isinstance(ours, anthropic.APITimeoutError)
    assert str(ours).startswith("Request timed out or interrupted.")


def test_chatplex_own_timeout_keeps_its_words_and_cause() -> None:
    cause = httpx.ReadTimeout("timed out")
    slow = errors.APITimeoutError("read timed out", provider="openai")
    slow.__cause__ = cause
    own = sdk_compatible(slow, OPENAI, words=False)
    assert isinstance(own, openai.APITimeoutError)
    assert str(own) == "openai: read timed out" and own.__cause__ is cause


def test_inner_body_is_the_error_object_as_the_openai_sdks() -> None:
    """`stainless_family(..., inner_body=True)`: `body` and `str()` as the openai SDK's
    own error has them; the whole body kept as `whole_body`."""
    body = {"error": {"message": "m", "type": "invalid_request_error", "code": None}}
    ours = sdk_compatible(_status_error(400, body), (stainless_family("openai", inner_body=True),))
    response = httpx.Response(400, json=body, request=httpx.Request("POST", OPENAI_URL))
    client = openai.OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    theirs = client._make_status_error_from_response(response)  # type: ignore[arg-type]
    assert (ours.body, str(ours), ours.args) == (theirs.body, str(theirs), theirs.args)  # type: ignore[attr-defined]
    assert ours.whole_body == body  # type: ignore[attr-defined]


def test_without_response_drops_it_unless_the_partners_error_holds_one() -> None:
    cut = errors.StreamError("cut", response=httpx.Response(200))
    without_response(cut, frozenset({"timeout"}))
    assert not hasattr(cut, "response")
    slow = errors.APITimeoutError("slow")
    without_response(slow, frozenset({"timeout"}))  # botocore's timeouts hold one
    assert slow.response is None
    status = errors.status_error(provider="openai", status=500, message="m")
    without_response(status, frozenset())
    assert hasattr(status, "response")  # the provider's reply: the partner's holds it too


def _broken_stream(request: httpx.Request) -> httpx.Response:
    """A 200 stream of OpenAI's chunks that breaks off after the first."""
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": {"content": "Hel"}, "finish_reason": None}],
    }
    first = f"data: {json.dumps(chunk)}\n\n".encode()
    cut = httpx.RemoteProtocolError("peer closed connection")
    return httpx.Response(
        200, headers={"content-type": "text/event-stream"}, stream=_Cut([first], cut)
    )


class _Cut(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, parts: list[bytes], error: Exception) -> None:
        self.parts, self.error = parts, error

    def __iter__(self) -> Iterator[bytes]:
        yield from self.parts
        raise self.error

    async def __aiter__(self) -> Any:
        for part in self.parts:
            yield part
        raise self.error


@pytest.mark.parametrize("sync", [True, False])
async def test_a_dropins_broken_stream_holds_no_response_as_the_partners(sync: bool) -> None:
    """langchain-core builds `on_llm_error`'s error generation from an error's `response`:
    the openai SDK's APIConnectionError has none, so the drop-in's has none either;
    chatplex's own model keeps the 200 it got."""
    from chatplex.chat import init_chat_model

    own = init_chat_model("openai:gpt-4o-mini", api_key="sk-test", max_retries=0)
    raised = []
    with respx.mock:
        respx.post(OPENAI_URL).mock(side_effect=_broken_stream)
        for model in (_model("openai"), own):
            with pytest.raises(errors.StreamError) as caught:
                if sync:
                    list(model.stream("hi"))
                else:
                    [c async for c in model.astream("hi")]
            raised.append(caught.value)
    dropin, kept = raised
    assert isinstance(dropin, openai.APIConnectionError) and not hasattr(dropin, "response")
    assert kept.response is not None and kept.response.status_code == 200


def test_a_family_of_a_builtin_laid_out_otherwise_gets_a_copy() -> None:
    """`ConnectionError` (an `OSError`) cannot take a chatplex error's `__class__`: the
    error returned is a copy in the joined class, with its fields, words, chain and
    traceback; any other class moves the error itself."""
    family = ErrorFamily("builtins", lambda err, module: ConnectionError)
    try:
        raise errors.StreamError("cut", provider="p", request_id="r")
    except errors.StreamError as raised:
        err = raised
    err.__cause__ = ValueError("under it")
    shown = sdk_compatible(err, (family,))
    assert shown is not err and isinstance(shown, ConnectionError)
    assert isinstance(shown, errors.StreamError) and chatplex_class(shown) is errors.StreamError
    assert (shown.request_id, str(shown), shown.args) == ("r", str(err), err.args)
    assert shown.__cause__ is err.__cause__ and shown.__traceback__ is err.__traceback__
    moved = errors.StreamError("cut", provider="p")
    assert sdk_compatible(moved, (ErrorFamily("builtins", lambda e, m: ValueError),)) is moved


def test_a_copy_in_a_class_laid_out_otherwise_survives_pickling() -> None:
    """An error joined to an `OSError` class (a copy: `_moved`) is unpickled in the same
    joined class, its words kept (`__class__` cannot change there either)."""
    family = ErrorFamily("builtins", lambda err, module: ConnectionError)
    shown = sdk_compatible(errors.StreamError("cut", provider="p"), (family,))
    copy = pickle.loads(pickle.dumps(shown))
    assert isinstance(copy, ConnectionError) and isinstance(copy, errors.StreamError)
    assert str(copy) == str(shown) == "p: cut"


def test_a_family_whose_class_the_error_already_is_still_words_it() -> None:
    """A family picking a class chatplex's own already subclasses (`TimeoutError`): a
    drop-in's error is filled all the same (again when raised again: the fill keeps its
    first words); chatplex's own models' error is not filled."""
    filled: list[BaseException] = []

    def fill(err: BaseException) -> None:
        filled.append(err)
        if "sdk_text" not in err.__dict__:
            err.__dict__.update(sdk_text="", sdk_args=())

    family = ErrorFamily("builtins", lambda err, module: TimeoutError, fill)
    late = errors.APITimeoutError("h sent nothing within 1 s", provider="p")
    shown = sdk_compatible(late, (family,))
    assert shown is late and type(shown) is errors.APITimeoutError and str(shown) == ""
    assert sdk_compatible(shown, (family,)) is shown and str(shown) == ""
    own = errors.APITimeoutError("h sent nothing within 1 s", provider="p")
    assert str(sdk_compatible(own, (family,), words=False)) == "p: h sent nothing within 1 s"
    assert filled == [late, late]
