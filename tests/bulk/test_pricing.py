from __future__ import annotations

from pathlib import Path

import pytest

from chatplex import ChatModel
from chatplex import init_chat_model
from chatplex.bulk import run
from chatplex.bulk.pricing import is_budget_stop
from chatplex.bulk.pricing import pricing
from chatplex.errors import BudgetExceededError
from chatplex.testing import MockServer

from .conftest import read_output
from .conftest import rows_in_and_out


def test_budget_errors_are_recognised_and_others_not() -> None:
    assert not is_budget_stop(ValueError("x"))
    assert is_budget_stop(BudgetExceededError("spent", spent=1.0, max_cost=1.0))


def test_replies_inside_the_block_are_priced(server: MockServer) -> None:
    model = init_chat_model("openai:gpt-4o-mini", base_url=server.url, api_key="sk-mock")
    assert "cost" not in model.invoke("outside").response_metadata
    with pricing(None):
        cost = model.invoke("inside").response_metadata["cost"]
    assert cost["total"] > 0 and cost["currency"] == "USD"


def _run_of(
    tmp_path: Path, server: MockServer, rows: int, model: str
) -> tuple[Path, Path, ChatModel]:
    """A source file of `rows` rows, the output path, and `model` on the mock server."""
    source, out = rows_in_and_out(tmp_path, rows)
    return source, out, init_chat_model(model, base_url=server.url, api_key="sk-mock")


def test_max_cost_stops_the_run_and_the_next_run_carries_on(
    tmp_path: Path, server: MockServer
) -> None:
    source, out, model = _run_of(tmp_path, server, 200, "openai:gpt-4o-mini")
    with pricing(None):
        one_row = model.invoke("Say row 100").response_metadata["cost"]["total"]
    sent_before = server.stats.requests
    budget = one_row * 10  # about ten rows' worth
    summary = run(
        model,
        source,
        output=out,
        prompt="Say {text}",
        concurrency=4,
        max_cost=budget,
        progress=False,
    )
    assert summary.stop_reason == "cost budget reached"
    assert 10 <= summary.succeeded < 200 and summary.failed == 0
    # Every call sent was a finished row: a refused call never reached the server.
    assert server.stats.requests - sent_before == summary.succeeded == len(read_output(out))
    # Calls already in flight when the budget was reached finish: at most the window over.
    assert summary.cost is not None and budget <= summary.cost <= budget + 5 * one_row
    rest = run(model, source, output=out, prompt="Say {text}", progress=False)
    assert rest.complete and rest.skipped == summary.succeeded
    assert len({r["id"] for r in read_output(out)}) == 200


def test_max_cost_must_be_positive(tmp_path: Path) -> None:
    model = init_chat_model("openai:gpt-4o-mini", base_url="http://127.0.0.1:9", api_key="k")
    for budget in (0, float("nan")):
        with pytest.raises(ValueError, match="max_cost must be positive"):
            run(model, [], output=tmp_path / "o.jsonl", max_cost=budget, progress=False)


def test_a_budget_over_a_model_without_a_price_stops_the_run(
    tmp_path: Path, server: MockServer
) -> None:
    # Its replies cost an unknown amount: a budget cannot count them, so the run stops at
    # the first one instead of running every row past the budget.
    source, out, model = _run_of(tmp_path, server, 100, "openai:my-finetune")
    summary = run(
        model, source, output=out, prompt="Say {text}", concurrency=4, max_cost=1e-6, progress=False
    )
    assert summary.fault == "setup" and summary.stop_reason is not None
    assert "no price for my-finetune" in summary.stop_reason
    assert 1 <= summary.succeeded <= 4 and summary.cost is None  # at most the window's rows
    assert len(read_output(out)) == summary.succeeded == server.stats.requests
    # Without a budget the same model runs every row.
    rest = run(model, source, output=out, prompt="Say {text}", progress=False)
    assert rest.complete and rest.fault is None
