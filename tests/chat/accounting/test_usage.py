"""Usage and cost summed (chatplex/chat/accounting/usage.py): `track_usage()` sync and async, across
threads, tasks and the portal loop of sync `batch`; the callback handler; a `max_cost`
budget that stops new calls with `BudgetExceededError`."""

from __future__ import annotations

import asyncio
import pickle
import threading
import uuid
from typing import Any

import pytest

from chatplex import BudgetExceededError
from chatplex import InMemoryCache
from chatplex import UsageCallbackHandler
from chatplex import init_chat_model
from chatplex import track_usage
from chatplex.chat.accounting.cost import cost_of
from chatplex.chat.accounting.cost import reply_cost
from chatplex.testing import MockServer
from tests._calls import ask
from tests._calls import mock_model

parity = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])


@pytest.fixture(autouse=True)
def _fresh(mock: MockServer) -> None:
    mock.reset_stats()


def make(mock: MockServer, provider: str = "openai", **settings: Any) -> Any:
    settings.setdefault("api_key", f"sk-{uuid.uuid4().hex}")
    if provider == "openai":
        # A custom base URL: stream usage asked for explicitly, as with LangChain's.
        settings.setdefault("stream_usage", True)
    return mock_model(mock, provider, **settings)


@parity
async def test_track_usage_sums_requests_tokens_and_cost_per_model(
    mock: MockServer, sync: bool
) -> None:
    gpt, claude = make(mock, "openai"), make(mock, "anthropic")
    with track_usage() as usage:
        replies = [await ask(gpt, sync, "one"), await ask(gpt, sync, "two")]
        replies.append(await ask(claude, sync, "three"))
        if sync:
            replies.append(claude.invoke("four"))
            chunks = list(gpt.stream("five"))
        else:
            replies.append(await claude.ainvoke("four"))
            chunks = [c async for c in gpt.astream("five")]
    assert chunks
    assert sorted(usage.by_model) == ["claude-sonnet-4-5", "gpt-4o-mini"]
    g, c = usage.by_model["gpt-4o-mini"], usage.by_model["claude-sonnet-4-5"]
    assert (g.requests, c.requests) == (3, 2)
    gpt_replies = replies[:2]
    assert g.input_tokens >= sum(r.usage_metadata["input_tokens"] for r in gpt_replies)
    assert c.output_tokens == sum(r.usage_metadata["output_tokens"] for r in replies[2:])
    expected = sum(r.response_metadata["cost"]["total"] for r in replies)
    streamed = cost_of(
        {"input_tokens": g.input_tokens, "output_tokens": g.output_tokens},
        "gpt-4o-mini",
        provider="openai",
    )
    assert streamed is not None
    assert usage.cost == pytest.approx(
        expected + g.cost - sum(r.response_metadata["cost"]["total"] for r in gpt_replies)
    )
    assert usage.cost > 0 and usage.total.requests == 5 and usage.total.unpriced == 0
    assert usage.as_dict()["total"]["requests"] == 5
    # outside the block nothing is counted any more
    await ask(gpt, sync, "six")
    assert usage.total.requests == 5


