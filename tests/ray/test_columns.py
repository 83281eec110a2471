"""Each row's outcome as typed columns (chatplex/ray/_columns.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("ray", reason="needs Ray: pip install 'chatplex[ray]'")
pa = pytest.importorskip("pyarrow")

from chatplex.messages import AIMessage  # noqa: E402
from chatplex.ray._columns import OUTPUT_COLUMNS  # noqa: E402
from chatplex.ray._columns import outcome_columns  # noqa: E402
from chatplex.ray._columns import row_outcome  # noqa: E402

pytestmark = pytest.mark.ray


def test_a_reply_gives_text_and_usage_an_exception_gives_error() -> None:
    reply = AIMessage(
        content="hi", usage_metadata={"input_tokens": 3, "output_tokens": 1, "total_tokens": 4}
    )
    assert row_outcome(reply) == (
        "hi",
        {"input_tokens": 3, "output_tokens": 1, "total_tokens": 4},
        None,
        None,
    )
    assert row_outcome(ValueError("bad input")) == (None, None, None, "ValueError: bad input")
    assert row_outcome("plain") == ("plain", None, None, None)
    assert row_outcome({"a": 1}) == ('{"a": 1}', None, None, None)


def test_an_error_quoting_a_url_shows_its_credentials_masked() -> None:
    """As `chatplex run`'s error rows: a client that is not chatplex's quotes the URL it
    was given (requests' "Max retries exceeded with url: /v1?key=...")."""
    secret = "sk-SENTINEL-9b7e21"
    error = ConnectionError(f"failed: https://u:{secret}@gw.example/v1/chat?key={secret}&a=1")
    shown = row_outcome(error)[3]
    assert shown == "ConnectionError: failed: https://***@gw.example/v1/chat?key=***&a=1"


def test_a_priced_reply_gives_its_cost_an_unknown_model_none() -> None:
    usage = {"input_tokens": 1000, "output_tokens": 200, "total_tokens": 1200}
    known = AIMessage(
        content="x",
        usage_metadata=usage,
        response_metadata={"model_name": "gpt-4o-mini", "provider": "openai"},
    )
    cost = row_outcome(known)[2]
    assert cost is not None and cost > 0
    unknown = AIMessage(
        content="x",
        usage_metadata=usage,
        response_metadata={"model_name": "no-such-model", "provider": "openai"},
    )
    assert row_outcome(unknown)[2] is None


def test_columns_have_one_type_even_for_a_batch_of_errors_only() -> None:
    only_errors = outcome_columns([row_outcome(RuntimeError("x"))] * 2)
    assert {name: column.type for name, column in only_errors.items()} == OUTPUT_COLUMNS
    table = pa.table(only_errors)
    assert table.column("error").to_pylist() == ["RuntimeError: x"] * 2
