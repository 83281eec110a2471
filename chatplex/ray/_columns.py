"""The columns chatplex.ray adds to every row: what the runnable answered, or why not.

A row's outcome is data, not a failed task: `text` and `usage` (and `cost`, when the
reply's price is known) for an answer, `error` for a row whose runnable raised (after its
own retries), so one bad input never fails a batch nor drops its neighbours.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from ..secret.urls import redact_urls_in

__all__ = ["OUTPUT_COLUMNS", "USAGE_TYPE", "Outcome", "outcome_columns", "row_outcome"]

USAGE_TYPE = pa.struct(
    [("input_tokens", pa.int64()), ("output_tokens", pa.int64()), ("total_tokens", pa.int64())]
)
OUTPUT_COLUMNS: dict[str, pa.DataType] = {
    "text": pa.string(),
    "usage": USAGE_TYPE,
    "cost": pa.float64(),
    "error": pa.string(),
}

#: (text, usage, cost, error) of one row.
Outcome = tuple["str | None", "dict[str, int] | None", "float | None", "str | None"]


def row_outcome(result: Any) -> Outcome:
    """One row's outcome from what its runnable returned or raised."""
    if isinstance(result, BaseException):
        # (masked as `chatplex run` writes its error rows: a client's error may quote
        # the URL it was given, with its user info or `?key=`)
        return None, None, None, redact_urls_in(f"{type(result).__name__}: {result}")
    usage = getattr(result, "usage_metadata", None)
    used = None
    if usage:
        used = {name: int(usage.get(name) or 0) for name in USAGE_TYPE.names}
    return _text(result), used, _cost(result), None


def outcome_columns(outcomes: Sequence[Outcome]) -> dict[str, pa.Array]:
    """The outcome columns, typed the same in every batch (a batch of errors only still
    has a struct `usage` column), so batches concatenate and write as one table."""
    return {
        name: pa.array([o[i] for o in outcomes], type=kind)
        for i, (name, kind) in enumerate(OUTPUT_COLUMNS.items())
    }


def _text(result: Any) -> str:
    if isinstance(result, str):
        return result
    text = getattr(result, "text", None)
    if isinstance(text, str):
        return text
    if callable(text):
        value = text()
        if isinstance(value, str):
            return value
    return json.dumps(result, default=str)


def _cost(result: Any) -> float | None:
    """The reply's price in USD (`chatplex.chat.reply_cost`: the maintained price table);
    null when the price is unknown (a model the table does not list, no usage)."""
    if getattr(result, "response_metadata", None) is None:
        return None  # not a reply (a chain's parsed output): nothing to price
    from ..chat import reply_cost

    cost = reply_cost(result)
    return None if cost is None else float(cost["total"])
