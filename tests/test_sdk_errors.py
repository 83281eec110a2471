"""chatplex's errors caught as the provider SDK's classes (`except openai.RateLimitError`),
through real calls (respx) of the LangChain drop-ins (their partner's words), sync, async
and streaming; pickling; `import chatplex` loading no SDK; and chatplex's own models
keeping chatplex's words on every wire whatever SDK was imported."""

from __future__ import annotations

import dataclasses
import json
import pickle
import sys
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx
import openai
import pytest
import respx

from chatplex import errors
from chatplex.langchain import ChatOpenAI
from chatplex.sdk_error_families import ErrorFamily
from chatplex.sdk_error_stainless import stainless_family
from chatplex.sdk_errors import chatplex_class
from chatplex.sdk_errors import sdk_compatible
from chatplex.sdk_errors import without_response
from tests._fresh import fresh_python

from ._sdk_wires import ANTHROPIC
from ._sdk_wires import ANTHROPIC_URL
from ._sdk_wires import OPENAI
from ._sdk_wires import OPENAI_URL
from ._sdk_wires import dropin_model
from ._sdk_wires import error_body
from ._sdk_wires import url_for

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
    # (langchain-anthropic re-raises the SDK's ServiceUnavailableError as its
    # AnthropicAPIError, an InternalServerError only: tests/partners/anthropic)
    503: (errors.ServerError, openai.InternalServerError, anthropic.InternalServerError),
    529: (errors.OverloadedError, openai.InternalServerError, anthropic.OverloadedError),
}


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
    body = error_body(status, provider)
    with respx.mock:
        respx.post(url_for(provider)).mock(
            return_value=httpx.Response(status, json=body, headers={"x-request-id": "req-9"})
        )
        with pytest.raises(sdk_cls) as caught:
            _call(dropin_model(provider), mode)
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
    assert err.request.url == url_for(provider)
    assert "sk-" not in err.request.headers.get("authorization", "") + err.request.headers.get(
        "x-api-key", ""
    )
    if provider == "openai":
        assert (err.type, err.param, err.code) == ("t", "p", "c")
    else:
        assert err.type == f"t{status}"
        assert err.api_message == f"m{status}"
        assert not hasattr(err, "code")  # the anthropic SDK's errors have none
    assert str(err) == err.message  # the SDK's words, as its own errors print


@pytest.mark.parametrize("mode", ["invoke", "stream"])
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("status", sorted(STATUSES))
async def test_async_calls_raise_the_sdk_class_too(status: int, provider: str, mode: str) -> None:
    ours, openai_cls, anthropic_cls = STATUSES[status]
    sdk_cls = openai_cls if provider == "openai" else anthropic_cls
    with respx.mock:
        respx.post(url_for(provider)).mock(
            return_value=httpx.Response(status, json=error_body(status, provider))
        )
        with pytest.raises(sdk_cls) as caught:
            await _acall(dropin_model(provider), mode)
    assert isinstance(caught.value, ours)
    assert caught.value.status_code == status


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_timeouts_and_connection_failures(provider: str) -> None:
    sdk = openai if provider == "openai" else anthropic
    with respx.mock:
        respx.post(url_for(provider)).mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(sdk.APITimeoutError) as timed_out:
            dropin_model(provider).invoke("hi")
        respx.post(url_for(provider)).mock(side_effect=httpx.ConnectError("refused"))
        with pytest.raises(sdk.APIConnectionError) as refused:
            dropin_model(provider).invoke("hi")
    assert isinstance(timed_out.value, errors.APITimeoutError)
    assert not isinstance(timed_out.value, TimeoutError)  # (nor is the SDK's)
    assert isinstance(refused.value, errors.APIConnectionError)
    assert not isinstance(refused.value, sdk.APITimeoutError)
    # No response came: the request is a masked copy, never the one holding the key.
    request = refused.value.request
    assert request.url == url_for(provider)
    key_header = request.headers.get("authorization") or request.headers.get("x-api-key")
    assert key_header is not None and "test" not in key_header


async def test_async_timeout_is_the_sdk_timeout() -> None:
    with respx.mock:
        respx.post(ANTHROPIC_URL).mock(side_effect=httpx.ConnectTimeout("slow"))
        with pytest.raises(anthropic.APITimeoutError):
            await dropin_model("anthropic").ainvoke("hi")


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
            list(dropin_model("anthropic").stream("hi"))
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
    # Events that came whole, none of the wire's: no connection failed.
    stray = errors.StreamError("no chunk event", provider="openai", status=200)
    read = sdk_compatible(stray, OPENAI)
    assert isinstance(read, openai.APIError)
    assert not isinstance(read, (openai.APIConnectionError, openai.APIStatusError))


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
            return_value=httpx.Response(400, json=error_body(400, "openai"))
        )
        with pytest.raises(openai.BadRequestError):
            model.invoke("hi")
    assert route.call_count == 1  # not retryable, whatever class it is shown as


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_pickle_round_trip_keeps_both_classes_and_the_fields(provider: str) -> None:
    with respx.mock:
        respx.post(url_for(provider)).mock(
            return_value=httpx.Response(429, json=error_body(429, provider))
        )
        with pytest.raises(errors.RateLimitError) as caught:
            dropin_model(provider).invoke("hi")
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
    assert hasattr(copy, "code") is (provider == "openai")


