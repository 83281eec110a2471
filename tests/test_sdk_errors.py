"""chatplex's errors caught as the provider SDK's classes (`except openai.RateLimitError`),
through real calls (respx), sync, async and streaming; pickling; and `import chatplex`
loading no SDK."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from typing import Any

import anthropic
import httpx
import openai
import pytest
import respx

from chatplex import ChatAnthropic, ChatOpenAI, errors
from chatplex.sdk_errors import chatplex_class, sdk_class_for, sdk_compatible

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
    assert err.message == f"m{status}"
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
    assert str(err).startswith(f"{provider} {status}")


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
        with pytest.raises(anthropic.OverloadedError) as caught:
            list(_model("anthropic").stream("hi"))
    assert isinstance(caught.value, errors.StreamError)
    assert caught.value.error_type == "overloaded_error"
    assert isinstance(caught.value, anthropic.APIStatusError)


def test_a_stream_that_broke_off_is_a_connection_error() -> None:
    err = errors.StreamError("cut", provider="openai", retryable=True)
    assert isinstance(sdk_compatible(err, "openai"), openai.APIConnectionError)
    event = errors.StreamError("bad", provider="openai", error_type="server_error")
    assert isinstance(sdk_compatible(event, "openai"), openai.APIStatusError)
    malformed = errors.APIError("malformed", provider="anthropic", status=200)
    widened = sdk_compatible(malformed, "anthropic")
    assert isinstance(widened, anthropic.APIError)
    assert not isinstance(widened, anthropic.APIStatusError)


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
    assert (copy.status_code, copy.message, copy.type, copy.retryable) == (
        429,
        "m429",
        caught.value.type,
        True,
    )
    assert copy.response is None and copy.request is None  # not carried across processes
    assert type(copy) is type(caught.value)  # the cached class, not a new one


def test_pickle_of_a_widened_timeout_and_deadline() -> None:
    timeout = sdk_compatible(errors.APITimeoutError("t", provider="openai"), "openai")
    deadline = sdk_compatible(errors.DeadlineExceededError("passed"), "openai")
    for err, ours in ((timeout, errors.APITimeoutError), (deadline, errors.DeadlineExceededError)):
        copy = pickle.loads(pickle.dumps(err))
        assert isinstance(copy, ours)
        assert isinstance(copy, openai.APITimeoutError)
        assert str(copy) == str(err)


def test_unpickled_where_the_sdk_is_missing_is_a_plain_chatplex_error() -> None:
    err = sdk_compatible(
        errors.status_error(provider="openai", status=404, message="gone"), "openai"
    )
    data = pickle.dumps(err)
    code = (
        "import pickle, sys\n"
        "sys.modules['openai'] = None  # an environment without the SDK\n"
        f"e = pickle.loads({data!r})\n"
        "from chatplex.errors import NotFoundError\n"
        "assert type(e) is NotFoundError, type(e).__mro__\n"
        "print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "openai 404: gone" in out.stdout


def test_no_sdk_class_for_errors_no_sdk_has() -> None:
    budget = errors.BudgetExceededError("spent", spent=2.0, max_cost=1.0)
    assert sdk_compatible(budget, "openai") is budget
    assert type(budget) is errors.BudgetExceededError
    assert sdk_class_for(ValueError("bug"), openai) is None
    # A provider with no SDK known: unchanged.
    err = errors.status_error(provider="groq-native", status=429, message="slow")
    assert type(sdk_compatible(err, "groq-native")) is errors.RateLimitError


def test_status_without_own_sdk_class_falls_back() -> None:
    err = sdk_compatible(
        errors.status_error(provider="openai", status=402, message="pay"), "openai"
    )
    assert type(err).__mro__[1:].count(openai.APIStatusError) == 1
    assert not isinstance(err, openai.InternalServerError)
    five = sdk_compatible(errors.status_error(provider="openai", status=502, message="x"), "openai")
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
    err = errors.status_error(provider="openai", status=429, message="slow")
    assert type(sdk_compatible(err, "openai")) is errors.RateLimitError


def test_chatplex_class_names_the_class_raised() -> None:
    err = sdk_compatible(errors.status_error(provider="openai", status=429, message="x"), "openai")
    assert type(err) is not errors.RateLimitError
    assert chatplex_class(err) is errors.RateLimitError
    assert type(err).__name__ == "RateLimitError" and type(err).__module__ == "chatplex.errors"
    plain = errors.APIConnectionError("refused")
    assert chatplex_class(plain) is errors.APIConnectionError


def test_unpickled_in_another_process_is_the_sdk_class_again() -> None:
    err = sdk_compatible(
        errors.status_error(provider="anthropic", status=529, message="busy"), "anthropic"
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
