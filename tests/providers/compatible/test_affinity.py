"""`providers/compatible/affinity.py`: a preset's session affinity, read from its partner
package's context variable at request time (langchain-fireworks' `_PROMPT_CACHE_AFFINITY`,
which its FireworksPromptCachingMiddleware sets), only where that module is loaded."""

from __future__ import annotations

import asyncio
import contextvars
import json
import sys
import types
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from chatplex.chat.model import ChatModel
from chatplex.providers.compatible.dropin import preset_record_of

_URL = "https://api.fireworks.ai/inference/v1/chat/completions"
_MODULE = "langchain_fireworks.chat_models"
_REPLY = {
    "id": "fw-1",
    "model": "accounts/fireworks/models/m",
    "choices": [{"index": 0, "message": {"content": "ok"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
}


@pytest.fixture
def fake_var(monkeypatch: pytest.MonkeyPatch) -> contextvars.ContextVar[str | None]:
    """A stand-in for langchain-fireworks' module, loaded, with its variable."""
    var: contextvars.ContextVar[str | None] = contextvars.ContextVar("fake", default=None)
    module = types.ModuleType(_MODULE)
    module._PROMPT_CACHE_AFFINITY = var  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, _MODULE, module)
    return var


@pytest.fixture
def route() -> Iterator[respx.Route]:
    with respx.mock(assert_all_called=True) as mock:
        yield mock.post(_URL).mock(return_value=httpx.Response(200, json=_REPLY))


def _sent(route: respx.Route) -> list[tuple[str | None, Any]]:
    """Each request's affinity header and `prompt_cache_key`."""
    return [
        (
            call.request.headers.get("x-session-affinity"),
            json.loads(call.request.content).get("prompt_cache_key"),
        )
        for call in route.calls
    ]


def _built(provider: str, **keywords: Any) -> ChatModel:
    """The model the preset's record builds of `keywords` (`PartnerClass.build`)."""
    build = preset_record_of(provider).build
    assert build is not None  # (every preset's)
    return build(keywords)


def _model(**params: Any) -> ChatModel:
    return _built("fireworks", model="accounts/fireworks/models/m", api_key="fw-k", **params)


def _invoked_in_both(model: Any, var: contextvars.ContextVar[str | None], value: str) -> None:
    """`invoke` and `ainvoke` with the variable set around each, as the middleware does."""
    token = var.set(value)
    try:
        assert model.invoke("hi").text == "ok"
    finally:
        var.reset(token)

    async def call() -> None:
        token = var.set(value)
        try:
            assert (await model.ainvoke("hi")).text == "ok"
        finally:
            var.reset(token)

    asyncio.run(call())


def test_the_variable_set_goes_as_header_and_cache_key(
    fake_var: contextvars.ContextVar[str | None], route: respx.Route
) -> None:
    _invoked_in_both(_model(), fake_var, "abc")
    assert _sent(route) == [("abc", "abc"), ("abc", "abc")]


def test_streams_carry_it_too(fake_var: contextvars.ContextVar[str | None]) -> None:
    chunks = (
        'data: {"id":"fw-1","model":"m","choices":[{"index":0,"delta":{"content":"ok"},'
        '"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
    )
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post(_URL).mock(
            return_value=httpx.Response(
                200, text=chunks, headers={"content-type": "text/event-stream"}
            )
        )
        token = fake_var.set("s1")
        try:
            assert "".join(str(c.content) for c in _model().stream("hi")) == "ok"
        finally:
            fake_var.reset(token)
    assert _sent(route) == [("s1", "s1")]


def test_unset_or_set_in_another_context_sends_none(
    fake_var: contextvars.ContextVar[str | None], route: respx.Route
) -> None:
    model = _model()
    other = contextvars.copy_context()
    other.run(fake_var.set, "elsewhere")  # not the caller's context
    assert model.invoke("hi").text == "ok"
    assert asyncio.run(model.ainvoke("hi")).text == "ok"
    assert _sent(route) == [(None, None), (None, None)]


def test_nothing_is_read_while_its_module_is_not_loaded(
    monkeypatch: pytest.MonkeyPatch, route: respx.Route
) -> None:
    monkeypatch.delitem(sys.modules, _MODULE, raising=False)
    assert _model().invoke("hi").text == "ok"
    assert _sent(route) == [(None, None)]
    assert _MODULE not in sys.modules  # never imported for it


@pytest.mark.parametrize("own", [{"user": "u1"}, {"prompt_cache_key": "mine"}])
def test_a_call_naming_its_own_user_or_key_keeps_it(
    fake_var: contextvars.ContextVar[str | None], route: respx.Route, own: dict[str, str]
) -> None:
    _invoked_in_both(_model(model_kwargs=own), fake_var, "abc")
    for header, key in _sent(route):
        assert header is None and key == own.get("prompt_cache_key")


def test_it_replaces_a_default_header_of_that_name(
    fake_var: contextvars.ContextVar[str | None], route: respx.Route
) -> None:
    # langchain-fireworks sends it as the SDK's extra_headers, over its default headers.
    _invoked_in_both(_model(default_headers={"X-Session-Affinity": "d"}), fake_var, "abc")
    assert _sent(route) == [("abc", "abc"), ("abc", "abc")]


def test_other_presets_read_no_affinity(
    fake_var: contextvars.ContextVar[str | None],
) -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post("https://api.groq.com/openai/v1/chat/completions").mock(
            return_value=httpx.Response(200, json=_REPLY)
        )
        _invoked_in_both(_built("groq", model="m", api_key="gsk-k"), fake_var, "abc")
    assert _sent(route) == [(None, None), (None, None)]


def test_langchain_fireworks_variable_itself(route: respx.Route) -> None:
    partner = pytest.importorskip(_MODULE)
    _invoked_in_both(_model(), partner._PROMPT_CACHE_AFFINITY, "real")
    assert _sent(route) == [("real", "real"), ("real", "real")]


@pytest.mark.parametrize("spelling", ["x-session-affinity", "X-Session-Affinity"])
def test_a_call_naming_the_affinity_header_gets_neither(
    fake_var: contextvars.ContextVar[str | None], route: respx.Route, spelling: str
) -> None:
    """langchain-fireworks sends neither affinity value where the call's (or the
    model's) `extra_headers` name its header: the call's header alone, no cache key."""
    _invoked_in_both(_model(extra_headers={spelling: "mine"}), fake_var, "abc")
    assert _sent(route) == [("mine", None), ("mine", None)]
    # In model_kwargs (the SDK's request option there): headers too, not a body field.
    _invoked_in_both(_model(model_kwargs={"extra_headers": {spelling: "kw"}}), fake_var, "abc")
    assert _sent(route)[2:] == [("kw", None), ("kw", None)]
    assert all("extra_headers" not in json.loads(c.request.content) for c in route.calls)
    token = fake_var.set("abc")
    try:
        assert _model().invoke("hi", extra_headers={spelling: "call"}).text == "ok"
    finally:
        fake_var.reset(token)
    assert _sent(route)[4:] == [("call", None)]