#: The fields one Stainless SDK's errors carry and another's not.
SDK_FIELDS = ("code", "param", "type", "api_message", "details", "error_code", "workspace_id")


def _sdk_fields(err: BaseException) -> set[str]:
    return {name for name in SDK_FIELDS if hasattr(err, name)}


@pytest.mark.parametrize(("provider", "families"), [("openai", OPENAI), ("anthropic", ANTHROPIC)])
def test_a_drop_ins_error_has_the_fields_the_sdks_own_error_has(
    provider: str, families: Any
) -> None:
    sdk = openai if provider == "openai" else anthropic
    request = httpx.Request("POST", url_for(provider))
    body = error_body(429, provider)
    response = httpx.Response(429, json=body, request=request)
    theirs = sdk.RateLimitError("m", response=response, body=body)
    with respx.mock:
        respx.post(url_for(provider)).mock(return_value=response)
        with pytest.raises(sdk.RateLimitError) as limited:
            dropin_model(provider).invoke("hi")
        respx.post(url_for(provider)).mock(side_effect=httpx.ConnectError("refused"))
        with pytest.raises(sdk.APIConnectionError) as refused:
            dropin_model(provider).invoke("hi")
    assert _sdk_fields(limited.value) == _sdk_fields(theirs)
    assert _sdk_fields(refused.value) == _sdk_fields(sdk.APIConnectionError(request=request))
    # chatplex's own names keep its `code`, whatever the SDK.
    own = errors.status_error(provider=provider, status=429, message="x", code="c")
    assert sdk_compatible(own, families, words=False).code == "c"


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
    out = fresh_python(code)
    assert "Error code: 404 | gone" in out.stdout  # the same words on both sides


def test_import_chatplex_loads_no_sdk() -> None:
    code = (
        "import sys, chatplex\n"
        "from chatplex.langchain import ChatOpenAI, ChatAnthropic\n"
        "import chatplex.sdk_errors, chatplex.http\n"
        "print(sorted(m for m in ('openai', 'anthropic') if m in sys.modules))\n"
    )
    out = fresh_python(code)
    assert out.stdout.strip() == "[]"


def test_without_the_sdk_imported_the_error_is_left_as_it_is(monkeypatch: Any) -> None:
    """chatplex's own models' errors (`words=False`), and a drop-in's where the family
    does not load its module."""
    monkeypatch.delitem(sys.modules, "openai")
    monkeypatch.setitem(sys.modules, "langchain_core.exceptions", None)
    err = errors.status_error(provider="openai", status=429, message="slow")
    assert type(sdk_compatible(err, OPENAI, words=False)) is errors.RateLimitError
    unloaded = (dataclasses.replace(OPENAI[0], partner_loads=False),)
    assert type(sdk_compatible(err, unloaded)) is errors.RateLimitError
    assert "openai" not in sys.modules


def test_a_drop_ins_error_loads_the_sdk_its_partner_imports() -> None:
    """Under a drop-in's name the error is the SDK's class whatever the script imported:
    its partner package imports the SDK (`ErrorFamily.partner_loads`); a module not
    installed leaves it chatplex's."""
    code = (
        "import sys\n"
        "from chatplex import errors\n"
        "from chatplex.sdk_error_stainless import stainless_family\n"
        "from chatplex.sdk_errors import sdk_compatible\n"
        "err = errors.status_error(provider='openai', status=429, message='slow')\n"
        "own = sdk_compatible(err, (stainless_family('openai'),), words=False)\n"
        "print(type(own).__module__, 'openai' in sys.modules)\n"
        "err = errors.status_error(provider='openai', status=429, message='slow')\n"
        "dropin = sdk_compatible(err, (stainless_family('openai'),))\n"
        "print(type(dropin).__module__, type(dropin).__name__)\n"
        "err = errors.status_error(provider='x', status=429, message='slow')\n"
        "none = sdk_compatible(err, (stainless_family('no_such_sdk_module'),))\n"
        "print(type(none) is errors.RateLimitError)\n"
    )
    out = fresh_python(code).stdout.split("\n")
    assert out[:3] == ["chatplex.errors False", "openai RateLimitError", "True"]


