"""Batch replies priced at batch rates and counted in track_usage: the seam to issue 15's
price table and trackers, exercised with stand-ins until that lands."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from chatplex.batches import costing
from chatplex.messages import AIMessage


def _reply() -> AIMessage:
    usage = {"input_tokens": 1000, "output_tokens": 200, "total_tokens": 1200}
    return AIMessage("ok", usage_metadata=usage, response_metadata={"model_name": "gpt-4o-mini"})


@pytest.fixture(autouse=True)
def _fresh_imports() -> Any:
    costing._optional.cache_clear()
    yield
    costing._optional.cache_clear()


def test_without_the_price_table_nothing_is_invented(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "chatplex.chat.cost", None)  # import fails
    message = _reply()
    costing.charge(message, "openai", "gpt-4o-mini", "https://api.openai.com/v1")
    assert "cost" not in message.response_metadata


def test_priced_at_batch_rates_and_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[dict[str, Any]] = []
    counted: list[AIMessage] = []

    def cost_of(usage: Any, model: str, **kwargs: Any) -> dict[str, Any]:
        asked.append({"model": model, **kwargs})
        return {"total": 0.5, "input": 0.3, "output": 0.2, "currency": "USD"}

    monkeypatch.setitem(sys.modules, "chatplex.chat.cost", types.SimpleNamespace(cost_of=cost_of))
    monkeypatch.setitem(
        sys.modules,
        "chatplex.chat.usage",
        types.SimpleNamespace(record_hit=lambda message, model: counted.append(message)),
    )
    message = _reply()
    costing.charge(message, "openai", "gpt-4o-mini", "https://api.openai.com/v1")
    assert message.response_metadata["cost"]["total"] == 0.5
    assert asked == [
        {
            "model": "gpt-4o-mini",
            "provider": "openai",
            "url": "https://api.openai.com/v1",
            "batch": True,
        }
    ]
    assert counted == [message]