def test_sync_batch_on_the_portal_and_threads_are_counted(mock: MockServer) -> None:
    model = make(mock)
    with track_usage() as usage:
        model.batch([f"b{i}" for i in range(20)])  # runs on the portal loop
        threads = [threading.Thread(target=model.invoke, args=(f"t{i}",)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
    # threads started by hand do not inherit the context: only batch's work is counted
    assert usage.total.requests == 20


async def test_tasks_created_inside_the_block_are_counted(mock: MockServer) -> None:
    model = make(mock)
    async with track_usage() as usage:
        await asyncio.gather(*(model.ainvoke(f"a{i}") for i in range(10)))
        await model.abatch([f"x{i}" for i in range(10)])
    assert usage.total.requests == 20


def test_trackers_nest_and_cache_hits_cost_nothing(mock: MockServer) -> None:
    model = make(mock, cache=InMemoryCache())
    with track_usage() as outer:
        model.invoke("n")
        with track_usage() as inner:
            model.invoke("n")
    assert outer.total.requests == 1 and outer.total.cached == 1
    assert inner.total.requests == 0 and inner.total.cached == 1 and inner.cost == 0


def test_unknown_prices_are_counted_apart(mock: MockServer) -> None:
    model = init_chat_model(
        "openai:local-llama", base_url=mock.openai_base_url, api_key="sk-unpriced"
    )
    with track_usage(max_cost=1e-9) as usage:
        model.invoke("a")
        model.invoke("b")  # an unknown price cannot spend the budget
    assert usage.total.unpriced == 2 and usage.cost == 0.0
    assert usage.total.input_tokens > 0


def test_the_callback_handler_counts_what_it_sees(mock: MockServer) -> None:
    handler = UsageCallbackHandler()
    model = make(mock)
    model.invoke("h1", config={"callbacks": [handler]})
    model.batch(["h2", "h3"], config={"callbacks": [handler]})
    model.invoke("h4")  # not given the handler
    t = handler.tracker.total
    assert t.requests == 3 and t.cost > 0


async def test_the_callback_handler_async_and_streams(mock: MockServer) -> None:
    handler = UsageCallbackHandler()
    model = make(mock)
    await model.ainvoke("x", config={"callbacks": [handler]})
    async for _ in model.astream("y", config={"callbacks": [handler]}):
        pass
    assert handler.tracker.total.requests == 2


@parity
async def test_max_cost_stops_new_calls_at_the_budget(mock: MockServer, sync: bool) -> None:
    model = make(mock)
    one = reply_cost(await ask(model, sync, "probe"))["total"]  # type: ignore[index]
    budget = one * 3.5
    with track_usage(max_cost=budget) as usage:
        sent = 0
        with pytest.raises(BudgetExceededError) as info:
            for _ in range(100):
                await ask(model, sync, "probe")
                sent += 1
    assert sent == 4  # 3 calls stay under the budget, the 4th crosses it, the 5th is refused
    assert info.value.max_cost == budget and info.value.spent >= budget
    assert not info.value.retryable
    assert usage.total.requests == 4
    assert pickle.loads(pickle.dumps(info.value)).spent == info.value.spent


@parity
async def test_max_cost_in_a_batch_refuses_the_calls_after_the_budget(
    mock: MockServer, sync: bool
) -> None:
    model = make(mock)
    one = reply_cost(model.invoke("p"))["total"]  # type: ignore[index]
    with track_usage(max_cost=one * 10) as usage:
        values = [f"p{i}" for i in range(60)]
        config = {"max_concurrency": 4}
        if sync:
            out = await asyncio.to_thread(model.batch, values, config, return_exceptions=True)
        else:
            out = await model.abatch(values, config, return_exceptions=True)
    refused = [o for o in out if isinstance(o, BudgetExceededError)]
    assert refused and len(refused) < 60
    # in-flight calls finish once the budget is reached: at most max_concurrency over
    assert 10 <= usage.total.requests <= 10 + 4
    assert mock.stats.requests == 1 + usage.total.requests


def test_max_cost_with_the_callback_handler(mock: MockServer) -> None:
    model = make(mock)
    handler = UsageCallbackHandler(max_cost=1e-9)
    model.invoke("first")  # not tracked
    model.invoke("x", config={"callbacks": [handler]})  # nothing spent yet: allowed
    with pytest.raises(BudgetExceededError):
        model.invoke("y", config={"callbacks": [handler]})


def test_max_cost_is_validated_and_zero_allows_nothing(mock: MockServer) -> None:
    with pytest.raises(ValueError):
        track_usage(max_cost=-1)
    with track_usage(max_cost=0), pytest.raises(BudgetExceededError):
        make(mock).invoke("nothing may be spent")
    assert mock.stats.requests == 0
