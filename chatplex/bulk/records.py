"""The output rows of a bulk run: one JSON object per input row, a success or an error.

Success: `{"id", "text", "usage", "cost", "attempts", "latency_s", "cached"}`; `text` is
the reply's text, or for a structured output (a dict, a list, a pydantic model) the
JSON value itself. `usage` is the reply's `usage_metadata`, `cost` the USD total the
reply carries (`response_metadata["cost"]["total"]`, None when the price is unknown or
nothing priced it), `cached` whether a cache answered. `model` is added when the reply
names its model (routing: which model answered).

Error: `{"id", "error": {"type", "status", "message"}}`: the exception's class, the HTTP
status for provider errors (else None), and its message (provider errors are already
redacted by the http layer; URLs' credential-looking query values are masked here too).

These functions are the one place output rows are built, for any runner (the bulk run,
a provider Batch API job) that writes the same file.
"""

from __future__ import annotations

import json
from typing import Any

from ..messages import AIMessage
from ..secret import redact_urls_in

__all__ = ["encode", "error_record", "record_cost", "success_record"]

#: An error message is a diagnosis, not a payload: long bodies are cut.
_MAX_ERROR_MESSAGE = 2000


def _jsonable(output: Any) -> Any:
    dump = getattr(output, "model_dump", None)  # a pydantic model (structured output)
    if callable(dump):
        return dump(mode="json")
    if isinstance(output, (dict, list, str, int, float, bool)) or output is None:
        return output
    return str(output)


def record_cost(metadata: dict[str, Any]) -> float | None:
    """The USD cost a reply's metadata carries, None when unknown (read defensively:
    replies from before pricing existed carry no `cost`)."""
    cost = metadata.get("cost")
    if isinstance(cost, dict):
        total = cost.get("total")
        return float(total) if isinstance(total, (int, float)) else None
    return float(cost) if isinstance(cost, (int, float)) and not isinstance(cost, bool) else None


def success_record(row_id: str | int, output: Any, latency_s: float) -> dict[str, Any]:
    """The output row for a finished call's result."""
    if isinstance(output, AIMessage):
        meta = output.response_metadata
        record: dict[str, Any] = {
            "id": row_id,
            "text": output.text,
            "usage": dict(output.usage_metadata) if output.usage_metadata else None,
            "cost": record_cost(meta),
            "attempts": meta.get("attempts", 1),
            "latency_s": round(latency_s, 4),
            "cached": bool(meta.get("cached", False)),
        }
        if meta.get("model_name"):
            record["model"] = meta["model_name"]
        if output.tool_calls:
            record["tool_calls"] = [
                {"name": call["name"], "args": call["args"]} for call in output.tool_calls
            ]
        return record
    return {
        "id": row_id,
        "text": _jsonable(output),
        "usage": None,
        "cost": None,
        "attempts": None,
        "latency_s": round(latency_s, 4),
        "cached": False,
    }


def error_record(row_id: str | int, error: BaseException) -> dict[str, Any]:
    """The output row for a call that failed."""
    message = redact_urls_in(str(error))[:_MAX_ERROR_MESSAGE]
    status = getattr(error, "status", None)
    return {
        "id": row_id,
        "error": {
            "type": type(error).__name__,
            "status": status if isinstance(status, int) else None,
            "message": message,
        },
    }


def encode(record: dict[str, Any]) -> bytes:
    """One line of the output file (UTF-8, newline-terminated)."""
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
