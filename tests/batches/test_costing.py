"""Batch replies priced at batch rates (half the real-time price on both providers) and
counted in `track_usage()`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chatplex import track_usage
from chatplex.batches import costing
from chatplex.chat.accounting.cost import cost_of
from chatplex.messages import AIMessage

USAGE = {"input_tokens": 1000, "output_tokens": 200, "total_tokens": 1200}
CASES = [
    ("openai", "gpt-4o-mini", "https://api.openai.com/v1"),
    ("anthropic", "claude-3-5-haiku-latest", "https://api.anthropic.com"),
]


@pytest.mark.parametrize(("provider", "model", "url"), CASES, ids=["openai", "anthropic"])
def test_a_batch_reply_costs_half_the_real_time_price(provider: str, model: str, url: str) -> None:
    message = AIMessage("ok", usage_metadata=dict(USAGE), response_metadata={"model_name": model})
    with track_usage() as usage:
        costing.charge(message, provider, model, url)
    real_time = cost_of(USAGE, model, provider=provider, url=url)
    assert real_time is not None and real_time["total"] > 0
    batch = message.response_metadata["cost"]
    assert batch["total"] == pytest.approx(real_time["total"] / 2)
    assert usage.cost == pytest.approx(batch["total"]) and usage.total.requests == 1


def test_a_model_the_table_does_not_know_is_not_priced() -> None:
    message = AIMessage("ok", usage_metadata=dict(USAGE), response_metadata={})
    costing.charge(message, "openai", "no-such-model-xyz", None)
    assert message.response_metadata["cost"] is None


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_a_batch_job_costs_half_what_the_same_calls_cost_in_real_time(
    provider: str, make_model: Callable[..., Any], handle_dir: Path
) -> None:
    prompts = [f"say {word}" for word in ("alpha", "beta", "gamma", "delta")]
    model = make_model(provider)
    with track_usage() as real_time:
        model.batch(prompts)
    with track_usage() as batched:
        job = model.submit_batch(prompts)
        job.wait(poll_interval=0.02, timeout=30, progress=False)
        results = job.results()
    assert [r.text for r in results] == [f"Echo: {p}" for p in prompts]
    assert batched.total.input_tokens == real_time.total.input_tokens > 0
    assert batched.cost == pytest.approx(real_time.cost / 2) and batched.cost > 0