def test_chatplex_class_names_the_class_raised() -> None:
    err = sdk_compatible(errors.status_error(provider="openai", status=429, message="x"), OPENAI)
    assert type(err) is not errors.RateLimitError
    assert chatplex_class(err) is errors.RateLimitError


def test_a_drop_in_s_error_is_named_as_the_partner_s_and_chatplex_s_as_its_own() -> None:
    """Logs, tracebacks and tracers print `type(err).__module__` and `__name__`: a
    drop-in's error (`words=True`) reads as the SDK's class there, chatplex's own
    model's error (`words=False`) as chatplex's; both are instances of both."""
    raised = errors.status_error(provider="openai", status=503, message="x")
    dropin = sdk_compatible(raised, OPENAI)
    assert (type(dropin).__module__, type(dropin).__qualname__) == ("openai", "InternalServerError")
    own = sdk_compatible(
        errors.status_error(provider="openai", status=503, message="x"), OPENAI, words=False
    )
    assert (type(own).__module__, type(own).__qualname__) == ("chatplex.errors", "ServerError")
    for err in (dropin, own):
        assert isinstance(err, openai.InternalServerError) and isinstance(err, errors.ServerError)
    again = pickle.loads(pickle.dumps(dropin))
    assert (type(again).__module__, type(again).__qualname__) == ("openai", "InternalServerError")
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
    out = fresh_python(code)
    assert out.stdout.split() == ["529", "True"]


def test_chatplex_own_timeout_keeps_its_words_and_cause() -> None:
    cause = httpx.ReadTimeout("timed out")
    slow = errors.APITimeoutError("read timed out", provider="openai")
    slow.__cause__ = cause
    own = sdk_compatible(slow, OPENAI, words=False)
    assert isinstance(own, openai.APITimeoutError)
    assert str(own) == "openai: read timed out" and own.__cause__ is cause


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
        for model in (dropin_model("openai"), own):
            with pytest.raises(errors.StreamError) as caught:
                if sync:
                    list(model.stream("hi"))
                else:
                    [c async for c in model.astream("hi")]
            raised.append(caught.value)
    dropin, kept = raised
    assert isinstance(dropin, openai.APIConnectionError) and not hasattr(dropin, "response")
    assert kept.response is not None and kept.response.status_code == 200


@pytest.mark.parametrize(
    ("status", "sdk_own"),
    [(503, anthropic.ServiceUnavailableError), (504, anthropic.GatewayTimeoutError)],
)
def test_a_5xx_is_the_sdks_own_class_on_chatplexs_model_and_the_partners_on_the_dropin(
    status: int, sdk_own: type[Exception]
) -> None:
    """The anthropic SDK raises its own class of a 503 and a 504; langchain-anthropic
    re-raises both as its AnthropicAPIError, an InternalServerError alone. Each family
    keeps the class its users catch (`ErrorFamily.partner_pick`)."""
    from chatplex.chat import init_chat_model

    own = init_chat_model("anthropic:claude-sonnet-4-5", api_key="sk-ant-test", max_retries=0)
    raised = []
    with respx.mock:
        respx.post(ANTHROPIC_URL).mock(
            return_value=httpx.Response(status, json=error_body(status, "anthropic"))
        )
        for model in (own, dropin_model("anthropic")):
            with pytest.raises(anthropic.InternalServerError) as caught:
                model.invoke("hi")
            raised.append(caught.value)
    kept, dropin = raised
    assert isinstance(kept, sdk_own) and isinstance(kept, errors.ServerError)
    assert not isinstance(dropin, sdk_own) and isinstance(dropin, errors.ServerError)


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
    """A family picking a class chatplex's own already subclasses: a
    drop-in's error is filled all the same (again when raised again: the fill keeps its
    first words); chatplex's own models' error is not filled."""
    filled: list[BaseException] = []

    def fill(err: BaseException) -> None:
        filled.append(err)
        if "sdk_text" not in err.__dict__:
            err.__dict__.update(sdk_text="", sdk_args=())

    family = ErrorFamily("builtins", lambda err, module: errors.APIConnectionError, fill)
    late = errors.APITimeoutError("h sent nothing within 1 s", provider="p")
    shown = sdk_compatible(late, (family,))
    assert shown is late and type(shown) is errors.APITimeoutError and str(shown) == ""
    assert sdk_compatible(shown, (family,)) is shown and str(shown) == ""
    own = errors.APITimeoutError("h sent nothing within 1 s", provider="p")
    assert str(sdk_compatible(own, (family,), words=False)) == "p: h sent nothing within 1 s"
    assert filled == [late, late]
