"""Reply cost (chatplex/chat/accounting/cost.py): the same figures as the price table's own
calculator, cached input tokens and batch prices included; None when the price is
unknown; in `response_metadata["cost"]` of replies and merged streams; a lazy import."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
import respx
from genai_prices import Usage
from genai_prices import calc_price

import chatplex
import chatplex.langchain
from chatplex import init_chat_model
from chatplex import track_usage
from chatplex.chat.accounting.cost import cost_of
from chatplex.chat.accounting.cost import load_prices
from chatplex.chat.accounting.cost import price_table_version
from chatplex.chat.accounting.cost import reply_cost
from chatplex.testing import MockServer
from tests._calls import ask
from tests._calls import ask_merged
from tests._fresh import fresh_python
from tests._replies import chat_completion

parity = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])

CASES = [
    # provider, model, input, cache read, cache write, output
    ("openai", "gpt-4o-mini", 1000, 0, 0, 200),
    ("openai", "gpt-4o-mini-2024-07-18", 12_000, 8_000, 0, 345),
    ("openai", "gpt-4o", 5_000, 1_024, 0, 900),
    ("openai", "gpt-5", 30_000, 20_000, 0, 4_000),
    ("openai", "o3-mini", 700, 0, 0, 6_000),
    ("anthropic", "claude-sonnet-4-5", 2_000, 0, 0, 500),
    ("anthropic", "claude-sonnet-4-5-20250929", 9_000, 6_000, 2_000, 700),
    ("anthropic", "claude-sonnet-4-5", 250_000, 3_000, 1_000, 2_000),  # above the 200k tier
    ("anthropic", "claude-3-5-haiku-latest", 4_000, 1_000, 500, 300),
]


def usage(inp: int, read: int, write: int, out: int) -> dict[str, Any]:
    details = {k: v for k, v in (("cache_read", read), ("cache_creation", write)) if v}
    out_usage: dict[str, Any] = {
        "input_tokens": inp,
        "output_tokens": out,
        "total_tokens": inp + out,
    }
    if details:
        out_usage["input_token_details"] = details
    return out_usage


@pytest.mark.parametrize("batch", [False, True], ids=["standard", "batch"])
@pytest.mark.parametrize(("provider", "model", "inp", "read", "write", "out"), CASES)
def test_the_same_figures_as_the_price_tables_calculator(
    provider: str, model: str, inp: int, read: int, write: int, out: int, batch: bool
) -> None:
    counts = Usage(
        input_tokens=inp, cache_read_tokens=read, cache_write_tokens=write, output_tokens=out
    )
    context = {"processing": "batch"} if batch else None
    expected = calc_price(counts, model, provider_id=provider, price_context=context)
    factor = 1.0
    if (
        batch
        and expected.total_price == calc_price(counts, model, provider_id=provider).total_price
    ):
        factor = 0.5  # the table lists no batch price: the Batch APIs' documented 50% off
    for _ in range(2):  # the first builds the plan, the second uses it
        cost = cost_of(usage(inp, read, write, out), model, provider=provider, batch=batch)
        assert cost is not None
        assert cost["currency"] == "USD"
        for ours, theirs in (
            ("total", "total_price"),
            ("input", "input_price"),
            ("output", "output_price"),
        ):
            want = float(getattr(expected, theirs)) * factor
            assert cost[ours] == pytest.approx(want, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("provider", "model"),
    [
        ("openai", "gpt-4o-mini"),
        ("anthropic", "claude-sonnet-4-5"),
        ("anthropic", "claude-3-5-haiku-latest"),
    ],  # the table lists no batch price for haiku
)
def test_batch_is_half_price_on_every_model(provider: str, model: str) -> None:
    real_time = cost_of(usage(9_000, 0, 0, 700), model, provider=provider)
    batch = cost_of(usage(9_000, 0, 0, 700), model, provider=provider, batch=True)
    assert real_time and batch
    assert batch["total"] == pytest.approx(real_time["total"] / 2, rel=1e-9)


def test_cached_input_is_cheaper_and_batch_is_half() -> None:
    plain = cost_of(usage(10_000, 0, 0, 0), "gpt-4o-mini", provider="openai")
    cached = cost_of(usage(10_000, 10_000, 0, 0), "gpt-4o-mini", provider="openai")
    batch = cost_of(usage(10_000, 0, 0, 0), "gpt-4o-mini", provider="openai", batch=True)
    assert plain and cached and batch
    assert cached["total"] < plain["total"]
    assert batch["total"] == pytest.approx(plain["total"] / 2)


def test_unknown_prices_are_none_not_zero() -> None:
    assert cost_of(usage(10, 0, 0, 10), "no-such-model-xyz", provider="openai") is None
    assert cost_of(usage(10, 0, 0, 10), "gpt-4o-mini", provider="nobody-knows") is None
    assert cost_of(None, "gpt-4o-mini", provider="openai") is None
    assert cost_of({"input_tokens": 1}, "gpt-4o-mini", provider="openai") is None


def test_the_url_picks_the_price_list_of_the_server() -> None:
    azure = "https://me.openai.azure.com/openai/deployments/d/chat/completions"
    official = cost_of(usage(1000, 0, 0, 100), "gpt-4o", provider="openai")
    via_url = cost_of(usage(1000, 0, 0, 100), "gpt-4o", provider="openai", url=azure)
    expected = calc_price(
        Usage(input_tokens=1000, output_tokens=100), "gpt-4o", provider_id="azure"
    )
    assert via_url is not None and official is not None
    assert via_url["total"] == pytest.approx(float(expected.total_price))


def test_the_table_is_loaded_lazily() -> None:
    code = "import sys, chatplex; print('genai_prices' in sys.modules)"
    out = fresh_python(code)
    assert out.stdout.strip() == "False"
    assert load_prices() is True
    assert price_table_version()


# ---- on replies ---------------------------------------------------------------------------


def make(mock: MockServer, provider: str, model: str) -> Any:
    base = mock.openai_base_url if provider == "openai" else mock.anthropic_base_url
    # A custom base URL: stream usage asked for explicitly, as with LangChain's.
    usage = {"stream_usage": True} if provider == "openai" else {}
    return init_chat_model(
        f"{provider}:{model}", base_url=base, api_key=f"sk-{uuid.uuid4()}", **usage
    )


@pytest.mark.parametrize(
    ("provider", "model"), [("openai", "gpt-4o-mini"), ("anthropic", "claude-sonnet-4-5")]
)
@parity
async def test_replies_and_merged_streams_carry_the_same_cost(
    mock: MockServer, provider: str, model: str, sync: bool
) -> None:
    chat = make(mock, provider, model)
    with track_usage():
        reply = await ask(chat, sync, "price me")
        streamed = await ask_merged(chat, sync, "price me")
    expected = cost_of(reply.usage_metadata, model, provider=provider)
    assert expected is not None and expected["total"] > 0
    assert reply.response_metadata["cost"] == expected
    assert streamed.response_metadata["cost"] == expected
    assert reply_cost(reply) == reply_cost(streamed) == expected


@parity
async def test_outside_a_tracker_replies_are_not_priced_until_asked(
    mock: MockServer, sync: bool
) -> None:
    """No tracker: no table loaded for nothing; `reply_cost` prices a reply afterwards."""
    reply = await ask(make(mock, "anthropic", "claude-sonnet-4-5"), sync, "later")
    streamed = await ask_merged(make(mock, "openai", "gpt-4o-mini"), sync, "later")
    assert "cost" not in reply.response_metadata and "cost" not in streamed.response_metadata
    expected = cost_of(reply.usage_metadata, "claude-sonnet-4-5", provider="anthropic")
    assert expected is not None and reply_cost(reply) == expected
    assert reply_cost(streamed) == cost_of(
        streamed.usage_metadata, "gpt-4o-mini", provider="openai"
    )


@parity
async def test_an_unknown_model_costs_none(mock: MockServer, sync: bool) -> None:
    with track_usage() as usage:
        reply = await ask(make(mock, "openai", "my-local-llama"), sync, "x")
    assert reply.usage_metadata is not None
    assert reply.response_metadata["cost"] is None and reply_cost(reply) is None
    assert usage.total.unpriced == 1 and usage.cost == 0


async def test_cached_input_tokens_reported_by_the_provider_are_priced() -> None:
    usage = {
        "prompt_tokens": 5000,
        "completion_tokens": 20,
        "total_tokens": 5020,
        "prompt_tokens_details": {"cached_tokens": 4096},
    }
    body = chat_completion("hi", model="gpt-4o-mini-2024-07-18", usage=usage)
    async with respx.mock(assert_all_called=True) as router:
        router.post("https://api.openai.com/v1/chat/completions").mock(
            return_value=httpx.Response(200, json=body)
        )
        model = init_chat_model("openai:gpt-4o-mini", api_key="sk-respx")
        with track_usage():
            reply = await model.ainvoke("hi")
    expected = calc_price(
        Usage(input_tokens=5000, cache_read_tokens=4096, output_tokens=20),
        "gpt-4o-mini-2024-07-18",
        provider_id="openai",
    )
    assert reply.response_metadata["cost"]["total"] == pytest.approx(float(expected.total_price))
    assert asyncio.iscoroutinefunction(model.ainvoke)


async def test_a_langchain_dropins_reply_is_priced_by_its_model_provider(mock: MockServer) -> None:
    """A drop-in's reply carries its partner's keys only (no `provider`): its
    `model_provider` names the price list, sync and async."""
    pytest.importorskip("langchain_core")
    model = chatplex.langchain.ChatAnthropic(
        model="claude-sonnet-4-5", api_key="sk-x", base_url=mock.anthropic_base_url
    )
    for reply in (model.invoke("price me"), await model.ainvoke("price me")):
        assert "provider" not in reply.response_metadata
        expected = cost_of(reply.usage_metadata, "claude-sonnet-4-5", provider="anthropic")
        assert expected is not None and reply_cost(reply) == expected
