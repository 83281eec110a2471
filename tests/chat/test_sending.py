"""`chat/sending.py`: the request a ChatModel builds for a call (adapter per model, per-call
authorisation, extra headers), the rate budget it runs under (its retry policy:
`test_retrying.py`), and the reply sent, cached and streamed over an httpx
MockTransport, sync and async."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from chatplex import AIMessageChunk
from chatplex import ChatModel
from chatplex import FakeChatModel
from chatplex import HumanMessage
from chatplex.adapters.request_types import HTTPRequest
from chatplex.chat import sending
from chatplex.chat.caching.memory import InMemoryCache
from chatplex.chat.observed import ObservedBudget
from chatplex.chat.observed import ObservedRetry
from chatplex.core.retry import retry_policy
from chatplex.core.run_config import RunnableConfig
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.secret import MaskedHeaders
from tests._dropins import partner_headers
from tests.chat import _model_wire as model_wire

KEY = "sk-SENTINEL-sending-0123"
MESSAGES = [HumanMessage("hi")]


class Wire(model_wire.Wire):
    """Answers like OpenAI (a JSON reply, or SSE chunks when asked to stream)."""

    def handler(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if not body.get("stream"):
            return super().handler(request)
        self.requests.append(request)
        usage = {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
        events = [
            {"id": "c", "model": body["model"], "choices": [{"index": 0, "delta": d}]}
            for d in ({"role": "assistant", "content": "h"}, {"content": "i"})
        ]
        events.append({"id": "c", "model": body["model"], "choices": [], "usage": usage})
        sse = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
        return httpx.Response(200, text=sse, headers={"content-type": "text/event-stream"})


def model_over(wire: Wire, **settings: Any) -> ChatModel:
    transport = httpx.MockTransport(wire.handler)
    return ChatModel(
        OpenAIAdapter(api_key=KEY),
        f"gpt-sending-{uuid.uuid4().hex[:8]}",  # a budget of its own
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        **settings,
    )


# --- the request --------------------------------------------------------------------------


def test_a_model_without_an_adapter_cannot_build_a_request() -> None:
    with pytest.raises(NotImplementedError, match="FakeChatModel has no adapter"):
        sending.http_request(FakeChatModel(), MESSAGES, FakeChatModel()._settings({}), stream=False)


def test_extra_headers_are_added_to_the_adapters_headers_keeping_their_type() -> None:
    model = ChatModel(OpenAIAdapter(api_key=KEY), "gpt-x", extra_headers={"x-app": "a"})
    bare = ChatModel(OpenAIAdapter(api_key=KEY), "gpt-x")
    _, plain = sending.http_request(bare, MESSAGES, bare._settings({}), stream=False)
    adapter, request = sending.http_request(model, MESSAGES, model._settings({}), stream=True)
    assert adapter is model.adapter
    assert request.headers["x-app"] == "a"
    assert request.headers["Authorization"] == plain.headers["Authorization"]
    assert type(request.headers) is type(plain.headers) is MaskedHeaders  # keys stay masked
    assert "x-app" not in plain.headers and request.json["stream"] is True


@pytest.mark.parametrize("sync", [True, False])
async def test_a_calls_extra_query_is_added_to_the_url_and_a_bound_one_kept(sync: bool) -> None:
    wire = Wire()
    model = model_over(wire).bind(extra_query={"a": "1", "b": "x"})
    await model_wire.invoke(model, "hi", sync, extra_query={"b": "y", "on": True})
    await model_wire.stream(model, "hi", sync)
    queries = [str(request.url.query, "ascii") for request in wire.requests]
    assert queries == ["a=1&b=y&on=true", "a=1&b=x"]  # the call's over the bound, per call


def test_a_query_value_named_like_a_key_is_sent_but_never_shown() -> None:
    model = ChatModel(OpenAIAdapter(api_key=KEY), "gpt-x").bind(extra_query={"sig": "s-1"})
    _, request = sending.http_request(model, MESSAGES, model._settings({}), stream=False)
    assert request.url.endswith("?sig=***") and "s-1" not in repr(request)
    assert request.secret_url is not None and request.secret_url.get().endswith("?sig=s-1")


def test_extra_query_is_refused_on_a_signed_request_before_it_is_sent() -> None:
    class Signed(OpenAIAdapter):
        def build_request(self, *args: Any, **kwargs: Any) -> HTTPRequest:
            request = super().build_request(*args, **kwargs)
            return dataclasses.replace(request, content=b"{}")  # as AWS's, signed over them

    model = ChatModel(Signed(api_key=KEY), "gpt-x")
    with pytest.raises(ValueError, match="extra_query"):
        model.invoke("hi", extra_query={"a": 1})
    with pytest.raises(TypeError, match="extra_query must be a mapping"):
        model.invoke("hi", extra_query=5)


class Authorizing(OpenAIAdapter):
    """An adapter with per-call tokens (as Azure's Entra ID one) and one per model."""

    def authorize(self, request: HTTPRequest) -> HTTPRequest:
        return dataclasses.replace(request, headers={**request.headers, "x-token": "sync"})

    def for_model(self, model: str) -> Authorizing:
        chosen = Authorizing(api_key=KEY)
        chosen.chosen_for = model  # type: ignore[attr-defined]
        return chosen


def test_sync_calls_are_authorised_when_built_async_ones_when_sent() -> None:
    model = ChatModel(Authorizing(api_key=KEY), "gpt-x")
    adapter, request = sending.http_request(model, MESSAGES, model._settings({}), stream=False)
    assert request.headers["x-token"] == "sync"
    assert adapter is not model.adapter and adapter.chosen_for == "gpt-x"  # type: ignore[attr-defined]
    settings = model._settings({})
    _, request = sending.http_request(model, MESSAGES, settings, stream=False, sync=False)
    assert "x-token" not in request.headers


class AsyncAuthorizing(OpenAIAdapter):
    async def aauthorize(self, request: HTTPRequest) -> HTTPRequest:
        return dataclasses.replace(request, headers={**request.headers, "x-token": "async"})


def request_of(adapter: OpenAIAdapter) -> HTTPRequest:
    model = ChatModel(adapter, "gpt-x")
    return sending.http_request(model, MESSAGES, model._settings({}), stream=False, sync=False)[1]


async def test_aauthorized_prefers_the_async_hook_then_the_sync_one() -> None:
    for adapter, token in [
        (AsyncAuthorizing(api_key=KEY), "async"),
        (Authorizing(api_key=KEY), "sync"),
    ]:
        authorized = await sending.aauthorized(adapter, request_of(adapter))
        assert authorized.headers["x-token"] == token
    plain = OpenAIAdapter(api_key=KEY)
    request = request_of(plain)
    assert await sending.aauthorized(plain, request) is request


async def test_aauthorized_stream_authorises_before_opening_and_closes_the_inner_stream() -> None:
    opened: list[HTTPRequest] = []
    closed: list[bool] = []

    async def chunks(request: HTTPRequest) -> AsyncIterator[AIMessageChunk]:
        opened.append(request)
        try:
            yield AIMessageChunk(content="a")
            yield AIMessageChunk(content="b")
        finally:
            closed.append(True)

    plain = OpenAIAdapter(api_key=KEY)
    unwrapped = chunks(request_of(plain))
    assert sending.aauthorized_stream(plain, request_of(plain), lambda _: unwrapped) is unwrapped

    adapter = AsyncAuthorizing(api_key=KEY)
    stream = sending.aauthorized_stream(adapter, request_of(adapter), chunks)
    assert opened == []  # nothing is asked for before the stream is read
    async for chunk in stream:
        assert chunk.content == "a"
        break
    await stream.aclose()  # type: ignore[attr-defined]
    assert opened[0].headers["x-token"] == "async" and closed == [True]


# --- what a call runs under -------------------------------------------------------------


def test_the_budget_is_shared_capped_by_max_retry_after_or_absent() -> None:
    wire = Wire()
    model = model_over(wire, max_retry_after=5.0)
    assert model.adapter is not None
    settings = model._settings({})
    budget = sending.budget_for(model, model.adapter, settings)
    assert budget is not None and budget.max_pause == 5.0
    assert sending.budget_for(model, model.adapter, settings) is budget  # one per key
    unlimited = model.bind(rate_limit=False)
    assert sending.budget_for(unlimited, model.adapter, settings) is None


def test_watched_reports_to_the_calls_run_only_when_one_listens() -> None:
    retry, budget = retry_policy(1), object()
    assert sending.watched({}, retry, budget) == (retry, budget)

    class Listening:
        def on_retry(self, retry_state: Any, **kw: Any) -> None: ...

        def on_rate_limit_wait(self, seconds: float, **kw: Any) -> None: ...

    class Run:  # a ChatModelRun's face (a RecordedChatRun's records its retries itself)
        handlers: list[Any] = [Listening()]
        records_retries = False

    config: RunnableConfig = {"_chat_run": Run()}  # type: ignore[typeddict-unknown-key]
    observed_retry, observed_budget = sending.watched(config, retry, budget)
    assert isinstance(observed_retry, ObservedRetry)
    assert isinstance(observed_budget, ObservedBudget)
    Run.handlers = [object()]  # a handler that hears neither: nothing to wrap for
    assert sending.watched(config, retry, budget) == (retry, budget)


def test_replies_are_priced_under_the_presets_name_else_the_wire() -> None:
    adapter = OpenAIAdapter(api_key=KEY)
    assert sending.priced_as(adapter) == "openai"
    adapter.price_provider = "groq"  # type: ignore[attr-defined]
    assert sending.priced_as(adapter) == "groq"


# --- sent and streamed --------------------------------------------------------------------


def call(model: ChatModel, *, stream: bool, sync: bool) -> sending.Outgoing:
    settings = model._settings({})
    return sending.outgoing(model, MESSAGES, settings, RunnableConfig(), stream=stream, sync=sync)


@pytest.mark.parametrize("sync", [True, False])
async def test_post_and_a_cached_post(sync: bool) -> None:
    wire = Wire()
    model, cache = model_over(wire), InMemoryCache()
    out = call(model, stream=False, sync=sync)
    if sync:
        replies = [sending.post(out), sending.cached_post(out, cache)]
        replies.append(sending.cached_post(out, cache))
    else:
        replies = [await sending.apost(out)]
        replies.append(await sending.acached_post(out, cache))
        replies.append(await sending.acached_post(out, cache))
    assert [r.text for r in replies] == ["hi"] * 3
    assert len(wire.requests) == 2  # the third reply came from the cache


@pytest.mark.parametrize("sync", [True, False])
async def test_open_stream_and_a_cached_stream(sync: bool) -> None:
    wire = Wire()
    model, cache = model_over(wire), InMemoryCache()
    out = call(model, stream=True, sync=sync)
    texts = []
    for opened in range(3):
        if sync:
            chunks = sending.open_stream(out) if opened == 0 else sending.cached_stream(out, cache)
            texts.append("".join(c.text for c in chunks))
        else:
            achunks = (
                sending.aopen_stream(out) if opened == 0 else sending.acached_stream(out, cache)
            )
            texts.append("".join([c.text async for c in achunks]))
    assert texts == ["hi"] * 3
    assert len(wire.requests) == 2  # the third stream was replayed from the cache


def test_only_a_dropins_stream_passes_its_opening_chunks_on_as_they_come() -> None:
    """Under chatplex's own name a stream's metadata-only chunks wait for its content (a
    failure before any is retried unseen); a drop-in's go out as they come, as its
    partner's SDK yields them."""
    model = model_over(Wire())
    retry = sending.retry_policy_for(model)
    assert sending._bounds(call(model, stream=True, sync=True), retry)["hold_opening"]
    model.partner_words = True  # what a drop-in sets on its engine
    assert not sending._bounds(call(model, stream=True, sync=True), retry)["hold_opening"]


def test_a_dropins_request_carries_its_sdks_first_attempt_and_retries_restamp_it() -> None:
    """The partner SDK's per-attempt headers: the first attempt's in the request (the
    read timeout from the model's, made once per timeout), the retry count set again
    before each retry (`retry_headers`); one given is kept and never set again; chatplex's
    own family has neither."""
    model = model_over(Wire(), timeout=30.0)  # (a drop-in's engine holds its partner's float)
    own = call(model, stream=False, sync=True)
    assert own.retry_headers is None and "retry_headers" not in sending._bounds(own, None)
    assert not [h for h in own.request.headers if h.lower().startswith("x-stainless")]
    model.sdk_headers = partner_headers("ChatOpenAI")  # what a drop-in's engine holds
    out = call(model, stream=False, sync=True)
    assert out.request.headers["x-stainless-retry-count"] == "0"
    assert out.request.headers["x-stainless-read-timeout"] == "30.0"
    assert out.retry_headers is not None and out.retry_headers(2, None) == [
        ("x-stainless-retry-count", "2")
    ]
    assert sending._bounds(out, None)["retry_headers"] is out.retry_headers
    for timeout, written in ((5.0, "5.0"), (5, "5"), (5.0, "5.0")):  # (5 == 5.0: kept apart)
        model.timeout = timeout
        headers = call(model, stream=False, sync=True).request.headers
        assert headers["x-stainless-read-timeout"] == written
    model.extra_headers = {"X-Stainless-Retry-Count": "9"}
    given = call(model, stream=False, sync=True)
    assert given.request.headers["X-Stainless-Retry-Count"] == "9"
    assert "x-stainless-retry-count" not in given.request.headers and given.retry_headers is None
